"""The small pieces of HTML that pages repeat hundreds of times: a figure, a table's rows, a line.

They were Jinja macros; a macro call costs some 20 µs and a report page made ~900 of them, an
agency page thousands. Here they are plain functions; the tables around them (heads, captions,
sections) are the templates'. One escaping rule, markupsafe's: every value that comes from a
report — notes, warning messages, its text — goes through escape() (markupsafe's, as a str to
join), only the fixed markup around it is written literally, and what a template receives is
Markup (written as it is, under the templates' autoescape). figure() writes byte for byte what
the macro wrote (tests/test_fragments.py).

The report and agency pages — most of the site's bytes — use leaner pieces: no class the
stylesheet can infer from the place (a figure's cell has its id, the total column is the last),
gaps and derived figures whose words for screen readers come from the stylesheet, passed checks
a row per rule, a line of text a single element. A table's fixed markup (each row's head, each
cell's opening tag) is made once per era (functools caches: it depends on the catalogue and the
parser's layouts only); a report fills in its figures.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache, lru_cache

from markupsafe import Markup, escape as markup_escape

from site_builder import catalogue
from site_builder.model import Figure
from site_builder.numbers import format_number
from site_builder.render import urls
from site_builder.render import views

GAP = '<span class="gap" title="未报告 not reported">—<span class="sr-only">未报告 not reported</span></span>'
_APPROX = "约数（下限或估计）approximate: a lower bound or estimate"
_RECOVERED = "由粘连的数字按表格勾稽关系拆分 recovered from run-together digits"
_DERIVED = "由各分项相加得出 derived: the sum of its rows"


_SPECIAL = re.compile(r"[&<>\"']")  # what markupsafe's escape() replaces


def escape(text) -> str:
    """markupsafe's escape() as a plain str, to join with a row's fixed markup (`str + Markup`
    would escape the str): its very output (tests/test_fragments.py), less the call and the
    Markup object for text with nothing to escape, most of it (a year page's 2,000 links named
    by agency: 3.0 ms this way, 6.2 ms through escape() and Markup)."""
    if type(text) is not str:
        text = str(text)
    return text if _SPECIAL.search(text) is None else str(markup_escape(text))


@lru_cache(maxsize=4096)
def esc(text: str) -> str:
    """escape() remembered: for the few hundred strings every page repeats (catalogue labels,
    metric ids, rule names), never for a report's own text."""
    return escape(text)


_DERIVED_SR = '<span class="sr-only">（计算所得 derived）</span>'


class _Memo(dict):
    """A pure function's results by argument, bounded: `memo[x]` is func(x), computed once (by
    __missing__) and dropped with all the others past `maxsize` arguments (a dev server runs long
    and meets ever new values). For a figure's text, looked up for every figure of a page (a
    report's tables ~150, an agency's year-over-year table ~600): a dict subscript, where a
    functools.lru_cache call of a Decimal measured twice as long (75 ns, not 35)."""

    def __init__(self, func, maxsize: int) -> None:
        super().__init__()
        self.func, self.maxsize = func, maxsize

    def __missing__(self, key):
        if len(self) >= self.maxsize:
            self.clear()
        value = self[key] = self.func(key)
        return value


# A figure's text (a corpus prints few distinct numbers; equal Decimals, 5 and 5.0, print alike:
# format_number normalises, so one entry per value is exact).
_NUMBERS = _Memo(format_number, 100_000)


def num(value: Decimal | None) -> str:
    """A figure's text, or "" for none (the templates' `num` filter)."""
    return "" if value is None else _NUMBERS[value]


@lru_cache(maxsize=65536)
def signed(value: Decimal) -> str:
    """An absolute change, always with its sign (the arrow beside it is not read by everyone)."""
    return ("+" if value > 0 else "−" if value < 0 else "±") + _NUMBERS[abs(value)]


def _figure_parts(f: Figure, classes: str = "fig", derived_words: bool = True) -> tuple[str, str]:
    """The figure's link without its href: ('<a class="fig …" href="', '" title=…>12+</a>').
    `derived_words`: a derived figure says so to screen readers in a span (else the stylesheet does)."""
    notes = []
    text = _NUMBERS[f.value]
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
    """figure()'s markup, for the row builders to join (a str: no Markup object per cell)."""
    if f is None:
        return GAP
    if not (f.approximate or f.recovered or f.note or f.origin == "derived"):  # most figures: a plain link
        return f'<a class="fig" href="{escape(href) if href else f"#L{f.line}"}">{_NUMBERS[f.value]}</a>'
    head, tail = _figure_parts(f)
    return f'{head}{escape(href) if href else f"#L{f.line}"}{tail}'


def figure(f: Figure | None, href: str | None = None) -> Markup:
    """A figure as a link to the line it was read from (or to `href`); a gap as "—", never 0."""
    return Markup(figure_html(f, href))


# ---------------------------------------------------------------- the report and agency pages
# Their tables write a figure without class="fig" (the stylesheet finds it as the link of a figure
# cell, `td[id] > a` or `.yoy td > a`), and a gap as a cell of class "nr" whose words for screen
# readers come from the stylesheet: a page has hundreds of each.


def _fig_link(f: Figure, href: str) -> str:
    """A figure as a link (its href already escaped), less figure_html()'s class="fig"."""
    if not (f.approximate or f.recovered or f.note or f.origin == "derived"):  # most figures: a plain link
        return f'<a href="{href}">{_NUMBERS[f.value]}</a>'
    head, tail = _flagged(f.value, f.approximate, f.origin, f.recovered, f.note)
    return f"{head}{href}{tail}"


def _gap_link(w) -> str:
    """An empty cell the parser warned about: a gap linking to the warning, saying why."""
    href = f"#L{w.line}" if w.line else "#warnings"
    message = escape(w.message)
    return f'<a class="gap" href="{href}" title="{message}">—<span class="sr-only">未能读出 not read: {message}</span></a>'


def _slot(key: tuple[str, str], before: str = "", total: bool = False) -> tuple[str, tuple[str, str], str, str, str]:
    """A cell of a laid-out table, as _fill() takes it: (the fixed markup before it and the
    opening of a plain figure's link, up to its line number; its key; its whole markup when
    empty and unexplained: a gap of class "nr"; the fixed markup before it; its opening tag
    (anchored by the figure's id)). `total`: the cell is its group's total (class "total")."""
    cid = esc(views.anchor(*key))
    td = f'<td id="{cid}"{_TOTAL if total else ""}>'
    return (f'{before}{td}<a href="#L', key, f'{before}<td id="{cid}" class="nr{" total" if total else ""}">—</td>',
            before, td)


_TOTAL = ' class="total"'


@lru_cache(maxsize=4096)  # (few distinct values and flags; bounded: a note is a report's text)
def _flagged(value: Decimal, approximate: bool, origin: str, recovered: bool, note: str) -> tuple[str, str]:
    """_fig_link()'s markup around the href of a figure with flags (approximate, recovered, a
    note, derived: a report has some fifteen, its derived totals), made once per value and flags
    (the rest of the Figure does not show). A derived figure's words for screen readers come
    from the stylesheet (a.derived)."""
    return _figure_parts(Figure("", value, 0, approximate=approximate, origin=origin, recovered=recovered, note=note),
                         "", False)


def _fill(slots, view) -> list[str]:
    """Each slot (_slot) with the report's figure: a link to the line it was read from; a gap
    that says why when the parser knew (linking to the line of the warning); else a plain gap."""
    figures, gaps, numbers = view.figures, view.gaps, _NUMBERS
    out = []
    append = out.append
    for plain, key, nr, before, td in slots:
        f = figures.get(key)
        if f is None:
            w = gaps.get(key) if gaps else None
            append(nr if w is None else f"{before}{td}{_gap_link(w)}</td>")
        elif f.approximate or f.recovered or f.note or f.origin == "derived":
            head, tail = _flagged(f.value, f.approximate, f.origin, f.recovered, f.note)
            append(f"{before}{td}{head}#L{f.line}{tail}</td>")
        else:  # most cells
            append(f'{plain}{f.line}">{numbers[f.value]}</a></td>')
    return out


@cache
def _metric_label_lean(metric_id: str) -> str:
    """The metric's Chinese name (linked to its page) and its English name, a <span lang="en">
    (the stylesheet styles it as .en: every span of English in <main> is a label)."""
    m = catalogue.by_id()[metric_id]
    return (f'<a href="{escape(urls.metric(m.id))}">{escape(m.label_zh)}</a> '
            f'<span lang="en">{escape(m.label_en)}</span>')


def _both(zh: str, en: str) -> str:
    return f'{esc(zh)} <span lang="en">{esc(en)}</span>'


# ---------------------------------------------------------------- a report's tables
# Each returns the rows as a loop of the template would write them, one per line. Their fixed
# markup is made once: per era (tables 二 and 三), once (table 四), per catalogue cell (the other
# figures).


@cache
def _t2_layout(era: str) -> dict[str, tuple]:
    """The era's groups of table 二 (views.t2_groups_of), by name: the slots of the group's rows."""
    layout = {}
    for g in views.t2_groups_of(era):
        slots = []
        for i, (m, column, key) in enumerate(g.cells):
            head = f'<th scope="rowgroup" rowspan="{len(g.cells)}">{esc(g.name)}</th>' if i == 0 else ""
            unit = f"（{esc(m.unit)}）" if m.unit and m.unit != "件" else ""
            slots.append(_slot(key, f'{"<tbody>" if i == 0 else "</tr>"}\n<tr>{head}<th scope="row">{esc(column)}'
                                    f'{unit} <span lang="en">{esc(m.label_en)}</span> '
                                    f'<a class="mid" href="{esc(urls.metric(m.id))}">{esc(m.id)}</a></th>'))
        assert g.name not in layout, f"two groups of table 二 named {g.name}"
        layout[g.name] = tuple(slots)
    return layout


def t2_rows(view) -> Markup:
    """Table 二: a <tbody> per group the report gives (views.T2Group), the group's name spanning
    its rows; a row per figure: its column's name and unit, English name, metric id, cell."""
    layout = _t2_layout(view.report.era)
    out = []
    for g in view.t2:
        out += _fill(layout[g.name], view)
        out.append("</tr>\n</tbody>\n")
    return Markup("".join(out))


@cache
def _t3_layout(era: str) -> tuple[tuple, str]:
    """The slots of the era's table 三, and the last row's closing markup."""
    slots = []
    before = ""
    for row in views.t3_rows_of(era):
        label = _both(row.label_zh, row.label_en)
        level = f" lvl-{row.level}" if row.level else ""
        if row.metric is None:
            before += f'<tr class="group{level}"><th scope="row">{label}</th><td colspan="7"></td></tr>\n'
            continue
        tr = f'<tr class="{level[1:]}">' if level else "<tr>"
        before += (f'{tr}<th scope="row">{label} <a class="mid" href="{esc(urls.metric(row.metric))}">'
                   f'{esc(row.metric)}</a></th>')
        for key in row.keys:
            slots.append(_slot(key, before))
            before = ""
        before = "</tr>\n"
    return tuple(slots), before


def t3_rows(view) -> Markup:
    """The rows of table 三 (the era's views.T3Row): group headings, and figure rows with a cell
    per column."""
    slots, end = _t3_layout(view.report.era)
    out = _fill(slots, view)
    out.append(end)
    return Markup("".join(out))


@cache
def _t4_slots() -> tuple:
    """The slots of table 四's one row of figures (each group's total marked)."""
    slots = []
    for g in views.t4_groups():
        last = len(g.cells) - 1
        slots.extend(_slot(key, total=i == last) for i, (m, zh, en, key) in enumerate(g.cells))
    return tuple(slots)


def t4_cells(view) -> Markup:
    """The one row of figures of table 四, in the order of its heads (templates/_t4_head.html)."""
    return Markup("".join(_fill(_t4_slots(), view)))


@cache
def _item_row(metric_id: str, applicant: str) -> tuple[str, str]:
    """A row of figure_rows around its figure: its name (and column), and the value's cell."""
    m = catalogue.by_id()[metric_id]
    named = ""
    if applicant != "total":
        zh, en = views.APPLICANT_LABELS[applicant]
        named = f"（{_both(zh, en)}）"
    unit = f' <span class="unit">{esc(m.unit)}</span>' if m.unit else ""
    return (f'<tr><th scope="row">{_metric_label_lean(metric_id)}{named}</th>'
            f'<td id="{esc(views.anchor(metric_id, applicant))}">', f"{unit}</td>")


def figure_rows(items) -> Markup:
    """Rows of a list of figures outside the tables (views.FigureItem): name, value, line."""
    out = []
    for m, applicant, f in items:
        fixed = _item_row(m.id, applicant)
        line = f.line
        out.append(f'{fixed[0]}{_fig_link(f, f"#L{line}")}{fixed[1]}'
                   f'<td><a href="#L{line}">第 {line} 行 <span lang="en">line {line}</span></a></td></tr>\n')
    return Markup("".join(out))


_PASSED = '<span class="ok">✓ 相符</span> <span lang="en">passed</span>'
_BROKEN = '<span class="bad">✗ 不符</span> <span lang="en">broken</span>'


def _check_row(i: int, c) -> str:
    """One check in full: result, rule, column, expected, printed (linked to the figure), line."""
    k = c.check
    passed = k.passed
    metric = ""
    if c.metric:
        metric = f"（{_both(c.metric.label_zh, c.metric.label_en)}）"
    zh, en = c.applicant_label
    printed = _NUMBERS[k.printed]
    if c.target:
        printed = f'<a href="#{esc(c.target)}">{printed}</a>'
    return (
        f'<tr class="{"passed" if passed else "broken"}" id="check-{i}">'
        f'<td>{_PASSED if passed else _BROKEN}</td>'
        f'<th scope="row"><code>{esc(k.rule)}</code> {esc(k.description)}{metric}</th>'
        f'<td>{_both(zh, en)}</td>'
        f'<td>{_NUMBERS[k.expected]}</td>'
        f'<td>{printed}</td>'
        f'<td><a href="#L{k.line}">第 {k.line} 行 <span lang="en">line {k.line}</span></a></td></tr>\n'
    )


@lru_cache(maxsize=4096)  # (the rules are the parser's: a corpus has a few hundred)
def _check_subject(rule: str, applicant: str) -> str:
    """What one check of a rule is about, in both languages: the metric the rule names (a row of
    table 三, a group of table 四) and the column, when it is not the total."""
    subject = rule.partition(":")[2]
    azh, aen = views.APPLICANT_LABELS.get(applicant, (applicant, applicant))
    if subject:
        ids = catalogue.by_id()
        m = ids.get(subject) or ids.get(f"{subject}.total")
        zh, en = (m.label_zh, m.label_en) if m is not None else (subject, subject)
        if applicant != "total":
            zh, en = f"{zh}（{azh}）", f"{en} ({aen})"
    else:
        zh, en = azh, aen
    return f'{escape(zh)} <span lang="en">{escape(en)}</span>'


@lru_cache(maxsize=4096)  # (a rule's checks name the same few cells in every report)
def _passed_head(rule: str, applicant: str, target: str) -> str:
    """A passed check's entry up to its printed number, when the page has its figure: what it is
    about, and the opening of the link to the figure's cell."""
    return f'{_check_subject(rule, applicant)} <a href="#{esc(target)}">'


@lru_cache(maxsize=4096)
def _rule_name(rule: str) -> str:
    """"t3.row_total:requests.new" -> "t3.row_total" (a corpus has a few hundred rules)."""
    return rule.partition(":")[0]


def check_rows(checks) -> Markup:
    """Rows of the consistency-check table (views.CheckView). Broken checks first, each in
    full (expected, printed, line; ids check-N, N its place among all the report's checks);
    then the passed ones, a row per rule: every column or row it held for, with the printed
    number linked to its figure (or, when the page has no such cell, to its line). A rule that
    passed once gets the full row."""
    out = []
    groups: dict[tuple[str, str], list] = {}
    for i, c in enumerate(checks, start=1):
        k = c.check
        if k.passed:
            name = _rule_name(k.rule)
            group = groups.get((name, k.description))
            if group is None:
                groups[(name, k.description)] = [(i, c)]
            else:
                group.append((i, c))
        else:
            out.append(_check_row(i, c))
    for (rule, description), members in groups.items():
        if len(members) == 1:
            out.append(_check_row(*members[0]))
            continue
        items = []
        for _, c in members:
            k = c.check
            if c.target:  # (most: the fixed part of the entry made once per rule and cell)
                items.append(f'{_passed_head(k.rule, k.applicant, c.target)}{_NUMBERS[k.printed]}</a>')
            else:
                items.append(f'{_check_subject(k.rule, k.applicant)} <a href="#L{k.line}">{_NUMBERS[k.printed]}</a>')
        out.append(
            f'<tr class="passed"><td>{_PASSED} ×{len(members)}</td>'
            f'<th scope="row"><code>{esc(rule)}</code> {esc(description)}</th>'
            f'<td colspan="4">{" · ".join(items)}</td></tr>\n'
        )
    return Markup("".join(out))


@lru_cache(maxsize=4096)  # (anchors are the catalogue's cells: a few hundred)
def _back(anchor: str) -> str:
    """A back-link from a line of the text to a figure read from it."""
    a = escape(anchor)
    return f'<a href="#{a}">↑{a}</a>'


# What comes before line n of a report's text (closing line n - 1), made once for the first
# _LINES_MADE line numbers ([0] unused): '</div>\n<div id="L<n>"><a href="#L<n>">n</a>', and for
# a line figures were read from, '</div>\n<div class="cited" id="L<n>">...'
_LINES_MADE = 2048


def _line_open(k: int) -> str:
    return f'</div>\n<div id="L{k}"><a href="#L{k}">{k}</a>'


def _cited_open(k: int) -> str:
    return f'</div>\n<div class="cited" id="L{k}"><a href="#L{k}">{k}</a>'


@cache
def _line_opens() -> tuple[tuple[str, ...], tuple[str, ...]]:
    numbers = range(_LINES_MADE + 1)
    return tuple(map(_line_open, numbers)), tuple(map(_cited_open, numbers))


def source_text(report, cited: dict[int, list[str]]) -> Markup:
    """The report's full text: a line per element (its id L<n>), its number a link to itself,
    the line's place in the original (PDF page and line) in <small> when known, the text itself
    directly in the element (escaped: it is the report's), and back-links (↑) to the figures read
    from it (`cited`: views.cited_lines; such a line has class "cited"). The stylesheet lays the
    line out (.source > div)."""
    lines = report.lines
    n = len(lines)
    if not n:
        return Markup()
    # the whole text escaped in one pass (a line holds no newline; should one, line by line), by
    # markupsafe directly: escape()'s first look for a character to escape scans a long text
    # several times slower than markupsafe escapes it
    texts = str(markup_escape("\n".join(lines))).split("\n")
    if len(texts) != n:
        texts = [escape(t) for t in lines]
    opens, cited_opens = _line_opens()
    # each line's opening markup, then its text; a line's place and back-links added in the list
    parts = [""] * (2 * n)
    if n <= _LINES_MADE:
        parts[0::2] = opens[1:n + 1]
    else:
        parts[0::2] = opens[1:] + tuple(map(_line_open, range(_LINES_MADE + 1, n + 1)))
    parts[1::2] = texts
    labels = report.line_labels
    if labels:
        for k, label in labels.items():
            if label and 0 < k <= n:
                parts[2 * k - 1] = f"<small>{escape(label)}</small>{parts[2 * k - 1]}"
    for k, anchors in cited.items():
        if anchors and 0 < k <= n:
            parts[2 * k - 2] = cited_opens[k] if k <= _LINES_MADE else _cited_open(k)
            if len(anchors) == 1:  # (most lines)
                parts[2 * k - 1] += _back(anchors[0])
            else:
                parts[2 * k - 1] += "".join(map(_back, anchors))
    parts[0] = parts[0][7:]  # (line 1 closes no line before it)
    parts.append("</div>\n")
    return Markup("".join(parts))


# ---------------------------------------------------------------- lists of reports
# A link per report, for every agency of the agencies page (20,000 links at a province's size) and
# for every year of the years page: as loops of the templates they measured two to three times
# slower.


def report_links(slug: str, reports, sep: str = " · ") -> Markup:
    """An agency's reports as links to their pages, by year."""
    base = escape(urls.agency(slug))  # (a report's URL is its agency's and "<year>/": escaped once)
    return Markup(sep.join([f'<a href="{base}{r.year}/">{r.year}</a>' for r in reports]))


def named_report_links(reports, agency_of, sep: str = "、") -> Markup:
    """Reports of one year as links named by their agency."""
    out = []
    for r in reports:
        a = agency_of[r.path]
        out.append(f'<a href="{escape(urls.report(a.slug, r.year))}">{escape(a.name)}</a>')
    return Markup(sep.join(out))


# ---------------------------------------------------------------- an agency's year-over-year table


@lru_cache(maxsize=100_000)  # (a corpus has few distinct pairs; bounded: a dev server runs long)
def _change(before: Decimal, after: Decimal) -> tuple[str, str]:
    """A change against the previous report, as its markup around the "≈" that may precede its
    number (' <span class="up">', '+3</span>'): its signed number in a span of class
    up/down/same (the arrow drawn by the stylesheet)."""
    change = after - before
    return f' <span class="{"up" if change > 0 else "down" if change < 0 else "same"}">', f"{signed(change)}</span>"



@cache
def _yoy_head(metric_id: str) -> str:
    """The head of a metric's row in the year-over-year table: its names and its unit."""
    m = catalogue.by_id()[metric_id]
    unit = f' <span class="unit">（{esc(m.unit)}）</span>' if m.unit else ""
    return f'<tr><th scope="row">{_metric_label_lean(metric_id)}{unit}</th>'


def yoy_rows(table, slug: str) -> Markup:
    """The rows of an agency's year-over-year table (views.YoYTable): a row per metric, its
    names linked to its page and its unit; then a cell per report: its figure, linked to it on
    the report's page, and its change against the previous report (the previous column) when
    both give it ("≈" when either is approximate). A gap is a cell of class "nr". One call per
    table, not per row."""
    base = escape(urls.agency(slug))
    columns = [(f"{base}{year}/#", index) for year, index in zip(table.years, table.totals)]
    change, numbers = _change, _NUMBERS
    out = []
    for m in table.metrics:
        mid = m.id
        out.append(_yoy_head(mid))
        anchor = esc(mid)
        prev = None  # the figure of the report just before (not the last report that gave it)
        for href, index in columns:
            f = index.get(mid)
            if f is None:
                out.append('<td class="nr">—</td>')
            elif prev is None:  # (an agency's first report: every cell of the one-report agencies')
                if f.approximate or f.recovered or f.note or f.origin == "derived":
                    out.append(f"<td>{_fig_link(f, href + anchor)}</td>")
                else:
                    out.append(f'<td><a href="{href}{anchor}">{numbers[f.value]}</a></td>')
            else:
                before, after = prev.value, f.value
                span, text = change(before, after)
                if f.approximate or f.recovered or f.note or f.origin == "derived":
                    out.append(f'<td>{_fig_link(f, href + anchor)}{span}{"≈" if f.approximate or prev.approximate else ""}{text}</td>')
                else:  # most cells: a plain link, and "≈" only if the previous figure was approximate
                    out.append(f'<td><a href="{href}{anchor}">{numbers[after]}</a>{span}'
                               f'{"≈" if prev.approximate else ""}{text}</td>')
            prev = f
        out.append("</tr>\n")
    return Markup("".join(out))


# ---------------------------------------------------------------- a chart's data table


def _text(value) -> str:
    """A value as Jinja's {{ }} writes it: markupsafe's escape() (a Markup as it is)."""
    return escape(value) if type(value) is str else str(markup_escape(value))


def chart_rows(chart) -> Markup:
    """The rows of a chart's data table (charts.Chart.table; each row's first column its head),
    one per line, the last without its line break (the template's ends it). Was a loop of
    _chart.html (an agency's charts: a few hundred cells): the same bytes."""
    first, *rest = chart.columns
    return Markup("\n".join([f'        <tr><th scope="row">{_text(row[first])}</th>'
                              + "".join([f'<td class="num">{_text(row[c])}</td>' for c in rest]) + "</tr>"
                              for row in chart.table]))


# ---------------------------------------------------------------- rates (a report's, an agency's)


@cache
def _rate_head(indicator: str) -> str:
    """A rate's row head on a report's page: its names, unlinked."""
    m = catalogue.by_id()[indicator]
    return f'<tr id="{esc(indicator)}">\n  <th scope="row">{esc(m.label_zh)} <span lang="en">{esc(m.label_en)}</span></th>\n'


def _rate_inputs(inputs) -> str:
    by_id = catalogue.by_id()
    return " + ".join([f'<a href="#L{f.line}">{esc(by_id[f.metric].label_zh)} {_NUMBERS[f.value]}</a>'
                       for f in inputs])


def report_rate_rows(rates) -> Markup:
    """The rows of a report's table of rates (Site.ranked_rates: (Rate, Rank | None) pairs): its
    value (flagged when an input breaks a rule), the formula with each input linked to its line,
    its rank among the peers linked to the rate's page. Was a loop of report.html (~0.3 ms a
    page, most of it Jinja's escaping): the same bytes."""
    out = []
    for rate, rank in rates:
        out.append(_rate_head(rate.indicator))
        flags = (f' <a href="#checks" class="flag" title="勾稽关系不符 broken consistency check">⚠ '
                 f'{" ".join([escape(f) for f in rate.flags])}</a>') if rate.flags else ""
        # (numbers written as they are: a Decimal's or an int's text has nothing to escape)
        out.append(f'  <td class="num">{rate.percent!s}%{flags}</td>\n'
                   f'  <td>({_rate_inputs(rate.numerator_inputs)}) ÷ ({_rate_inputs(rate.denominator_inputs)})'
                   f' = {rate.numerator:d}/{rate.denominator:d}</td>\n')
        if rank:
            out.append(f'  <td><a href="{esc(urls.metric(rate.indicator))}">第 {rank.rank:d} / {rank.of:d}'
                       f'（{escape(rank.place)} {escape(rank.level)}）</a></td>\n</tr>\n')
        else:
            out.append("  <td>—</td>\n</tr>\n")
    return Markup("".join(out))


def agency_rate_rows(rows, years, agency_url: str) -> Markup:
    """The rows of an agency's rates year over year (views.rate_rows; `years`: its table's
    columns): a cell per year, the rate linked to it on the report's page. Was a loop of
    agency.html: the same bytes."""
    base = escape(agency_url)
    columns = [f"{base}{year:d}/#" for year in years]
    out = []
    for row in rows:
        m = row.metric
        out.append(f'<tr><th scope="row"><a href="{esc(urls.metric(m.id))}">{esc(m.label_zh)}</a> '
                   f'<span lang="en">{esc(m.label_en)}</span></th>\n')
        for href, rate in zip(columns, row.cells):
            if rate:
                out.append(f'  <td class="num"><a href="{href}{esc(rate.indicator)}" '
                           f'title="{rate.numerator:d}/{rate.denominator:d}">{rate.percent!s}%</a>'
                           f'{" ⚠" if rate.flags else ""}</td>\n')
            else:
                out.append('  <td class="num">—</td>\n')
        out.append("</tr>\n")
    return Markup("".join(out))
