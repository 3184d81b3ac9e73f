"""The dev server's full render (parallel, defer_downloads) makes the year and metric pages'
rows in its own process while the workers render, so that its next render redraws one row of
them; the rows it keeps must be those a fresh render makes, and an edit then must still give the
site a clean build gives."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import site_builder.render as render
from kept_rows import kept_and_made
from site_builder.render import PROJECT_ROOT
from site_builder.build.session import BuildOptions, BuildSession
from site_builder.tools.synth import generate
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
    session = BuildSession()  # the dev server's
    served = BuildOptions(content, out, TEMPLATES, STATIC, quiet=True, search=False, cache=False, jobs=2,
                          defer_downloads=True)
    site = session.build(served).site
    # each comparing page's rows are kept with the Site, and are those a fresh render makes
    fresh = replace(site)  # (the same fields, nothing kept with it)
    for page, kept, made in kept_and_made(site, fresh):
        assert kept, f"no rows kept for {page}"
        assert kept == made, page

    # an edit rendered from those rows gives what a clean build of the edited content gives
    report = sorted((content / "reports").glob("*.txt"))[3]
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("0", "7", 1), encoding="utf-8")
    session.build(served)
    session.finish_downloads(out)
    clean = tmp_path / "clean"
    BuildSession().build(BuildOptions(content, clean, TEMPLATES, STATIC, quiet=True, search=False, cache=False, jobs=1,
                                      incremental=False))
    assert tree(out) == tree(clean)
