"""fragments.py writes in Python what Jinja macros used to write. The figure macro is kept here as
the reference: for every kind of figure and gap (hostile text included) figure() must give the
macro's bytes, and report text must come out escaped."""

from __future__ import annotations

import json
from decimal import Decimal
from itertools import product

import pytest
from jinja2 import DictLoader, Environment, select_autoescape
import markupsafe
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
    for text in (HOSTILE, "纯文本 plain", "a & b", '"q"'):  # (the rows' escape() is markupsafe's)
        assert fragments.escape(text) == str(markupsafe.escape(text))


# An agency's name as agencies.toml may give it: markup, a template's braces, quotes, an ampersand.
HOSTILE_NAME = '新碶<script>alert(5)</script>{{ 7*7 }} & "Co"'


def test_an_agency_name_is_text_on_every_page_that_shows_it(tmp_path, no_charts):
    """The name reaches the rows made in Python (the year's and the figure's tables, Markup
    written as it is by the templates) and the templates' own loops (the lists of reports, the
    headings): everywhere it is the name as text, never markup, and never read as a template."""
    from sitehtml import page
    from browser.seeds import copy_seed_content
    from site_builder.cli import main

    content = copy_seed_content(tmp_path / "content")
    toml = content / "agencies.toml"
    text = toml.read_text(encoding="utf-8")
    assert '[agencies."新碶街道"]\n' in text and 'aliases = ["新碶街道办事处"]' in text
    text = text.replace('[agencies."新碶街道"]\n', f"[agencies.{json.dumps(HOSTILE_NAME)}]\n")
    toml.write_text(text.replace('aliases = ["新碶街道办事处"]', 'aliases = ["新碶街道", "新碶街道办事处"]'), encoding="utf-8")
    out = tmp_path / "_site"
    assert main(["build", "--content", str(content), "--out", str(out)]) == 0

    report = "/agencies/xinqi/2013/"
    for url in ("/", "/agencies/", "/agencies/xinqi/", report, "/years/", "/years/2013/", "/metrics/requests.new/"):
        raw = (out / url.lstrip("/") / "index.html").read_text(encoding="utf-8")
        assert "<script>alert(5)" not in raw and "&lt;script&gt;alert(5)&lt;/script&gt;{{ 7*7 }} &amp; " in raw, url
        doc = page(out, url)
        assert all(s.attrs.get("src") for s in doc.find_all("script")), url  # (no script but the site's files)
        if url in ("/years/2013/", "/metrics/requests.new/"):  # the rows of comparison_rows
            link = doc.find("a", href="/agencies/xinqi/" if url.startswith("/metrics/") else report)
            assert link is not None and link.text == HOSTILE_NAME and link.parent.tag == "th", url
        elif url != "/agencies/xinqi/" and url != report:
            assert any(a.text == HOSTILE_NAME for a in doc.find_all("a")), url
        else:
            assert doc.find("h1").text.startswith(HOSTILE_NAME), url


def test_the_full_text_past_the_line_openings_made_once():
    """source_text() makes each line's opening markup once for the first lines any report has and
    per report past them: a long report's text is every line in order, each with its number."""
    n = fragments._LINES_MADE + 5

    class Report:
        lines = [f"第{k}行 <{k}>" for k in range(1, n + 1)]
        line_labels = {n: "p.9 l.1"}

    cited = {2: ["requests.new"], n - 1: ["outcome.total", "outcome.withheld"]}
    html = str(fragments.source_text(Report(), cited))
    want = []
    for k, text in enumerate(Report.lines, start=1):
        cls = ' class="cited"' if k in cited else ""
        label = "<small>p.9 l.1</small>" if k == n else ""
        backs = "".join(f'<a href="#{a}">↑{a}</a>' for a in cited.get(k, ()))
        want.append(f'<div{cls} id="L{k}"><a href="#L{k}">{k}</a>{label}{markupsafe.escape(text)}{backs}</div>\n')
    assert html == "".join(want)


# The rates' loops as report.html and agency.html had them before fragments.py wrote their rows.
RATE_LOOPS = r'''
{% macro report_rates(rates) %}
{% for rate, rank in rates %}
{% set m = metric_of(rate.indicator) %}
<tr id="{{ rate.indicator }}">
  <th scope="row">{{ m.label_zh }} <span lang="en">{{ m.label_en }}</span></th>
  <td class="num">{{ rate.percent }}%{% if rate.flags %} <a href="#checks" class="flag" title="勾稽关系不符 broken consistency check">⚠ {{ rate.flags|join(" ") }}</a>{% endif %}</td>
  <td>({% for f in rate.numerator_inputs %}{% if not loop.first %} + {% endif %}<a href="#L{{ f.line }}">{{ metric_of(f.metric).label_zh }} {{ f.value|num }}</a>{% endfor %}) ÷ ({% for f in rate.denominator_inputs %}{% if not loop.first %} + {% endif %}<a href="#L{{ f.line }}">{{ metric_of(f.metric).label_zh }} {{ f.value|num }}</a>{% endfor %}) = {{ rate.numerator }}/{{ rate.denominator }}</td>
  <td>{% if rank %}<a href="{{ urls.metric(rate.indicator) }}">第 {{ rank.rank }} / {{ rank.of }}（{{ rank.place }} {{ rank.level }}）</a>{% else %}—{% endif %}</td>
</tr>
{% endfor %}
{% endmacro %}
{% macro agency_rates(rate_rows, yoy, agency_url) %}
{% for row in rate_rows %}
<tr><th scope="row"><a href="{{ urls.metric(row.metric.id) }}">{{ row.metric.label_zh }}</a> <span lang="en">{{ row.metric.label_en }}</span></th>
{% for rate in row.cells %}
  <td class="num">{% if rate %}<a href="{{ agency_url }}{{ yoy.years[loop.index0] }}/#{{ rate.indicator }}" title="{{ rate.numerator }}/{{ rate.denominator }}">{{ rate.percent }}%</a>{% if rate.flags %} ⚠{% endif %}{% else %}—{% endif %}</td>
{% endfor %}
</tr>
{% endfor %}
{% endmacro %}
'''


def test_rate_rows_as_the_loops_wrote_them():
    from types import SimpleNamespace

    from site_builder import catalogue
    from site_builder.load.indicators import Rank, Rate

    env = Environment(loader=DictLoader({"r.html": RATE_LOOPS}), autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = fragments.num
    env.globals.update(urls=urls, metric_of=catalogue.metric)
    loops = env.get_template("r.html").module
    top = (Figure("outcome.disclosed", Decimal("12"), 40, "total"), Figure("outcome.partial", Decimal("2.50"), 41, "total"))
    bottom = (Figure("outcome.total", Decimal("1E+3"), 52, "total"),)
    rates = [
        (Rate("rate.disclosed", 14, 1000, Decimal("0.0140"), Decimal("1.4"), top, bottom), Rank(3, 17, HOSTILE, "区县部门")),
        (Rate("rate.withheld", 0, 1000, Decimal("0"), Decimal("0.0"), bottom, bottom, ("t3:sum", HOSTILE)), None),
    ]
    assert str(fragments.report_rate_rows(rates)) == str(loops.report_rates(rates)).lstrip("\n")
    assert "<script>" not in str(fragments.report_rate_rows(rates))
    rows = [SimpleNamespace(metric=catalogue.metric(r.indicator), cells=[r, None, r]) for r, _ in rates]
    yoy = SimpleNamespace(years=[2019, 2020, 2021])
    url = urls.agency("x&y")
    assert str(fragments.agency_rate_rows(rows, yoy.years, url)) == str(loops.agency_rates(rows, yoy, url)).lstrip("\n")
    assert fragments.report_rate_rows([]) == fragments.agency_rate_rows([], [], url) == ""
