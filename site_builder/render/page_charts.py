"""The charts a page shows, from site_builder.render.charts: the one place pages ask for them (tests that
build many sites without charts replace these two)."""

from __future__ import annotations

from site_builder.render import charts
from site_builder.render.charts import Templates as ChartKinds


def agency_charts(site, slug: str, kinds: ChartKinds | None = None) -> list:
    return charts.agency_charts(site, slug, kinds)


def metric_charts(site, metric_id: str, kinds: ChartKinds | None = None) -> list:
    return charts.metric_charts(site, metric_id, kinds)


def distribution_chart(chart_id: str, label_zh: str, label_en: str, unit: str, year: int, bins: list,
                       kinds: ChartKinds | None = None):
    return charts.distribution_chart(chart_id, label_zh, label_en, unit, year, bins, kinds)
