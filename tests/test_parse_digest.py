"""The parser's output on a fixed corpus is exactly what the golden file tests/data/parse_golden/
records.

Every figure with its line, note and recovered flag, every warning, check and error, for the
seed reports, the invalid fixtures, 60 synthetic reports and their damaged variants (see
tests/parse_digest.py). Speed work on the parser must leave this unchanged; a change shows as
the reports and figures that differ. When a change to what the parser reads is intended,
regenerate the golden file on purpose and review its diff:

    python tests/parse_digest.py --update && git diff tests/data/parse_golden/
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_digest import GOLDEN_DIR, current_parse, differences, golden_texts, read_golden  # noqa: E402


def test_the_parse_of_the_digest_corpus_is_the_golden_file(tmp_path):
    want = read_golden()
    got = current_parse(tmp_path / "content")
    assert len(want) > 150  # seeds, fixtures, synthetic reports and variants
    diff = differences(want, got)
    assert not diff, (
        "\n".join(diff) + "\n(site_builder/tools/synth.py writes most of the corpus: a change there changes it too. "
        "If the change is meant: python tests/parse_digest.py --update, and review git diff tests/data/parse_golden/)")


def test_the_golden_files_are_what_an_update_writes(tmp_path):
    """Nothing hand-edited or left over: the files are exactly what --update writes."""
    written = golden_texts(read_golden())
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in GOLDEN_DIR.glob("*.tsv")}
    assert on_disk == written


def test_a_changed_figure_is_named_with_its_report_and_values():
    want = read_golden()
    cite, lines = next((c, l) for c, l in want if any(x.startswith("figure\t") for x in l))
    k = next(i for i, x in enumerate(lines) if x.startswith("figure\t"))
    cells = lines[k].split("\t")
    metric, applicant, value = cells[1], cells[2], cells[3]
    cells[3] = str(Decimal(value) + 1)
    changed = [(c, lines[:k] + ["\t".join(cells)] + lines[k + 1:] if c == cite else l) for c, l in want]
    diff = differences(want, changed)
    assert diff[0].startswith("1 of ")
    assert diff[1].startswith(f"{cite} (")
    assert diff[2] == f"    figure {metric} ({applicant}): value {value!r} -> {cells[3]!r}"
    assert differences(want, want) == []


def test_the_digest_sees_every_path_of_the_parser():
    """The corpus is worth pinning only if it reaches the eras, the errors, the warnings and the
    run-together splits."""
    reports = read_golden()
    heads = [lines[0].split("\t") for _, lines in reports]
    assert {h[4] if h[0] == "report" else "error" for h in heads} == {"pre2019", "2019", "2021", "error"}
    assert any(any(l.startswith("warning\t") for l in lines) for cite, lines in reports if cite.startswith("reports/glued/"))
    assert any('split from "' in l for _, lines in reports for l in lines)
    assert any(cite.startswith("reports/oneline/") for cite, _ in reports)
    assert any(cite.startswith("reports/seeds/") for cite, _ in reports)
