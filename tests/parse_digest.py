"""The parser's whole output on a fixed corpus, kept as a readable golden file: every figure
(value as printed, applicant, line, approximate, origin, recovered, note), every warning and
check, era, agency, year, and every error, report by report.

It pins the parser's output so that a speed-up can be shown to change nothing. The corpus is
the seed reports (content/reports), the invalid fixtures (tests/invalid), a small synthetic
corpus (every era and layout, some broken), and variants of its reports damaged the way real
extractions are (cells run together, the whole text on one line, full-width digits, a cell
dropped, the text cut off inside a table), so the warning and error paths are pinned too.

The golden file is one tab-separated text file per part of the corpus, tests/data/parse_golden/
<part>.tsv (synthetic, glued, oneline, fullwidth, dropped, cut, seeds, invalid): a report is a
`report` (or `error`) line and then one line per figure, check and warning, in the parser's own
order; each file's head names the columns. tests/test_parse_digest.py compares the parser's
output with it and prints the reports and figures that changed. When the parser's output is
meant to change, regenerate it on purpose and review the diff:

    python tests/parse_digest.py --update           # rewrite tests/data/parse_golden/*.tsv
    git diff tests/data/parse_golden/               # every figure that changed, as a line
    python tests/parse_digest.py                    # compare with the golden file (what the test does)
    python tests/parse_digest.py --show PATH        # one report's canonical text (PATH as listed)
    python tests/parse_digest.py --full OUT.txt     # every report's canonical text, to diff two versions
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_DIR = ROOT / "tests" / "data" / "parse_golden"

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
    from site_builder.tools.synth import generate, parse_years

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
    from site_builder.load.loader import parse_file, report_files

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


def current_parse(folder: Path | None = None) -> list[tuple[str, list[str]]]:
    """digest_lines() of the default corpus, built in `folder` (a temporary one if None)."""
    if folder is None:
        with tempfile.TemporaryDirectory() as tmp:
            return current_parse(Path(tmp) / "content")
    return digest_lines(build_corpus(folder))


# --- the golden file ----------------------------------------------------------------------

# The column names of each kind of line, in canonical_report()'s order (the files' heads).
COLUMNS = {
    "report": ("path", "agency", "year", "era", "has_stat_table", "encoding", "title_line", "lines",
               "original", "line_labels"),
    "figure": ("metric", "applicant", "value", "line", "approximate", "origin", "recovered", "note"),
    "check": ("rule", "applicant", "expected", "printed", "line", "description"),
    "warning": ("path", "line", "code", "metrics", "applicants", "message"),
    "error": ("path", "line", "message"),
}


def part_of(cite: str) -> str:
    """The golden file a report is kept in: the corpus folder it sits in, 'synthetic' for the
    synthetic reports themselves (reports/<name>)."""
    folders = cite.split("/")[1:-1]
    return folders[0] if folders else "synthetic"


def golden_texts(parsed: list[tuple[str, list[str]]]) -> dict[str, str]:
    """file name -> text of the golden file, for the parsed corpus (what --update writes)."""
    parts: dict[str, list[str]] = {}
    for cite, lines in parsed:
        for line in lines:
            if "\n" in line or "\r" in line:
                raise ValueError(f"{cite}: a line break inside one fact cannot be kept a line a fact: {line!r}")
        parts.setdefault(part_of(cite), []).append("\n".join(lines) + "\n")
    head = ["# What the parser reads from each report of this part of the digest corpus (tests/parse_digest.py).",
            "# Regenerate on purpose only: python tests/parse_digest.py --update (then review git diff).",
            "# A report is its 'report' or 'error' line, then a line per figure, check and warning:"]
    head += [f"# {kind}\t" + "\t".join(cols) for kind, cols in COLUMNS.items()]
    return {f"{part}.tsv": "\n".join(head) + "\n\n" + "\n".join(reports) for part, reports in parts.items()}


def read_golden(folder: Path = GOLDEN_DIR) -> list[tuple[str, list[str]]]:
    """(cite path, canonical lines) of every report the golden files hold, file by file."""
    out: list[tuple[str, list[str]]] = []
    for path in sorted(folder.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            kind, _, rest = line.partition("\t")
            if kind in ("report", "error"):
                out.append((rest.split("\t", 1)[0], []))
            elif not out:
                raise ValueError(f"{path}: a {kind!r} line before any report")
            out[-1][1].append(line)
    return out


def _fields(line: str) -> tuple[str, dict[str, str]]:
    kind, *values = line.split("\t")
    return kind, dict(zip(COLUMNS.get(kind, ()), values))


def _changed_facts(want: list[str], got: list[str]) -> list[str]:
    """The facts of one report that differ: a figure (or check) found in both with other values
    as 'field: old -> new', every other line as '- old' / '+ new'."""
    removed: list[str] = []
    added: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, want, got, autojunk=False).get_opcodes():
        if op != "equal":
            removed += want[i1:i2]
            added += got[j1:j2]
    out: list[str] = []

    def key(line: str):
        kind, f = _fields(line)
        return (kind, f.get("metric", f.get("rule")), f.get("applicant")) if kind in ("figure", "check") else None

    by_key = {key(l): l for l in added if key(l) is not None}
    paired: set[str] = set()
    for old in removed:
        new = by_key.get(key(old)) if key(old) is not None else None
        if new is None or new in paired:
            out.append(f"    - {old}")
            continue
        paired.add(new)
        kind, a = _fields(old)
        _, b = _fields(new)
        what = "; ".join(f"{c} {a[c]!r} -> {b.get(c)!r}" for c in a if a[c] != b.get(c))
        out.append(f"    {kind} {a.get('metric', a.get('rule'))} ({a['applicant']}): {what}")
    out += [f"    + {l}" for l in added if l not in paired]
    return out


def differences(want: list[tuple[str, list[str]]], got: list[tuple[str, list[str]]],
                reports: int = 10, facts: int = 12) -> list[str]:
    """A readable account of how `got` differs from `want` (both (cite, lines) per report): the
    first `reports` reports that differ, each with its first `facts` changed facts. Empty when
    they are the same."""
    wanted = dict(want)
    gotten = dict(got)
    out: list[str] = []
    differing = 0
    for cite in [c for c, _ in got] + [c for c, _ in want if c not in gotten]:
        old, new = wanted.get(cite), gotten.get(cite)
        if old == new:
            continue
        differing += 1
        if differing > reports:
            continue
        if old is None:
            out.append(f"{cite}: parsed, but not in the golden file ({part_of(cite)}.tsv)")
        elif new is None:
            out.append(f"{cite}: in the golden file ({part_of(cite)}.tsv), but no longer in the corpus")
        else:
            head = new[0].split("\t")
            what = " ".join(head[2:5]) if head[0] == "report" else "error"
            changed = _changed_facts(old, new)
            out.append(f"{cite} ({what}): {len(changed)} fact(s) differ in {part_of(cite)}.tsv")
            out += changed[:facts] + ([f"    ... and {len(changed) - facts} more"] if len(changed) > facts else [])
    if differing > reports:
        out.append(f"... and {differing - reports} more report(s)")
    if differing:
        out.insert(0, f"{differing} of {len(got)} report(s) parse differently from {GOLDEN_DIR.relative_to(ROOT)}/ "
                      f"('- ' only in the golden file, '+ ' only parsed now, 'a -> b' golden -> now):")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="The parser's output on the digest corpus against its golden file "
                                             "(see the module docstring). Without options: compare and print "
                                             "what differs (exit 1 if anything does).")
    ap.add_argument("--update", "--write", action="store_true",
                    help=f"rewrite {GOLDEN_DIR.relative_to(ROOT)}/ with the parser's current output")
    ap.add_argument("--show", metavar="PATH", help="print one report's canonical text")
    ap.add_argument("--full", metavar="OUT", type=Path, help="write every report's canonical text to OUT")
    ap.add_argument("--summary", action="store_true", help="print one line per report: its hash and counts")
    ap.add_argument("--reports", type=int, default=SYNTH_REPORTS,
                    help=f"synthetic reports in the corpus (default {SYNTH_REPORTS}; only the default may be --update)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        parsed = digest_lines(build_corpus(Path(tmp) / "content", args.reports))
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
        return 0
    if args.summary:
        print("\n".join(summary(cite, lines) for cite, lines in parsed))
        return 0
    if args.update:
        if args.reports != SYNTH_REPORTS:
            ap.error("--update pins the default corpus only")
        GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
        texts = golden_texts(parsed)
        for old in GOLDEN_DIR.glob("*.tsv"):
            if old.name not in texts:
                old.unlink()
        for name, text in texts.items():
            (GOLDEN_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {GOLDEN_DIR.relative_to(ROOT)}/ ({len(texts)} files, {len(parsed)} reports)")
        return 0
    diff = differences(read_golden(), parsed)
    print("\n".join(diff) if diff else f"unchanged: {len(parsed)} reports as {GOLDEN_DIR.relative_to(ROOT)}/ holds them")
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
