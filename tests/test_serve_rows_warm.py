"""The dev server's full render (parallel, defer_downloads) makes the year and metric pages'
rows in its own process while the workers render, so that its next render redraws one row of
them; the rows it keeps must be those a fresh render makes, and an edit then must still give the
site a clean build gives."""

from __future__ import annotations

from pathlib import Path

import pytest

import site_builder.render as render
from site_builder.commands import build as build_cmd
from site_builder.render import PROJECT_ROOT, comparison_rows, context
from site_builder.synth import generate
from sitefiles import tree

TEMPLATES = PROJECT_ROOT / "templates"
STATIC = PROJECT_ROOT / "static"


@pytest.fixture()
def content(tmp_path) -> Path:
    generate(tmp_path / "content", agencies=5, years=[2017, 2020, 2023], seed=7)
    return tmp_path / "content"


def test_the_dev_servers_full_render_keeps_every_comparing_pages_rows(content, tmp_path, monkeypatch, no_charts):
    monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", 1)
    out = tmp_path / "live"
    site = build_cmd.build(content, out, TEMPLATES, STATIC, quiet=True, search=False, cache_dir=None, jobs=2,
                           defer_downloads=True)
    state = build_cmd._LAST[str(out.resolve())][2]
    rows = state.index.get("rows")
    assert rows, "no rows kept"
    metrics = context.metrics_with_data(site)
    assert {("year", y) for y in site.years} | {("metric", m.id) for m in metrics} <= set(rows)
    # each kept row is the one a fresh render of the page makes
    kept = {key: dict(entry[1]) for key, entry in rows.items() if key[0] in ("year", "metric")}
    context.forget_index()
    for y in site.years:
        comparison_rows.year_rows(site, y)
    for m in metrics:
        comparison_rows.metric_rows(site, m.id)
    fresh = {key: dict(entry[1]) for key, entry in context._site_cached(site, "rows").items() if key in kept}
    context.forget_index()
    assert fresh == kept

    # an edit rendered from those rows gives what a clean build of the edited content gives
    report = sorted((content / "reports").glob("*.txt"))[3]
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("0", "7", 1), encoding="utf-8")
    build_cmd.build(content, out, TEMPLATES, STATIC, quiet=True, search=False, cache_dir=None, jobs=2,
                    defer_downloads=True)
    build_cmd.finish_downloads(out)
    clean = tmp_path / "clean"
    build_cmd.build(content, clean, TEMPLATES, STATIC, quiet=True, search=False, cache_dir=None, jobs=1,
                    incremental=False)
    assert tree(out) == tree(clean)
