"""Build the synthetic corpus at several sizes, in both shapes, and time every stage.

    python benchmarks/bench.py [--sizes 20000] [--shapes years,agencies] [--work DIR] [--no-search]
                               [--seed 1] [--jobs 1,2] [--browser-runs 3 | --no-browser]

For each size (number of reports) and shape — `years`: agencies x 2014-2024 as needed (1,819
agencies x 11 years at 20,000); `agencies`: one report per agency, all in 2024 (20,000
agencies) — it writes the corpus with `site-builder synth`'s defaults (agencies at every level
in provinces, cities and districts, 5% homonyms, 2% placed by folder only) and runs, each in a
fresh Python process so import time and peak memory are the build's own:

- a cold full build (empty caches), split by stage, with pages written, pages per second,
  wall and CPU seconds and peak RSS (the build process, and the largest of its children);
- in that same process, as the dev server does: a rebuild with no change, one after one report
  is edited, two more report edits as `build --serve` rebuilds (pages published first, the data
  downloads in a second step, timed apart), and one after one template is edited;
- a second `site-builder build` process with no change (the up-to-date check from the
  manifest on disk), one after a report edit (reports from the parse cache, pages rendered in
  full, files written only where their bytes changed) and one after a template edit.

Then what the built site weighs (benchmarks/page_weights.py): the heaviest page of each page
type, every file under data/, the largest chart spec, the number of pages and the total size,
and every HTML page over 300 KB and data file over 25 MB, flagged "OVER". And how long the
heaviest figure, year, region and index page take to load in Chromium at 390 px
(benchmarks/phone_load.py: to the `load` event, and to the last layout change; the median of
--browser-runs runs).

--jobs 1,2 runs the cold full build once per number of processes (the rebuilds run after the
last); each rebuild row says how many pages it rendered. The synthetic corpus of each size and
shape is generated once into --work and reused.

Wall-clock figures depend on what else the machine runs; CPU seconds (this process and its
children: render workers, the search indexer) are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.page_weights import LOAD_GROUPS, Weights, heaviest_of_groups, report, size, url, weigh  # noqa: E402
from benchmarks.phone_load import WIDTH, measure, summary  # noqa: E402

# Runs inside a fresh interpreter: the build of one corpus, then the in-process rebuilds.
WORKER = r'''
import dataclasses, json, os, re, resource, shutil, sys, time
t_start = time.perf_counter()
from pathlib import Path
from site_builder.build.session import BuildOptions, BuildSession
from site_builder.build.timings import Timings
t_import = time.perf_counter() - t_start
content, out, templates, static, cache, search = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5]), sys.argv[6] == "1"
jobs_list = [int(j) for j in sys.argv[7].split(",")] if len(sys.argv) > 7 and sys.argv[7] else [None]
res = {"import": t_import}

def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime

session = BuildSession()  # the in-process rebuilds below are the dev server's: one session

def run(name, jobs=None, **kw):
    t = Timings(); c0 = cpu(); w0 = time.perf_counter()
    options = BuildOptions(content, out, templates, static, quiet=True, search=search, cache_dir=cache, jobs=jobs,
                           charts_dir=cache / "charts", **kw)
    built = session.build(options, timings=t)
    res[name] = {"wall": time.perf_counter() - w0, "cpu": cpu() - c0, "stages": t.seconds,
                 "stats": dataclasses.asdict(built.stats) if built is not None else None, "jobs": jobs}
    return built.site

# cold full builds: the first with empty caches; for more --jobs values, again from a clean
# output folder (the parse cache then warm: its figure is the render's), in a new session
for i, jobs in enumerate(jobs_list):
    if i:
        session = BuildSession()
        shutil.rmtree(out, ignore_errors=True)
    site = run("full" if i == 0 else f"full_jobs{jobs}", jobs=jobs, incremental=i == 0)
res["reports"] = len(site.reports)
res["agencies"] = len(site.agencies)
res["pages"] = sum(1 for p in out.rglob("*.html") if not p.relative_to(out).as_posix().startswith("pagefind/"))
res["files"] = sum(1 for p in out.rglob("*") if p.is_file())
res["bytes"] = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
res["rss_self_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
res["rss_child_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
run("nochange", jobs=jobs_list[-1])
def edit(i):
    # one report edited: its 主动公开 total (a prose figure every report states)
    report = sorted((content / "reports").rglob("*.txt"))[len(site.reports) // 2 + i]
    data = report.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text, enc = data[3:].decode("utf-8") if bom else data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, enc = data.decode("gb18030"), "gb18030"
    m = re.search(r"主动公开政府信息(?:总数为)?\s*(\d+)", text)
    text = text[: m.start(1)] + str(int(m.group(1)) + 7) + text[m.end(1):]
    report.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(enc))

edit(0)
run("edit_report", jobs=jobs_list[-1])
# as the dev server rebuilds: the pages published first, then the data downloads (a second step)
for i in (1, 2):
    edit(i)
    run(f"dev_report_pages{i}", jobs=jobs_list[-1], defer_downloads=True)
    c0, w0 = cpu(), time.perf_counter()
    session.finish_downloads(out)
    res[f"dev_report_downloads{i}"] = {"wall": time.perf_counter() - w0, "cpu": cpu() - c0}
tpl = templates / "base.html"
tpl.write_text(tpl.read_text(encoding="utf-8").replace("</main>", "<!-- edited by the benchmark --></main>", 1), encoding="utf-8")
run("edit_template", jobs=jobs_list[-1])
res["rss_self_mb_end"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("BENCH-JSON " + json.dumps(res))
'''


def corpus(work: Path, size: int, seed: int, shape: str) -> Path:
    from site_builder.tools.synth import generate, parse_years

    content = work / f"content-{shape}-{size}-{seed}"
    marker = content / ".complete"
    if marker.exists():
        return content
    shutil.rmtree(content, ignore_errors=True)
    years = parse_years("2014-2024")
    agencies = -(-size // len(years)) if shape == "years" else size
    t0 = time.perf_counter()
    # site-builder synth's defaults: places, 5% homonyms, 2% of agencies placed by their folder only
    generate(content, agencies=agencies, years=years, seed=seed, reports=size, shape=shape, places=True,
             homonyms=0.05, unlisted=0.02)
    marker.write_text("ok")
    print(f"  generated {size} reports ({shape}) in {time.perf_counter() - t0:.1f}s", flush=True)
    return content


def cli_build(content: Path, out: Path, templates: Path, static: Path, cache: Path, search: bool) -> dict:
    cmd = [sys.executable, "-m", "site_builder", "build", "--content", str(content), "--out", str(out),
           "--templates", str(templates), "--static", str(static), "--cache", str(cache)]
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = dict(os.environ, SITE_URL="https://example.org")
    env.pop("SITE_BUILDER_CACHE", None)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"build failed: {proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rendered = re.search(r"(\d+) page\(s\) rendered", proc.stdout)
    return {"wall": time.perf_counter() - t0, "cpu": cpu, "out": proc.stdout.strip().splitlines()[-1],
            "pages_rendered": int(rendered.group(1)) if rendered else None}


def bench(size: int, shape: str, work: Path, seed: int, search: bool, jobs: str, browser_runs: int) -> dict:
    print(f"== {size} reports, shape {shape}", flush=True)
    content = corpus(work, size, seed, shape)
    run_dir = work / f"run-{shape}-{size}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    live = run_dir / "content"
    shutil.copytree(content, live)
    templates, static = run_dir / "templates", run_dir / "static"
    shutil.copytree(ROOT / "templates", templates)
    shutil.copytree(ROOT / "static", static)  # a copy: the benchmark must not see edits made meanwhile
    out, cache = run_dir / "site", run_dir / "cache"
    env = dict(os.environ, SITE_URL="https://example.org")
    env.pop("SITE_BUILDER_CACHE", None)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", WORKER, str(live), str(out), str(templates), str(static), str(cache),
                           "1" if search else "0", jobs], capture_output=True, text=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - t0
    line = next((l for l in proc.stdout.splitlines() if l.startswith("BENCH-JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"benchmark process failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    res = json.loads(line[len("BENCH-JSON "):])
    res["process_wall"] = wall
    # A second process: the manifest on disk says nothing changed.
    res["cli_nochange"] = cli_build(live, out, templates, static, cache, search)
    # ... after one more report edit: reports come from the parse cache, pages rendered in full
    report = sorted((live / "reports").rglob("*.txt"))[0]
    report.write_bytes(report.read_bytes() + b"\n")
    res["cli_edit_report"] = cli_build(live, out, templates, static, cache, search)
    # ... and after a template edit
    tpl = templates / "base.html"
    tpl.write_text(tpl.read_text(encoding="utf-8").replace("</main>", "<!-- edited again --></main>", 1), encoding="utf-8")
    res["cli_edit_template"] = cli_build(live, out, templates, static, cache, search)
    res["size"] = size
    res["shape"] = shape
    weights = weigh(out, live)
    res["weights"] = weights.to_json()
    res["phone"] = []
    if browser_runs:
        pages = heaviest_of_groups(weights)
        times = measure(out, [url(rel) for _, rel, _ in pages], browser_runs)
        res["phone"] = [{"group": group, "url": url(rel), "bytes": n, **times[url(rel)]} for group, rel, n in pages]
    return res


def fmt_row(res: dict) -> list[str]:
    full = res["full"]
    st = full["stages"]
    write = st.get("write", 0.0)
    render = st.get("render", 0.0) - write  # the render stage's time includes its writes
    others = [res[k] for k in sorted(res) if k.startswith("full_jobs")]
    return [
        res["shape"], str(res["reports"]), str(res["agencies"]), str(res["pages"]), f"{res['bytes'] / 1e6:.0f}", f"{full['wall']:.1f}", f"{full['cpu']:.1f}",
        f"{st.get('parse', 0):.1f}", f"{st.get('charts', 0):.1f}",
        f"{render:.1f}", f"{write:.1f}", f"{st.get('search', 0):.1f}", f"{st.get('commit', 0):.1f}",
        f"{res['pages'] / full['wall']:.0f}", f"{res['rss_self_mb']:.0f}/{res['rss_child_mb']:.0f}",
        " ".join(f"j{o['jobs']}:{o['wall']:.1f}/{o['stages'].get('render', 0):.1f}" for o in others) or "-",
    ]


HEAD = ["shape", "reports", "agencies", "pages", "MB", "full s", "cpu s", "parse", "charts", "render", "write", "search", "commit",
        "pages/s", "RSS MB main/child", "again, jobs: full/render s"]


def rebuild_rows(res: dict) -> list[list[str]]:
    rows = []
    for key, label in (("nochange", "no change"), ("edit_report", "1 report"),
                       ("dev_report_pages1", "1 report, serve: pages"), ("dev_report_downloads1", "... then downloads"),
                       ("dev_report_pages2", "1 report, serve: pages"), ("dev_report_downloads2", "... then downloads"),
                       ("edit_template", "1 template"),
                       ("cli_nochange", "CLI no change"), ("cli_edit_report", "CLI 1 report"),
                       ("cli_edit_template", "CLI 1 template")):
        r = res[key]
        pages = (r.get("stats") or {}).get("pages_rendered") if "stats" in r else r.get("pages_rendered")
        if "downloads" in key:
            pages = None
        if key == "nochange":
            pages = 0  # returned before loading anything
        rows.append([res["shape"], str(res["reports"]), label, f"{r['wall'] * 1000:.0f}", f"{r['cpu'] * 1000:.0f}",
                     "-" if pages is None else str(pages)])
    return rows


REBUILD_HEAD = ["shape", "reports", "rebuild", "wall ms", "cpu ms", "pages rendered"]


def table(rows: list[list[str]], head: list[str] = HEAD) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines = [" | ".join(h.rjust(w) for h, w in zip(head, widths)), "-|-".join("-" * w for w in widths)]
    lines += [" | ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(lines)


def machine() -> str:
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, AttributeError):
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average %.1f %.1f %.1f" % os.getloadavg()
    return f"{platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores{mem}, Python {platform.python_version()}{load}"


def weight_report(res: dict) -> str:
    w = Weights(**res["weights"])
    lines = [f"-- {res['shape']}, {res['reports']} reports of {res['agencies']} agencies: {report(w)}"]
    if res["phone"]:
        lines.append(f"in Chromium at {WIDTH} px, the heaviest page of each kind (median of runs; 'load' = the load"
                     " event, 'settled' = the last layout change, once none for 1 s):")
        for p in res["phone"]:
            lines.append(f"  {p['group']:<6} {size(p['bytes']):>9}  {p['url']}: {summary(p)}")
        measured = {p["group"] for p in res["phone"]}
        lines += [f"  {group:<6} no page of this kind in the site" for group, _ in LOAD_GROUPS if group not in measured]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20000", help="numbers of reports, e.g. 200,2000,20000 (default: 20000)")
    ap.add_argument("--shapes", default="years,agencies",
                    help="years: many years per agency; agencies: one report per agency (default: both)")
    ap.add_argument("--browser-runs", type=int, default=3, help="loads of each page in Chromium (default: 3)")
    ap.add_argument("--no-browser", action="store_true", help="skip the page loads in Chromium")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "site-builder-bench")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-search", action="store_true", help="skip the search index (stage 'search')")
    ap.add_argument("--jobs", default="", help="processes for the full build, e.g. 1,2: one cold build each (default: one per core)")
    ap.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}", flush=True)
    results = []
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    if not shapes or set(shapes) - {"years", "agencies"}:
        ap.error(f"--shapes: years, agencies or both, not {args.shapes!r}")
    runs = 0 if args.no_browser else args.browser_runs
    for reports in [int(s) for s in args.sizes.split(",") if s.strip()]:
        for shape in shapes:
            res = bench(reports, shape, args.work, args.seed, not args.no_search, args.jobs, runs)
            results.append(res)
            print(weight_report(res), flush=True)
            print(table([fmt_row(r) for r in results]), flush=True)
            print(table([row for r in results for row in rebuild_rows(r)], REBUILD_HEAD), flush=True)
    print()
    print(f"machine after the runs: {machine()}")
    print(table([fmt_row(r) for r in results]))
    print("stage columns are seconds of the cold full build (render excludes write; with several processes the"
          " workers' writes count in render); MB is the size of the site; RSS is peak resident memory of the build"
          " process / of its largest child; 'again' are further cold builds with other --jobs values.")
    print()
    print(table([row for r in results for row in rebuild_rows(r)], REBUILD_HEAD))
    print("no change, 1 report and 1 template are rebuilds in the same process (as --serve does); 'serve: pages' is"
          " a report edit with the data downloads deferred (the pages live), '... then downloads' their second step;"
          " the CLI rows are a new `site-builder build` process each. cpu includes child processes.")
    for res in results:
        print()
        print(weight_report(res))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
