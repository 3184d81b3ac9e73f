"""CPU cost of the render phase by page type, and of the data downloads, without charts or search.

    python benchmarks/render_pages.py CONTENT_DIR [--n 50] [--repeat 3] [--downloads] [--cache DIR] [--save DIR]

Loads the site once (parse cache under --cache), then for each page type builds the page
(pages.py + views.py: "context") and renders its template ("template") for up to N pages,
and prints CPU milliseconds per page and the mean page size. Charts are left out (they are
built and cached by charts.py and timed by bench.py); the chart hook returns no chart here.
--downloads times each file of data/ (CPU seconds, size). --save writes the rendered sample
pages to DIR (to compare the HTML before and after a change).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def cpu() -> float:
    s = resource.getrusage(resource.RUSAGE_SELF)
    return s.ru_utime + s.ru_stime


def sample(items: list, n: int) -> list:
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("content", type=Path)
    ap.add_argument("--n", type=int, default=50, help="pages of each type to render (sampled evenly)")
    ap.add_argument("--repeat", type=int, default=3, help="passes over the sample; the fastest is shown")
    ap.add_argument("--downloads", action="store_true", help="also time the data/ downloads")
    ap.add_argument("--cache", type=Path, default=None, help="parse cache folder (default: CONTENT/../.cache-<name>)")
    ap.add_argument("--save", type=Path, default=None, help="write the sampled pages here")
    args = ap.parse_args()

    from site_builder.load.cache import ReportCache
    from site_builder.load.loader import load_site
    from site_builder.render import environment, pages, urls
    from site_builder.render import page_charts
    from site_builder.render import views
    from site_builder.render.prose import read_pages

    # charts are not this benchmark's business (their cost is Altair and vl-convert)
    page_charts.agency_charts = lambda site, slug, kinds=None: []
    page_charts.metric_charts = lambda site, metric_id, kinds=None: []

    cache_dir = args.cache or args.content.parent / f".cache-{args.content.name}"
    c0 = cpu()
    site = load_site(args.content, cache=ReportCache(cache_dir))
    print(f"{len(site.reports)} reports, {len(site.agencies)} agencies, {len(site.years)} years; load {cpu() - c0:.2f} s CPU")

    env = environment(ROOT / "templates")
    prose = read_pages(site.content_dir)
    common = {"site": site, "base_url": urls.base_url(None), "downloads": ["data/records.csv", "data/records.json"],
              "prose_pages": [pages.prose_page(p) for p in prose]}
    metrics = site.metrics_with_data
    kinds = {
        "index": (pages.index_page, [()]),
        "agencies": (pages.agencies_page, [()]),
        "agency": (pages.agency_page, [(a,) for a in site.agencies]),
        "report": (pages.report_page, [(r,) for r in site.reports]),
        "years": (pages.years_page, [()]),
        "year": (pages.year_page, [(y,) for y in site.years]),
        "metrics": (pages.metrics_page, [()]),
        "metric": (pages.metric_page, [(m,) for m in metrics]),
        # the list pages of summed-up year and figure pages (summaries.Limits)
        "year-list": (pages.year_list_page, [(y, n) for y in site.years
                                             for n in range(1, len(pages.year_list_bounds(site, y)) + 1)]),
        "metric-list": (pages.metric_list_page, [(m, n) for m in metrics
                                                 for n in range(1, len(pages.metric_list_bounds(site, m.id)) + 1)]),
    }
    print(f"{'page':<12}{'pages':>7}{'context ms':>12}{'template ms':>13}{'total ms':>10}{'KB/page':>9}  (CPU per page; up to {args.n} sampled, fastest of {args.repeat} passes)")
    total_est = 0.0
    for kind, (fn, arglist) in kinds.items():
        if not arglist:
            continue
        chosen = sample(arglist, args.n)
        warm = fn(site, *chosen[0])  # the template's first use compiles it: not timed
        env.get_template(warm.template).render(page=warm, **common, **warm.context)
        best = None
        for rep in range(args.repeat):  # the fastest pass: other processes' noise only adds
            t_ctx = t_tpl = 0.0
            size = 0
            for a in chosen:
                c0 = cpu()
                page = fn(site, *a)
                c1 = cpu()
                html = env.get_template(page.template).render(page=page, **common, **page.context)
                c2 = cpu()
                t_ctx += c1 - c0
                t_tpl += c2 - c1
                size += len(html.encode("utf-8"))
                if args.save and rep == 0:
                    f = args.save / urls.file_of(page.url)
                    f.parent.mkdir(parents=True, exist_ok=True)
                    f.write_text(html, encoding="utf-8")
            if best is None or t_ctx + t_tpl < best[0] + best[1]:
                best = (t_ctx, t_tpl)
        t_ctx, t_tpl = best
        k = len(chosen)
        per = (t_ctx + t_tpl) / k
        total_est += per * len(arglist)
        print(f"{kind:<12}{len(arglist):>7}{1000 * t_ctx / k:>12.2f}{1000 * t_tpl / k:>13.2f}{1000 * per:>10.2f}{size / k / 1024:>9.1f}")
    print(f"all {sum(len(a) for _, a in kinds.values())} pages, estimated: {total_est:.2f} s CPU")

    if args.downloads:
        import tempfile

        from site_builder.render import downloads
        from site_builder.build.output import Output
        from site_builder.render import records_files, records_parquet

        reports, agency_of = site.reports, site.agency_of
        jobs = [
            ("data/records.csv", lambda out: out.write_chunks("data/records.csv", downloads.records_csv_chunks(reports, agency_of))),
            ("data/records.json", lambda out: out.write_chunks("data/records.json", downloads.records_json_chunks(reports, agency_of))),
            ("data/quality.csv", lambda out: out.write("data/quality.csv", downloads.quality_csv(reports, agency_of))),
            ("data/notes.csv", lambda out: out.write("data/notes.csv", downloads.notes_csv(reports, agency_of))),
            ("data/records.parquet", lambda out: out.write(records_parquet.PARQUET, records_parquet.records_parquet(site))),
            ("agency records.csv (all)", lambda out: [
                out.write(urls.file_of(urls.agency_records(a.slug)), downloads.agency_records_csv(site.reports_of(a.slug), agency_of))
                for a in site.agencies]),
            ("record files (whole, years) + agency files, 1 pass", lambda out: records_files.write(
                site, out, agency_records=lambda slug, data: out.write(urls.file_of(urls.agency_records(slug)), data))),
        ]
        total = 0.0  # (the last line is the same files again, written in one pass: not added)
        rows = sum(len(r.figures) for r in reports)
        print(f"{'file (serialised, hashed, written)':<36}{'CPU s':>8}{'MB':>9}")
        with tempfile.TemporaryDirectory() as tmp:
            out = Output(Path(tmp))
            for name, job in jobs:
                before = set(out.written)
                c0 = cpu()
                job(out)
                took = cpu() - c0
                total += took if "1 pass" not in name else 0.0
                size = sum((Path(tmp) / p).stat().st_size for p in out.written if p not in before or "1 pass" in name and
                           (p.startswith("data/records.") or p.endswith("/records.csv")))
                print(f"{name:<36}{took:>8.3f}{size / 1e6:>9.2f}")
        print(f"{'downloads':<36}{total:>8.3f}   ({rows} records)")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
