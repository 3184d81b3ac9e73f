"""The rows of a region page's (and an agency index page's) tables of agencies, made in Python
as the year pages' are (comparison_rows.py): each agency's latest report, its key figures side
by side.

Lean on purpose: a page holds up to 500 such rows and must stay under 300 KB, so a figure is
its number alone (the year links the report, where every figure links its line) and the cells
carry no class (the table's class aligns them). Every value of an agency or a report goes
through escape().
"""

from __future__ import annotations

from functools import cache

from markupsafe import Markup

from site_builder.numbers import format_number_cached as format_number
from site_builder.render import urls, views
from site_builder.render.fragments import escape

# The year pages' comparable figures (views.comparable_metrics) that compare agencies' work:
# requests and what became of them, reviews and lawsuits (not the proactive channels one by one,
# nor consultations: 500 rows of 13 figures were a 600 KB page).
KEY_METRICS = ("proactive.total", "requests.new", "outcome.disclosed", "outcome.partial", "outcome.withheld",
               "outcome.total", "review.total", "litigation.total")
_GAP = '<td data-sort="">—<span class="sr-only">未报告</span></td>'
INFERRED = '<span class="inferred" title="地点由名称或报告推断 place inferred from the name or the report">推断 <span lang="en">inferred</span></span>'


@cache
def key_columns() -> tuple:
    """The key figures' catalogue entries, in the year pages' order."""
    ids = set(KEY_METRICS)
    return tuple(m for m in views.comparable_metrics() if m.id in ids)


def columns_given(site, rows) -> tuple[list, bool]:
    """(the key figures any of `rows`' reports gives, whether any gives a withheld share)."""
    totals = [site.totals_of(r) for _, r in rows]
    cols = [m for m in key_columns() if any(m.id in t for t in totals)]
    share = any(views.share(t.get("outcome.withheld"), t.get("outcome.total")) is not None for t in totals)
    return cols, share


def agency_name_cell(agency) -> str:
    """The row's head: the agency's name, linked, with the inferred mark when its place was inferred."""
    mark = f" {INFERRED}" if agency.place_source == "inferred" else ""
    return f'<th scope="row"><a href="{escape(urls.agency(agency.slug))}">{escape(agency.name)}</a>{mark}</th>'


def latest_rows(site, rows, columns, show_share: bool) -> Markup:
    """One row per (agency, its latest report): name, year (linked to the report), key figures."""
    ids = [m.id for m in columns]
    out = []
    for agency, report in rows:
        totals = site.totals_of(report)
        cells = [agency_name_cell(agency),
                 f'<td data-sort="{report.year}"><a href="{escape(urls.report(agency.slug, report.year))}">{report.year}</a></td>']
        for mid in ids:
            f = totals.get(mid)
            if f is None:
                cells.append(_GAP)
            elif f.approximate:  # (约: a lower bound or an estimate, as the report says)
                cells.append(f'<td data-sort="{format_number(f.value)}">约{format_number(f.value)}</td>')
            else:
                cells.append(f"<td>{format_number(f.value)}</td>")
        if show_share:
            s = views.share(totals.get("outcome.withheld"), totals.get("outcome.total"))
            cells.append(_GAP if s is None else f'<td data-sort="{format_number(s)}">{format_number(s)}%</td>')
        out.append("<tr>" + "".join(cells) + "</tr>\n")
    return Markup("".join(out))

