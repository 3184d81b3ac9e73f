"""What the charts cost on a synthetic corpus: the one-off Altair part and each chart after it.

    python benchmarks/chart_cost.py --sizes 200,2000 [--work DIR] [--seed 1]

For each size (reports; agencies x 2014-2024 as needed, as benchmarks/bench.py makes them) it
loads the corpus (parse cache in the work folder) and then, in that process, prints CPU seconds:

- import of Altair and the Altair build of every kind of chart (charts.prerender: what the
  build's "charts" stage does, once per process, and never when the kinds are on disk; so it
  is measured at the first size only);
- each agency chart and each metric page's charts (a line per agency up to charts.LEGEND_MAX
  agencies, else the total and the top agencies with the median) (best of five passes over the whole site, after a
  first pass that fills the per-report figure index the pages share), and the bytes of specs;
- writing the specs as the build does, one file each under charts/ (output.Output: hashed,
  written), against the same bytes escaped into <script type="application/json"> blocks of the
  pages that show them (what inlining would add to pages that are written anyway): the files
  cost at most their difference.

    --content DIR measures an existing corpus instead (--sizes is then ignored).
"""

from __future__ import annotations

import argparse
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from site_builder.tools.synth import generate, parse_years# noqa: E402


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def corpus(work: Path, size: int, seed: int) -> Path:
    content = work / f"corpus-{size}-{seed}"
    if not (content / "agencies.toml").is_file():
        years = parse_years("2014-2024")
        generate(content, agencies=-(-size // len(years)), years=years, seed=seed, reports=size)
    return content


def measure(work: Path, size: int, seed: int) -> None:
    from site_builder.render import charts
    from site_builder.load.cache import ReportCache
    from site_builder.catalogue import metrics
    from site_builder.load.loader import load_site
    from dataclasses import replace

    content = corpus(work, size, seed) if isinstance(size, int) else size
    site = load_site(content, cache=ReportCache(work / f"cache-{content.name}-{seed}"))
    templates = charts.Templates(None)  # Altair, not the disk: the cold cost (once a process)
    c0 = cpu()
    kinds = charts.prerender(templates)
    once = cpu() - c0
    agencies, metric_ids = site.agencies, [m.id for m in metrics()]
    made_a = [c for a in agencies for c in charts.agency_charts(site, a.slug, templates)]
    made_m = [c for m in metric_ids for c in charts.metric_charts(site, m, templates)]
    best_a = best_m = float("inf")
    for _ in range(5):
        c0 = cpu()
        for a in agencies:
            charts.agency_charts(site, a.slug, templates)
        site = replace(site)  # each metric's yearly sums made afresh (kept with a Site), as in a full build
        site.figure_entries  # (the shared index: built before the pages, as a full build does)
        c1 = cpu()
        for m in metric_ids:
            charts.metric_charts(site, m, templates)
        c2 = cpu()
        best_a, best_m = min(best_a, c1 - c0), min(best_m, c2 - c1)
    size_a = sum(len(c.spec_json.encode()) for c in made_a)
    size_m = sum(len(c.spec_json.encode()) for c in made_m)
    print(f"{len(site.reports)} reports, {len(agencies)} agencies"
          + (f": Altair import + {kinds} kinds {once:.2f} s CPU (once a process)" if kinds else ""))
    print(f"  {len(made_a)} agency charts: {1000 * best_a / max(1, len(made_a)):.3f} ms each, {best_a:.2f} s, "
          f"specs {size_a / 1e6:.2f} MB")
    print(f"  {len(made_m)} metric charts ({len(metric_ids)} metrics' pages): {1000 * best_m / max(1, len(made_m)):.2f} ms each, {best_m:.2f} s, "
          f"specs {size_m / 1e6:.2f} MB")
    files, inline = spec_files_against_inline(made_a + made_m)
    print(f"  writing the {len(made_a) + len(made_m)} specs: as files {files:.3f} s CPU; "
          f"the same bytes inside their pages instead {inline:.3f} s (best of three)")


def spec_files_against_inline(made: list) -> tuple[float, float]:
    """CPU seconds of writing each chart's spec as its own file (charts.write_specs), and of the
    extra bytes its page would carry inline: each page (a stand-in of an agency page's 74 KB)
    written with its charts' specs escaped for a script block, less that page written without."""
    import tempfile

    from site_builder.render import charts
    from site_builder.build.output import Output

    page = "x" * 74_000
    pairs = [made[i:i + 2] for i in range(0, len(made), 2)]  # two charts a page, as an agency's
    best_files = best_inline = float("inf")
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            out = Output(Path(tmp))
            c0 = cpu()
            charts.write_specs(out, made)
            c1 = cpu()
            for i, pair in enumerate(pairs):
                out.write(f"a/{i}.html", page + "".join(c.spec_json.replace("<", "\\u003c") for c in pair))
            c2 = cpu()
            for i in range(len(pairs)):
                out.write(f"b/{i}.html", page)
            c3 = cpu()
        best_files = min(best_files, c1 - c0)
        best_inline = min(best_inline, max(0.0, (c2 - c1) - (c3 - c2)))
    return best_files, best_inline


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="200,2000")
    ap.add_argument("--work", type=Path, default=Path("/tmp/site-builder-chart-cost"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--content", type=Path, default=None, help="an existing corpus (read only) instead of --sizes")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    for size in [args.content] if args.content else (int(s) for s in args.sizes.split(",")):
        measure(args.work, size, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
