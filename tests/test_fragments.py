"""fragments.py writes in Python what Jinja macros used to write. The figure macro is kept here as
the reference: for every kind of figure and gap (hostile text included) figure() must give the
macro's bytes, and report text must come out escaped."""

from __future__ import annotations

from decimal import Decimal
from itertools import product

import pytest
from jinja2 import DictLoader, Environment, select_autoescape
from markupsafe import Markup

from site_builder.model import Figure
from site_builder.render import fragments, urls

# The figure macro as templates/_macros.html had it before fragments.py replaced it.
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


def test_report_text_is_escaped():
    class Report:
        lines = [HOSTILE, "plain 文本"]
        line_labels = {1: "<b>p.1</b>"}

    html = str(fragments.source_text(Report(), {1: ['x"><script>']}))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;p.1&lt;/b&gt;" in html
    assert 'href="#x&#34;&gt;&lt;script&gt;"' in html
    assert isinstance(fragments.source_text(Report(), {}), Markup)  # (written as it is by the templates)
