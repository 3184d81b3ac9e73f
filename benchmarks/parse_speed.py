"""The parser's speed and its whole output, on any report files: to show a speed-up of the parse
changes nothing.

    python benchmarks/parse_speed.py DIR_OR_FILE... [--repeat 3] [--dump OUT.txt] [--profile OUT.prof]
    python benchmarks/parse_speed.py --load CONTENT [--jobs 2] [--dump OUT.txt]

Every file is read first (the readers: not timed), then parse_document() runs over all of them,
`--repeat` times (the memos of text.py warm after the first: each pass is timed apart; the first
is what a build's worker pays). Prints reports/s, CPU seconds and CPU ms a report.
`--load CONTENT`: the whole load stage instead (loader.load_reports, `--jobs` processes: the pool,
the cache entries sent back and decoded; `--cache DIR`: stored there too), CPU with the workers'.
`--dump`: every Report in full (every field but the lines, which are hashed: figures, checks and
warnings as their repr, so 0 and 0.0, an int and a Decimal stay apart; a ReportError as its
message), a line each, in the files' order; diff two dumps made with two versions of the code.

On a shared machine CPU seconds move by 20-40% from run to run; a count of instructions does
not. One warm pass's count is the difference of two runs under callgrind (a few minutes for
300 reports):

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python benchmarks/parse_speed.py DIR --repeat 1
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python benchmarks/parse_speed.py DIR --repeat 2
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from site_builder.exceptions import ReportError  # noqa: E402
from site_builder.gcpause import gc_paused  # noqa: E402
from site_builder.parser import parse_document  # noqa: E402
from site_builder.readers import read_document, supported_suffixes  # noqa: E402

TODAY = None  # parse_document's default: today


def _cpu(children: bool = False) -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    total = r.ru_utime + r.ru_stime
    if children:
        c = resource.getrusage(resource.RUSAGE_CHILDREN)
        total += c.ru_utime + c.ru_stime
    return total


def report_files(args: list[str]) -> list[Path]:
    suffixes = set(supported_suffixes())
    out: list[Path] = []
    for a in args:
        p = Path(a)
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes
                          and not f.name.startswith("."))
        else:
            out.append(p)
    return out


def dump_line(result) -> str:
    if isinstance(result, ReportError):
        return f"error {result.path!r} {result.line!r} {result.message!r}"
    r = result
    lines = hashlib.sha256("\n".join(r.lines).encode()).hexdigest()[:16]
    head = (r.path, r.agency, r.year, r.era, r.has_stat_table, r.encoding, r.title_line, r.original,
            r.line_labels, len(r.lines), lines)
    return f"report {head!r} figures={r.figures!r} checks={r.checks!r} warnings={r.warnings!r}"


def _parse(doc):
    try:
        return parse_document(doc, TODAY)
    except ReportError as exc:
        return exc


def run_parse(paths: list[Path], repeat: int, profile: str | None):
    docs = []
    results = []
    for p in paths:
        try:
            docs.append(read_document(p, p.as_posix()))
        except ReportError as exc:
            docs.append(None)
            results.append(exc)
    for n in range(repeat):
        with gc_paused():  # as the load parses (loader.load_reports; its workers fork paused)
            out = _timed_pass(docs, n, profile)
    it = iter(out)
    return [next(it) if d is not None else results.pop(0) for d in docs]


def _timed_pass(docs, n: int, profile: str | None) -> list:
    c0, w0 = _cpu(), time.perf_counter()
    if profile and n == 0:
        import cProfile

        prof = cProfile.Profile()
        out = prof.runcall(lambda: [_parse(d) for d in docs if d is not None])
        prof.dump_stats(profile)
    else:
        out = [_parse(d) for d in docs if d is not None]
    cpu, wall = _cpu() - c0, time.perf_counter() - w0
    k = len(out)
    print(f"pass {n + 1}: {k} reports, {cpu:.2f} s CPU ({1000 * cpu / max(k, 1):.3f} ms a report), "
          f"{wall:.2f} s wall, {k / max(wall, 1e-9):.0f} reports/s")
    return out


def run_load(content: Path, jobs: int, cache_dir: Path | None):
    from site_builder.load.cache import ReportCache
    from site_builder.load.loader import load_reports, report_files as files_of

    files = files_of(content)
    cache = ReportCache(cache_dir) if cache_dir is not None else None
    c0, s0, w0 = _cpu(True), _cpu(), time.perf_counter()
    loaded = load_reports(files, content, cache=cache, jobs=jobs)
    cpu, own, wall = _cpu(True) - c0, _cpu() - s0, time.perf_counter() - w0
    print(f"load_reports: {len(files)} files, jobs {jobs}, {cpu:.2f} s CPU with the workers "
          f"({1000 * cpu / max(len(files), 1):.3f} ms a report; this process {own:.2f} s), {wall:.2f} s wall")
    return [entry[2] for entry in loaded]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--dump")
    ap.add_argument("--profile")
    ap.add_argument("--load", type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--cache", type=Path, help="with --load: the parse cache's folder (empty: a cold load)")
    a = ap.parse_args(argv)
    if a.load is not None:
        results = run_load(a.load, a.jobs, a.cache)
    else:
        results = run_parse(report_files(a.paths), a.repeat, a.profile)
    if a.dump:
        with open(a.dump, "w", encoding="utf-8") as fh:
            for r in results:
                fh.write(dump_line(r) + "\n")


if __name__ == "__main__":
    main()
