"""Time the site search: documents from the loaded Site, and the pagefind index written from them.

    python benchmarks/search_index.py --sizes 200,2000,20000 [--work DIR] [--seed 1]
    python benchmarks/search_index.py --html SITE   # the former way: pagefind over every built page

For each size (number of reports; agencies x 2014-2024 as needed) it writes the synthetic corpus
(once; kept in --work), loads it (parse cache in --work) and times site_key() (the build's check,
once cold and once again as a rebuild runs it) and the documents; then, in a fresh Python process
so that the figures are the indexer's own: the documents' key and the index, with wall and CPU
seconds (this process, and the pagefind process), the peak RSS of each, the number of documents
and of files written and their bytes. No site is built: the index needs only the documents.

--html times what the build did before the documents existed: pagefind's binary over every
HTML page of an already built site (full text), into a scratch folder.

Wall-clock figures depend on what else the machine runs; CPU seconds are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKER = r'''
import json, pickle, resource, sys, time
from pathlib import Path
from site_builder.render import search

docs = pickle.loads(Path(sys.argv[1]).read_bytes())
out = Path(sys.argv[2])
def peak_rss_mb():
    # VmHWM, not ru_maxrss: the latter keeps the size of the parent this process was forked from
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
def cpu(who):
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime
t0, c0 = time.perf_counter(), cpu(resource.RUSAGE_SELF)
key = search.docs_key(docs)
t1 = time.perf_counter()
files = search.build_index(out, docs)
t2 = time.perf_counter()
size = sum(p.stat().st_size for p in (out / search.OUTPUT_DIR).rglob("*") if p.is_file())
print(json.dumps({"docs": len(docs), "key_s": t1 - t0, "wall_s": t2 - t1, "python_cpu_s": cpu(resource.RUSAGE_SELF) - c0,
                  "pagefind_cpu_s": cpu(resource.RUSAGE_CHILDREN),
                  "pagefind_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "python_rss_mb": peak_rss_mb(),
                  "files": files, "bytes": size}))
'''


def corpus(work: Path, reports: int, seed: int) -> Path:
    content = work / f"content-{reports}"
    if not (content / "agencies.toml").is_file():
        agencies = reports // 11 + 1
        subprocess.run([sys.executable, "-m", "site_builder", "synth", "--agencies", str(agencies), "--years", "2014-2024",
                        "--reports", str(reports), "--seed", str(seed), "--out", str(content)], check=True)
    return content


def documents(content: Path, cache: Path) -> tuple[list, dict]:
    """The documents of the corpus, with the CPU seconds of site_key() (first, and again on the
    same reports as a rebuild has them) and of the documents."""
    from site_builder.load.cache import ReportCache
    from site_builder.load.loader import load_site
    from site_builder.render.search import site_documents, site_key

    site = load_site(content, cache=ReportCache(cache))
    times = {}
    for name, f in (("site_key_cpu_s", site_key), ("site_key_again_cpu_s", site_key), ("documents_cpu_s", site_documents)):
        c0 = time.process_time()
        value = f(site)
        times[name] = time.process_time() - c0
    return value, times


def run_size(work: Path, reports: int, seed: int) -> dict:
    content = corpus(work, reports, seed)
    docs, times = documents(content, work / f"cache-{reports}")
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        pick = Path(tmp) / "docs.pickle"
        pick.write_bytes(pickle.dumps(docs))
        out = Path(tmp) / "site"
        out.mkdir()
        proc = subprocess.run([sys.executable, "-c", WORKER, str(pick), str(out)], capture_output=True, text=True, check=True)
    res = json.loads(proc.stdout)
    res.update(reports=reports, **times)
    return res


def run_html(site: Path) -> dict:
    """The former index: pagefind's binary over every built page, full text."""
    pages = sum(1 for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("pagefind/"))
    with tempfile.TemporaryDirectory() as tmp:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(Path(tmp) / "pagefind"),
                        "--silent"], check=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        size = sum(p.stat().st_size for p in (Path(tmp) / "pagefind").rglob("*") if p.is_file())
        files = sum(1 for p in (Path(tmp) / "pagefind").rglob("*") if p.is_file())
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"pages": pages, "wall_s": wall, "pagefind_cpu_s": cpu, "pagefind_rss_mb": after.ru_maxrss / 1024,
            "files": files, "bytes": size}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="200,2000", help="numbers of reports, comma-separated (default 200,2000)")
    ap.add_argument("--work", type=Path, default=None, help="folder for corpora and caches (default: a temporary one)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--html", type=Path, default=None, help="a built site: time pagefind over its pages instead")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if args.html:
        r = run_html(args.html)
        print(f"pagefind over {r['pages']} built pages: {r['wall_s']:.2f} s wall, {r['pagefind_cpu_s']:.2f} s CPU, "
              f"{r['pagefind_rss_mb']:.0f} MB peak RSS; {r['files']} files, {r['bytes'] / 1e6:.1f} MB")
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{'reports':>8} {'docs':>6} {'site_key':>9} {'again':>7} {'documents':>10} {'index wall':>11} {'python CPU':>11} "
          f"{'pagefind CPU':>13} {'pagefind RSS':>13} {'python RSS':>11} {'files':>6} {'bytes':>9}")
    for size in (int(s) for s in args.sizes.split(",")):
        r = run_size(work, size, args.seed)
        print(f"{r['reports']:>8} {r['docs']:>6} {r['site_key_cpu_s'] * 1000:>7.0f}ms {r['site_key_again_cpu_s'] * 1000:>5.0f}ms "
              f"{r['documents_cpu_s']:>9.2f}s {r['wall_s']:>10.2f}s {r['python_cpu_s']:>10.2f}s "
              f"{r['pagefind_cpu_s']:>12.2f}s {r['pagefind_rss_mb']:>10.0f} MB {r['python_rss_mb']:>8.0f} MB "
              f"{r['files']:>6} {r['bytes'] / 1e6:>7.1f}MB", flush=True)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
