"""How long one edited report takes to go live in the dev server, and where the time goes.

    python benchmarks/edit_latency.py CONTENT --work DIR [--edits 3] [--jobs N] [--profile FILE]

CONTENT is copied into DIR/content (the corpus given is never written to), built once in this
process (parse cache in DIR/cache, so a second run starts warm), then one report after another
is edited (its 主动公开 total changed, as benchmarks/bench.py does) and rebuilt as
`site-builder build --serve` rebuilds: in one build session, with defer_downloads, the pages live,
the data downloads being the second step (timed apart), the last build's scan patched with the
edited file as the server's file watcher tells it (incremental.patched; --full-scan: every input
file scanned, as the server does without file events). For each edit it prints the build's stages
(scan; parse: loading the reports; render; commit), every page rendered with its CPU ms (a
peer's page whose ranks alone moved, redrawn from its live copy by render/reranked.py, marked
"ranks redrawn"), and the wall and CPU ms of the whole. After each build the heap is frozen out
of the cyclic collector's reach, as the dev server does (serve.keep_out_of_gc; --no-freeze:
not). With --profile, the edits run under cProfile and the top functions are written to FILE.

With --steps, each edit's CPU (this thread's) is also split by step, each step's own time
(a step called inside another is the inner step's): scan (the watcher's patched scan, the
manifest), load (the edited files read and parsed, the next Site), search key, changes
(changes.diff), page list (pages.page_specs), pages (rendered or redrawn, their files written
apart: write), carry (the units not rendered, carried over), commit (the staging folder and the
journaled commit), and the rest of the build and the render (their own bookkeeping).

With --watch, the edits go through the dev server's own watcher instead (serve.make_server's, as
`site-builder build --serve` runs it, on a tornado IOLoop in a thread of this process; the HTTP
port is not opened): each edit is timed from the moment before the file is written until the
browsers are told to reload (livereload's reload message reaching a stand-in browser), detection,
settling and all. The edits are made --gap seconds apart once the last one's data downloads are
written. It also prints the CPU the server uses while idle, and what one poll of livereload's own
polling watcher over the same folders costs (the dev server's watcher before file events).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cpu() -> float:
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def edit(content: Path, i: int, step: int = 7, written: list | None = None, files: list[Path] | None = None) -> Path:
    """Change one report's 主动公开 figure (a prose figure every synthetic report states): the
    i-th report after the middle one, 97 apart (another agency and year each time). `written`:
    gets the perf_counter() of the moment before the file is written; `files`: the reports,
    sorted (listed here when not given)."""
    files = files if files is not None else sorted((content / "reports").glob("*.txt"))
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
    if written is not None:
        written.append(time.perf_counter())
    report.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(enc))
    return report


_DISCLOSED = re.compile(r"（一）予以公开((?:[ \t]+\d+){7})")


def edit_rate(content: Path, i: int, step: int = 7, written: list | None = None,
              files: list[Path] | None = None) -> Path:
    """Change one report's table 三 予以公开 row (its first column and its total, by `step`): its
    rates change, and so may its peers' ranks. The i-th report, from the middle one on, whose
    row is printed on one line. `written`, `files`: as edit()'s."""
    files = files if files is not None else sorted((content / "reports").glob("*.txt"))
    start = len(files) // 2 + 97 * i
    for k in range(len(files)):
        report = files[(start + k) % len(files)]
        data = report.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        m = _DISCLOSED.search(text)
        if m is None:
            continue
        cells = re.split(r"([ \t]+)", m.group(1))  # ["", sep, n, sep, n ...]
        nums = cells[2::2]
        nums[0], nums[-1] = str(int(nums[0]) + step), str(int(nums[-1]) + step)
        cells[2::2] = nums
        if written is not None:
            written.append(time.perf_counter())
        report.write_bytes((text[: m.start(1)] + "".join(cells) + text[m.end(1):]).encode("utf-8"))
        return report
    raise SystemExit("no report with a one-line 予以公开 row to edit")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("content", type=Path)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--edits", type=int, default=3)
    ap.add_argument("--rate", action="store_true",
                    help="edit a table 三 予以公开 row (rates and peer ranks change), not a 主动公开 figure")
    ap.add_argument("--same", action="store_true",
                    help="edit one report again and again (fixing one report), not another each time")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--profile", type=Path, default=None)
    ap.add_argument("--steps", action="store_true", help="split each edit's CPU by step (scan, load, changes ...)")
    ap.add_argument("--no-search", action="store_true")
    ap.add_argument("--full-scan", action="store_true",
                    help="scan every input file for each edit (the dev server without file events), not the edited one")
    ap.add_argument("--no-freeze", action="store_true", help="no gc.freeze() after each build (serve does one)")
    ap.add_argument("--watch", action="store_true",
                    help="edit through the dev server's watcher: time each edit from the write to the reload message")
    ap.add_argument("--gap", type=float, default=1.0, help="--watch: seconds between an edit's downloads and the next edit")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from site_builder import render as R
    from site_builder.render import reranked
    from site_builder.commands.serve import keep_out_of_gc
    from site_builder.build.session import BuildOptions, BuildSession
    from site_builder.build.timings import Timings
    from site_builder.build import incremental

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
    search = not args.no_search
    if args.watch:
        return watched_edits(args, content, out, cache, templates, static, search)

    rendered: list[tuple[str, float]] = []
    original, original_rerank = R._render_page, reranked.rerank

    def timed(spec, output, page_env):
        c0 = time.process_time()
        original(spec, output, page_env)
        rendered.append((spec.url, (time.process_time() - c0) * 1000))

    def timed_rerank(spec, *args):  # a peer's page redrawn from its live copy (render/reranked.py)
        c0 = time.process_time()
        done = original_rerank(spec, *args)
        if done:
            rendered.append((spec.url + " (ranks redrawn)", (time.process_time() - c0) * 1000))
        return done

    session = BuildSession()  # the dev server's: one for all its builds
    # (defer_downloads, as the dev server builds: its full render keeps the comparing pages' rows)
    served = BuildOptions(content, out, templates, static, quiet=True, search=search, cache_dir=cache, jobs=args.jobs,
                          defer_downloads=True)
    t = Timings()
    c0, w0 = cpu(), time.perf_counter()
    session.build(served, timings=t)
    print(f"first build: {time.perf_counter() - w0:.1f} s wall, {cpu() - c0:.1f} s CPU; {t.line()}", flush=True)
    session.build(replace(served, defer_downloads=False))  # no change
    if not args.no_freeze:
        keep_out_of_gc()  # as the dev server does after each build

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    R._render_page, reranked.rerank = timed, timed_rerank
    steps = Steps() if args.steps else None
    if steps is not None:
        wrap_steps(steps)
    totals = []
    split: list[dict[str, float]] = []
    try:
        for i in range(args.edits):
            report = (edit_rate if args.rate else edit)(content, 0 if args.same else i, step=7 + i)
            time.sleep(0.01)
            rendered.clear()
            t = Timings()
            c0, w0 = cpu(), time.perf_counter()
            if profiler:
                profiler.enable()
            # (as the dev server's watcher tells it: the files written, the last scan patched with them)
            scanned = None if args.full_scan else incremental.patched(
                session.last_build(out).manifest.inputs, [str(report.resolve())], [content, templates, static])
            session.build(served, timings=t, scanned=scanned)
            if profiler:
                profiler.disable()
            wall, used = (time.perf_counter() - w0) * 1000, (cpu() - c0) * 1000
            took = steps.take() if steps is not None else None
            c1, w1 = cpu(), time.perf_counter()
            session.finish_downloads(out)
            if not args.no_freeze:
                keep_out_of_gc()
            dl_wall, dl_cpu = (time.perf_counter() - w1) * 1000, (cpu() - c1) * 1000
            pages_ms = sum(ms for _, ms in rendered)
            print(f"\nedit {i + 1}: {report.name}: pages live in {wall:.0f} ms wall, {used:.0f} ms CPU "
                  f"({len(rendered)} pages, {pages_ms:.0f} ms CPU); then downloads {dl_wall:.0f} ms wall, {dl_cpu:.0f} ms CPU")
            print("  stages: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in t.seconds.items()))
            if took is not None:
                split.append(took)
                print("  CPU ms by step: " + ", ".join(f"{k} {took.get(k, 0.0):.1f}" for k in STEP_ORDER))
            for url, ms in rendered:
                print(f"  {ms:7.1f} ms  {url}")
            totals.append((wall, used))
    finally:
        if steps is not None:
            steps.undo()
        R._render_page, reranked.rerank = original, original_rerank
    if totals:
        print(f"\nmedian of {len(totals)} edits: {sorted(w for w, _ in totals)[len(totals) // 2]:.0f} ms wall, "
              f"{sorted(c for _, c in totals)[len(totals) // 2]:.0f} ms CPU; max {max(w for w, _ in totals):.0f} ms wall, "
              f"{max(c for _, c in totals):.0f} ms CPU")
    if split:
        print("median CPU ms by step: " + ", ".join(
            f"{k} {sorted(s.get(k, 0.0) for s in split)[len(split) // 2]:.1f}" for k in STEP_ORDER))
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


class Steps:
    """Each step's own CPU time (this thread's): a function wrapped by wrap() charges its time to
    its step, less the time of the wrapped functions it calls (charged to theirs)."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}
        self._stack: list[str] = []
        self._last = 0.0
        self._undo: list = []

    def _switch(self, now: float) -> None:
        if self._stack:
            top = self._stack[-1]
            self.ms[top] = self.ms.get(top, 0.0) + (now - self._last) * 1000
        self._last = now

    def wrap(self, owner, name: str, step: str) -> None:
        original = getattr(owner, name)
        steps = self

        def timed(*args, **kwargs):
            steps._switch(time.thread_time())
            steps._stack.append(step)
            try:
                return original(*args, **kwargs)
            finally:
                steps._switch(time.thread_time())
                steps._stack.pop()

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def undo(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()

    def take(self) -> dict[str, float]:
        got, self.ms = self.ms, {}
        return got


STEP_ORDER = ("scan", "load", "search key", "changes", "page list", "pages", "write", "carry", "commit",
              "render (rest)", "build (rest)")


def wrap_steps(steps: Steps) -> None:
    """The dev server's rebuild split into steps (see --steps)."""
    from site_builder import render as R
    from site_builder.build import incremental, output, session as S
    from site_builder.load import loader
    from site_builder.render import pages, reranked, search

    steps.wrap(S.BuildSession, "build", "build (rest)")
    for owner, name in ((incremental, "patched"), (S, "current_manifest")):
        steps.wrap(owner, name, "scan")
    for owner, name in ((loader, "load_site"), (S, "_inputs_since"), (S, "_warning_texts")):
        steps.wrap(owner, name, "load")
    steps.wrap(search, "site_key", "search key")
    steps.wrap(R, "diff_previous", "changes")
    steps.wrap(R, "render_site", "render (rest)")
    steps.wrap(pages, "page_specs", "page list")
    steps.wrap(R, "_render_page", "pages")
    steps.wrap(reranked, "rerank", "pages")
    steps.wrap(output, "_write_file", "write")
    steps.wrap(output.Output, "_make", "write")
    steps.wrap(output.Output, "carry_all", "carry")
    for name in ("commit_in_place", "forget_manifest", "staging_dir"):
        steps.wrap(S, name, "commit")


def livereload_poll_cost(folders: list[Path], polls: int = 3) -> tuple[float, float]:
    """(wall ms, CPU ms) of one poll of livereload's polling watcher (livereload.watcher.Watcher:
    a walk and getmtime of every file) over `folders`, the median of `polls`."""
    from livereload.watcher import Watcher

    w = Watcher()
    for folder in folders:
        w.watch(str(folder), lambda: None)
    w.examine()  # the first poll records every file
    walls, cpus = [], []
    for _ in range(polls):
        c0, w0 = cpu(), time.perf_counter()
        w.examine()
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((cpu() - c0) * 1000)
    return sorted(walls)[polls // 2], sorted(cpus)[polls // 2]


def watched_edits(args, content: Path, out: Path, cache: Path, templates: Path, static: Path, search: bool) -> int:
    """The edits made as a maintainer makes them with `site-builder build --serve` running: the
    server's watcher notices each one, rebuilds, and sends the reload; timed from the write."""
    import asyncio
    import threading

    from tornado.ioloop import IOLoop
    from livereload.handlers import LiveReloadHandler

    from site_builder.commands import serve as S
    from site_builder.build.timings import Timings

    os.environ["SITE_BUILDER_CACHE"] = str(cache)  # (the Rebuilder's build takes the default cache folder)
    stages: list[Timings] = []
    started: list[float] = []
    rebuilder = S.Rebuilder(content, out, templates, static, search=search, log=lambda text: None)
    real_build = rebuilder.session.build

    def timed_build(options, timings=None, scanned=None):  # the Rebuilder's build, its stages kept
        started.append(time.perf_counter())
        stages.append(timings if timings is not None else Timings())
        if args.jobs:
            options = replace(options, jobs=args.jobs)
        return real_build(options, timings=stages[-1], scanned=scanned)

    rebuilder.session.build = timed_build  # (this session only)
    c0, w0 = cpu(), time.perf_counter()
    first = rebuilder.rebuild()
    rebuilder.wait()
    print(f"first build (the dev server's): {time.perf_counter() - w0:.1f} s wall, {cpu() - c0:.1f} s CPU, "
          f"ok={first.ok}", flush=True)
    if not first.ok:
        print(first.error)
        return 1

    reloads: list[float] = []
    reloaded = threading.Event()

    class Browser:  # stands in for a page with livereload.js: the reload message's arrival is "live"
        def write_message(self, message):
            reloads.append((time.perf_counter(), cpu(), time.thread_time()))  # (on the IOLoop's thread)
            reloaded.set()

    server = S.make_server(rebuilder)
    ready = threading.Event()
    loop_box: dict = {}

    def serve():
        async def run():
            loop_box["loop"] = IOLoop.current()
            loop_box["stop"] = stop = asyncio.Event()
            LiveReloadHandler.watcher = server.watcher  # (what server.application() sets; no port opened)
            LiveReloadHandler.waiters = {Browser()}
            LiveReloadHandler._last_reload_time = None
            LiveReloadHandler.start_tasks()
            ready.set()
            await stop.wait()

        asyncio.run(run())

    thread = threading.Thread(target=serve, name="ioloop", daemon=True)
    thread.start()
    ready.wait()
    # the CPU clock of the server's thread (detection, scan, build: all of it runs there), read from here
    loop_clock = time.pthread_getcpuclockid(thread.ident)
    folders = [p for p in (content, templates, static) if p.exists()]
    time.sleep(2.0)  # (settled: a polling watcher has recorded every file once)
    c0, w0 = cpu(), time.perf_counter()
    time.sleep(5.0)
    idle_cpu = (cpu() - c0) / (time.perf_counter() - w0) * 100
    print(f"server idle: {idle_cpu:.1f}% of a core (CPU over 5 s with no edit)", flush=True)

    results = []
    files = sorted((content / "reports").glob("*.txt"))  # (listed once: not in the CPU an edit is charged)
    try:
        for i in range(args.edits):
            # the last edit's second step (its data downloads) done: a rebuild waits for it first
            while rebuilder.session.pending_downloads(out) or (rebuilder._downloads is not None
                                                               and rebuilder._downloads.is_alive()):
                time.sleep(0.01)
            time.sleep(args.gap)
            reloaded.clear()
            n_builds = len(stages)
            written: list[float] = []
            written_cpu, written_loop = cpu(), time.clock_gettime(loop_clock)
            report = (edit_rate if args.rate else edit)(content, 0 if args.same else i, step=7 + i, written=written,
                                                        files=files)
            t0, c0 = written[0], written_cpu
            if not reloaded.wait(60):
                print(f"edit {i + 1}: {report.name}: no reload within 60 s")
                continue
            live, live_cpu = (reloads[-1][0] - t0) * 1000, (reloads[-1][1] - c0) * 1000
            loop_cpu = (reloads[-1][2] - written_loop) * 1000
            built = stages[n_builds:]
            detect = (started[n_builds] - t0) * 1000 if built else float("nan")
            build_ms = sum(t.total() for t in built) * 1000
            results.append((live, loop_cpu))
            print(f"edit {i + 1}: {report.name}: live {live:.0f} ms after the write; CPU {loop_cpu:.0f} ms in the "
                  f"server's thread, {live_cpu:.0f} ms in the process (detected and settled "
                  f"{detect:.0f} ms, build {build_ms:.0f} ms, {len(built)} build(s)); "
                  + ", ".join(f"{k} {v * 1000:.0f}" for k, v in (built[0].seconds.items() if built else ())),
                  flush=True)
    finally:
        loop_box["loop"].add_callback(loop_box["stop"].set)
        thread.join(10)
        stop = getattr(server.watcher, "stop", None)
        if stop:
            stop()
        rebuilder.wait()
    if results:
        walls, cpus = [w for w, _ in results], [c for _, c in results]
        print(f"\n{len(results)} edits, write -> reload message, ms wall: " + ", ".join(f"{x:.0f}" for x in walls))
        print(f"  CPU ms of the server's thread from the write to the reload (detection, scan, build): "
              + ", ".join(f"{x:.0f}" for x in cpus))
        print(f"median {sorted(walls)[len(walls) // 2]:.0f} ms wall ({sorted(cpus)[len(cpus) // 2]:.0f} ms CPU), "
              f"max {max(walls):.0f} ms wall ({max(cpus):.0f} ms CPU)")
    wall, used = livereload_poll_cost(folders)
    print(f"livereload's polling watcher over the same {sum(1 for f in folders for _ in f.rglob('*'))} paths: "
          f"{wall:.0f} ms wall, {used:.0f} ms CPU a poll (every 0.8 s: {used / 8:.0f}% of a core while idle)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
