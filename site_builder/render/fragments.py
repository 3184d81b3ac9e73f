"""The small pieces of HTML that pages repeat hundreds of times: a figure, a table slot, a change.

They were Jinja macros; a macro call costs some 20 µs and a report page made ~900 of them, an
agency page thousands. Here each is a plain function (templates call them exactly as they
called the macros) that returns Markup. Every value that comes from a report — notes, warning
messages, hrefs — goes through escape(); only the fixed markup around it is written literally.
The output is byte for byte what the macros wrote.
"""

from __future__ import annotations

import re
from decimal import Decimal

from markupsafe import Markup, escape as _escape

from site_builder.catalogue import Metric
from site_builder.model import Figure
from site_builder.numbers import format_number_cached as format_number  # a corpus prints few distinct numbers
from site_builder.render import urls

GAP = '<span class="gap" title="未报告 not reported">—<span class="sr-only">未报告 not reported</span></span>'
_APPROX = "约数（下限或估计）approximate: a lower bound or estimate"
_RECOVERED = "由粘连的数字按表格勾稽关系拆分 recovered from run-together digits"
_DERIVED = "由各分项相加得出 derived: the sum of its rows"


_SPECIAL = re.compile(r"[&<>\"']")


def escape(text: str) -> str:
    """HTML-escaped text (markupsafe's escaping) as a plain str: `str + Markup` would escape the
    str a second time. Most text has nothing to escape; one regex scan finds out cheaply."""
    if type(text) is not str:
        text = str(text)
    return text if _SPECIAL.search(text) is None else str(_escape(text))


_DERIVED_SR = '<span class="sr-only">（计算所得 derived）</span>'


# escaped element ids of figures ((metric, applicant) -> id): a few hundred distinct ones
_IDS: dict[tuple[str, str], str] = {}


def cell_id(cell) -> str:
    key = (cell.metric, cell.applicant)
    out = _IDS.get(key)
    if out is None:
        out = _IDS[key] = escape(cell.id)
    return out


def num(value: Decimal | None) -> str:
    return "" if value is None else format_number(value)


def signed(value: Decimal) -> str:
    """An absolute change, always with its sign (the arrow beside it is not read by everyone)."""
    text = format_number(abs(value))
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def _figure_parts(f: Figure) -> tuple[str, str]:
    """The figure's link without its href: ('<a class="fig …" href="', '" title=…>12+</a>')."""
    classes = "fig"
    notes = []
    text = format_number(f.value)
    if f.approximate:
        classes += " approx"
        notes.append(_APPROX)
        text += "+"
    if f.recovered:
        classes += " recovered"
        notes.append(_RECOVERED)
        text += "*"
    if f.origin == "derived":
        classes += " derived"
        notes.append(_DERIVED)
        text += _DERIVED_SR
    if f.note:
        notes.append(f.note)
    title = f' title="{escape("; ".join(notes))}"' if notes else ""
    return f'<a class="{classes}" href="', f'"{title}>{text}</a>'


def figure_html(f: Figure | None, href: str | None = None) -> str:
    """figure() as a plain str, for the row builders below (no Markup object per cell)."""
    if f is None:
        return GAP
    if not (f.approximate or f.recovered or f.note or f.origin == "derived"):  # most figures: a plain link
        return f'<a class="fig" href="{escape(href) if href else f"#L{f.line}"}">{format_number(f.value)}</a>'
    head, tail = _figure_parts(f)
    return head + (escape(href) if href else f"#L{f.line}") + tail


def figure(f: Figure | None, href: str | None = None) -> Markup:
    """A figure as a link to the line it was read from (or to `href`); a gap as "—", never 0."""
    return Markup(figure_html(f, href))


def slot_html(cell) -> str:
    w = cell.warning
    if cell.figure is None and w is not None:
        href = f"#L{w.line}" if w.line else "#warnings"
        message = escape(w.message)
        return f'<a class="gap" href="{href}" title="{message}">—<span class="sr-only">未能读出 not read: {message}</span></a>'
    return figure_html(cell.figure)


def slot(cell) -> Markup:
    """A slot of a laid-out table (context.Cell): its figure, or a gap that says why when the
    parser knew (linking to the line of the warning)."""
    return Markup(slot_html(cell))


def change(c) -> Markup:
    """A change against the previous report (context.YoYCell): ▲/▼ for the eye, words for screen
    readers, the signed number for both; nothing when there is no change to show."""
    return Markup(change_html(c))


def change_html(c) -> str:
    if c.change is None:
        return ""
    direction = c.direction
    arrow = ('<span aria-hidden="true">▲</span>' if direction == "up"
             else '<span aria-hidden="true">▼</span>' if direction == "down" else "")
    year = c.previous_year
    approx = "≈" if c.approximate_change else ""
    return (f'<span class="chg {direction}" title="较{year}年报告 vs {year} report">{arrow}'
            f'<span class="sr-only">较{year}年</span>{approx}{signed(c.change)}</span>')


_LABELS: dict[tuple[str, bool], Markup] = {}


def metric_label(m: Metric, link: bool = True) -> Markup:
    """The metric's Chinese name (linked to its page) and its English name."""
    key = (m.id, link)
    out = _LABELS.get(key)
    if out is None:
        zh = escape(m.label_zh)
        head = Markup(f'<a href="{escape(urls.metric(m.id))}">{zh}</a>') if link else zh
        out = _LABELS[key] = Markup(f'{head} <span class="en" lang="en">{escape(m.label_en)}</span>')
    return out


def label(zh: str, en: str) -> Markup:
    return Markup(f'{escape(zh)} <span class="en" lang="en">{escape(en)}</span>')


# ---------------------------------------------------------------- rows of a report page
# Each returns the rows exactly as the template's loop wrote them, one per line.


def t3_cells(cells) -> Markup:
    """The figure cells of one row of table 三 (the total column marked)."""
    out = []
    for c in cells:
        total = " total" if c.applicant == "total" else ""
        out.append(f'  <td class="num{total}" id="{cell_id(c)}">{slot_html(c)}</td>\n')
    return Markup("".join(out))


def figure_rows(items) -> Markup:
    """Rows of a list of figures outside the tables (context.FigureItem): name, value, line."""
    from site_builder.render.context import APPLICANT_LABELS

    out = []
    for item in items:
        cell, m = item.cell, item.metric
        applicant = ""
        if cell.applicant != "total":
            zh, en = APPLICANT_LABELS[cell.applicant]
            applicant = f'（{escape(zh)} <span class="en" lang="en">{escape(en)}</span>）'
        unit = f' <span class="unit">{escape(m.unit)}</span>' if m.unit else ""
        line = cell.figure.line
        out.append(
            f'<tr>\n  <th scope="row">{metric_label(m)}{applicant}</th>\n'
            f'  <td class="num" id="{cell_id(cell)}">{figure_html(cell.figure)}{unit}</td>\n'
            f'  <td><a href="#L{line}">第 {line} 行 <span class="en" lang="en">line {line}</span></a></td>\n</tr>\n'
        )
    return Markup("".join(out))


_PASSED = '<span class="ok">✓ 相符</span> <span class="en" lang="en">passed</span>'
_BROKEN = '<span class="bad">✗ 不符</span> <span class="en" lang="en">broken</span>'


def check_rows(checks) -> Markup:
    """Rows of the consistency-check table (context.CheckView), numbered check-1, check-2 …"""
    out = []
    for i, c in enumerate(checks, start=1):
        k = c.check
        passed = k.passed
        metric = ""
        if c.metric:
            metric = f'（{escape(c.metric.label_zh)} <span class="en" lang="en">{escape(c.metric.label_en)}</span>）'
        zh, en = c.applicant_label
        printed = format_number(k.printed)
        if c.target:
            printed = f'<a href="#{escape(c.target)}">{printed}</a>'
        out.append(
            f'<tr class="{"passed" if passed else "broken"}" id="check-{i}">\n'
            f'  <td>{_PASSED if passed else _BROKEN}</td>\n'
            f'  <th scope="row"><code>{escape(k.rule)}</code> {escape(k.description)}{metric}</th>\n'
            f'  <td>{escape(zh)} <span class="en" lang="en">{escape(en)}</span></td>\n'
            f'  <td class="num">{format_number(k.expected)}</td>\n'
            f'  <td class="num">{printed}</td>\n'
            f'  <td><a href="#L{k.line}">第 {k.line} 行 <span class="en" lang="en">line {k.line}</span></a></td>\n'
            f'</tr>\n'
        )
    return Markup("".join(out))


def source_text(report, cited: dict[int, list[str]]) -> Markup:
    """The report's full text: a line per element, its number a link to itself, and back-links
    (↑) to the figures read from it (`cited`: context.cited_lines). The text is the report's:
    escaped."""
    labels = report.line_labels or {}
    out = []
    for n, text in enumerate(report.lines, start=1):
        label = labels.get(n) if labels else None
        label = f'<span class="ll">{escape(label)}</span>' if label else ""
        anchors = cited.get(n)
        if anchors:
            back = "".join(f' <a class="back" href="#{a}">↑{a}</a>' for a in map(escape, anchors))
            out.append(f'<div class="line cited" id="L{n}"><a class="ln" href="#L{n}">{n}</a>{label}'
                       f'<span class="lt">{escape(text)}</span>{back}</div>\n')
        else:
            out.append(f'<div class="line" id="L{n}"><a class="ln" href="#L{n}">{n}</a>{label}'
                       f'<span class="lt">{escape(text)}</span></div>\n')
    return Markup("".join(out))


# ---------------------------------------------------------------- rows of the other pages


def report_links(slug: str, reports, sep: str = " · ") -> Markup:
    """An agency's reports as links to their pages, by year."""
    return Markup(sep.join(f'<a href="{escape(urls.report(slug, r.year))}">{r.year}</a>' for r in reports))


def named_report_links(reports, agency_of, sep: str = "、") -> Markup:
    """Reports of one year as links named by their agency."""
    out = []
    for r in reports:
        a = agency_of[r.path]
        out.append(f'<a href="{escape(urls.report(a.slug, r.year))}">{escape(a.name)}</a>')
    return Markup(sep.join(out))


def yoy_cells(row, slug: str) -> Markup:
    """The cells of one row of an agency's year-over-year table (context.YoYRow): each year's
    figure, linked to it on the report's page, and its change against the previous report."""
    metric = row.metric.id
    out = []
    for c in row.cells:
        fig = figure_html(c.figure, f"{urls.report(slug, c.year)}#{metric}")
        chg = f"<br>{change_html(c)}" if c.change is not None else ""
        out.append(f'  <td class="num">{fig}{chg}</td>\n')
    return Markup("".join(out))


def year_cells(report_url: str, columns, figures) -> Markup:
    """The figure cells of one agency's row on a year page, sortable (data-sort: "" for a gap)."""
    out = []
    for m, f in zip(columns, figures):
        key = format_number(f.value) if f is not None else ""
        out.append(f'  <td class="num" data-sort="{key}">{figure_html(f, f"{report_url}#{m.id}")}</td>\n')
    return Markup("".join(out))


_NO_REPORT = '<span class="gap" title="无该年报告 no report">·<span class="sr-only">无该年报告 no report</span></span>'


def metric_cells(row, metric_id: str) -> Markup:
    """One agency's cells on a metric page (context.MetricRow): the figure of each year, a gap
    where its report does not give it, a dot where there is no report."""
    slug = row.agency.slug
    out = []
    for y, r, f in row.cells:
        if r:
            cell = figure_html(f, f"{urls.report(slug, y)}#{metric_id}" if f else None)
        else:
            cell = _NO_REPORT
        out.append(f'  <td class="num">{cell}</td>\n')
    return Markup("".join(out))


def t2_rows(group) -> Markup:
    """The rows of one group of table 二 (context.T2Group): the group's name spans them."""
    out = []
    for i, (m, column, cell) in enumerate(group.cells):
        head = f'  <th scope="rowgroup" rowspan="{len(group.cells)}">{escape(group.name)}</th>\n' if i == 0 else ""
        unit = f"（{escape(m.unit)}）" if m.unit and m.unit != "件" else ""
        mid = escape(m.id)
        out.append(
            f'<tr>\n{head}  <th scope="row">{escape(column)}{unit} <span class="en" lang="en">{escape(m.label_en)}</span> '
            f'<a class="mid" href="{escape(urls.metric(m.id))}">{mid}</a></th>\n'
            f'  <td class="num" id="{cell_id(cell)}">{slot_html(cell)}</td>\n</tr>\n'
        )
    return Markup("".join(out))


def t3_rows(rows) -> Markup:
    """The rows of table 三 (context.T3Row): group headings, and figure rows with a cell per column."""
    out = []
    for row in rows:
        label = f'{escape(row.label_zh)} <span class="en" lang="en">{escape(row.label_en)}</span>'
        if row.metric is None:
            out.append(f'<tr class="group lvl-{row.level}"><th scope="row">{label}</th><td colspan="7"></td></tr>\n')
        else:
            out.append(f'<tr class="lvl-{row.level}">\n  <th scope="row">{label} <a class="mid" href="{escape(urls.metric(row.metric))}">'
                       f'{escape(row.metric)}</a></th>\n{t3_cells(row.cells)}</tr>\n')
    return Markup("".join(out))


def t4_heads(groups) -> Markup:
    """Column heads of table 四 (context.T4Group): each group's columns, its last one the total."""
    out = []
    for g in groups:
        last = len(g.cells) - 1
        for i, (m, zh, en, cell) in enumerate(g.cells):
            total = " total" if i == last else ""
            out.append(f'  <th scope="col" class="num{total}">{escape(zh)} <span class="en" lang="en">{escape(en)}</span></th>\n')
    return Markup("".join(out))


def t4_cells(groups) -> Markup:
    """The one row of figures of table 四, in the order of t4_heads."""
    out = []
    for g in groups:
        last = len(g.cells) - 1
        for i, (m, zh, en, cell) in enumerate(g.cells):
            total = " total" if i == last else ""
            out.append(f'  <td class="num{total}" id="{cell_id(cell)}">{slot_html(cell)}</td>\n')
    return Markup("".join(out))
