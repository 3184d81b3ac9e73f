"""The small pieces of HTML that pages repeat hundreds of times: a figure, a table slot, a change.

They were Jinja macros; a macro call costs some 20 µs and a report page made ~900 of them, an
agency page thousands. Here each is a plain function (templates call them exactly as they
called the macros) that returns Markup. Every value that comes from a report — notes, warning
messages, hrefs — goes through escape(); only the fixed markup around it is written literally.
The output is byte for byte what the macros wrote.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape as _escape

from site_builder.catalogue import Metric
from site_builder.model import Figure
from site_builder.numbers import format_number
from site_builder.render import urls

GAP = Markup('<span class="gap" title="未报告 not reported">—<span class="sr-only">未报告 not reported</span></span>')
_APPROX = "约数（下限或估计）approximate: a lower bound or estimate"
_RECOVERED = "由粘连的数字按表格勾稽关系拆分 recovered from run-together digits"
_DERIVED = "由各分项相加得出 derived: the sum of its rows"


def escape(text: str) -> str:
    """HTML-escaped text as a plain str: `str + Markup` would escape the str a second time."""
    return str(_escape(text))


_DERIVED_SR = '<span class="sr-only">（计算所得 derived）</span>'


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


def figure(f: Figure | None, href: str | None = None) -> Markup:
    """A figure as a link to the line it was read from (or to `href`); a gap as "—", never 0."""
    if f is None:
        return GAP
    head, tail = _figure_parts(f)
    return Markup(head + (escape(href) if href else f"#L{f.line}") + tail)


def slot(cell) -> Markup:
    """A slot of a laid-out table (context.Cell): its figure, or a gap that says why when the
    parser knew (linking to the line of the warning)."""
    w = cell.warning
    if cell.figure is None and w is not None:
        href = f"#L{w.line}" if w.line else "#warnings"
        message = escape(w.message)
        return Markup(f'<a class="gap" href="{href}" title="{message}">—<span class="sr-only">未能读出 not read: {message}</span></a>')
    return figure(cell.figure)


def change(c) -> Markup:
    """A change against the previous report (context.YoYCell): ▲/▼ for the eye, words for screen
    readers, the signed number for both; nothing when there is no change to show."""
    if c.change is None:
        return Markup("")
    direction = c.direction
    arrow = ('<span aria-hidden="true">▲</span>' if direction == "up"
             else '<span aria-hidden="true">▼</span>' if direction == "down" else "")
    year = c.previous_year
    approx = "≈" if c.approximate_change else ""
    return Markup(f'<span class="chg {direction}" title="较{year}年报告 vs {year} report">{arrow}'
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
