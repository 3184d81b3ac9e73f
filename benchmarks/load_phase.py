"""Time the load phase alone (read, parse, assemble, records) on a synthetic corpus.

    python benchmarks/load_phase.py --reports 20000 [--jobs 2] [--work DIR] [--content DIR]
    python benchmarks/load_phase.py --reports 2000 --jobs 1        # CPU per report, one process
    python benchmarks/load_phase.py --reports 2000 --jobs 1 --profile cold   # where it goes

Runs, each in a fresh process: a cold load (empty parse cache, parsed on every core, or in
order with --jobs 1; an empty cache is not looked up, so it counts no misses), a warm load
(every report from the cache's packs), then, in the warm process,
the records: streamed (Site.iter_records(), nothing kept) and as the list (Site.records()).
Prints wall and CPU seconds (children included), CPU milliseconds per report, and peak RSS;
the notes split the CPU between the main process (reading the cache, decoding what the workers
send, assembling) and the parse workers.
Useful where the full build (render, charts, search) is too slow to run at this size: it
shows what the load phase itself costs. CPU seconds are the figures to compare on a shared
machine; wall seconds depend on what else runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKER = r'''
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from site_builder.load.cache import ReportCache
from site_builder.load.loader import load_site
t_import = time.perf_counter() - t0
content, cache, jobs, records, profile = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1", sys.argv[5] == "1"

def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime

def cpu_children():
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return c.ru_utime + c.ru_stime

def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

rc = ReportCache(cache)
if profile:
    import cProfile, pstats
    prof = cProfile.Profile()
    prof.enable()
w0, c0, k0 = time.perf_counter(), cpu(), cpu_children()
site = load_site(content, cache=rc, jobs=jobs)
res = {"import": t_import, "reports": len(site.reports), "errors": len(site.errors), "wall": time.perf_counter() - w0,
       "cpu": cpu() - c0, "cpu_children": cpu_children() - k0, "hits": rc.hits, "misses": rc.misses,
       "figures": sum(len(r.figures) for r in site.reports), "rss_load_mb": rss(),
       "packs": sum(1 for _ in (cache / "packs").rglob("*.pack")) if (cache / "packs").is_dir() else 0}
if profile:
    prof.disable()
    pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(25)
if records:
    w1, c1 = time.perf_counter(), cpu()
    res["streamed"] = sum(1 for _ in site.iter_records())
    res["streamed_cpu"] = cpu() - c1
    w1, c1 = time.perf_counter(), cpu()
    res["records"] = len(site.records())
    res["records_wall"] = time.perf_counter() - w1
    res["records_cpu"] = cpu() - c1
res["rss_self_mb"] = rss()
res["rss_child_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("LOAD-JSON " + json.dumps(res))
'''


def run(content: Path, cache: Path, jobs: int, records: bool, profile: bool) -> dict:
    proc = subprocess.run([sys.executable, "-c", WORKER, str(content), str(cache), str(jobs), "1" if records else "0",
                           "1" if profile else "0"], capture_output=True, text=True, cwd=ROOT)
    line = next((l for l in proc.stdout.splitlines() if l.startswith("LOAD-JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(proc.stderr[-3000:])
    if profile:
        print(proc.stderr)
    return json.loads(line[len("LOAD-JSON "):])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=20000)
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "site-builder-bench")
    ap.add_argument("--content", type=Path, help="load this content folder instead of a synthetic corpus")
    ap.add_argument("--profile", choices=("cold", "warm"), help="print the run's top functions (cProfile)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from benchmarks.bench import corpus

    args.work.mkdir(parents=True, exist_ok=True)
    content = args.content or corpus(args.work, args.reports, args.seed)
    cache = args.work / f"load-cache-{args.reports}"
    shutil.rmtree(cache, ignore_errors=True)
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    print(f"{content}: jobs {args.jobs}, load average {load:.1f} on {os.cpu_count()} cores at the start")
    print(f"{'run':<6} {'reports':>8} {'wall s':>8} {'cpu s':>8} {'ms/report cpu':>14} {'RSS MB main/child':>18}  notes")
    for name, records in (("cold", False), ("warm", True)):
        r = run(content, cache, args.jobs, records, args.profile == name)
        notes = (f"cache hits {r['hits']}, misses {r['misses']}, {r['packs']} packs, {r['figures']} figures; "
                 f"CPU s main {r['cpu'] - r['cpu_children']:.1f} / parse workers {r['cpu_children']:.1f}")
        print(f"{name:<6} {r['reports']:>8} {r['wall']:>8.1f} {r['cpu']:>8.1f} {r['cpu'] / r['reports'] * 1000:>14.3f} "
              f"{r['rss_self_mb']:>9.0f}/{r['rss_child_mb']:<8.0f}  {notes}", flush=True)
        if records:
            n = r["reports"]
            print(f"{'':<6} iter_records(): {r['streamed']} rows, {r['streamed_cpu']:.1f}s CPU "
                  f"({r['streamed_cpu'] / n * 1000:.3f} ms/report); records(): {r['records']} rows, "
                  f"{r['records_cpu']:.1f}s CPU, {r['records_wall']:.1f}s wall; RSS after load {r['rss_load_mb']:.0f} MB, "
                  f"after records() {r['rss_self_mb']:.0f} MB", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
