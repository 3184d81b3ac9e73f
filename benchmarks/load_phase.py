"""Time the load phase alone (read, parse, assemble, records) on a synthetic corpus.

    python benchmarks/load_phase.py --reports 20000 [--jobs 2] [--work DIR]

Runs, each in a fresh process: a cold load (empty parse cache, parsed on every core), a warm
load (every report from the cache), and the records of the warm site. Prints wall and CPU
seconds and peak RSS. Useful where the full build (render, charts, search) is too slow to run
at this size: it shows what the load phase itself costs.
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
from site_builder.cache import ReportCache
from site_builder.load import load_site
t_import = time.perf_counter() - t0
content, cache, jobs, records = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"

def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime

w0, c0 = time.perf_counter(), cpu()
rc = ReportCache(cache)
site = load_site(content, cache=rc, jobs=jobs)
res = {"import": t_import, "reports": len(site.reports), "errors": len(site.errors), "wall": time.perf_counter() - w0,
       "cpu": cpu() - c0, "hits": rc.hits, "misses": rc.misses, "figures": sum(len(r.figures) for r in site.reports)}
if records:
    w1 = time.perf_counter()
    res["records"] = len(site.records())
    res["records_wall"] = time.perf_counter() - w1
res["rss_self_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
res["rss_child_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("LOAD-JSON " + json.dumps(res))
'''


def run(content: Path, cache: Path, jobs: int, records: bool) -> dict:
    proc = subprocess.run([sys.executable, "-c", WORKER, str(content), str(cache), str(jobs), "1" if records else "0"],
                          capture_output=True, text=True, cwd=ROOT)
    line = next((l for l in proc.stdout.splitlines() if l.startswith("LOAD-JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(line[len("LOAD-JSON "):])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=20000)
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "site-builder-bench")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from benchmarks.bench import corpus

    args.work.mkdir(parents=True, exist_ok=True)
    content = corpus(args.work, args.reports, args.seed)
    cache = args.work / f"load-cache-{args.reports}"
    shutil.rmtree(cache, ignore_errors=True)
    print(f"{'run':<6} {'reports':>8} {'wall s':>8} {'cpu s':>8} {'ms/report cpu':>14} {'RSS MB main/child':>18}  notes")
    for name, records in (("cold", False), ("warm", True)):
        r = run(content, cache, args.jobs, records)
        notes = f"cache hits {r['hits']}, misses {r['misses']}, {r['figures']} figures"
        if records:
            notes += f"; records(): {r['records']} rows in {r['records_wall']:.1f}s"
        print(f"{name:<6} {r['reports']:>8} {r['wall']:>8.1f} {r['cpu']:>8.1f} {r['cpu'] / r['reports'] * 1000:>14.2f} "
              f"{r['rss_self_mb']:>9.0f}/{r['rss_child_mb']:<8.0f}  {notes}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
