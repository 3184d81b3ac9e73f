"""Filters and globals the templates share (number formatting, URLs, labels)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from functools import cache, lru_cache

from jinja2 import Environment
from markupsafe import Markup

from site_builder import catalogue
from site_builder.numbers import format_number
from site_builder.render import fragments, region_rows, urls
from site_builder.render import views
from site_builder.render.fragments import num, signed
from site_builder.render.pages import HOME_ROWS, SITE_NAME, SITE_NAME_EN

# the lists of agencies link each agency's reports up to this many (past it: the first and the latest)
REPORT_LINKS = 4


def sort_key(value: Decimal | None) -> str:
    # data-sort attribute for site.js: empty for a gap so gaps sort last whichever way
    return "" if value is None else format_number(value)


def absolute(url: str, base: str) -> str:
    """`{{ page.url|absolute(base_url) }}`: the page's full URL (urls.absolute), as a filter: every
    page asks for it (see install)."""
    return urls.absolute(base, url)


def basename(path: str) -> str:
    """The file's name, its folders left out ("data/records.csv" -> "records.csv"): a filter, not
    a method call from the template (Jinja's Context.call costs ~1 µs)."""
    return path.rsplit("/", 1)[-1]


# what each download holds (files not listed here are linked by name alone)
_LABELS: dict[str, tuple[str, str]] = {
    "data/records.csv": ("每项数据一行", "one row per figure"),
    "data/records.json": ("同上，JSON 格式", "the same rows as JSON"),
    "data/records.parquet": ("全部数据，Parquet 格式（pandas、R、DuckDB 可读，数值为精确小数）",
                             "every row as Parquet, for pandas, R or DuckDB (values exact decimals)"),
    "data/datapackage.json": ("数据说明：每个文件及其各列（Frictionless Data Package）",
                              "what each file and column holds (a Frictionless Data Package)"),
    "data/metrics.csv": ("指标目录", "the metric catalogue"),
    "data/quality.csv": ("勾稽关系不符之处", "broken consistency checks"),
    "data/notes.csv": ("数据附注：恢复值、单位换算、缺失的格", "notes: recovered values, unit conversions, missing cells"),
    "data/indicators.csv": ("各报告的比率（公开率等）及其分子分母", "each report's rates (share disclosed ...), numerator and denominator"),
}
_YEAR_FILE = re.compile(r"data/records-(\d{4})(?:-(\d+))?\.(csv|json)\Z")


class DownloadLabels(Mapping):
    """data file -> (what it holds in Chinese, in English): the fixed names, and the record files
    of a year (data/records-<year>.csv, -<year>-<part>.json ...) by their name."""

    def __getitem__(self, path: str) -> tuple[str, str]:
        if path in _LABELS:
            return _LABELS[path]
        m = _YEAR_FILE.match(path) if isinstance(path, str) else None
        if m is None:
            raise KeyError(path)
        year, part, ext = m.groups()
        fmt = "，JSON 格式" if ext == "json" else ""
        fmt_en = " as JSON" if ext == "json" else ""
        if part is None:
            return f"{year} 年的数据，每项一行{fmt}", f"{year}'s rows{fmt_en}"
        return f"{year} 年的数据，第 {part} 部分{fmt}", f"{year}'s rows, part {part}{fmt_en}"

    def __iter__(self):
        return iter(_LABELS)

    def __len__(self) -> int:
        return len(_LABELS)


DOWNLOAD_LABELS = DownloadLabels()


def footer_downloads(paths: list[str]) -> list[str]:
    """The data files every page's footer links: all but a year's record files (the home page
    lists those), so that the footer stays the same while a year's parts come and go."""
    return [p for p in paths if _YEAR_FILE.match(p) is None]


def _no_globals(load):
    def load_template(name, parent=None, globals=None):
        if globals:
            raise TypeError("templates share env.globals (templating.install): pass values to render(), "
                            "not globals to get_template()")
        return load(name, parent)

    return load_template


def _render_once(env: Environment):
    """`{{ "_t3_head.html"|render_once }}`: a partial that shows nothing of the page, only what
    env.globals hold (the catalogue's labels and table layouts: the tables' heads), rendered the
    first time a page asks for it and kept with this environment (a template edit makes a new
    one). Written into each of 20,000 report pages, the two table heads cost ~40 µs a page, an
    include of each ~70 µs (measured); a partial that reads a page's value fails to render here
    (StrictUndefined)."""

    @cache
    def render_once(name: str) -> Markup:
        return Markup(env.get_template(name).render())

    return render_once


def _site_footer(env: Environment):
    """`{{ downloads|site_footer }}`: _footer.html rendered once per list of downloads (a build
    has one; the dev server's next builds the same or another), kept with this environment."""

    @lru_cache(maxsize=8)
    def footer_of(downloads: tuple[str, ...]) -> Markup:
        return Markup(env.get_template("_footer.html").render(downloads=downloads))

    def site_footer(downloads) -> Markup:
        return footer_of(tuple(downloads))

    return site_footer


def _site_header(env: Environment):
    """`{{ page|site_header(prose_pages) }}`: _site_header.html (the header and the navigation,
    the page's section marked) rendered once per section and list of prose pages, kept with this
    environment: a page asks a cache, where it ran a loop, six tests and a dozen escapes."""

    @lru_cache(maxsize=64)
    def header_of(home: bool, section: str, current: str, prose: tuple[tuple[str, str], ...]) -> Markup:
        return Markup(env.get_template("_site_header.html").render(home=home, section=section, current=current,
                                                                    prose=prose))

    def site_header(page, prose_pages) -> Markup:
        url = page.url
        prose = tuple([(p.url, p.title) for p in prose_pages])
        return header_of(url == "/", page.section, url if any(u == url for u, _ in prose) else "", prose)

    return site_header


def _crumb_trail(env: Environment):
    """`{{ crumbs|crumb_trail }}`: a breadcrumb's links ((label, URL) pairs: _crumb_trail.html)
    rendered once per trail, kept with this environment: the agencies of one place share theirs
    (a province's 20,000 agency pages, some thousands of places), where each page ran the loop
    and escaped every label and URL again."""

    @lru_cache(maxsize=4096)
    def trail_of(crumbs: tuple[tuple[str, str], ...]) -> Markup:
        return Markup(env.get_template("_crumb_trail.html").render(crumbs=crumbs))

    def crumb_trail(crumbs) -> Markup:
        return trail_of(tuple(crumbs))

    return crumb_trail


def install(env: Environment) -> None:
    # Jinja gives each template its globals as a ChainMap over env.globals, and every render
    # copies them into the page's context one ChainMap lookup (Python) at a time: ~15 µs a page
    # for the ~30 globals below, 0.3 s of CPU at 20,000 reports. Templates here are loaded with
    # no globals of their own, so they can share env.globals itself (a change to it is still
    # seen, as with the ChainMap). Jinja would update a cached template's globals with those
    # given to get_template(): here that would be env.globals, every page's, so it is refused.
    chain = env.make_globals
    env.make_globals = lambda d: env.globals if not d else chain(d)  # type: ignore[method-assign]
    for name in ("get_template", "select_template", "get_or_select_template"):
        setattr(env, name, _no_globals(getattr(env, name)))
    # Every page asks for its template, base.html and the partials it includes: Jinja's LRU cache
    # takes a lock and reorders a deque on each hit (~3 µs a page). A build loads a dozen
    # templates and never reloads one (auto_reload is off; a template edit makes a new
    # environment), so a plain dict (Jinja's cache_size=-1) holds them.
    if env.cache is not None and len(env.cache) == 0:
        env.cache = {}
    env.filters["num"] = num
    env.filters["signed"] = signed
    env.filters["sort_key"] = sort_key
    env.filters["basename"] = basename
    env.filters["absolute"] = absolute
    env.filters["footer_downloads"] = footer_downloads
    # The pieces pages repeat hundreds of times, written in Python (see fragments.py), and what a
    # page renders once (render_once, the header, the footer): filters, `{{ view|t3_rows }}`.
    # Jinja calls a filter directly; a function called from a template goes through
    # Context.call, ~2.5 µs each (measured: a report page made a dozen such calls, ~7% of its
    # rendering).
    env.filters.update(
        t2_rows=fragments.t2_rows,
        t3_rows=fragments.t3_rows,
        t4_cells=fragments.t4_cells,
        figure_rows=fragments.figure_rows,
        check_rows=fragments.check_rows,
        source_text=fragments.source_text,
        yoy_rows=fragments.yoy_rows,
        report_rate_rows=fragments.report_rate_rows,
        agency_rate_rows=fragments.agency_rate_rows,
        chart_rows=fragments.chart_rows,
        report_links=fragments.report_links,
        named_report_links=fragments.named_report_links,
        render_once=_render_once(env),
        site_footer=_site_footer(env),
        site_header=_site_header(env),
        crumb_trail=_crumb_trail(env),
    )
    env.globals.update(
        figure=fragments.figure,
        zip=zip,  # (an agency's years beside their eras, in its year-over-year table's heads)
        urls=urls,
        anchor=views.anchor,
        metric_of=catalogue.metric,
        APPLICANTS=views.APPLICANTS,
        APPLICANT_LABELS=views.APPLICANT_LABELS,
        T4_GROUPS=views.t4_groups(),
        ERA_LABELS=views.ERA_LABELS,
        ORIGIN_LABELS=views.ORIGIN_LABELS,
        DOWNLOAD_LABELS=DOWNLOAD_LABELS,
        HOME_ROWS=HOME_ROWS,
        INFERRED_MARK=Markup(region_rows.INFERRED),
        REPORT_LINKS=REPORT_LINKS,
        SITE_NAME=SITE_NAME,
        SITE_NAME_EN=SITE_NAME_EN,
    )
