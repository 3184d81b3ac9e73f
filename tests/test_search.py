"""Search: the pagefind index is written into the built site and answers Chinese and English
queries in Chromium, under the published Content-Security-Policy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from site_builder.exceptions import SiteBuilderError
from site_builder.search import build_index

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")


def test_build_writes_the_index_and_the_ui(seed_site):
    bundle = seed_site / "pagefind"
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    # pages say lang="zh-CN": one Chinese index holding every page
    assert list(entry["languages"]) == ["zh-cn"]
    pages = sum(1 for _ in seed_site.rglob("*.html"))
    assert entry["languages"]["zh-cn"]["page_count"] >= pages - 2  # all but pages excluded from search (404)


def test_an_empty_folder_is_an_error(tmp_path):
    with pytest.raises(SiteBuilderError, match="search index: pagefind"):
        build_index(tmp_path)


def search_page(site: Path) -> str:
    """The URL of a page with the search box; a scratch page in a copy when the site has none yet."""
    for page in sorted(site.rglob("*.html")):
        if 'id="search"' in page.read_text(encoding="utf-8"):
            return "/" + page.relative_to(site).as_posix().removesuffix("index.html")
    (site / "search-test").mkdir()
    from site_builder.render import environment

    box = environment(ROOT / "templates").get_template("_search.html").render()
    (site / "search-test" / "index.html").write_text(
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>search</title></head><body>{box}</body></html>',
        encoding="utf-8")
    return "/search-test/"


@pytest.mark.browser
@pytest.mark.parametrize("query, expect", [
    ("建国门", "/agencies/jianguomen/"),  # Chinese: part of the agency name 建国门街道 (word segmentation)
    ("Disclosed", "/metrics/outcome.disclosed/"),  # English: a figure's label
])
def test_search_finds_pages_in_chromium(seed_site, netlify_rules, tmp_path, query, expect):
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed")
    from browser.server import serve
    from browser.visit import in_own_thread, launch, open_context, visit
    from playwright.sync_api import sync_playwright

    site = tmp_path / "site"
    shutil.copytree(seed_site, site)
    url = search_page(site)
    problems: list[str] = []

    def session():
        with serve(site, netlify_rules) as base, sync_playwright() as p:
            browser = launch(p)
            try:
                v = visit(open_context(browser, 1280), base + url)
                page = v.page
                page.wait_for_selector("#search input", timeout=20000)
                page.fill("#search input", query)
                page.wait_for_selector(".pagefind-ui__result-link", timeout=20000)
                links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.getAttribute('href'))")
                assert any(link.startswith(expect) for link in links), links
                problems.extend(v.problems())
            finally:
                browser.close()

    in_own_thread(session)
    assert problems == []


def test_the_index_is_byte_identical_across_builds(seed_site, tmp_path):
    def snapshot(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    indexes = []
    for name in ("one", "two"):
        site = tmp_path / name
        shutil.copytree(seed_site, site, ignore=shutil.ignore_patterns("pagefind"))
        build_index(site)
        indexes.append(snapshot(site / "pagefind"))
    assert indexes[0] == indexes[1] and indexes[0] == snapshot(seed_site / "pagefind")


def test_the_extended_pagefind_binary_is_used():
    """Only pagefind's extended binary segments Chinese words; without it 建国门 finds nothing."""
    from pagefind.service import get_executable

    assert "extended" in get_executable().name
