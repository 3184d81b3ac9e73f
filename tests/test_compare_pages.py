"""The pages that compare agencies (/metrics/<id>/, /years/<year>/) at a province's size: the
metric charts past LEGEND_MAX agencies (totals, median, the top agencies: valid Vega-Lite, what
the description says), and the rows of both pages built in Python and reused between renders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.render import charts
from site_builder.load.loader import load_site

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seed():
    return load_site(ROOT / "content")


@pytest.fixture
def many(monkeypatch):
    """The seeds drawn as a province would be: past the legend's limit."""
    monkeypatch.setattr(charts, "LEGEND_MAX", 2)
    monkeypatch.setattr(charts, "TOP_N", 3)


def test_summary_charts_are_valid_vega_lite(seed, many):
    import jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    from site_builder.catalogue import metrics

    schema = load_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    made = [c for m in metrics() for c in charts.metric_charts(seed, m.id)]
    assert any(c.id.endswith("-all") for c in made)
    for chart in made:
        spec = json.loads(chart.spec_json)
        assert [e.message[:200] for e in validator.iter_errors(spec)] == [], chart.id
        assert "__slot_" not in chart.spec_json


def test_median_and_total_per_year(seed, many):
    total, top = charts.metric_charts(seed, "requests.new")
    from statistics import median

    values = {}
    for a in seed.agencies:
        for r in seed.reports_of(a.slug):
            f = r.figure("requests.new")
            if f is not None:
                values.setdefault(r.year, []).append(f.value)
    assert [row["中位数 Median"] for row in total.table] == [
        charts.format_number(median(values[y])) for y in sorted(values)]
    rows = json.loads(top.spec_json)["datasets"]["rows"]
    assert {r["year"]: r["value"] for r in rows if r["series"] == charts.MEDIAN_LABEL} == {
        y: charts._number(median(v)) for y, v in values.items()}


def test_a_small_site_keeps_a_line_per_agency(seed):
    (chart,) = charts.metric_charts(seed, "requests.new")
    assert chart == charts.metric_chart(seed, "requests.new")


# --- the rows: what the template loops wrote, reused between renders ---------------------------


def test_rows_are_the_bytes_the_template_loops_wrote(seed):
    """The loops the templates had (kept here as the reference), against comparison_rows."""
    from jinja2 import DictLoader

    from site_builder.render import comparison_rows, environment
    from site_builder.render import views

    env = environment(ROOT / "templates")
    env.loader = DictLoader({
        "metric": """{% for row in rows %}
<tr>
  <th scope="row"><a href="{{ urls.agency(row.agency.slug) }}">{{ row.agency.name }}</a></th>
{% for y, r, f in row.cells %}  <td class="num">{% if r %}{{ figure(f, urls.report(row.agency.slug, y) ~ '#' ~ mid if f else none) }}{% else %}<span class="gap" title="无该年报告 no report">·<span class="sr-only">无该年报告 no report</span></span>{% endif %}</td>
{% endfor %}</tr>
{% endfor %}""",
        "year": """{% for agency, r, figs, share in rows %}
{% set rurl = urls.report(agency.slug, r.year) %}
<tr>
  <th scope="row"><a href="{{ rurl }}">{{ agency.name }}</a></th>
  <td>{{ ERA_LABELS[r.era][0] }}</td>
{% for m, f in zip(columns, figs) %}  <td class="num" data-sort="{{ f.value|sort_key if f else '' }}">{{ figure(f, rurl ~ '#' ~ m.id) }}</td>
{% endfor %}{% if show_share %}  <td class="num" data-sort="{{ share|sort_key }}">{% if share is not none %}{{ share|num }}%{% else %}<span class="gap">—<span class="sr-only">无 n/a</span></span>{% endif %}</td>
{% endif %}
</tr>
{% endfor %}"""})
    env.globals["zip"] = zip
    for m in seed.metrics_with_data:
        if m.derived:
            continue  # (a rate is no figure of a report: tests/test_indicators.py reads its page)
        years, count, html = comparison_rows.metric_rows(seed, m.id)
        rows = []
        for a in seed.agencies:
            by_year = {r.year: r for r in seed.reports_of(a.slug)}
            given = {y: f for y, r in by_year.items() if (f := views.figure_of(r, m.id)) is not None}
            if given:
                rows.append(type("Row", (), {"agency": a, "cells": [(y, by_year.get(y), given.get(y)) for y in years]}))
        assert count == len(rows) > 0
        assert str(html) == env.get_template("metric").render(rows=rows, mid=m.id), m.id
    for year in seed.years:
        columns, show_share, count, html = comparison_rows.year_rows(seed, year)
        reports = [r for r in seed.reports if r.year == year]
        rows = [(seed.agency_of[r.path], r, [views.figure_of(r, m.id) for m in columns],
                 views.share(views.figure_of(r, "outcome.withheld"), views.figure_of(r, "outcome.total")))
                for r in reports]
        assert count == len(reports)
        assert str(html) == env.get_template("year").render(rows=rows, columns=columns, show_share=show_share), year


def test_rows_made_for_other_columns_are_not_reused(seed):
    from dataclasses import replace

    from site_builder.render import comparison_rows
    from site_builder.render import views

    site = replace(seed)  # (a Site of its own: the rows made here are kept with it)
    year = site.years[-1]
    columns, show_share, _, html = comparison_rows.year_rows(site, year)
    signature = (tuple(m.id for m in columns), show_share)
    kept = views.row_cache(site, ("year", year), signature)
    assert kept  # the rows made are kept for the page's columns
    kept[next(iter(kept))] = "stale"
    assert "stale" in str(comparison_rows.year_rows(site, year)[3])  # (kept rows are used as they are)
    assert views.row_cache(site, ("year", year), (signature[0][:-1], show_share)) == {}
    assert str(comparison_rows.year_rows(replace(seed), year)[3]) == str(html)  # another Site: made anew


def test_edits_in_a_row_at_scale_equal_a_clean_build(tmp_path, many):
    """The dev server at a province's size (the summary charts): a figure edited, a report whose
    year page loses a column's only figure, a report removed and put back, an agency's latest
    report edited; after each, the tree is a clean build's and only the changed rows were made."""
    import os
    import shutil

    from site_builder.render import comparison_rows
    from site_builder.tools.synth import generate
    from test_incremental import Session, _bump_first_figure, _reports

    content = tmp_path / "content"
    generate(content, agencies=6, years=[2016, 2020, 2023], seed=5)
    past = os.stat(tmp_path).st_mtime_ns - 600_000_000_000
    for p in content.rglob("*"):
        os.utime(p, ns=(past, past))
    s = Session(content, tmp_path)
    made = []
    real_metric, real_year = comparison_rows.metric_row, comparison_rows.year_row
    comparison_rows.metric_row = lambda agency, *a: made.append(agency.slug) or real_metric(agency, *a)
    comparison_rows.year_row = lambda agency, *a: made.append(agency.slug) or real_year(agency, *a)
    try:
        reports = sorted((content / "reports").glob("*.txt"))
        first, slug = reports[0], reports[0].stem.rsplit("-", 1)[0]
        for _ in range(2):  # (the pages the edit touches have rendered every row once)
            _bump_first_figure(first)
            s.rebuild()
        s.rebuild()  # (nothing changed)
        made.clear()
        _bump_first_figure(first)
        s.site = s.build()  # (s.rebuild() makes a clean build too, every row of it)
        assert made and set(made) == {slug}, made  # the other agencies' rows came from the last render
        s.rebuild()  # nothing more changed: the tree is compared with a clean build
        moved = tmp_path / "kept.txt"
        last = _reports(content, "", 2023)[-1]
        shutil.move(last, moved)
        s.rebuild()
        shutil.move(moved, last)
        s.rebuild()
        for p in _reports(content, "", 2020)[:2]:
            _bump_first_figure(p)
        s.rebuild()
    finally:
        comparison_rows.metric_row, comparison_rows.year_row = real_metric, real_year
