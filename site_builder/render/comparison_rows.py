"""The rows of the tables that compare agencies, an agency a row: /metrics/<id>/ (its figure each
year) and /years/<year>/ (its report of that year, the comparable figures).

At a province's size these tables are the pages (1,800 rows, 20,000 cells); a Jinja loop with a
macro call per row cost ~50 ms a metric page and ~130 ms a year page. Here each row is one
f-string, and each page's rows are kept (as HTML, by agency slug) for the next render in the
same process (the dev server: views.row_cache, the rows of the agencies whose reports changed
dropped), so after one edit a page re-renders one row and joins the rest. A row's HTML depends on
the agency (whose change makes a full render), its own reports and the page's columns; the columns
are part of the cached entry, and rows made for other columns are never used.

The bytes are those the templates' loops wrote (tests/test_compare_pages.py compares them).
Every value of a report or an agency goes through fragments.escape() (markupsafe's); the page
gets Markup.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import compress, groupby
from operator import is_not, itemgetter

from markupsafe import Markup

from site_builder.numbers import format_number_cached as format_number
from site_builder.render import urls
from site_builder.render import views
from site_builder.render.fragments import GAP, esc, escape, figure_html
from site_builder.load.site import MetricEntries

_NO_REPORT = '<span class="gap" title="无该年报告 no report">·<span class="sr-only">无该年报告 no report</span></span>'
_GAP_CELL = f'  <td class="num" data-sort="">{GAP}</td>\n'
_GAP_TD = f'  <td class="num">{GAP}</td>\n'
_NO_REPORT_TD = f'  <td class="num">{_NO_REPORT}</td>\n'
_NO_SHARE = '<span class="gap">—<span class="sr-only">无 n/a</span></span>'


def _agency_cell(href: str, name: str) -> str:
    return f'<tr>\n  <th scope="row"><a href="{escape(href)}">{escape(name)}</a></th>\n'


# ---------------------------------------------------------------- /metrics/<id>/


def metric_row(agency, years: list[int], reports: dict, run, metric_id: str) -> str:
    """One agency's row: its figure each year (a link to the report's cell), a gap where its
    report does not give it, a dot where there is no report. `run`: the agency's entries of
    views.metric_index ((slug, year, figure), by year), `reports` its reports by year."""
    slug = agency.slug
    # a report's URL is its agency's plus "<year>/" (digits): escaped once a row, not once a cell
    base = escape(urls.agency(slug))
    out = [f'<tr>\n  <th scope="row"><a href="{base}">{escape(agency.name)}</a></th>\n']
    anchor = "#" + metric_id
    tail = esc(anchor)
    given = iter(run)
    e = next(given, None)
    for y in years:  # (every entry's year is one of them, in the same order)
        if e is not None and e[1] == y:
            f = e[2]
            e = next(given, None)
            if not (f.approximate or f.recovered or f.note or f.origin == "derived"):
                # (most cells: figure_html's output written inline)
                out.append(f'  <td class="num"><a class="fig" href="{base}{y}/{tail}">{format_number(f.value)}</a></td>\n')
            else:
                out.append(f'  <td class="num">{figure_html(f, urls.report(slug, y) + anchor)}</td>\n')
        elif y in reports:
            out.append(_GAP_TD)
        else:
            out.append(_NO_REPORT_TD)
    out.append("</tr>\n")
    return "".join(out)


_SLUG = itemgetter(0)


def metric_entries(site, metric_id: str) -> MetricEntries:
    """The metric's entries of views.metric_index split by year (Site.metric_entries)."""
    return site.metric_entries(metric_id)


def metric_rows(site, metric_id: str) -> tuple[list[int], int, Markup]:
    """(years where any agency gave the figure, how many agencies did, the table's rows)."""
    having, by_agency = views.metric_index(site)
    # sorted by agency slug, then year, as the Site's agencies are (views.metric_index): an
    # agency's entries are one run, and the runs come in the table's order
    entries = having.get(metric_id, ())
    years = sorted(metric_entries(site, metric_id).by_year)
    cache = views.row_cache(site, ("metric", metric_id), tuple(years))
    agency = None
    out = []
    for slug, run in groupby(entries, _SLUG):
        html = cache.get(slug)
        if html is None:
            if agency is None:
                agency = {a.slug: a for a in site.agencies}
            html = cache[slug] = metric_row(agency[slug], years, by_agency[slug], run, metric_id)
        out.append(html)
    return years, len(out), Markup("".join(out))


# ---------------------------------------------------------------- /years/<year>/


def column_ids(columns) -> list[tuple[str, str]]:
    """The year page's columns (Metric) as year_row() takes them: (metric id, escaped id)."""
    return [(m.id, esc(m.id)) for m in columns]


def year_row(agency, report, columns: list[tuple[str, str]], share: Decimal | None, show_share: bool,
             totals: dict | None = None) -> str:
    """One report's row; `columns`: column_ids() of the page's columns; `totals`:
    views.totals_of(report), when the caller has it already."""
    rurl = urls.report(agency.slug, report.year)
    head = f"{escape(rurl)}#"
    if totals is None:
        totals = views.totals_of(report)
    out = [_agency_cell(rurl, agency.name), f"  <td>{escape(views.ERA_LABELS[report.era][0])}</td>\n"]
    for mid, anchor in columns:
        f = totals.get(mid)
        if f is None:
            out.append(_GAP_CELL)
        elif not (f.approximate or f.recovered or f.note or f.origin == "derived"):
            n = format_number(f.value)  # (most cells: figure_html's output written inline)
            out.append(f'  <td class="num" data-sort="{n}"><a class="fig" href="{head}{anchor}">{n}</a></td>\n')
        else:
            out.append(f'  <td class="num" data-sort="{format_number(f.value)}">{figure_html(f, f"{rurl}#{mid}")}</td>\n')
    if show_share:
        shown = f"{format_number(share)}%" if share is not None else _NO_SHARE
        out.append(f'  <td class="num" data-sort="{"" if share is None else format_number(share)}">{shown}</td>\n')
    out.append("</tr>\n")
    return "".join(out)


def _share(totals: dict) -> Decimal | None:
    return views.share(totals.get("outcome.withheld"), totals.get("outcome.total"))


def year_columns(site, year: int) -> tuple[list, bool, list, list]:
    """(the comparable figures any report of the year gives, whether the withheld share is
    shown, the year's reports, each one's totals): what every slice of the year's rows and
    the year's summary share. Kept with the Site (Site.patched): an edit's year page and its
    list page ask for it both, and the next Site patches it for the reports edited."""
    return site.patched(("year-columns", year), lambda: _year_columns(site, year),
                        lambda old, slugs: _year_columns_after(site, year, old))


def _year_columns(site, year: int) -> tuple[list, bool, list, list]:
    reports = site.reports_in(year)
    all_totals = list(map(site.totals_of, reports))
    # a comparable figure is a column when any report gives it: asked of the reports until
    # one does (the first, mostly), not by gathering every report's figures; the share likewise
    columns = [m for m in views.comparable_metrics() if any(m.id in totals for totals in all_totals)]
    show_share = any(_share(totals) is not None for totals in all_totals)
    return columns, show_share, reports, all_totals


def _year_columns_after(site, year: int, old: tuple) -> tuple[list, bool, list, list]:
    """year_columns() of an earlier Site, for this one: the year's reports edited in place
    (the same number, the others the very same objects) get their totals anew; the columns and
    the share stay while every edited report gives the figures (and the share) it gave. Else
    made again."""
    columns, show_share, reports, all_totals = old
    now = site.groups.by_year.get(year, ())
    if len(now) != len(reports):
        return _year_columns(site, year)
    # (the places that differ, found in C: a province's year has 20,000 reports)
    edited = list(compress(range(len(now)), map(is_not, reports, now)))
    if not edited:
        return old
    all_totals = list(all_totals)
    for i in edited:
        before, after = all_totals[i], site.totals_of(now[i])
        if before.keys() != after.keys() or (_share(before) is None) != (_share(after) is None):
            return _year_columns(site, year)
        all_totals[i] = after
    return columns, show_share, list(now), all_totals


def year_rows(site, year: int, start: int = 0, end: int | None = None) -> tuple[list, bool, int, Markup]:
    """(the comparable figures any report of the year gives, whether the withheld share is shown,
    how many reports, the table's rows) for the year's page; rows `start` to `end` only (a list
    page's), when given."""
    columns, show_share, reports, all_totals = year_columns(site, year)
    cache = views.row_cache(site, ("year", year), (tuple(m.id for m in columns), show_share))
    agency_of = site.agency_of
    ids = column_ids(columns)
    out = []
    stop = len(reports) if end is None else min(end, len(reports))
    previous = agency_of[reports[start - 1].path].slug if 0 < start < len(reports) else None
    for i in range(start, stop):
        r, totals = reports[i], all_totals[i]
        agency = agency_of[r.path]
        slug = agency.slug
        # an agency's row is kept by slug: its first report of the year's (a second report of
        # the year, rare, is made each time)
        first = slug != previous
        html = cache.get(slug) if first else None
        if html is None:
            html = year_row(agency, r, ids, _share(totals), show_share, totals)
            if first:
                cache[slug] = html
        previous = slug
        out.append(html)
    return columns, show_share, len(reports), Markup("".join(out))


# ---------------------------------------------------------------- /metrics/<id>/page/<n>/


def place_text(agency) -> str:
    """Where an agency is, as its rows say it: province, city (when not the province: a
    直辖市's are one), district; "" when unplaced."""
    parts = [agency.province]
    if agency.city and agency.city != agency.province:
        parts.append(agency.city)
    if agency.district and agency.district not in parts:
        parts.append(agency.district)
    return " ".join(p for p in parts if p)


def metric_list_rows(site, metric_id: str, start: int, end: int) -> Markup:
    """Rows `start` to `end` of the metric's full list: a row per report that gives it (agency,
    place, year, value), by agency slug, then year (Site.figure_entries' order). Each agency's
    first two cells are made once for every figure's list (kept with the Site: a province's
    figures list its 20,000 agencies 68 times)."""
    having, by_agency = views.metric_index(site)
    entries = having.get(metric_id, ())[start:end]
    agency_of = site.agency_of
    heads = site.kept(("list-head",), per="agency")
    anchor = "#" + metric_id
    tail = esc(anchor)
    # each year's cells before the value, and its part of a value's link (a list page's years
    # are few; made once, not once a row: a third of the rows' cost)
    by_year: dict[int, tuple[str, str]] = {}
    out = []
    for slug, y, f in entries:
        got = heads.get(slug)
        if got is None:
            agency = agency_of[by_agency[slug][y].path]
            base = escape(urls.agency(slug))
            got = heads[slug] = (f'<tr>\n  <th scope="row"><a href="{base}">{escape(agency.name)}</a></th>\n'
                                 f'  <td>{escape(place_text(agency))}</td>\n', base)
        head, base = got
        year = by_year.get(y)
        if year is None:
            year = by_year[y] = (f'  <td><a href="/years/{y}/">{y}</a></td>\n  <td class="num" data-sort="', f"{y}/{tail}")
        n = format_number(f.value)
        if not (f.approximate or f.recovered or f.note or f.origin == "derived"):
            out.append(f'{head}{year[0]}{n}"><a class="fig" href="{base}{year[1]}">{n}</a></td>\n</tr>\n')
        else:
            out.append(f'{head}{year[0]}{n}">{figure_html(f, urls.report(slug, y) + anchor)}</td>\n</tr>\n')
    return Markup("".join(out))
