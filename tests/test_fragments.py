"""fragments.py writes in Python what Jinja macros used to write. The macros are kept here as the
reference: for every kind of figure, gap and change (hostile text included) the functions must
give the macros' bytes, and report text must come out escaped."""

from __future__ import annotations

from decimal import Decimal
from itertools import product

import pytest
from jinja2 import DictLoader, Environment, select_autoescape

from site_builder.catalogue import metric
from site_builder.model import Diagnostic, Figure
from site_builder.render import fragments, urls
from site_builder.render.context import Cell, YoYCell

# The macros as templates/_macros.html had them before fragments.py replaced them.
MACROS = r'''
{% macro figure(f, href=None) -%}
{%- if f is none -%}
<span class="gap" title="未报告 not reported">—<span class="sr-only">未报告 not reported</span></span>
{%- else -%}
{%- set notes = [] -%}
{%- if f.approximate %}{% do notes.append("约数（下限或估计）approximate: a lower bound or estimate") %}{% endif -%}
{%- if f.recovered %}{% do notes.append("由粘连的数字按表格勾稽关系拆分 recovered from run-together digits") %}{% endif -%}
{%- if f.origin == "derived" %}{% do notes.append("由各分项相加得出 derived: the sum of its rows") %}{% endif -%}
{%- if f.note %}{% do notes.append(f.note) %}{% endif -%}
<a class="fig{% if f.approximate %} approx{% endif %}{% if f.recovered %} recovered{% endif %}{% if f.origin == 'derived' %} derived{% endif %}" href="{{ href or '#L' ~ f.line }}"
{%- if notes %} title="{{ notes|join('; ') }}"{% endif %}>{{ f.value|num }}{% if f.approximate %}+{% endif %}{% if f.recovered %}*{% endif %}{% if f.origin == 'derived' %}<span class="sr-only">（计算所得 derived）</span>{% endif %}</a>
{%- endif -%}
{%- endmacro %}
{% macro slot(cell) -%}
{%- if cell.figure is none and cell.warning is not none -%}
<a class="gap" href="{% if cell.warning.line %}#L{{ cell.warning.line }}{% else %}#warnings{% endif %}" title="{{ cell.warning.message }}">—<span class="sr-only">未能读出 not read: {{ cell.warning.message }}</span></a>
{%- else -%}
{{ figure(cell.figure) }}
{%- endif -%}
{%- endmacro %}
{% macro metric_label(m, link=True) -%}
{% if link %}<a href="{{ urls.metric(m.id) }}">{{ m.label_zh }}</a>{% else %}{{ m.label_zh }}{% endif %} <span class="en" lang="en">{{ m.label_en }}</span>
{%- endmacro %}
{% macro change(c) -%}
{%- if c.change is not none -%}
<span class="chg {{ c.direction }}" title="较{{ c.previous_year }}年报告 vs {{ c.previous_year }} report">
{%- if c.direction == 'up' %}<span aria-hidden="true">▲</span>{% elif c.direction == 'down' %}<span aria-hidden="true">▼</span>{% endif -%}
<span class="sr-only">较{{ c.previous_year }}年</span>{% if c.approximate_change %}≈{% endif %}{{ c.change|signed }}</span>
{%- endif -%}
{%- endmacro %}
'''

HOSTILE = '<script>alert("x")</script> & \'q\''


@pytest.fixture(scope="module")
def macros():
    env = Environment(loader=DictLoader({"m.html": MACROS}), autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.do"])
    env.filters["num"] = fragments.num
    env.filters["signed"] = fragments.signed
    env.globals["urls"] = urls
    return env.get_template("m.html").module


def figures() -> list[Figure]:
    out = []
    for value, approx, recovered, origin, note in product(
        (Decimal("0"), Decimal("17"), Decimal("184.8083"), Decimal("2.50"), Decimal("1E+3")),
        (False, True), (False, True), ("table", "derived"), ("", "万元 converted", HOSTILE),
    ):
        out.append(Figure("requests.new", value, 12, "total", approx, origin, recovered, note))
    return out


def test_figure_as_the_macro_wrote_it(macros):
    for f in figures() + [None]:
        for href in (None, "/agencies/x/2019/#requests.new", '/a"b/<c>&d'):
            assert str(fragments.figure(f, href)) == str(macros.figure(f, href)), (f, href)


def test_slot_as_the_macro_wrote_it(macros):
    warnings = [None, Diagnostic("r.txt", 41, "cells run together past telling"), Diagnostic("r.txt", None, HOSTILE)]
    for f, w in product([None] + figures()[:6], warnings):
        cell = Cell("outcome.partial", "commercial", f, w)
        assert str(fragments.slot(cell)) == str(macros.slot(cell)), (f, w)


def test_change_as_the_macro_wrote_it(macros):
    for change, approx in product((None, Decimal("3"), Decimal("-12"), Decimal("0"), Decimal("-0.5")), (False, True)):
        c = YoYCell(2020, None, change, 2019 if change is not None else None, approx)
        assert str(fragments.change(c)) == str(macros.change(c)), (change, approx)


def test_metric_label_as_the_macro_wrote_it(macros):
    for mid in ("requests.new", "outcome.withheld", "fees.amount_wan"):
        for link in (True, False):
            assert str(fragments.metric_label(metric(mid), link)) == str(macros.metric_label(metric(mid), link))


def test_report_text_is_escaped():
    class Report:
        lines = [HOSTILE, "plain 文本"]
        line_labels = {1: "<b>p.1</b>"}

    html = str(fragments.source_text(Report(), {1: ['x"><script>']}))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;p.1&lt;/b&gt;" in html
    assert 'href="#x&#34;&gt;&lt;script&gt;"' in html
    assert fragments.escape(HOSTILE) == str(__import__("markupsafe").escape(HOSTILE))
    assert fragments.escape("纯文本 plain") == "纯文本 plain"
