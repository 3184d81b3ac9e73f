"""The budgets of issue 14 on a generated province: 2,000 agencies at every level, one report
each, all in one year, some sharing a name with others elsewhere (城关镇…), a few placed only by
their folder — written and built by the real CLI (`site-builder synth`, `site-builder build`).

Every HTML page ≤ 300 KB, every file under data/ ≤ 25 MB, and every agency page linked from
some region page reachable from /regions/ by following links. Not timed: the benchmark
(benchmarks/bench.py) times the same at 20,000 reports. One build serves every test here: ~11 s
of CPU (synth 1.5 s, the build ~9.5 s, before the region, summary and data pages were merged;
20 s of wall clock on the shared 2-core machine).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import one_report_province


AGENCIES = 2000
PAGE_BUDGET = 300 * 1000  # bytes of HTML, uncompressed
DATA_BUDGET = 25 * 1000 * 1000  # bytes: what static hosts accept for one file


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """(content folder, built site)."""
    return one_report_province(tmp_path_factory.mktemp("province"), AGENCIES, 14)


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("pagefind/"))


def _url(site: Path, page: Path) -> str:
    rel = page.relative_to(site).as_posix()
    return "/" + rel[: -len("index.html")] if rel.endswith("index.html") else "/" + rel


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(site: Path, url: str) -> set[str]:
    """The site's own pages a page links to, as paths ('/agencies/x/')."""
    parser = _Links()
    parser.feed((site / url.lstrip("/") / "index.html").read_text(encoding="utf-8"))
    out = set()
    for href in parser.hrefs:
        parts = urlsplit(urljoin("http://site" + url, href))
        if parts.netloc == "site" and parts.path.endswith("/"):
            out.add(parts.path)
    return out


def test_the_corpus_is_a_province_of_every_level_with_homonyms(province):
    content, _ = province
    toml = (content / "agencies.toml").read_text(encoding="utf-8")
    assert len(re.findall(r'^name = "城关镇"$', toml, re.M)) >= 2  # one name, several agencies
    for level in ("省级政府", "省级部门", "市级政府", "市级部门", "区县政府", "区县部门", "街道", "乡镇", "功能区"):
        assert f'level = "{level}"' in toml, level
    reports = list((content / "reports").rglob("*.txt"))
    assert len(reports) == AGENCIES
    assert any(p.parent != content / "reports" for p in reports)  # some placed by their folder


def test_every_html_page_is_within_300_kb(province):
    _, site = province
    pages = _pages(site)
    assert len(pages) > AGENCIES * 2  # an agency page and a report page each, at least
    over = [(p.stat().st_size, _url(site, p)) for p in pages if p.stat().st_size > PAGE_BUDGET]
    assert not over, f"{len(over)} pages over 300 KB, the heaviest: " + ", ".join(
        f"{url} {n // 1000} KB" for n, url in sorted(over, reverse=True)[:10])


def test_every_data_file_is_within_25_mb(province):
    _, site = province
    files = [p for p in (site / "data").rglob("*") if p.is_file()]
    assert files
    over = [(p.stat().st_size, p.relative_to(site).as_posix()) for p in files if p.stat().st_size > DATA_BUDGET]
    assert not over, ", ".join(f"{rel} {n / 1e6:.1f} MB" for n, rel in sorted(over, reverse=True))


def test_every_agency_is_reachable_from_the_region_pages(province):
    _, site = province
    assert (site / "regions" / "index.html").is_file(), "no /regions/ page"
    agencies = {_url(site, p) for p in site.glob("agencies/*/index.html") if p.parent.name not in ("initial", "page")}
    # every agency synth wrote is a page of its own: two 城关镇 are two agencies
    assert len(agencies) == AGENCIES
    seen, todo, linked = {"/regions/"}, ["/regions/"], set()
    while todo:
        url = todo.pop()
        for link in _links(site, url):
            if link.startswith("/regions/") and link not in seen:
                assert (site / link.lstrip("/") / "index.html").is_file(), f"{url} links to {link}: no such page"
                seen.add(link)
                todo.append(link)
            elif link in agencies:
                linked.add(link)
    missing = sorted(agencies - linked)
    assert not missing, f"{len(missing)} agencies not reachable from /regions/, e.g. {missing[:5]}"
