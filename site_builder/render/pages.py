"""One function per page type: the loaded Site -> Page (URL, template, metadata, context).

Pages only choose what to show; views.py arranges it, templates lay it out.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter
from typing import Callable, NamedTuple

from site_builder import catalogue
from site_builder.render.charts import Templates as ChartKinds
from site_builder.model import Agency, Report
from site_builder.render import comparison_rows, region_rows, region_views, summaries, urls
from site_builder.render import page_charts
from site_builder.render import views
from site_builder.render.summaries import LIMITS, Limits
from site_builder.render.prose import ProsePage
from site_builder.load.pinyin import OTHER_INITIAL
from site_builder.load.site import Site

SITE_NAME = "政府信息公开年度报告对照"
SITE_NAME_EN = "Government Information Disclosure Reports Compared"

# The home page lists at most this many agencies (headlines, agencies): with a province's 2,000
# agencies it would be a 2.7 MB page. /agencies/ and the year pages list every one. /years/
# names a year's reports only up to this many (the year's own page lists them all).
HOME_ROWS = 200
# /agencies/ lists every agency up to this many; past it, it is an index of initial letters, and
# each letter's page (/agencies/initial/<letter>/) lists this many at most a page
AGENCY_LIST_ROWS = 500
# a region's page lists this many of its agencies (and of its sub-regions) at most (…/page/2/)
REGION_ROWS = 500
UNPLACED_NAME = ("未定地区", "Unplaced")
_SLUG = attrgetter("slug")


@dataclass
class Page:
    url: str
    template: str
    title: str
    description: str
    context: dict = field(default_factory=dict)
    og_type: str = "website"
    in_sitemap: bool = True

    @property
    def section(self) -> str:
        """The URL's first folder ("agencies", "years", "metrics"; "" for the home page): the
        site's navigation marks the link of the page's section."""
        return self.url.split("/", 2)[1]


def _years_text(reports: list[Report]) -> str:
    years = [r.year for r in reports]
    if not years:
        return ""
    return f"{years[0]}–{years[-1]}" if years[0] != years[-1] else str(years[0])


def index_page(site: Site) -> Page:
    # past HOME_ROWS the page links to the indexes instead of listing the agencies: not gathered
    agencies = [(a, site.reports_of(a.slug)) for a in site.agencies] if len(site.agencies) <= HOME_ROWS else []
    latest = site.years[-1] if site.years else None
    return Page(
        urls.home(),
        "index.html",
        SITE_NAME,
        f"{len(site.agencies)} 个机构、{len(site.reports)} 份政府信息公开工作年度报告的数据对照 / "
        f"figures of {len(site.reports)} annual disclosure reports by {len(site.agencies)} agencies, compared",
        {
            "agencies": agencies,
            "latest_year": latest,
            "latest_reports": site.reports_in(latest),
            "headlines": views.headlines(site, HOME_ROWS),  # (the page shows no more)
            "metrics": list(site.metrics_with_data),
            "years_text": _years_text,
        },
    )


def agencies_page(site: Site) -> Page:
    if len(site.agencies) <= AGENCY_LIST_ROWS:
        ctx = {"agencies": [(a, site.reports_of(a.slug)) for a in site.agencies], "years_text": _years_text}
    else:  # an index: each letter's agencies on pages of their own
        ctx = {"agencies": None, "initials": [(letter, len(agencies), urls.agency_initial(letter))
                                              for letter, agencies in site.initials.items()]}
    return Page(
        urls.agencies(),
        "agencies.html",
        "机构 Agencies",
        "本站收录的机构及其年度报告 / the agencies and their annual reports",
        ctx,
    )


def initial_label(letter: str) -> str:
    return "#" if letter == OTHER_INITIAL else letter.upper()


def agency_initial_page(site: Site, letter: str, page: int) -> Page:
    agencies = site.initials[letter]
    pages = (len(agencies) + AGENCY_LIST_ROWS - 1) // AGENCY_LIST_ROWS
    shown = agencies[(page - 1) * AGENCY_LIST_ROWS: page * AGENCY_LIST_ROWS]
    label = initial_label(letter)
    return Page(
        urls.agency_initial(letter, page),
        "agencies_initial.html",
        f"机构 {label}" + (f"（第 {page} 页）" if page > 1 else ""),
        f"拼音首字母为 {label} 的机构 / agencies whose names start with {label} in pinyin",
        {"letter": letter, "label": label, "agencies": [(a, site.reports_of(a.slug)) for a in shown],
         "first": (page - 1) * AGENCY_LIST_ROWS + 1, "count": len(agencies),
         **_pager(lambda n: urls.agency_initial(letter, n), page, pages, len(agencies), AGENCY_LIST_ROWS),
         "initials": [(x, initial_label(x), urls.agency_initial(x)) for x in site.initials]},
    )


def region_name(region) -> str:
    return UNPLACED_NAME[0] if region.unplaced else region.name


def region_crumbs(site: Site, path: tuple[str, ...]) -> list[tuple[str, str]]:
    """(label, URL) from the home page down to the region at `path`, inclusive."""
    return [("首页", urls.home()), ("地区", urls.regions())] + [
        (region_name(node), urls.region(node.path)) for node in site.regions.crumbs(path)]


def region_page(site: Site, path: tuple[str, ...], page: int) -> Page:
    region = site.regions.by_path[path]
    view = region_views.region_page(site, region, page, REGION_ROWS)
    rows = [row for g in view.groups for row in g.rows]
    columns, show_share = region_rows.columns_given(site, rows)
    name = region_name(region) if path else "地区"
    crumbs = region_crumbs(site, path)
    return Page(
        urls.region(path, page),
        "region.html",
        (" ".join(n.name for n in site.regions.crumbs(path)[:-1] if not n.unplaced) + f" {name}").strip()
        + (" Regions" if not path else "") + (f"（第 {page} 页）" if page > 1 else ""),
        (f"{name}：各机构最新报告对照、下级地区 / agencies by place, their latest figures side by side" if path else
         "按地区浏览机构：省、市、区县 / agencies by place: provinces, cities, districts"),
        {"region": region, "name": name, "view": view, "crumbs": crumbs[:-1] if path else crumbs[:1],
         "columns": columns, "show_share": show_share,
         "groups": [(g, region_rows.latest_rows(site, g.rows, columns, show_share)) for g in view.groups],
         **_pager(lambda n: urls.region(path, n), page, view.pages,
                  max(len(region.children), len(region.agencies)), REGION_ROWS),
         "unplaced_name": UNPLACED_NAME, "region_name": region_name},
    )


def _pager(url_of, page: int, pages: int, rows: int, per_page: int) -> dict:
    """The context of _pager.html for page `page` of a list of `rows` rows on `pages` pages
    (no pages listed when it fits on one)."""
    if pages <= 1:
        return {"lists": [], "n": page}
    bounds = [((n - 1) * per_page, min(n * per_page, rows)) for n in range(1, pages + 1)]
    return {"lists": _list_pages(bounds, url_of), "n": page, "pager_window": pager_window}


def agency_page(site: Site, agency: Agency, charts: ChartKinds | None = None) -> Page:
    reports = site.reports_of(agency.slug)
    # each report's broken checks (Report.quality: a list made anew at each call) once
    quality = [(r, r.quality) for r in reports]
    # check views (each check's figure found on the page) only for the reports with a broken check
    broken = [(r, c) for r, q in quality if q for c in views.check_views(r) if not c.check.passed]
    return Page(
        urls.agency(agency.slug),
        "agency.html",
        f"{agency.name} {_years_text(reports)}",
        f"{agency.name}历年政府信息公开工作年度报告数据 / {agency.name}: every figure of its annual reports, year over year",
        {
            "agency": agency,
            # (URLs made here: a call from the template costs more than the call itself)
            "agency_url": urls.agency(agency.slug),
            "records_url": urls.agency_records(agency.slug),
            "reports": reports,
            "yoy": views.yoy_table(site, reports),
            "rate_rows": views.rate_rows(site, reports),
            # each year's checks and how many broke: the agency's data-quality record, each with
            # whether a year follows (the template's loops then make no loop object: ~3 µs each)
            "track": [(views.TrackRecord(r.year, len(r.checks), len(q)), i < len(quality) - 1)
                      for i, (r, q) in enumerate(quality)],
            "broken": broken,
            "warnings": [(r, w) for r in reports for w in r.warnings],
            "charts": page_charts.agency_charts(site, agency.slug, charts),
            "crumbs": region_crumbs(site, site.regions.path_of[agency.slug]),
        },
    )


def report_page(site: Site, report: Report) -> Page:
    agency = site.agency_of[report.path]
    siblings = site.reports_of(agency.slug)
    # found by identity: list.index compares Reports field by field (the dataclass's __eq__)
    i = next((i for i, r in enumerate(siblings) if r is report), None)
    if i is None:
        i = siblings.index(report)
    view = views.report_view(report, agency)
    previous = siblings[i - 1] if i > 0 else None
    next_ = siblings[i + 1] if i + 1 < len(siblings) else None
    return Page(
        urls.report(agency.slug, report.year),
        "report.html",
        f"{agency.name} {report.year}年政府信息公开工作年度报告",
        f"{agency.name} {report.year} 年报：{len(report.figures)} 项数据，{len(view.broken)} 处勾稽关系不符 / "
        f"{agency.name} {report.year}: {len(report.figures)} figures, {len(view.broken)} broken consistency check(s)",
        {
            "view": view,
            "report": report,
            "agency": agency,
            # (URLs made here: a call from the template costs more than the call itself)
            "agency_url": urls.agency(agency.slug),
            "previous": previous,
            "previous_url": previous and urls.report(agency.slug, previous.year),
            "next": next_,
            "next_url": next_ and urls.report(agency.slug, next_.year),
            "original": original_url(site, report),
            # ((Rate, Rank | None), ...): the report's rates and their ranks among its peers
            "rates": site.ranked_rates(report),
        },
        og_type="article",
    )


def original_url(site: Site, report: Report) -> str | None:
    if not report.original:
        return None
    agency = site.agency_of[report.path]
    return urls.report(agency.slug, report.year) + report.original.rsplit("/", 1)[-1]


def years_page(site: Site) -> Page:
    return Page(
        urls.years(),
        "years.html",
        "年度 Years",
        "按年度对照各机构的报告 / reports by year, side by side",
        {"years": [(y, site.reports_in(y)) for y in site.years]},
    )


def _limits(limits: Limits | None) -> Limits:
    # (read when called: a test may set pages.LIMITS for a whole build)
    return limits if limits is not None else LIMITS


class ListPage(NamedTuple):
    """One page of a summary page's full list: its number, URL and rows (first, last, from 1)."""

    n: int
    url: str
    first: int
    last: int


def _list_pages(bounds: list[tuple[int, int]], url) -> list[ListPage]:
    return [ListPage(n, url(n), start + 1, end) for n, (start, end) in enumerate(bounds, 1)]


PAGER_REACH = 3  # a list page links the pages this many either side of it, and the first and last


def pager_window(lists: list[ListPage], n: int) -> list[ListPage | None]:
    """The pages a list page links besides previous and next: the first, the last and those
    near `n` (None where some are left out). Only the summary page links every list page: at
    a province's size a year has 200 of them, 30 KB of links on each."""
    keep = {1, len(lists), *range(n - PAGER_REACH, n + PAGER_REACH + 1)}
    out: list[ListPage | None] = []
    for p in lists:
        if p.n in keep:
            out.append(p)
        elif out and out[-1] is not None:
            out.append(None)
    return out


def year_list_bounds(site: Site, year: int, limits: Limits | None = None) -> list[tuple[int, int]]:
    """The rows of each list page of the year ([] when its page shows the whole table)."""
    limits = _limits(limits)
    count = len(site.groups.by_year.get(year, ()))
    return [] if limits.year_full(count) else summaries.pages_of(count, limits.year_rows)


def year_page(site: Site, year: int, limits: Limits | None = None) -> Page:
    limits = _limits(limits)
    bounds = year_list_bounds(site, year, limits)
    if not bounds:
        columns, show_share, count, rows_html = comparison_rows.year_rows(site, year)
        return Page(
            urls.year(year),
            "year.html",
            f"{year}年 各机构对照",
            f"{year} 年 {count} 个机构的年度报告对照 / {year}: {count} agencies side by side",
            {"year": year, "columns": columns, "rows_html": rows_html, "show_share": show_share},
        )
    columns, show_share, reports, all_totals = comparison_rows.year_columns(site, year)
    # each column's figures of the year summed up, as its figure's page sums them (both kept with
    # the Site's column of the figure's values)
    stats = [(m, s) for m, s in zip(columns, summaries.column_stats([(year, site.column(m.id, year)) for m in columns]))
             if s is not None]
    ranked = site.column("requests.new", year)
    top, bottom = _memo(ranked, ("top", limits.top), lambda: summaries.top_bottom(
        ranked, lambda slug: _agency(site, slug, year), limits.top))
    agencies, (attr, place_zh, place_en), reports_at = _year_places(site, year, reports)
    places = _memo(ranked, ("places", attr), lambda: summaries.by_place(ranked, _places(site, ranked.slugs, attr), attr))
    count = len(reports)
    return Page(
        urls.year(year),
        "year_summary.html",
        f"{year}年 各机构对照",
        f"{year} 年 {agencies} 个机构的 {count} 份年度报告：汇总 / {year}: {count} reports of {agencies} agencies, summed up",
        {"year": year, "columns": columns, "stats": stats, "reports": count, "agencies": agencies,
         "top": top, "bottom": bottom, "ranked_metric": catalogue.metric("requests.new"),
         "place": (place_zh, place_en), "places": [(p, reports_at[p.key]) for p in places],
         "lists": _list_pages(bounds, partial(urls.year_list, year)), "limits": limits,
         "method": (summaries.QUANTILE_METHOD_ZH, summaries.QUANTILE_METHOD_EN), "place_text": comparison_rows.place_text},
    )


def year_list_page(site: Site, year: int, n: int, limits: Limits | None = None) -> Page:
    bounds = year_list_bounds(site, year, limits)
    start, end = bounds[n - 1]
    columns, show_share, count, rows_html = comparison_rows.year_rows(site, year, start, end)
    return Page(
        urls.year_list(year, n),
        "year_list.html",
        f"{year}年 各机构对照（第{n}页）",
        f"{year} 年各机构年度报告对照，第 {start + 1}–{end} 份（共 {count} 份）/ {year}: reports {start + 1}–{end} of {count}",
        {"year": year, "columns": columns, "rows_html": rows_html, "show_share": show_share, "count": count,
         "lists": _list_pages(bounds, partial(urls.year_list, year)), "n": n, "pager_window": pager_window},
    )


def metrics_page(site: Site) -> Page:
    with_data = {m.id for m in site.metrics_with_data}
    return Page(
        urls.metrics(),
        "metrics.html",
        "指标 Figures",
        "数据目录：本站比较的每一项数据 / the catalogue of figures compared on this site",
        {"metrics": catalogue.metrics(), "rates": catalogue.rates(), "with_data": with_data},
    )


def metric_list_bounds(site: Site, metric_id: str, limits: Limits | None = None) -> list[tuple[int, int]]:
    """The rows (a report each) of each list page of the metric ([] when its page shows the
    whole table). The whole table is kept while it shows at most `full_rows` figures (reports
    giving it: then as many agencies at most) and `full_cells` cells (agencies × years); asked
    of every metric by every build's page listing, so the count of figures decides first (no
    pass over a province's 20,000 of them)."""
    limits = _limits(limits)
    count = len(site.figure_entries.get(metric_id, ()))
    if count <= limits.full_rows:
        got = site.metric_entries(metric_id)
        if limits.metric_full(got.agencies, len(got.by_year)):
            return []
    return summaries.pages_of(count, limits.list_rows)


def metric_column(site: Site, metric_id: str, year: int):
    """The metric's values of one year with their agencies, as summaries takes them (a derived
    figure's would come the same way): the Site's column, kept and patched across edits."""
    return site.column(metric_id, year)


def _memo(col, key: tuple, make, slugs: bool = False):
    """make()'s result, kept in the Site's column it is made from (Site.column's memo: the next
    Site keeps it while an edit leaves the column's values, and so their agencies, as they are;
    `slugs`: made from the column's agencies alone, kept while an edit leaves them as they are)."""
    memo = col.slug_memo if slugs else col.memo
    got = memo.get(key)
    if got is None:
        got = memo[key] = make()
    return got


def _agency(site: Site, slug: str, year: int) -> Agency:
    return site.agency_of[site.reports_by_year[slug][year].path]


def _year_places(site: Site, year: int, reports) -> tuple[int, tuple[str, str, str], Counter]:
    """(how many agencies report in the year, the place level its summary groups by (attribute,
    zh, en), the year's reports counted by place): what depends on which agencies report that
    year, not on what they report, kept while no report comes or goes (an edit's year page at a
    province's size would look up 20,000 agencies' places again)."""
    kept = site.kept(("year-places",), per="members")
    got = kept.get(year)
    if got is None:
        agency_of = site.agency_of
        slugs = [agency_of[r.path].slug for r in reports]
        attr, place_zh, place_en, place_of = _place_level(site, slugs)
        got = kept[year] = (len(set(slugs)), (attr, place_zh, place_en),
                            Counter(p or summaries.UNPLACED for p in place_of))
    return got


def _place_level(site: Site, slugs: list[str]) -> tuple[str, str, str, list[str]]:
    """summaries.place_level of the agencies a page shows (never of the whole Site: then a page
    shows what its own reports decide, and an edit elsewhere cannot change it), and their places."""
    return summaries.place_level(lambda attr: _places(site, slugs, attr))


def _places(site: Site, slugs: list[str], attr: str) -> list[str]:
    """Each agency's place (`attr`: province, city or district; "" when unknown), kept with the
    Site for every page that groups by it (a province's 20,000 agencies looked up once)."""
    kept = site.kept(("place", attr), per="agency")
    for slug in slugs:
        if slug not in kept:
            rs = site.reports_by_year[slug]
            kept[slug] = getattr(site.agency_of[rs[next(iter(rs))].path], attr) or ""
    return list(map(kept.__getitem__, slugs))


def metric_page(site: Site, metric: catalogue.Metric, charts: ChartKinds | None = None, limits: Limits | None = None) -> Page:
    limits = _limits(limits)
    bounds = metric_list_bounds(site, metric.id, limits)
    title = f"{metric.label_zh} {metric.label_en}"
    description = f"{metric.label_zh}（{metric.label_en}）：各机构历年数据 / across agencies and years"
    if not bounds:
        years, _, rows_html = comparison_rows.metric_rows(site, metric.id)
        return Page(urls.metric(metric.id), "metric.html", title, description,
                    {"metric": metric, "years": years, "rows_html": rows_html,
                     "charts": page_charts.metric_charts(site, metric.id, charts)})
    by_year = site.metric_entries(metric.id).by_year
    stats = [s for s in summaries.column_stats([(y, site.column(metric.id, y)) for y in sorted(by_year)]) if s is not None]
    latest = max(by_year)
    col = metric_column(site, metric.id, latest)
    top, bottom = _memo(col, ("top", limits.top), lambda: summaries.top_bottom(
        col, lambda slug: _agency(site, slug, latest), limits.top))
    attr, place_zh, place_en, place_of = _memo(col, ("place-level",), lambda: _place_level(site, col.slugs), slugs=True)
    distribution = page_charts.distribution_chart(
        f"metric-{metric.id.replace('.', '-')}-spread", metric.label_zh, metric.label_en, metric.unit, latest,
        _memo(col, ("bins",), lambda: summaries.bins(col)), charts)
    return Page(urls.metric(metric.id), "metric_summary.html", title, description, {
        "metric": metric, "stats": stats, "latest": latest, "top": top, "bottom": bottom,
        "summable": metric.unit != "%",  # (a sum of percentages, of rates, means nothing)
        "place": (place_zh, place_en), "places": _memo(col, ("places", attr), lambda: summaries.by_place(col, place_of, attr)),
        "entries": len(site.figure_entries.get(metric.id, ())), "agencies": site.metric_entries(metric.id).agencies,
        "lists": _list_pages(bounds, partial(urls.metric_list, metric.id)), "limits": limits,
        "method": (summaries.QUANTILE_METHOD_ZH, summaries.QUANTILE_METHOD_EN), "place_text": comparison_rows.place_text,
        "charts": [c for c in [distribution, *page_charts.metric_charts(site, metric.id, charts)] if c is not None]})


def metric_list_page(site: Site, metric: catalogue.Metric, n: int, limits: Limits | None = None) -> Page:
    bounds = metric_list_bounds(site, metric.id, limits)
    start, end = bounds[n - 1]
    count = bounds[-1][1]
    return Page(
        urls.metric_list(metric.id, n),
        "metric_list.html",
        f"{metric.label_zh} {metric.label_en}（第{n}页）",
        f"{metric.label_zh}（{metric.label_en}）：第 {start + 1}–{end} 条，共 {count} 条 / rows {start + 1}–{end} of {count}",
        {"metric": metric, "rows_html": comparison_rows.metric_list_rows(site, metric.id, start, end), "count": count,
         "lists": _list_pages(bounds, partial(urls.metric_list, metric.id)), "n": n, "pager_window": pager_window},
    )


def quality_page(site: Site) -> Page:
    view = views.quality_view(site)
    return Page(
        urls.quality(),
        "quality.html",
        "数据质量 Data quality",
        f"{view.total} 处报告自身数字不符合模板勾稽关系 / {view.total} places where reports break their template's "
        f"own consistency rules",
        {"quality": view},
    )


def prose_page(page: ProsePage) -> Page:
    ctx = {"body": page.html, "stem": page.stem}
    if page.stem == "methodology":
        # the catalogue's eras column, shown where the text explains comparability
        ctx["catalogue_metrics"] = catalogue.metrics()
    return Page(urls.page(page.stem), "page.html", page.title, page.description, ctx)


def not_found_page() -> Page:
    return Page("/404.html", "404.html", "页面不存在 Page not found", "页面不存在 / page not found", in_sitemap=False)


class PageSpec(NamedTuple):
    """A page not built yet: its URL, what it is about, and how to build it.

    Listing every page costs next to nothing; only the pages a build renders are built (an
    incremental render builds those its change affects). `kind` and `key` say what the page
    shows: ("report", (slug, year)), ("agency", slug), ("year", year), ("metric", metric id),
    ("page", stem), ("region", (region path, page number)), ("initial", (letter, page number)), or a
    list page ("index", "agencies", "years", "metrics", "quality", "404") with key None.
    (A named tuple: every build lists every page, 22,000 at a province's size, and a frozen
    dataclass took 1.5 µs to make each, a third of the dev server's page listing.)
    """

    url: str
    kind: str
    key: object
    make: Callable[[], Page]
    in_sitemap: bool = True

    def build(self) -> Page:
        return self.make()


def page_specs(site: Site, prose: list[ProsePage], charts: ChartKinds | None = None, touched=None,
               limits: Limits | None = None) -> list[PageSpec]:
    """Every page of the site, in the order of all_pages(), their charts made from the kinds
    `charts` (charts.Templates; by default kinds kept in this process only).

    `touched` (changes.Changes of an edit that leaves the site the same pages: no report added
    or removed, the same metrics with data): only the pages the edit may touch, in the same
    order: the edited reports' pages and their agencies' (every report page of an agency whose
    years changed), their years', the metrics' they change, and the list pages. A superset of
    what render.affected() selects; the dev server lists these instead of all 22,000 pages of a
    province (~50 ms): a touched year's or metric's list pages are all listed.

    `limits` (summaries.Limits; LIMITS by default): when a year's or a metric's page is a
    summary, and the rows of each of its list pages ("year-list" (year, n, first slug, last
    slug) and "metric-list" (metric, n, first (slug, year), last (slug, year)): the rows a page
    holds, for render.affected())."""
    limits = _limits(limits)
    agencies, years, metrics, reports_of = site.agencies, site.years, site.metrics_with_data, site.reports_of
    if touched is not None:
        ch = touched
        edited = ch.agencies | ch.reordered | {slug for slug, _ in ch.ranked}
        # (found by bisection in the agencies, sorted by slug: not a pass over a province's 20,000)
        found = ((slug, bisect_left(agencies, slug, key=_SLUG)) for slug in sorted(edited))
        agencies = [agencies[at] for slug, at in found if at < len(agencies) and agencies[at].slug == slug]
        years = [y for y in years if y in ch.years]
        metrics = [m for m in metrics if m.id in ch.metrics]
        prose = []  # (a prose page shows no report)

        def reports_of(slug: str) -> list[Report]:
            return [r for r in site.reports_of(slug)
                    if slug in ch.reordered or (slug, r.year) in ch.reports or (slug, r.year) in ch.ranked]
    specs = [PageSpec(urls.home(), "index", None, partial(index_page, site)),
             PageSpec(urls.agencies(), "agencies", None, partial(agencies_page, site))]
    specs.extend(initial_specs(site, touched))
    specs.extend(region_specs(site, touched))
    for a in agencies:
        specs.append(PageSpec(urls.agency(a.slug), "agency", a.slug, partial(agency_page, site, a, charts)))
        specs.extend(PageSpec(urls.report(a.slug, r.year), "report", (a.slug, r.year), partial(report_page, site, r))
                     for r in reports_of(a.slug))
    specs.append(PageSpec(urls.years(), "years", None, partial(years_page, site)))
    by_year = site.groups.by_year
    for y in years:
        specs.append(PageSpec(urls.year(y), "year", y, partial(year_page, site, y, limits)))
        rows = by_year[y]
        slug = site.agency_of
        specs.extend(PageSpec(urls.year_list(y, n), "year-list",
                              (y, n, slug[rows[start].path].slug, slug[rows[end - 1].path].slug),
                              partial(year_list_page, site, y, n, limits))
                     for n, (start, end) in enumerate(year_list_bounds(site, y, limits), 1))
    specs.append(PageSpec(urls.metrics(), "metrics", None, partial(metrics_page, site)))
    for m in metrics:
        specs.append(PageSpec(urls.metric(m.id), "metric", m.id, partial(metric_page, site, m, charts, limits)))
        entries = site.figure_entries.get(m.id, ())
        specs.extend(PageSpec(urls.metric_list(m.id, n), "metric-list", (m.id, n, entries[start][:2], entries[end - 1][:2]),
                              partial(metric_list_page, site, m, n, limits))
                     for n, (start, end) in enumerate(metric_list_bounds(site, m.id, limits), 1))
    specs.append(PageSpec(urls.quality(), "quality", None, partial(quality_page, site)))
    specs.extend(PageSpec(urls.page(p.stem), "page", p.stem, partial(prose_page, p)) for p in prose)
    specs.append(PageSpec("/404.html", "404", None, not_found_page, in_sitemap=False))
    return specs


def initial_specs(site: Site, touched=None) -> list[PageSpec]:
    """The pages of each initial letter's agencies, when /agencies/ is an index (`touched`: those
    of the letters touched)."""
    if len(site.agencies) <= AGENCY_LIST_ROWS:
        return []
    out = []
    for letter, agencies in site.initials.items():
        if touched is not None and letter not in touched.initials:
            continue
        for n in range(1, (len(agencies) + AGENCY_LIST_ROWS - 1) // AGENCY_LIST_ROWS + 1):
            out.append(PageSpec(urls.agency_initial(letter, n), "initial", (letter, n),
                                partial(agency_initial_page, site, letter, n)))
    return out


def region_specs(site: Site, touched=None) -> list[PageSpec]:
    """Every page of every region, the root first, parents before children (`touched`: those of
    the regions touched)."""
    out = []
    for node in site.regions.nodes():
        if touched is not None and node.path not in touched.regions:
            continue
        for n in range(1, region_views.page_count(node, REGION_ROWS) + 1):
            out.append(PageSpec(urls.region(node.path, n), "region", (node.path, n),
                                partial(region_page, site, node.path, n)))
    return out


def all_pages(site: Site, prose: list[ProsePage]) -> list[Page]:
    return [spec.build() for spec in page_specs(site, prose)]


def lists_moved(old: Site, new: Site, metrics, years, limits: Limits | None = None) -> bool:
    """Whether a year's or a metric's list pages come or go between two Sites (`metrics`,
    `years`: those whose rows may have changed in number): then the site has other pages."""
    return (any(len(metric_list_bounds(old, m, limits)) != len(metric_list_bounds(new, m, limits)) for m in metrics)
            or any(len(year_list_bounds(old, y, limits)) != len(year_list_bounds(new, y, limits)) for y in years))
