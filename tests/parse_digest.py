"""A canonical digest of what the parser reads from a fixed corpus: every figure (value as
printed, applicant, line, approximate, origin, recovered, note), every warning and check, era,
agency, year, and every error, report by report.

It pins the parser's output so that a speed-up can be shown to change nothing. The corpus is
the seed reports (content/reports), the invalid fixtures (tests/invalid), a small synthetic
corpus (every era and layout, some broken), and variants of its reports damaged the way real
extractions are (cells run together, the whole text on one line, full-width digits, a cell
dropped, the text cut off inside a table), so the warning and error paths are pinned too.

tests/test_parse_digest.py compares against tests/data/parse_digest.txt. When the parser's
output is meant to change, regenerate that file on purpose and review the diff:

    python tests/parse_digest.py --write            # rewrite tests/data/parse_digest.txt
    python tests/parse_digest.py --show PATH        # one report's canonical text (PATH as listed)
    python tests/parse_digest.py --full OUT.txt     # every report's canonical text, to diff two versions
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIGEST_FILE = ROOT / "tests" / "data" / "parse_digest.txt"

SYNTH_AGENCIES = 6
SYNTH_YEARS = "2014-2024"
SYNTH_SEED = 11
SYNTH_REPORTS = 60
SYNTH_BROKEN = 0.15
VARIANT_SEED = 4


def canonical_report(report) -> list[str]:
    """One line per fact of a parsed Report, in the parser's own order."""
    out = [
        f"report\t{report.path}\t{report.agency}\t{report.year}\t{report.era}\t{report.has_stat_table}\t"
        f"{report.encoding}\t{report.title_line}\t{len(report.lines)}\t{report.original}\t"
        f"{sorted((report.line_labels or {}).items())}"
    ]
    for f in report.figures:
        # str(Decimal) keeps the exponent: 0 and 0.0 stay apart
        out.append(f"figure\t{f.metric}\t{f.applicant}\t{f.value}\t{f.line}\t{f.approximate}\t{f.origin}\t{f.recovered}\t{f.note}")
    for c in report.checks:
        out.append(f"check\t{c.rule}\t{c.applicant}\t{c.expected}\t{c.printed}\t{c.line}\t{c.description}")
    for w in report.warnings:
        out.append(f"warning\t{w.path}\t{w.line}\t{w.code}\t{w.metrics}\t{w.applicants}\t{w.message}")
    return out


def canonical(result) -> list[str]:
    from site_builder.exceptions import ReportError

    if isinstance(result, ReportError):
        return [f"error\t{result.path}\t{result.line}\t{result.message}"]
    return canonical_report(result)


# --- the corpus -------------------------------------------------------------------------

_GAP_BETWEEN_DIGITS = re.compile(r"(?<=\d)[ \t]+(?=\d)")
_NUMBER_LINE = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _glued(text: str, rng: random.Random) -> str:
    """Cells run together: the separators between numbers dropped on some rows, and runs of
    one-number lines (the one-cell-per-line layout) joined into one."""
    lines = text.split("\n")
    out: list[str] = []
    run: list[str] = []
    for line in lines + [None]:
        if line is not None and _NUMBER_LINE.match(line):
            run.append(line)
            continue
        if run:
            if len(run) >= 5 and rng.random() < 0.3:
                out.append("".join(x.strip() for x in run))
            else:
                out.extend(run)
            run = []
        if line is None:
            break
        out.append(_GAP_BETWEEN_DIGITS.sub("", line) if rng.random() < 0.3 else line)
    return "\n".join(out)


def _one_line(text: str, rng: random.Random) -> str:
    """Scraped web text: the whole body on one line, the title kept apart."""
    lines = [l.strip() for l in text.split("\n") if l.strip()]
    return lines[0] + "\n" + " ".join(lines[1:]) + "\n"


def _full_width(text: str, rng: random.Random) -> str:
    return text.translate(_FULL_WIDTH)


def _cell_dropped(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    numbers = [i for i, l in enumerate(lines) if _NUMBER_LINE.match(l) or re.search(r"\d\t\d", l)]
    if not numbers:
        return text
    i = rng.choice(numbers)
    if _NUMBER_LINE.match(lines[i]):
        del lines[i]
    else:
        cells = lines[i].split("\t")
        k = rng.choice([j for j, c in enumerate(cells) if re.fullmatch(r"\s*\d+\s*", c)])
        del cells[k]
        lines[i] = "\t".join(cells)
    return "\n".join(lines)


def _cut_off(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    start = next((i for i, l in enumerate(lines) if "本年新收" in l), len(lines) // 2)
    return "\n".join(lines[: rng.randint(start, len(lines))])


VARIANTS = (("glued", _glued), ("oneline", _one_line), ("fullwidth", _full_width),
            ("dropped", _cell_dropped), ("cut", _cut_off))


def build_corpus(folder: Path, reports: int = SYNTH_REPORTS) -> Path:
    """Write the digest's content folder into `folder` (seeds, invalid fixtures, synthetic
    reports and their damaged variants); returns it. `reports` other than the default makes a
    bigger corpus for checking by hand (the committed digest is of the default)."""
    from site_builder.readers.text import decode
    from site_builder.synth import generate, parse_years

    content = Path(folder)
    years = parse_years(SYNTH_YEARS)
    generate(content, agencies=max(SYNTH_AGENCIES, -(-reports // len(years))), years=years, seed=SYNTH_SEED,
             reports=reports, broken_rate=SYNTH_BROKEN)
    reports = content / "reports"
    synth = sorted(reports.glob("*.txt"))
    for name, damage in VARIANTS:
        target = reports / name
        target.mkdir()
        for k, path in enumerate(synth):
            if k % len(VARIANTS) != VARIANTS.index((name, damage)) and name != "glued":
                continue  # every report glued; a fifth of them each other way
            rng = random.Random(f"{VARIANT_SEED}:{name}:{path.name}")
            text = decode(path.read_bytes(), path.name)[0]  # some are GB18030 or carry a BOM
            (target / path.name).write_text(damage(text.replace("\r\n", "\n"), rng), encoding="utf-8")
    seeds = reports / "seeds"
    shutil.copytree(ROOT / "content" / "reports", seeds)
    shutil.copytree(ROOT / "tests" / "invalid", reports / "invalid")
    return content


def digest_lines(content: Path) -> list[tuple[str, list[str]]]:
    """(cite path, canonical lines) for every report file of `content`, parsed afresh."""
    from site_builder.exceptions import ReportError
    from site_builder.load import parse_file, report_files

    out = []
    for path in report_files(content):
        try:
            result = parse_file(path, content)
        except ReportError as exc:
            result = exc
        out.append((path.relative_to(content).as_posix(), canonical(result)))
    return out


def summary(cite: str, lines: list[str]) -> str:
    """One line per report: its path, a hash of its canonical text, and counts to read."""
    h = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:20]
    kinds = [l.split("\t", 1)[0] for l in lines]
    head = lines[0].split("\t")
    era = head[4] if head[0] == "report" else "error"
    return (f"{cite}\t{h}\t{era}\tfigures={kinds.count('figure')}\tchecks={kinds.count('check')}\t"
            f"warnings={kinds.count('warning')}")


def current_digest(folder: Path | None = None) -> list[str]:
    if folder is None:
        with tempfile.TemporaryDirectory() as tmp:
            return current_digest(Path(tmp) / "content")
    return [summary(cite, lines) for cite, lines in digest_lines(build_corpus(folder))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="The parser's output digest (see the module docstring).")
    ap.add_argument("--write", action="store_true", help=f"rewrite {DIGEST_FILE.relative_to(ROOT)}")
    ap.add_argument("--show", metavar="PATH", help="print one report's canonical text")
    ap.add_argument("--full", metavar="OUT", type=Path, help="write every report's canonical text to OUT")
    ap.add_argument("--reports", type=int, default=SYNTH_REPORTS,
                    help=f"synthetic reports in the corpus (default {SYNTH_REPORTS}; only the default may be --write)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        content = build_corpus(Path(tmp) / "content", args.reports)
        parsed = digest_lines(content)
        if args.show:
            for cite, lines in parsed:
                if cite == args.show:
                    print("\n".join(lines))
                    return 0
            print(f"{args.show}: not in the digest corpus", file=sys.stderr)
            return 1
        if args.full:
            args.full.write_text("".join(l + "\n" for _, lines in parsed for l in lines), encoding="utf-8")
            print(f"wrote {args.full} ({len(parsed)} reports)")
        rows = [summary(cite, lines) for cite, lines in parsed]
        if args.write:
            if args.reports != SYNTH_REPORTS:
                ap.error("--write pins the default corpus only")
            DIGEST_FILE.write_text("".join(r + "\n" for r in rows), encoding="utf-8")
            print(f"wrote {DIGEST_FILE} ({len(rows)} reports)")
        elif not args.full:
            print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
