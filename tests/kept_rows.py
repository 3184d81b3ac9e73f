"""The rows of the comparing pages (year and figure pages) that a Site keeps for the next render,
beside the rows a fresh Site of the same reports makes: the dev server's tests hold the kept ones
to the fresh ones."""

from __future__ import annotations

from site_builder.render import comparison_rows, views


def kept_and_made(site, fresh):
    """For every year and figure page: ((kind, key), the rows kept with `site`, the rows `fresh`
    (a Site with nothing computed yet: dataclasses.replace(site)) makes for the same columns)."""
    pages = [("year", y) for y in site.years] + [("metric", m.id) for m in site.metrics_with_data]
    for kind, key in pages:
        if kind == "year":
            columns, show_share, _, _ = comparison_rows.year_rows(fresh, key)
            signature = (tuple(m.id for m in columns), show_share)
        else:
            signature = tuple(comparison_rows.metric_rows(fresh, key)[0])
        yield (kind, key), dict(views.row_cache(site, (kind, key), signature)), views.row_cache(fresh, (kind, key), signature)
