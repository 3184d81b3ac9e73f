"""Charts come from site_builder.charts (written separately); pages build without it.

The module is imported lazily so a site without charts (or with an older charts module that
lacks a function) still renders every page, just without the charts.
"""

from __future__ import annotations

import importlib


def _charts_module():
    try:
        return importlib.import_module("site_builder.charts")
    except ModuleNotFoundError as exc:
        if exc.name != "site_builder.charts":
            raise  # charts exists but one of its own imports is missing: that is a real error
        return None


def _as_list(result) -> list:
    if result is None:
        return []
    if isinstance(result, (list, tuple)):
        return [c for c in result if c is not None]
    return [result]


def agency_charts(site, slug: str) -> list:
    charts = _charts_module()
    if charts is None or not hasattr(charts, "agency_charts"):
        return []
    return _as_list(charts.agency_charts(site, slug))


def metric_charts(site, metric_id: str) -> list:
    charts = _charts_module()
    if charts is not None and hasattr(charts, "metric_charts"):
        return _as_list(charts.metric_charts(site, metric_id))
    if charts is None or not hasattr(charts, "metric_chart"):
        return []
    return _as_list(charts.metric_chart(site, metric_id))
