"""The small pieces of HTML that pages repeat hundreds of times: a figure, a table's rows, a line.

They were Jinja macros; a macro call costs some 20 µs and a report page made ~900 of them, an
agency page thousands. Here they are plain functions. Every value that comes from a report —
notes, warning messages, its text — goes through escape(); only the fixed markup around it is
written literally. figure() writes byte for byte what the macro wrote (tests/test_fragments.py).

The report and agency pages — most of the site's bytes — use leaner pieces: no class the
stylesheet can infer from the place (a figure's cell has its id, the total column is the last),
gaps and derived figures whose words for screen readers come from the stylesheet, passed checks
a row per rule, a line of text a single element. Their functions return plain str, not Markup,
and the templates write them inside {% autoescape false %}: a Markup result is copied once when
made and again by Jinja's escape() on output (tens of KB a page, twice, 20,000 pages). A table's
fixed markup (each row's head, each cell's opening tag) is made once per era and kept; a report
fills in its figures.
"""

from __future__ import annotations

import re
from decimal import Decimal

from markupsafe import Markup, escape as _escape

from site_builder.model import Figure
from site_builder.numbers import format_number_cached as format_number  # a corpus prints few distinct numbers
from site_builder.render import context, urls

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


def num(value: Decimal | None) -> str:
    return "" if value is None else format_number(value)


# value -> its text, for the loops that write hundreds of figures a page: `_NUMS.get(v) or
# _number(v)` is a dict look-up, not a call of format_number_cached (a Python call per figure)
_NUMS: dict[Decimal, str] = {}


def _number(value: Decimal) -> str:
    if len(_NUMS) > 100_000:  # bounded, as numbers.format_number_cached
        _NUMS.clear()
    out = _NUMS[value] = format_number(value)
    return out


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
    """figure() as a plain str, for the row builders (no Markup object per cell)."""
    if f is None:
        return GAP
    if not (f.approximate or f.recovered or f.note or f.origin == "derived"):  # most figures: a plain link
        return f'<a class="fig" href="{escape(href) if href else f"#L{f.line}"}">{format_number(f.value)}</a>'
    head, tail = _figure_parts(f)
    return head + (escape(href) if href else f"#L{f.line}") + tail


def figure(f: Figure | None, href: str | None = None) -> Markup:
    """A figure as a link to the line it was read from (or to `href`); a gap as "—", never 0."""
    return Markup(figure_html(f, href))


def label(zh: str, en: str) -> Markup:
    return Markup(f'{escape(zh)} <span class="en" lang="en">{escape(en)}</span>')


# ---------------------------------------------------------------- the report and agency pages
# Their tables write a figure without class="fig" (the stylesheet finds it as the link of a figure
# cell, `td[id] > a` or `.yoy td > a`), and a gap as a cell of class "nr" whose words for screen
# readers come from the stylesheet: a page has hundreds of each.


def _fig_link(f: Figure, href: str) -> str:
    """A figure as a link (its href already escaped), less figure_html()'s class="fig"."""
    if not (f.approximate or f.recovered or f.note or f.origin == "derived"):  # most figures: a plain link
        return f'<a href="{href}">{format_number(f.value)}</a>'
    head, tail = _figure_parts(f, "", False)  # a.derived: its words for screen readers from the stylesheet
    return head + href + tail


def _gap_link(w) -> str:
    """An empty cell the parser warned about: a gap linking to the warning, saying why."""
    href = f"#L{w.line}" if w.line else "#warnings"
    message = escape(w.message)
    return f'<a class="gap" href="{href}" title="{message}">—<span class="sr-only">未能读出 not read: {message}</span></a>'


def _slot(key: tuple[str, str], before: str = "", total: bool = False) -> tuple[str, tuple[str, str], str, str]:
    """A cell of a laid-out table, as _fill() takes it: (the fixed markup before it, its key, its
    opening tag (anchored by the figure's id), its whole markup when empty and unexplained: a gap
    of class "nr"). `total`: the cell is its group's total (class "total")."""
    cid = esc(context.anchor(*key))
    return (before, key, f'<td id="{cid}"{_TOTAL if total else ""}>',
            f'<td id="{cid}" class="nr{" total" if total else ""}">—</td>')


_TOTAL = ' class="total"'


def _fill(slots, view) -> list[str]:
    """Each slot (_slot) with the report's figure: a link to the line it was read from; a gap
    that says why when the parser knew (linking to the line of the warning); else a plain gap."""
    figures, gaps, nums = view.figures, view.gaps, _NUMS
    out = []
    for before, key, td, nr in slots:
        f = figures.get(key)
        if f is None:
            w = gaps.get(key) if gaps else None
            out.append(before + nr if w is None else f"{before}{td}{_gap_link(w)}</td>")
        elif f.approximate or f.recovered or f.note or f.origin == "derived":
            out.append(f'{before}{td}{_fig_link(f, f"#L{f.line}")}</td>')
        else:  # most cells
            out.append(f'{before}{td}<a href="#L{f.line}">{nums.get(f.value) or _number(f.value)}</a></td>')
    return out


_LEAN_LABELS: dict[str, str] = {}


def _metric_label_lean(m) -> str:
    """The metric's Chinese name (linked to its page) and its English name, a <span lang="en">
    (the stylesheet styles it as .en: every span of English in <main> is a label)."""
    out = _LEAN_LABELS.get(m.id)
    if out is None:
        out = _LEAN_LABELS[m.id] = (f'<a href="{escape(urls.metric(m.id))}">{escape(m.label_zh)}</a> '
                                    f'<span lang="en">{escape(m.label_en)}</span>')
    return out


def _both(zh: str, en: str) -> str:
    return f'{esc(zh)} <span lang="en">{esc(en)}</span>'


# ---------------------------------------------------------------- a report's tables
# Each returns the rows as the template's loops wrote them, one per line. Their fixed markup is
# made once: per era (tables 二 and 三), once (table 四), per catalogue cell (the other figures).

_T2: dict[int, list] = {}  # id(T2Group) -> its slots (the groups live as long as the process: context caches them)
_T3: dict[str, tuple[list, str]] = {}  # era -> the slots of its table 三, and the last row's closing markup


def t2_rows(view) -> str:
    """Table 二: a <tbody> per group the report gives (context.T2Group), the group's name spanning
    its rows; a row per figure: its column's name and unit, English name, metric id, cell."""
    out = []
    for g in view.t2:
        slots = _T2.get(id(g))
        if slots is None:
            slots = _T2[id(g)] = []
            for i, (m, column, key) in enumerate(g.cells):
                head = f'<th scope="rowgroup" rowspan="{len(g.cells)}">{esc(g.name)}</th>' if i == 0 else ""
                unit = f"（{esc(m.unit)}）" if m.unit and m.unit != "件" else ""
                slots.append(_slot(key, f'{"<tbody>" if i == 0 else "</tr>"}\n<tr>{head}<th scope="row">{esc(column)}'
                                        f'{unit} <span lang="en">{esc(m.label_en)}</span> '
                                        f'<a class="mid" href="{esc(urls.metric(m.id))}">{esc(m.id)}</a></th>'))
        out += _fill(slots, view)
        out.append("</tr>\n</tbody>\n")
    return "".join(out)


def t3_rows(view) -> str:
    """The rows of table 三 (the era's context.T3Row): group headings, and figure rows with a cell
    per column."""
    era = view.report.era
    made = _T3.get(era)
    if made is None:
        slots = []
        before = ""
        for row in context.t3_rows_of(era):
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
        made = _T3[era] = (slots, before)
    out = _fill(made[0], view)
    out.append(made[1])
    return "".join(out)


_HEADS: dict[str, str] = {}  # the tables' column heads, made once


def t3_heads() -> str:
    """Column heads of table 三: the row's name, then the applicants (context.APPLICANT_LABELS),
    the five kinds of organisation grouped under one head."""
    out = _HEADS.get("t3")
    if out is None:
        labels = context.APPLICANT_LABELS

        def head(a: str, span: str = "") -> str:
            zh, en = labels[a]
            return f'  <th scope="col"{span} class="num">{esc(zh)} <span class="en" lang="en">{esc(en)}</span></th>\n'

        orgs = context.APPLICANTS[1:-1]
        out = _HEADS["t3"] = (
            '<tr>\n  <th scope="col" rowspan="2">项目 <span lang="en">Row</span></th>\n'
            + head(context.APPLICANTS[0], ' rowspan="2"')
            + f'  <th scope="colgroup" colspan="{len(orgs)}">法人或其他组织 <span lang="en">Legal persons and other organisations</span></th>\n'
            + head(context.APPLICANTS[-1], ' rowspan="2"')
            + "</tr>\n<tr>\n" + "".join(head(a) for a in orgs) + "</tr>\n")
    return out


def t4_heads() -> str:
    """Column heads of table 四 (context.t4_groups): administrative review, then litigation in
    its groups; each group's columns, its last one the total."""
    out = _HEADS.get("t4")
    if out is None:
        groups = context.t4_groups()
        first, rest = groups[0], groups[1:]
        out = (f'<tr>\n  <th scope="colgroup" colspan="{len(first.cells)}" rowspan="2">{_both(first.label_zh, first.label_en)}</th>\n'
               f'  <th scope="colgroup" colspan="{sum(len(g.cells) for g in rest)}">行政诉讼 <span lang="en">Administrative litigation</span></th>\n'
               "</tr>\n<tr>\n")
        out += "".join(f'  <th scope="colgroup" colspan="{len(g.cells)}">{_both(g.label_zh, g.label_en)}</th>\n' for g in rest)
        out += "</tr>\n<tr>\n"
        for g in groups:
            last = len(g.cells) - 1
            for i, (m, zh, en, key) in enumerate(g.cells):
                out += f'  <th scope="col" class="num{" total" if i == last else ""}">{_both(zh, en)}</th>\n'
        out = _HEADS["t4"] = out + "</tr>\n"
    return out


_T4: list = []  # the slots of table 四's one row of figures


def t4_cells(view) -> str:
    """The one row of figures of table 四, in the order of t4_heads (each group's total marked)."""
    if not _T4:
        for g in context.t4_groups():
            last = len(g.cells) - 1
            _T4.extend(_slot(key, total=i == last) for i, (m, zh, en, key) in enumerate(g.cells))
    return "".join(_fill(_T4, view))


_ITEM_ROWS: dict[tuple[str, str], tuple[str, str]] = {}


def figure_rows(items) -> str:
    """Rows of a list of figures outside the tables (context.FigureItem): name, value, line."""
    out = []
    for m, applicant, f in items:
        key = (m.id, applicant)
        fixed = _ITEM_ROWS.get(key)
        if fixed is None:
            named = ""
            if applicant != "total":
                zh, en = context.APPLICANT_LABELS[applicant]
                named = f"（{_both(zh, en)}）"
            unit = f' <span class="unit">{esc(m.unit)}</span>' if m.unit else ""
            fixed = _ITEM_ROWS[key] = (f'<tr><th scope="row">{_metric_label_lean(m)}{named}</th>'
                                       f'<td id="{esc(context.anchor(*key))}">', f"{unit}</td>")
        line = f.line
        out.append(f'{fixed[0]}{_fig_link(f, f"#L{line}")}{fixed[1]}'
                   f'<td><a href="#L{line}">第 {line} 行 <span lang="en">line {line}</span></a></td></tr>\n')
    return "".join(out)


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
    printed = format_number(k.printed)
    if c.target:
        printed = f'<a href="#{esc(c.target)}">{printed}</a>'
    return (
        f'<tr class="{"passed" if passed else "broken"}" id="check-{i}">'
        f'<td>{_PASSED if passed else _BROKEN}</td>'
        f'<th scope="row"><code>{esc(k.rule)}</code> {esc(k.description)}{metric}</th>'
        f'<td>{_both(zh, en)}</td>'
        f'<td>{format_number(k.expected)}</td>'
        f'<td>{printed}</td>'
        f'<td><a href="#L{k.line}">第 {k.line} 行 <span lang="en">line {k.line}</span></a></td></tr>\n'
    )


_SUBJECTS: dict[tuple[str, str], str] = {}


def _check_subject(c) -> str:
    """What one check of a rule is about, in both languages: the metric the rule names (a row of
    table 三, a group of table 四) and the column, when it is not the total. (By rule and column:
    a corpus has a few hundred.)"""
    k = c.check
    out = _SUBJECTS.get((k.rule, k.applicant))
    if out is not None:
        return out
    subject = k.rule.partition(":")[2]
    if subject:
        m = c.metric
        if m is None:
            from site_builder import catalogue

            ids = catalogue.by_id()
            m = ids.get(subject) or ids.get(f"{subject}.total")
        zh, en = (m.label_zh, m.label_en) if m is not None else (subject, subject)
        if k.applicant != "total":
            azh, aen = c.applicant_label
            zh, en = f"{zh}（{azh}）", f"{en} ({aen})"
    else:
        zh, en = c.applicant_label
    out = f'{escape(zh)} <span lang="en">{escape(en)}</span>'
    if len(_SUBJECTS) < 10_000:  # (bounded all the same: the rules are the parser's, a few hundred)
        _SUBJECTS[(k.rule, k.applicant)] = out
    return out


_RULE_NAMES: dict[str, str] = {}  # "t3.row_total:requests.new" -> "t3.row_total": a corpus has a few hundred rules


def _rule_name(rule: str) -> str:
    out = rule.partition(":")[0]
    if len(_RULE_NAMES) < 10_000:
        _RULE_NAMES[rule] = out
    return out


def check_rows(checks) -> str:
    """Rows of the consistency-check table (context.CheckView). Broken checks first, each in
    full (expected, printed, line; ids check-N, N its place among all the report's checks);
    then the passed ones, a row per rule: every column or row it held for, with the printed
    number linked to its figure (or, when the page has no such cell, to its line). A rule that
    passed once gets the full row."""
    out = []
    groups: dict[tuple[str, str], list] = {}
    names = _RULE_NAMES
    for i, c in enumerate(checks, start=1):
        k = c.check
        if k.passed:
            rule = k.rule
            name = names.get(rule) or _rule_name(rule)
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
            target = c.target
            href = f"#{esc(target)}" if target else f"#L{c.check.line}"
            items.append(f'{_check_subject(c)} <a href="{href}">{format_number(c.check.printed)}</a>')
        out.append(
            f'<tr class="passed"><td>{_PASSED} ×{len(members)}</td>'
            f'<th scope="row"><code>{esc(rule)}</code> {esc(description)}</th>'
            f'<td colspan="4">{" · ".join(items)}</td></tr>\n'
        )
    return "".join(out)


_BACKS: dict[str, str] = {}


def _back(anchor: str) -> str:
    """A back-link from a line of the text to a figure read from it (anchors: a few hundred)."""
    out = _BACKS.get(anchor)
    if out is None:
        a = escape(anchor)
        out = _BACKS[anchor] = f'<a href="#{a}">↑{a}</a>'
    return out


# What comes before line n of a report's text (closing line n - 1), made once for every line
# number any report reaches ([0] unused): '</div>\n<div id="L<n>"><a href="#L<n>">n</a>', and for
# a line figures were read from, '</div>\n<div class="cited" id="L<n>">...'
_LINE_OPEN: list[str] = [""]
_CITED_OPEN: list[str] = [""]


def source_text(report, cited: dict[int, list[str]]) -> str:
    """The report's full text: a line per element (its id L<n>), its number a link to itself,
    the line's place in the original (PDF page and line) in <small> when known, the text itself
    directly in the element (escaped: it is the report's), and back-links (↑) to the figures read
    from it (`cited`: context.cited_lines; such a line has class "cited"). The stylesheet lays the
    line out (.source > div)."""
    lines = report.lines
    n = len(lines)
    if not n:
        return ""
    # the whole text escaped in one pass (a line holds no newline; should one, line by line)
    texts = escape("\n".join(lines)).split("\n")
    if len(texts) != n:
        texts = [escape(t) for t in lines]
    opens, cited_opens = _LINE_OPEN, _CITED_OPEN
    while len(opens) <= n:
        k = len(opens)
        opens.append(f'</div>\n<div id="L{k}"><a href="#L{k}">{k}</a>')
        cited_opens.append(f'</div>\n<div class="cited" id="L{k}"><a href="#L{k}">{k}</a>')
    # each line's opening markup, then its text; a line's place and back-links added in the list
    parts = [""] * (2 * n)
    parts[0::2] = opens[1:n + 1]
    parts[1::2] = texts
    labels = report.line_labels
    if labels:
        for k, label in labels.items():
            if label and 0 < k <= n:
                parts[2 * k - 1] = f"<small>{escape(label)}</small>{parts[2 * k - 1]}"
    backs = _BACKS
    for k, anchors in cited.items():
        if anchors and 0 < k <= n:
            parts[2 * k - 2] = cited_opens[k]
            if len(anchors) == 1:  # (most lines)
                parts[2 * k - 1] += backs.get(anchors[0]) or _back(anchors[0])
            else:
                parts[2 * k - 1] += "".join([backs.get(a) or _back(a) for a in anchors])
    parts[0] = parts[0][7:]  # (line 1 closes no line before it)
    parts.append("</div>\n")
    return "".join(parts)


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


_YOY_HEADS: dict[str, str] = {}  # metric id -> the head of its row in the year-over-year table
# (previous value, value) -> the change's markup around its "≈" (' <span class="up">', '+3</span>')
_CHANGES: dict[tuple[Decimal, Decimal], tuple[str, str]] = {}


def _change(before: Decimal, after: Decimal) -> tuple[str, str]:
    """A change against the previous report: its signed number in a span of class up/down/same
    (the arrow drawn by the stylesheet)."""
    if len(_CHANGES) > 100_000:  # bounded, as numbers.format_number_cached
        _CHANGES.clear()
    change = after - before
    out = _CHANGES[(before, after)] = (
        f' <span class="{"up" if change > 0 else "down" if change < 0 else "same"}">', f"{signed(change)}</span>")
    return out


def yoy_heads(table, slug: str) -> str:
    """The column heads of an agency's year-over-year table (context.YoYTable): each report's
    year, linked to its page, and its template (era)."""
    out = []
    for year, era in zip(table.years, table.eras):
        zh, en = context.ERA_LABELS[era]
        out.append(f'  <th scope="col" class="num"><a href="{escape(urls.report(slug, year))}">{year}</a>'
                   f'<span class="era">{esc(zh)} <span lang="en">{esc(en)}</span></span></th>\n')
    return "".join(out)


def yoy_rows(table, slug: str) -> str:
    """The rows of an agency's year-over-year table (context.YoYTable): a row per metric, its
    names linked to its page and its unit; then a cell per report: its figure, linked to it on
    the report's page, and its change against the previous report (the previous column) when
    both give it ("≈" when either is approximate). A gap is a cell of class "nr". One call per
    table, not per row."""
    base = escape(urls.agency(slug))
    columns = [(f"{base}{year}/#", index) for year, index in zip(table.years, table.totals)]
    changes, nums = _CHANGES, _NUMS
    out = []
    for m in table.metrics:
        mid = m.id
        head = _YOY_HEADS.get(mid)
        if head is None:
            unit = f' <span class="unit">（{esc(m.unit)}）</span>' if m.unit else ""
            head = _YOY_HEADS[mid] = f'<tr><th scope="row">{_metric_label_lean(m)}{unit}</th>'
        out.append(head)
        anchor = esc(mid)
        prev = None  # the figure of the report just before (not the last report that gave it)
        for href, index in columns:
            f = index.get(mid)
            if f is None:
                out.append('<td class="nr">—</td>')
            elif prev is None:
                out.append(f"<td>{_fig_link(f, href + anchor)}</td>")
            else:
                before, after = prev.value, f.value
                span, text = changes.get((before, after)) or _change(before, after)
                if f.approximate or f.recovered or f.note or f.origin == "derived":
                    out.append(f'<td>{_fig_link(f, href + anchor)}{span}{"≈" if f.approximate or prev.approximate else ""}{text}</td>')
                else:  # most cells: a plain link, and "≈" only if the previous figure was approximate
                    out.append(f'<td><a href="{href}{anchor}">{nums.get(after) or _number(after)}</a>{span}'
                               f'{"≈" if prev.approximate else ""}{text}</td>')
            prev = f
        out.append("</tr>\n")
    return "".join(out)
