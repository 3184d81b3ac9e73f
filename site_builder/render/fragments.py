"""The small pieces of HTML that pages repeat hundreds of times: a figure, a table slot, a change.

They were Jinja macros; a macro call costs some 20 µs and a report page made ~900 of them, an
agency page thousands. Here each is a plain function (templates call them exactly as they
called the macros) that returns Markup. Every value that comes from a report — notes, warning
messages, hrefs — goes through escape(); only the fixed markup around it is written literally.
figure(), slot(), change() and metric_label() write byte for byte what the macros wrote
(tests/test_fragments.py).

The report and agency pages — most of the site's bytes — use leaner pieces (fig_html, cell_td,
yoy_rows, check_rows, source_text): no class the stylesheet can infer from the place (a figure's
cell has its id, the total column is the last), gaps and derived figures whose words for screen
readers come from the stylesheet, passed checks a row per rule, a line of text a single element.
"""

from __future__ import annotations

import re
from decimal import Decimal

from markupsafe import Markup, escape as _escape

from site_builder import catalogue
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


_ESCAPED: dict[str, str] = {}


def esc(text: str) -> str:
    """escape() remembered: for the few hundred strings every page repeats (catalogue labels,
    metric ids, rule names), never for a report's own text (unbounded)."""
    out = _ESCAPED.get(text)
    if out is None:
        out = _ESCAPED[text] = escape(text)
    return out


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
    out = _SIGNED.get(value)
    if out is None:
        if len(_SIGNED) > 100_000:  # bounded, as numbers.format_number_cached: a dev server runs long
            _SIGNED.clear()
        text = format_number(abs(value))
        out = _SIGNED[value] = ("+" if value > 0 else "−" if value < 0 else "±") + text
    return out


# changes a corpus prints are few (equal Decimals, 5 and 5.0, print alike: format_number
# normalises, so one key per value is exact)
_SIGNED: dict[Decimal, str] = {}


def _figure_parts(f: Figure, classes: str = "fig", derived_words: bool = True) -> tuple[str, str]:
    """The figure's link without its href: ('<a class="fig …" href="', '" title=…>12+</a>').
    `derived_words`: a derived figure says so to screen readers in a span (else the stylesheet does)."""
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
        if derived_words:
            text += _DERIVED_SR
    if f.note:
        notes.append(f.note)
    title = f' title="{escape("; ".join(notes))}"' if notes else ""
    return f'<a class="{classes.lstrip()}" href="', f'"{title}>{text}</a>'


def figure_html(f: Figure | None, href: str | None = None) -> str:
    """figure() as a plain str, for the row builders below (no Markup object per cell)."""
    if f is None:
        return GAP
    if not (f.approximate or f.recovered or f.note or f.origin == "derived"):  # most figures: a plain link
        return f'<a class="fig" href="{escape(href) if href else f"#L{f.line}"}">{format_number(f.value)}</a>'
    head, tail = _figure_parts(f)
    return head + (escape(href) if href else f"#L{f.line}") + tail


# The report and agency pages' tables write a figure without class="fig" (the stylesheet finds
# it as the link of a figure cell, `td[id] > a` or `.yoy td > a`), and a gap as a cell of class
# "nr" whose words for screen readers come from the stylesheet: a page has hundreds of each.
NR = "—"


def fig_html(f: Figure | None, href: str | None = None) -> str:
    """A figure as figure_html() writes it, less class="fig"; a gap as NR (its cell says "nr")."""
    if f is None:
        return NR
    return _fig_link(f, escape(href) if href else f"#L{f.line}")


def _fig_link(f: Figure, href: str) -> str:
    """fig_html() of a figure with its href already escaped."""
    if not (f.approximate or f.recovered or f.note or f.origin == "derived"):  # most figures: a plain link
        return f'<a href="{href}">{format_number(f.value)}</a>'
    head, tail = _figure_parts(f, "", False)  # a.derived: its words for screen readers from the stylesheet
    return head + href + tail


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


def cell_td(c, total: bool = False) -> str:
    """A slot of a laid-out table as its whole cell, anchored by the figure's id: a figure
    (fig_html), a gap that says why when the parser knew, or a plain gap (class "nr").
    `total`: the cell is its group's total (class "total")."""
    f = c.figure
    if f is None:
        if c.warning is None:
            return f'<td id="{cell_id(c)}" class="nr{" total" if total else ""}">—</td>'
        inner = slot_html(c)
    else:
        inner = fig_html(f)
    return f'<td id="{cell_id(c)}"{_TOTAL if total else ""}>{inner}</td>'


_TOTAL = ' class="total"'


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


_LEAN_LABELS: dict[str, str] = {}


def _metric_label_lean(m: Metric) -> str:
    """metric_label(m) for the report and agency pages: the English name a <span lang="en">
    (the stylesheet styles it as .en: every span of English in <main> is a label)."""
    out = _LEAN_LABELS.get(m.id)
    if out is None:
        out = _LEAN_LABELS[m.id] = (f'<a href="{escape(urls.metric(m.id))}">{escape(m.label_zh)}</a> '
                                    f'<span lang="en">{escape(m.label_en)}</span>')
    return out


def label(zh: str, en: str) -> Markup:
    return Markup(f'{escape(zh)} <span class="en" lang="en">{escape(en)}</span>')


# ---------------------------------------------------------------- rows of a report page
# Each returns the rows exactly as the template's loop wrote them, one per line.


def figure_rows(items) -> Markup:
    """Rows of a list of figures outside the tables (context.FigureItem): name, value, line."""
    from site_builder.render.context import APPLICANT_LABELS

    out = []
    for item in items:
        cell, m = item.cell, item.metric
        applicant = ""
        if cell.applicant != "total":
            zh, en = APPLICANT_LABELS[cell.applicant]
            applicant = f'（{esc(zh)} <span lang="en">{esc(en)}</span>）'
        unit = f' <span class="unit">{esc(m.unit)}</span>' if m.unit else ""
        line = cell.figure.line
        out.append(
            f'<tr><th scope="row">{_metric_label_lean(m)}{applicant}</th>'
            f'<td id="{cell_id(cell)}">{fig_html(cell.figure)}{unit}</td>'
            f'<td><a href="#L{line}">第 {line} 行 <span lang="en">line {line}</span></a></td></tr>\n'
        )
    return Markup("".join(out))


_PASSED = '<span class="ok">✓ 相符</span> <span lang="en">passed</span>'
_BROKEN = '<span class="bad">✗ 不符</span> <span lang="en">broken</span>'


def _check_row(i: int, c) -> str:
    """One check in full: result, rule, column, expected, printed (linked to the figure), line."""
    k = c.check
    passed = k.passed
    metric = ""
    if c.metric:
        metric = f'（{esc(c.metric.label_zh)} <span lang="en">{esc(c.metric.label_en)}</span>）'
    zh, en = c.applicant_label
    printed = format_number(k.printed)
    if c.target:
        printed = f'<a href="#{esc(c.target)}">{printed}</a>'
    return (
        f'<tr class="{"passed" if passed else "broken"}" id="check-{i}">'
        f'<td>{_PASSED if passed else _BROKEN}</td>'
        f'<th scope="row"><code>{esc(k.rule)}</code> {esc(k.description)}{metric}</th>'
        f'<td>{esc(zh)} <span lang="en">{esc(en)}</span></td>'
        f'<td>{format_number(k.expected)}</td>'
        f'<td>{printed}</td>'
        f'<td><a href="#L{k.line}">第 {k.line} 行 <span lang="en">line {k.line}</span></a></td></tr>\n'
    )


def _check_subject(c) -> str:
    """What one check of a rule is about, in both languages: the metric the rule names (a row of
    table 三, a group of table 四) and the column, when it is not the total."""
    k = c.check
    subject = k.rule.partition(":")[2]
    if subject:
        m = c.metric
        if m is None:
            ids = catalogue.by_id()
            m = ids.get(subject) or ids.get(f"{subject}.total")
        zh, en = (m.label_zh, m.label_en) if m is not None else (subject, subject)
        if k.applicant != "total":
            azh, aen = c.applicant_label
            zh, en = f"{zh}（{azh}）", f"{en} ({aen})"
    else:
        zh, en = c.applicant_label
    return f'{esc(zh)} <span lang="en">{esc(en)}</span>'


def check_rows(checks) -> Markup:
    """Rows of the consistency-check table (context.CheckView). Broken checks first, each in
    full (expected, printed, line; ids check-N, N its place among all the report's checks);
    then the passed ones, a row per rule: every column or row it held for, with the printed
    number linked to its figure (or, when the page has no such cell, to its line). A rule that
    passed once gets the full row."""
    out = []
    groups: dict[tuple[str, str], list] = {}
    for i, c in enumerate(checks, start=1):
        k = c.check
        if k.passed:
            groups.setdefault((k.rule.partition(":")[0], k.description), []).append((i, c))
        else:
            out.append(_check_row(i, c))
    for (rule, description), members in groups.items():
        if len(members) == 1:
            out.append(_check_row(*members[0]))
            continue
        items = []
        for _, c in members:
            k = c.check
            href = f"#{esc(c.target)}" if c.target else f"#L{k.line}"
            items.append(f'{_check_subject(c)} <a href="{href}">{format_number(k.printed)}</a>')
        out.append(
            f'<tr class="passed"><td>{_PASSED} ×{len(members)}</td>'
            f'<th scope="row"><code>{esc(rule)}</code> {esc(description)}</th>'
            f'<td colspan="4">{" · ".join(items)}</td></tr>\n'
        )
    return Markup("".join(out))


_BACKS: dict[str, str] = {}


def _back(anchor: str) -> str:
    """A back-link from a line of the text to a figure read from it (anchors: a few hundred)."""
    out = _BACKS.get(anchor)
    if out is None:
        a = escape(anchor)
        out = _BACKS[anchor] = f'<a href="#{a}">↑{a}</a>'
    return out


def source_text(report, cited: dict[int, list[str]]) -> Markup:
    """The report's full text: a line per element (its id L<n>), its number a link to itself,
    the line's place in the original (PDF page and line) in <small> when known, the text itself
    directly in the element (escaped: it is the report's), and back-links (↑) to the figures read
    from it (`cited`: context.cited_lines). The stylesheet lays the line out (.source > div)."""
    lines = report.lines
    # the whole text escaped in one pass (a line holds no newline; should one, line by line)
    texts = escape("\n".join(lines)).split("\n")
    if len(texts) != len(lines):
        texts = [escape(t) for t in lines]
    labels = report.line_labels
    out = []
    for n, text in enumerate(texts, start=1):
        if labels:
            label = labels.get(n)
            if label:
                text = f'<small>{escape(label)}</small>{text}'
        anchors = cited.get(n)
        if anchors:
            back = "".join([_back(a) for a in anchors])
            out.append(f'<div class="cited" id="L{n}"><a href="#L{n}">{n}</a>{text}{back}</div>\n')
        else:
            out.append(f'<div id="L{n}"><a href="#L{n}">{n}</a>{text}</div>\n')
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


def _yoy_cells(row, base: str) -> str:
    """The cells of one row of an agency's year-over-year table (context.YoYRow): each year's
    figure, linked to it on the report's page (`base`: the agency's page URL, escaped), and its
    change against the previous report (the previous column): its signed number in a span of
    class up/down/same, the arrow drawn by the stylesheet. A gap is a cell of class "nr"."""
    metric = esc(row.metric.id)
    out = []
    for c in row.cells:
        f = c.figure
        if f is None:
            out.append('<td class="nr">—</td>')
            continue
        fig = _fig_link(f, f"{base}{c.year}/#{metric}")
        if c.change is not None:
            approx = "≈" if c.approximate_change else ""
            fig = f'{fig} <span class="{c.direction}">{approx}{signed(c.change)}</span>'
        out.append(f'<td>{fig}</td>')
    return "".join(out)


def yoy_rows(rows, slug: str) -> Markup:
    """The rows of an agency's year-over-year table (context.YoYRow): the metric's names, linked
    to its page, and its unit; then its cells. One call per table, not per row."""
    base = escape(urls.agency(slug))
    out = []
    for row in rows:
        m = row.metric
        unit = f' <span class="unit">（{esc(m.unit)}）</span>' if m.unit else ""
        out.append(f'<tr><th scope="row">{_metric_label_lean(m)}{unit}</th>{_yoy_cells(row, base)}</tr>\n')
    return Markup("".join(out))


def t2_rows(group) -> Markup:
    """The rows of one group of table 二 (context.T2Group): the group's name spans them."""
    out = []
    for i, (m, column, cell) in enumerate(group.cells):
        head = f'<th scope="rowgroup" rowspan="{len(group.cells)}">{esc(group.name)}</th>' if i == 0 else ""
        unit = f"（{esc(m.unit)}）" if m.unit and m.unit != "件" else ""
        mid = esc(m.id)
        out.append(
            f'<tr>{head}<th scope="row">{esc(column)}{unit} <span lang="en">{esc(m.label_en)}</span> '
            f'<a class="mid" href="{esc(urls.metric(m.id))}">{mid}</a></th>{cell_td(cell)}</tr>\n'
        )
    return Markup("".join(out))


def t3_rows(rows) -> Markup:
    """The rows of table 三 (context.T3Row): group headings, and figure rows with a cell per column."""
    out = []
    for row in rows:
        label = f'{esc(row.label_zh)} <span lang="en">{esc(row.label_en)}</span>'
        level = f" lvl-{row.level}" if row.level else ""
        if row.metric is None:
            out.append(f'<tr class="group{level}"><th scope="row">{label}</th><td colspan="7"></td></tr>\n')
        else:
            tr = f'<tr class="{level[1:]}">' if level else "<tr>"
            out.append(f'{tr}<th scope="row">{label} <a class="mid" href="{esc(urls.metric(row.metric))}">'
                       f'{esc(row.metric)}</a></th>{"".join([cell_td(c) for c in row.cells])}</tr>\n')
    return Markup("".join(out))


def t4_heads(groups) -> Markup:
    """Column heads of table 四 (context.T4Group): each group's columns, its last one the total."""
    out = []
    for g in groups:
        last = len(g.cells) - 1
        for i, (m, zh, en, cell) in enumerate(g.cells):
            total = " total" if i == last else ""
            out.append(f'  <th scope="col" class="num{total}">{esc(zh)} <span lang="en">{esc(en)}</span></th>\n')
    return Markup("".join(out))


def t4_cells(groups) -> Markup:
    """The one row of figures of table 四, in the order of t4_heads (each group's total marked)."""
    out = []
    for g in groups:
        last = len(g.cells) - 1
        for i, (m, zh, en, cell) in enumerate(g.cells):
            out.append(cell_td(cell, i == last))
    return Markup("".join(out))
