"""The parser's output on a fixed corpus is exactly what tests/data/parse_digest.txt records.

Every figure with its line, note and recovered flag, every warning, check and error, for the
seed reports, the invalid fixtures, 60 synthetic reports and their damaged variants (see
tests/parse_digest.py). Speed work on the parser must leave this unchanged. When a change to
what the parser reads is intended, regenerate the file on purpose and review its diff:

    python tests/parse_digest.py --write
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_digest import DIGEST_FILE, current_digest  # noqa: E402


def test_the_parse_of_the_digest_corpus_is_unchanged(tmp_path):
    want = DIGEST_FILE.read_text(encoding="utf-8").splitlines()
    got = current_digest(tmp_path / "content")
    assert len(want) > 150  # seeds, fixtures, synthetic reports and variants
    changed = [g for g, w in zip(got, want) if g != w]
    assert len(got) == len(want) and not changed, (
        f"{len(changed)} report(s) parse differently ({len(got)} vs {len(want)} reports), or the corpus changed "
        "(site_builder/synth.py writes most of it: a change there changes the digest too); "
        "see `python tests/parse_digest.py --show PATH`:\n" + "\n".join(changed[:10]))


def test_the_digest_sees_every_path_of_the_parser():
    """The corpus is worth pinning only if it reaches the eras, the errors, the warnings and the
    run-together splits."""
    rows = DIGEST_FILE.read_text(encoding="utf-8").splitlines()
    eras = {r.split("\t")[2] for r in rows}
    assert eras == {"pre2019", "2019", "2021", "error"}
    assert any("\twarnings=0" not in r for r in rows if r.startswith("reports/glued/"))
    assert any(r.startswith("reports/oneline/") for r in rows)
    assert any(r.startswith("reports/seeds/") for r in rows)
