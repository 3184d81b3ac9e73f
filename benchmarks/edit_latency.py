"""How long one edited report takes to go live in the dev server, and where the time goes.

    python benchmarks/edit_latency.py CONTENT --work DIR [--edits 3] [--jobs N] [--profile FILE]

CONTENT is copied into DIR/content (the corpus given is never written to), built once in this
process (parse cache in DIR/cache, so a second run starts warm), then one report after another
is edited (its 主动公开 total changed, as benchmarks/bench.py does) and rebuilt as
`site-builder build --serve` rebuilds: build(defer_downloads=True), the pages live, the data
downloads being the second step (timed apart). For each edit it prints the build's stages
(scan: the manifest's scan of every input file; parse: loading the reports; render; commit),
every page rendered with its CPU ms, and the wall and CPU ms of the whole. After each build the
heap is frozen out of the cyclic collector's reach, as the dev server does (serve.keep_out_of_gc;
--no-freeze: not). With --profile, the
edits run under cProfile and the top functions are written to FILE.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cpu() -> float:
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def edit(content: Path, i: int, step: int = 7) -> Path:
    """Change one report's 主动公开 figure (a prose figure every synthetic report states): the
    i-th report after the middle one, 97 apart (another agency and year each time)."""
    files = sorted((content / "reports").glob("*.txt"))
    report = files[(len(files) // 2 + 97 * i) % len(files)]
    data = report.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text, enc = (data[3:] if bom else data).decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, enc = data.decode("gb18030"), "gb18030"
    m = re.search(r"主动公开政府信息(?:总数为)?\s*(\d+)", text)
    if m is None:
        raise SystemExit(f"{report}: no 主动公开 figure to edit")
    text = text[: m.start(1)] + str(int(m.group(1)) + step) + text[m.end(1):]
    report.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(enc))
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("content", type=Path)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--edits", type=int, default=3)
    ap.add_argument("--same", action="store_true",
                    help="edit one report again and again (fixing one report), not another each time")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--profile", type=Path, default=None)
    ap.add_argument("--no-search", action="store_true")
    ap.add_argument("--no-freeze", action="store_true", help="no gc.freeze() after each build (serve does one)")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from site_builder import charts
    from site_builder import render as R
    from site_builder.commands import build as B
    from site_builder.commands.serve import keep_out_of_gc
    from site_builder.timings import Timings

    work = args.work
    content = work / "content"
    if Path(args.content).resolve() == content.resolve():
        raise SystemExit("--work must not hold the corpus given")
    shutil.rmtree(content, ignore_errors=True)
    shutil.rmtree(work / "site", ignore_errors=True)
    shutil.copytree(args.content, content)
    for root, dirs, files in os.walk(content):  # a read-only corpus copies read-only
        for name in dirs + files:
            os.chmod(os.path.join(root, name), 0o755 if name in dirs else 0o644)
    out, cache = work / "site", work / "cache"
    # copies: an edit of the project's templates meanwhile would make a rebuild render every page
    templates, static = work / "templates", work / "static"
    for name, folder in (("templates", templates), ("static", static)):
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(ROOT / name, folder)
    charts.use_cache_dir(cache / "charts")
    search = not args.no_search

    rendered: list[tuple[str, float]] = []
    original = R._render_page

    def timed(spec, output):
        c0 = time.process_time()
        original(spec, output)
        rendered.append((spec.url, (time.process_time() - c0) * 1000))

    t = Timings()
    c0, w0 = cpu(), time.perf_counter()
    # (defer_downloads, as the dev server builds: its full render keeps the comparing pages' rows)
    B.build(content, out, templates, static, quiet=True, search=search, cache_dir=cache, timings=t, jobs=args.jobs,
            defer_downloads=True)
    print(f"first build: {time.perf_counter() - w0:.1f} s wall, {cpu() - c0:.1f} s CPU; {t.line()}", flush=True)
    B.build(content, out, templates, static, quiet=True, search=search, cache_dir=cache, jobs=args.jobs)  # no change
    if not args.no_freeze:
        keep_out_of_gc()  # as the dev server does after each build

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    R._render_page = timed
    totals = []
    try:
        for i in range(args.edits):
            report = edit(content, 0 if args.same else i, step=7 + i)
            time.sleep(0.01)
            rendered.clear()
            t = Timings()
            c0, w0 = cpu(), time.perf_counter()
            if profiler:
                profiler.enable()
            B.build(content, out, templates, static, quiet=True, search=search, cache_dir=cache, timings=t,
                    jobs=args.jobs, defer_downloads=True)
            if profiler:
                profiler.disable()
            wall, used = (time.perf_counter() - w0) * 1000, (cpu() - c0) * 1000
            c1, w1 = cpu(), time.perf_counter()
            B.finish_downloads(out)
            if not args.no_freeze:
                keep_out_of_gc()
            dl_wall, dl_cpu = (time.perf_counter() - w1) * 1000, (cpu() - c1) * 1000
            pages_ms = sum(ms for _, ms in rendered)
            print(f"\nedit {i + 1}: {report.name}: pages live in {wall:.0f} ms wall, {used:.0f} ms CPU "
                  f"({len(rendered)} pages, {pages_ms:.0f} ms CPU); then downloads {dl_wall:.0f} ms wall, {dl_cpu:.0f} ms CPU")
            print("  stages: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in t.seconds.items()))
            for url, ms in rendered:
                print(f"  {ms:7.1f} ms  {url}")
            totals.append((wall, used))
    finally:
        R._render_page = original
    if totals:
        print(f"\nmedian of {len(totals)} edits: {sorted(w for w, _ in totals)[len(totals) // 2]:.0f} ms wall, "
              f"{sorted(c for _, c in totals)[len(totals) // 2]:.0f} ms CPU")
    if profiler:
        import io
        import pstats

        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(60)
        pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(40)
        args.profile.write_text(buf.getvalue())
        profiler.dump_stats(str(args.profile) + ".prof")  # for pstats: callers, callees
        print(f"profile: {args.profile} (and {args.profile}.prof)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
