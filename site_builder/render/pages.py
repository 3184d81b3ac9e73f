"""One function per page type: the loaded Site -> Page (URL, template, metadata, context).

Pages only choose what to show; views.py arranges it, templates lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Callable, NamedTuple

from site_builder import catalogue
from site_builder.render.charts import Templates as ChartKinds
from site_builder.model import Agency, Report
from site_builder.render import comparison_rows, urls
from site_builder.render import page_charts
from site_builder.render import views
from site_builder.render.prose import ProsePage
from site_builder.load.site import Site

SITE_NAME = "政府信息公开年度报告对照"
SITE_NAME_EN = "Government Information Disclosure Reports Compared"

# The home page lists at most this many agencies (headlines, agencies): with a province's 2,000
# agencies it would be a 2.7 MB page. /agencies/ and the year pages list every one. /years/
# names a year's reports only up to this many (the year's own page lists them all).
HOME_ROWS = 200


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
    agencies = [(a, site.reports_of(a.slug)) for a in site.agencies]
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
    return Page(
        urls.agencies(),
        "agencies.html",
        "机构 Agencies",
        "本站收录的机构及其年度报告 / the agencies and their annual reports",
        {"agencies": [(a, site.reports_of(a.slug)) for a in site.agencies], "years_text": _years_text},
    )


def agency_page(site: Site, agency: Agency, charts: ChartKinds | None = None) -> Page:
    reports = site.reports_of(agency.slug)
    # check views (each check's figure found on the page) only for the reports with a broken check
    broken = [(r, c) for r in reports if r.quality for c in views.check_views(r) if not c.check.passed]
    return Page(
        urls.agency(agency.slug),
        "agency.html",
        f"{agency.name} {_years_text(reports)}",
        f"{agency.name}历年政府信息公开工作年度报告数据 / {agency.name}: every figure of its annual reports, year over year",
        {
            "agency": agency,
            "reports": reports,
            "yoy": views.yoy_table(site, reports),
            "rate_rows": views.rate_rows(site, reports),
            # each year's checks and how many broke: the agency's data-quality record
            "track": [views.TrackRecord(r.year, len(r.checks), len(r.quality)) for r in reports],
            "broken": broken,
            "warnings": [(r, w) for r in reports for w in r.warnings],
            "charts": page_charts.agency_charts(site, agency.slug, charts),
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


def year_page(site: Site, year: int) -> Page:
    columns, show_share, count, rows_html = comparison_rows.year_rows(site, year)
    return Page(
        urls.year(year),
        "year.html",
        f"{year}年 各机构对照",
        f"{year} 年 {count} 个机构的年度报告对照 / {year}: {count} agencies side by side",
        {"year": year, "columns": columns, "rows_html": rows_html, "show_share": show_share},
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


def metric_page(site: Site, metric: catalogue.Metric, charts: ChartKinds | None = None) -> Page:
    years, _, rows_html = comparison_rows.metric_rows(site, metric.id)
    return Page(
        urls.metric(metric.id),
        "metric.html",
        f"{metric.label_zh} {metric.label_en}",
        f"{metric.label_zh}（{metric.label_en}）：各机构历年数据 / across agencies and years",
        {"metric": metric, "years": years, "rows_html": rows_html, "charts": page_charts.metric_charts(site, metric.id, charts)},
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
    ("page", stem), or a list page ("index", "agencies", "years", "metrics", "quality", "404") with key None.
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


def page_specs(site: Site, prose: list[ProsePage], charts: ChartKinds | None = None, touched=None) -> list[PageSpec]:
    """Every page of the site, in the order of all_pages(), their charts made from the kinds
    `charts` (charts.Templates; by default kinds kept in this process only).

    `touched` (changes.Changes of an edit that leaves the site the same pages: no report added
    or removed, the same metrics with data): only the pages the edit may touch, in the same
    order: the edited reports' pages and their agencies' (every report page of an agency whose
    years changed), their years', the metrics' they change, and the list pages. A superset of
    what render.affected() selects; the dev server lists these instead of all 22,000 pages of a
    province (~50 ms)."""
    agencies, years, metrics, reports_of = site.agencies, site.years, site.metrics_with_data, site.reports_of
    if touched is not None:
        ch = touched
        edited = ch.agencies | ch.reordered | {slug for slug, _ in ch.ranked}
        agencies = [a for a in agencies if a.slug in edited]
        years = [y for y in years if y in ch.years]
        metrics = [m for m in metrics if m.id in ch.metrics]
        prose = []  # (a prose page shows no report)

        def reports_of(slug: str) -> list[Report]:
            return [r for r in site.reports_of(slug)
                    if slug in ch.reordered or (slug, r.year) in ch.reports or (slug, r.year) in ch.ranked]
    specs = [PageSpec(urls.home(), "index", None, partial(index_page, site)),
             PageSpec(urls.agencies(), "agencies", None, partial(agencies_page, site))]
    for a in agencies:
        specs.append(PageSpec(urls.agency(a.slug), "agency", a.slug, partial(agency_page, site, a, charts)))
        specs.extend(PageSpec(urls.report(a.slug, r.year), "report", (a.slug, r.year), partial(report_page, site, r))
                     for r in reports_of(a.slug))
    specs.append(PageSpec(urls.years(), "years", None, partial(years_page, site)))
    specs.extend(PageSpec(urls.year(y), "year", y, partial(year_page, site, y)) for y in years)
    specs.append(PageSpec(urls.metrics(), "metrics", None, partial(metrics_page, site)))
    specs.extend(PageSpec(urls.metric(m.id), "metric", m.id, partial(metric_page, site, m, charts)) for m in metrics)
    specs.append(PageSpec(urls.quality(), "quality", None, partial(quality_page, site)))
    specs.extend(PageSpec(urls.page(p.stem), "page", p.stem, partial(prose_page, p)) for p in prose)
    specs.append(PageSpec("/404.html", "404", None, not_found_page, in_sitemap=False))
    return specs


def all_pages(site: Site, prose: list[ProsePage]) -> list[Page]:
    return [spec.build() for spec in page_specs(site, prose)]
