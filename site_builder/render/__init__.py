"""The render phase: records -> pages. Everything here reads the loaded Site and writes through Output.

render_site() only orchestrates: pages.py chooses each page's content, views.py arranges it,
templates/ lay it out, feeds.py and assets.py write the rest.

The site is written as units, each a handful of files: one page (with its charts' specs), the
data downloads, one agency's records.csv, one report's original file, the static files, the
sitemap, the feed. A full render runs every unit, the pages split between processes (`jobs`).
An incremental render (the dev server's next build in the same process) runs only the units
that show something the change touched (changes.diff, affected()) and carries the files of
every other unit over from the previous render; it gives the same bytes as a full render.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from jinja2 import Environment

from site_builder.render.static_assets import Assets
from site_builder.render.charts import Templates as ChartKinds, write_specs
from site_builder.render.downloads import agency_records_csv, notes_csv, quality_csv
from site_builder.exceptions import SiteBuilderError
from site_builder.build.output import Output
from site_builder.render import changes as changes_mod
from site_builder.render import datapackage, feeds, pages, records_files, records_parquet, summaries, urls
from site_builder.render import views
from site_builder.render.originals import copy_original
from site_builder.render.environment import PROJECT_ROOT, environment
from site_builder.render.prose import read_pages
from site_builder.load.indicators import indicators_csv
from site_builder.render.templating import footer_downloads
from site_builder.load.site import Site

__all__ = ["PROJECT_ROOT", "RenderState", "affected", "diff_previous", "environment", "render_site",
           "write_pending_downloads"]

_SLUG = attrgetter("slug")

# below this many report and agency pages (most of a site's pages, counted before the pages are
# listed) a full render stays in one process (forking costs more than it saves)
PARALLEL_MIN_PAGES = 200
# units (pages mostly) per task handed to a worker: small enough that both cores stay busy to the end
CHUNK_UNITS = 32
# pages that list every agency or every report giving a figure (tens of ms to a few tenths of a
# second each at a province's size): handed out first, one per task
HEAVY_PAGES = ("index", "agencies", "years", "year", "metrics", "metric", "quality")
# pages that list every data file (the others link footer_downloads' few)
LIST_DOWNLOADS = ("index",)


@dataclass
class RenderState:
    """What the next render in this process needs from this one to render only what changed."""

    units: dict[tuple, dict[str, str]]  # unit -> its files (relpath -> hash)
    downloads: list[str]  # the data/ files every page's footer links to
    prose: list  # the prose pages (ProsePage), compared whole
    options: tuple  # base URL, templates and static folders
    env: Environment | None = field(default=None, repr=False)  # templates compiled, asset_url set
    records: object = field(default=None, repr=False)  # records_files.Layout of the data/ record files
    charts: ChartKinds | None = field(default=None, repr=False)  # the kinds of chart, their specs made
    # reports ((slug, year)) whose rows the live data/ files do not hold yet: a render with
    # defer_downloads leaves them to write_pending_downloads (None: the files are current)
    pending: set | None = None


def render_site(site: Site, out: Output, templates_dir: Path, static_dir: Path, base_url: str | None = None, *,
                previous: tuple[Site, RenderState] | None = None, jobs: int = 1, stats: dict | None = None,
                defer_downloads: bool = False, changes=None, charts: ChartKinds | None = None) -> RenderState:
    """Write the site into `out`. With `previous` (the Site and RenderState of the last render in
    this process, whose templates, static files and code are those of this one), render only the
    units the difference touches. Returns the state for the next render; `stats` receives
    {"pages": pages rendered, "incremental": bool}.

    `defer_downloads` (the dev server): an incremental render leaves the data downloads as they
    are (the pages link to them by name only) and notes which reports they lack in the returned
    state's `pending`; write_pending_downloads() brings them up to date afterwards.

    `changes`: changes.diff() of `previous`'s Site and `site`, when the caller made it already
    (see diff_previous()). `charts`: the kinds of chart (charts.Templates) the charts are made
    from; by default the last render's, else kinds kept in this process only."""
    forked: list[_Forked] = []  # the downloads' process, once forked: waited for however the render ends
    try:
        return _render(site, out, templates_dir, static_dir, base_url, previous, jobs, stats, defer_downloads,
                       changes, charts, forked)
    finally:
        for writer in forked:
            writer.close()


def _render(site: Site, out: Output, templates_dir: Path, static_dir: Path, base_url: str | None,
            previous: tuple[Site, RenderState] | None, jobs: int, stats: dict | None, defer_downloads: bool,
            changes, charts: ChartKinds | None, forked: list) -> RenderState:
    """render_site(), the downloads' process (when forked) put in `forked`."""
    base = urls.base_url(base_url)
    prose = read_pages(site.content_dir)
    options = (base, str(Path(templates_dir).resolve()), str(Path(static_dir).resolve()))
    ch = old = None
    if previous is not None:
        old_site, old = previous
        if old.options == options and old.prose == prose and old.env is not None:
            ch = changes if changes is not None else changes_mod.diff(old_site, site)
    kinds = charts if charts is not None else old.charts if old is not None and old.charts is not None else ChartKinds()
    # the same pages as the last render (no report added or removed, the same metrics): only those
    # the change may touch are listed, the rest carried over by their unit keys
    # (a figure's or a year's list pages come or go when its rows grew or shrank past a page)
    lists = ch is not None and pages.lists_moved(old_site, site, ch.moved, ch.years if ch.added_or_removed else ())
    same_pages = ch is not None and not ch.added_or_removed and not ch.with_data and not lists

    def run(key: tuple, write) -> None:
        with out.unit(key):
            write()

    # The data downloads first: every page's footer links to the files they are. (In parallel,
    # a process of their own writes them while this one prepares the pages and the workers
    # render them; the pages link to the files expected, checked afterwards.)
    layout: list = [None]
    whole = ch is None  # (ch may become None below: then the downloads are written, not the agencies' files)

    def agency_records(slug: str, data: list[bytes]) -> None:
        with out.unit(("records", slug)):
            out.write(urls.file_of(urls.agency_records(slug)), data)

    def write_downloads():
        # a full render makes each agency's records.csv in the same pass (its rows are a run of
        # data/records.csv's); an incremental one renders those of the agencies changed as units
        with out.unit(("downloads",)):
            layout[0] = _write_downloads(site, out, old.records if ch is not None else None,
                                         ch.reports | stale if ch is not None else None,
                                         agency_records=agency_records if whole else None)
        return layout[0]

    stale = (old.pending or set()) if ch is not None else set()  # a deferred write that failed
    # A full render in several processes forks the downloads' process first, before the pages are
    # listed (~0.4 s of this process's work at 4,000 reports, growing with the site, while the
    # other core had nothing to do), once the indexes every process shares are built (the
    # downloads need the rates, for data/indicators.csv) and numpy is imported (records.parquet):
    # inherited, not made again.
    parallel = (jobs > 1 and ch is None and len(site.reports) + len(site.agencies) >= PARALLEL_MIN_PAGES
                and _can_fork())
    if parallel:
        views.warm(site)  # the indexes the comparing pages share: built once, inherited by the workers
        # (numpy, which the downloads' records.parquet and the summed-up pages compute with:
        # imported once here rather than in each process)
        summaries.preload()
        forked.append(_Forked(write_downloads, out))
    specs = pages.page_specs(site, prose, kinds, touched=ch if same_pages else None)
    pending = None
    lists_changed = False  # only a year's record files came or went: the pages listing every file again
    if ch is not None and (defer_downloads or ch.nothing and not stale):
        out.carry(("downloads",), old.units[("downloads",)])
        downloads, layout[0] = old.downloads, old.records
        if not ch.nothing or stale:
            pending = ch.reports | stale
            if old.records is not None:  # the files the second step will write (a year added, split...)
                downloads = sorted(list(OTHER_DOWNLOADS) + records_files.planned_files(
                    site, old.records, pending, records_files.LIMITS), key=records_files.file_order)
    elif not parallel:
        write_downloads()
        downloads = _downloads_of(out)
    else:
        downloads = _download_names(site)
    if ch is not None and downloads != old.downloads:
        lists_changed = True
        if pending is None and footer_downloads(downloads) != footer_downloads(old.downloads):
            ch = None  # other data files in every page's footer: a full render
        if same_pages:  # (so every page that lists them, not only those the edit touched)
            same_pages = False
            specs = pages.page_specs(site, prose, kinds)
    # (deferred downloads: the pages name the files the second step will write)
    every_page = ch is not None and lists_changed and footer_downloads(downloads) != footer_downloads(old.downloads)

    # every other unit of the site, in a fixed order, and whether it must be rendered this time
    units: list[tuple[tuple, object]] = []  # (unit, write it)
    keep: list[tuple] = []

    def add(key: tuple, touched, write) -> None:
        # in a full render every unit; else those the change touches, and any the last one lacked
        if ch is None or key not in old.units or touched(ch):
            units.append((key, write))
        else:
            keep.append(key)

    # The same pages as the last render: only the units the change touches are listed (the rest
    # are carried below), not every agency's and report's of a province to keep most of them.
    if same_pages:
        # (found by bisection in the agencies, sorted by slug: not a pass over a province's 20,000)
        everyone = site.agencies
        found = ((slug, bisect_left(everyone, slug, key=_SLUG)) for slug in sorted(ch.agencies))
        agencies = [everyone[at] for slug, at in found if at < len(everyone) and everyone[at].slug == slug]
        reports = [r for slug, year in sorted(ch.reports) for r in site.reports_of(slug) if r.year == year]
    else:
        agencies, reports = site.agencies if not whole else (), site.reports  # (a full render: written with the downloads)
    for a in agencies:
        add(("records", a.slug), lambda c, s=a.slug: s in c.agencies,
            lambda s=a.slug: out.write(urls.file_of(urls.agency_records(s)),
                                       agency_records_csv(site.reports_of(s), site.agency_of)))
    for r in reports:
        if r.original:
            key = (site.agency_of[r.path].slug, r.year)
            add(("original",) + key, lambda c, k=key: k in c.reports, lambda r=r: copy_original(site, r, out))
    page_env = PageEnv()  # (set below, before the pages render)
    if ch is not None:
        from site_builder.render import reranked  # (an edit's: a full build does without)
    for spec in specs:
        if ch is not None and not every_page and ranks_alone(spec, ch):
            # (a peer of an edited report: its live page with its rows of rates redrawn)
            write = (lambda s=spec: reranked.rerank(s, out, old_site, site, old.units.get(("page", s.url)))
                     or _render_page(s, out, page_env))
        else:
            write = lambda s=spec: _render_page(s, out, page_env)
        add(("page", spec.url),
            lambda c, s=spec: affected(s, c) or every_page or lists_changed and s.kind in LIST_DOWNLOADS, write)
    add(("sitemap",), lambda c: c.added_or_removed or c.with_data or lists,
        lambda: _write_sitemaps(out, base, [s.url for s in specs if s.in_sitemap]))
    add(("feed",), lambda c: c.feed, lambda: out.write("feed.xml", feeds.atom(base, site, pages.SITE_NAME)))

    if ch is not None:
        out.carry(("static",), old.units[("static",)])
        env = old.env
    else:
        env = _full_environment(templates_dir, static_dir, out, run)
    prose_pages = [pages.prose_page(p) for p in prose]

    def footer(names: list[str]) -> None:
        # what every page is rendered with; set before the pages render (workers inherit it)
        page_env.env = env
        page_env.common = {"site": site, "base_url": base, "downloads": names, "prose_pages": prose_pages}

    writer = None
    try:
        footer(downloads)
        if parallel:
            writer = forked[0]
            long = {("page", s.url) for s in specs if s.kind in HEAVY_PAGES}
            kinds_of = {s.url: s.kind for s in specs}

            def downloads_written() -> None:
                if defer_downloads:
                    # The dev server: while the workers render, this process makes the year and
                    # metric pages' rows (views.row_cache) and a summed-up page's columns and
                    # their stats (Site.column) that its next renders keep, so that the first
                    # edit of a year or a figure redraws one row, not the 1,800 of a province's
                    # page (~2 s of CPU at 20,000 reports, once); with the root region page,
                    # every region's headline figures added up (region_views.region_sums); the
                    # broken checks the /quality/ page counts; and each year's peer groups, which
                    # the first edit's ranks would otherwise group twice, for the Site before it
                    # and the one after (~50 ms each at 20,000 reports).
                    for s in specs:
                        if s.kind in ("year", "metric") or (s.kind == "region" and s.key == ((), 1)):
                            s.build()
                    site.quality_counts  # (the /quality/ page's, which the next Sites patch)
                    for year in site.years:
                        site.peer_groups(year)  # (kept by the next Sites while no report comes or goes)
                layout[0] = writer.merge_into(out)

            _run_parallel(units, out, jobs, env, meanwhile=downloads_written, heavy=long.__contains__)
            actual = _downloads_of(out)
            if actual != downloads:  # not the files expected: the pages again, linking the right ones
                # (every page when its footer's links differ, else those listing every file)
                every = footer_downloads(actual) != footer_downloads(downloads)
                downloads = actual
                footer(downloads)
                for key, write in units:
                    if key[0] == "page" and (every or kinds_of.get(key[1]) in LIST_DOWNLOADS):
                        run(key, write)
        else:
            for key, write in units:
                run(key, write)
    finally:
        if writer is not None:
            writer.close()
    if same_pages:  # the units not listed: every unit of the last render not rendered now
        out.carry_all(old.units)
    else:
        for key in keep:
            out.carry(key, old.units[key])
    if stats is not None:
        stats.update(pages=sum(1 for key, _ in units if key[0] == "page"), incremental=ch is not None)
    # (the Output's own dict: the build is done with it)
    return RenderState(out.units, downloads, prose, options, env, layout[0], kinds, pending)


def diff_previous(site: Site, previous: tuple[Site, RenderState] | None):
    """changes.diff() of the last render's Site and `site` (None without one, or when the change
    is more than reports), for render_site(changes=...)."""
    if previous is None:
        return None
    return changes_mod.diff(previous[0], site)


def write_pending_downloads(site: Site, out: Output, state: RenderState) -> None:
    """The second step of a render with defer_downloads: the data/ files written into `out`
    (whose base is the live site), rewritten around the reports `state.pending` names, and
    `state` updated to describe them. On failure the live files are untouched and `state` says
    they must be written in full next time."""
    try:
        with out.unit(("downloads",)):
            layout = _write_downloads(site, out, state.records, state.pending)
        if _downloads_of(out) != state.downloads:  # the pages' footers name other files
            raise SiteBuilderError(f"the data downloads are now {_downloads_of(out)}, the pages link "
                                   f"{state.downloads}: rebuild the site in full")
    except BaseException:
        state.records = None
        raise
    state.units[("downloads",)] = out.units[("downloads",)]
    state.records, state.pending = layout, None


def affected(spec, ch) -> bool:
    """Whether the page shows anything the changes touched (pages.py and the templates decide
    what a page shows; this is the map from those to the changes.Changes fields)."""
    kind, key = spec.kind, spec.key
    if kind == "report":
        # its figures; the prev/next links; its rates' ranks among the edited reports' peers
        return key in ch.reports or key[0] in ch.reordered or key in ch.ranked
    if kind == "agency":
        return key in ch.agencies
    if kind == "year":
        return key in ch.years
    if kind == "metric":
        return key in ch.metrics
    if kind == "metric-list":  # its rows: the reports from `first` to `last` (slug, year) giving the metric
        metric, _, first, last = key
        return metric in ch.metrics and (metric in ch.moved or ch.added_or_removed
                                         or any(first <= r <= last for r in ch.reports))
    if kind == "year-list":  # its rows: the year's reports of the agencies from `first` to `last`;
        year, _, first, last = key  # its columns: the comparable figures any report of the year gives
        return year in ch.years and (ch.added_or_removed or not ch.moved.isdisjoint(views.year_column_ids())
                                     or any(y == year and first <= slug <= last for slug, y in ch.reports))
    if kind == "index":  # counts, agencies and their years, latest reports' headlines, metrics, errors
        return ch.added_or_removed or ch.latest or ch.with_data or ch.errors
    if kind in ("agencies", "years"):
        return ch.added_or_removed
    if kind == "metrics":
        return ch.with_data
    if kind == "region":  # its agencies' latest reports, its sub-regions' counts, its headlines
        return key[0] in ch.regions
    if kind == "initial":  # its agencies' report links
        return key[0] in ch.initials
    if kind == "quality":  # the broken checks, and the reports counted per year and province
        return ch.quality or ch.added_or_removed
    return False  # prose pages and 404 show no report


def ranks_alone(spec, ch) -> bool:
    """Whether the page is a report's that affected() selects for its rates' ranks alone (a peer
    of an edited report: nothing else it shows changed)."""
    if spec.kind != "report":
        return False
    key = spec.key
    return key in ch.ranked and key not in ch.reports and key[0] not in ch.reordered


def _write_downloads(site: Site, out: Output, layout=None, changed: set | None = None, agency_records=None):
    """The data/ files. The record files report by report, reusing the bytes of the reports not
    `changed` since the last render (whose `layout` they have); returns their new layout.
    `agency_records`: see records_files.write. records.parquet is made whole each time (the dev
    server makes it after the pages are live); datapackage.json describes them all."""
    # records.parquet from the rows the record files make (every report's, written whole; else made for it)
    table = records_parquet.RecordsTable(site)
    whole = records_files.writes_whole(out, layout, changed)
    layout = records_files.write(site, out, layout, changed, agency_records=agency_records,
                                 limits=records_files.LIMITS, rows_to=table.add if whole else None)
    if not whole:
        table.add_all()
    sizes = dict(layout.sizes)
    for relpath, data in (("data/quality.csv", quality_csv(site.reports, site.agency_of).encode("utf-8")),
                          ("data/notes.csv", notes_csv(site.reports, site.agency_of).encode("utf-8")),
                          ("data/indicators.csv", indicators_csv(site.indicators)),
                          (datapackage.METRICS, datapackage.metrics_csv()),
                          (records_parquet.PARQUET, table.close())):
        out.write(relpath, data)
        sizes[relpath] = len(data)
    out.write(datapackage.DATAPACKAGE, datapackage.datapackage(sizes, layout.files))
    return layout


def _write_sitemaps(out: Output, base: str, page_urls: list[str]) -> None:
    for relpath, text in feeds.sitemaps(base, page_urls):
        out.write(relpath, text)


def _full_environment(templates_dir: Path, static_dir: Path, out: Output, run) -> Environment:
    """A new Jinja environment, and the static files it links to written (the static unit)."""
    # /assets/<name>.<hash>.<ext>, cached for a year (netlify.toml): every page links these (no
    # plain /static/ copy: nothing links one, and it would publish the Vega bundle twice)
    fingerprinted = Assets(static_dir)

    def write_static() -> None:
        fingerprinted.write(out)

    run(("static",), write_static)
    env = environment(templates_dir)
    env.globals["asset_url"] = fingerprinted.url
    return env


# --- pages, and several processes ----------------------------------------------------------------------------


class PageEnv:
    """The Jinja environment and the variables every page is rendered with (the footer's list of
    downloads may change once the downloads are written: set before the pages render; forked
    workers inherit it)."""

    env: Environment
    common: dict


def _render_page(spec, out: Output, page_env: PageEnv) -> None:
    page = spec.build()
    html = page_env.env.get_template(page.template).render(page=page, **page_env.common, **page.context)
    out.write(urls.file_of(page.url), html)
    write_specs(out, page.context.get("charts", []))  # for static/js/charts.js


def _downloads_of(out: Output) -> list[str]:
    return sorted((p for p in out.units[("downloads",)] if p.startswith("data/")), key=records_files.file_order)


# the data files every site has besides the record files (a test compares them with an empty site's)
OTHER_DOWNLOADS = ("data/datapackage.json", "data/indicators.csv", "data/metrics.csv", "data/notes.csv",
                   "data/quality.csv", "data/records.parquet")


def _download_names(site: Site) -> list[str]:
    """The data files the downloads of `site` are expected to be (their names, not their bytes):
    the record files estimated (records_files.expected_files), and the others."""
    return sorted(list(OTHER_DOWNLOADS) + records_files.expected_files(site, records_files.LIMITS),
                  key=records_files.file_order)


# multiprocessing and concurrent.futures.process are imported where a render forks (~25 ms of
# import, measured, that a build in one process does without).


class _Forked:
    """write() (which writes into `out` and returns a value) run in a forked process of its own,
    started now; merge_into() waits for it, merges its files' bookkeeping into `out` and returns
    the value. A failure there is raised by merge_into()."""

    def __init__(self, write, out: Output) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # (the job reaches the process as its initializer's arguments: inherited through the
        # fork, never pickled)
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                        initializer=_Worker.adopt, initargs=((write, out), os.getpid()))
        self.future = self.pool.submit(_run_writer)

    def merge_into(self, out: Output):
        collected, value, spent = self.future.result()
        out.merge(collected)
        if out.timings is not None:
            out.timings.add("write", spent)
        return value

    def close(self) -> None:
        self.pool.shutdown(wait=True)  # (after a failure elsewhere: no writer left running)


class _Worker:
    """What a forked worker process was given to run (by the pool's initializer, in that process
    only: the parent never sets it)."""

    job: tuple = ()

    @classmethod
    def adopt(cls, job: tuple, parent: int) -> None:
        from site_builder.lifeline import bind_to_parent  # (imported where a render forks)

        bind_to_parent(parent)  # (the worker ends when the build does, even a killed one)
        cls.job = job


def _run_writer():
    write, out = _Worker.job
    out.detach()
    before = out.timings.seconds.get("write", 0.0) if out.timings is not None else 0.0
    value = write()
    spent = out.timings.seconds.get("write", 0.0) - before if out.timings is not None else 0.0
    return out.collect(), value, spent


def _run_chunk(bounds: tuple[int, int]) -> tuple[dict, list, dict]:
    units, out = _Worker.job
    out.detach()
    for key, write in units[bounds[0]:bounds[1]]:
        with out.unit(key):
            write()
    return out.collect()


def _run_parallel(units: list, out: Output, jobs: int, env: Environment, meanwhile=None,
                  heavy=lambda key: False) -> None:
    """Run the units in `jobs` forked processes, each writing its files into the staging folder;
    their bookkeeping (file -> hash, unit -> files) is merged here in unit order, so the result
    is the same whatever the number of processes. `heavy(key)`: the unit takes long (see _chunks)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        env.get_template(name)  # compiled once here, inherited by every worker
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                             initializer=_Worker.adopt, initargs=((units, out), os.getpid())) as pool:
        chunks = _chunks(units, heavy)
        results = pool.map(_run_chunk, chunks)  # (every chunk handed out at once, in this order)
        if meanwhile is not None:
            meanwhile()  # this process's own share, while the workers render
        done = dict(zip(chunks, results))
        for bounds in sorted(done):  # in unit order, whichever order they ran in
            out.merge(done[bounds])


def _chunks(units: list, heavy) -> list[tuple[int, int]]:
    """The units as tasks (start, end): each heavy unit alone and first, then runs of the others.
    A worker takes the next task when it is done with one, so the long pages (a metric's or a
    year's: ~0.1 s each at 20,000 reports, listed last) are spread over the workers from the
    start, and the last tasks are short ones: no core waits long for the other at the end."""
    alone = [(i, i + 1) for i, (key, _) in enumerate(units) if heavy(key)]
    first = {start for start, _ in alone}
    runs: list[tuple[int, int]] = []
    start = None
    for i in range(len(units) + 1):
        light = i < len(units) and i not in first
        if light and start is None:
            start = i
        if start is not None and (not light or i - start == CHUNK_UNITS):
            runs.append((start, i))
            start = i if light else None
    return alone + runs


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()
