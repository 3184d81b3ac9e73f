"""The pages that compare agencies (/metrics/<id>/, /years/<year>/) at a province's size: the
metric charts past LEGEND_MAX agencies (totals, median, the top agencies: valid Vega-Lite, what
the description says), and the rows of both pages built in Python and reused between renders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder import charts
from site_builder.load import load_site

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
    assert any(c.id.endswith("-total") for c in made)
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
