"""A crawler over every built HTML file: each internal link, resource and #anchor resolves, and
every link is root-relative (the site works from any static server at the domain root)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from sitehtml import Node, load

# attributes that name a URL the browser (or site.js / charts.js) will fetch or follow
URL_ATTRS = ("href", "src", "data-spec", "data-vega", "data-vega-css")


class Crawl:
    def __init__(self, site: Path):
        self.site = site
        self.docs: dict[Path, Node] = {p: load(p) for p in sorted(site.rglob("*.html"))}
        self._ids: dict[Path, set[str]] = {}

    def ids(self, path: Path) -> set[str]:
        if path not in self._ids:
            doc = self.docs.get(path) or load(path)
            self._ids[path] = {n.attrs["id"] for n in doc.iter() if n.attrs.get("id")}
        return self._ids[path]

    def target(self, url_path: str) -> Path | None:
        rel = unquote(url_path).lstrip("/")
        candidate = self.site / rel
        if url_path.endswith("/") or rel == "":
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def links(self):
        for path, doc in self.docs.items():
            for node in doc.iter():
                for attr in URL_ATTRS:
                    value = node.attrs.get(attr)
                    if value is not None:
                        yield path, node, attr, value


@pytest.fixture(scope="module")
def crawl(seed_site) -> Crawl:
    return Crawl(seed_site)


def test_the_crawl_covers_every_page_type(crawl, seed_site):
    pages = {p.relative_to(seed_site).as_posix() for p in crawl.docs}
    for needed in ("index.html", "404.html", "agencies/index.html", "agencies/jianguomen/index.html",
                   "agencies/jianguomen/2024/index.html", "years/2019/index.html", "metrics/requests.new/index.html",
                   "about/index.html", "methodology/index.html"):
        assert needed in pages
    assert sum(1 for _ in crawl.links()) > 2000


def test_every_internal_link_and_anchor_resolves(crawl):
    broken = []
    for path, node, attr, value in crawl.links():
        parts = urlsplit(value)
        if parts.scheme in ("http", "https", "mailto", "data"):
            continue  # external links are checked below; a data: URL fetches nothing
        if parts.scheme or parts.netloc:
            broken.append((path, value, "unexpected scheme"))
            continue
        if parts.path and not parts.path.startswith("/"):
            broken.append((path, value, "not root-relative"))
            continue
        target = crawl.target(parts.path) if parts.path else path
        if target is None:
            broken.append((path, value, "no such file"))
            continue
        if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in crawl.ids(target):
            broken.append((path, value, "no such anchor"))
    assert broken == []


def test_nothing_is_loaded_from_another_origin(crawl):
    foreign = []
    for path, node, attr, value in crawl.links():
        if attr == "href" and node.tag == "a":
            continue  # following a link to an agency's website is the reader's choice
        if node.tag == "link" and node.attrs.get("rel") in ("canonical", "alternate"):
            continue  # metadata naming this site's public address, not something the page loads
        if urlsplit(value).scheme not in ("", "data") or value.startswith("//"):
            foreign.append((path, node.tag, value))
    assert foreign == []


def test_every_figure_link_lands_on_its_source_line(crawl, seed_site):
    """#L.. links on report pages point at an existing line of that report's text."""
    checked = 0
    for path, node, attr, value in crawl.links():
        if attr == "href" and value.startswith("#L") and "/agencies/" in path.as_posix():
            line = crawl.docs[path].find(id=value[1:])
            assert line is not None and line.tag == "div" and line.parent.has_class("source"), (path, value)
            checked += 1
    assert checked > 400


def test_sitemap_and_feed_point_at_pages(seed_site, crawl):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    urls = [e.text for e in ET.parse(seed_site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    feed = ET.parse(seed_site / "feed.xml").getroot()
    urls += [e.attrib["href"] for e in feed.iter("{http://www.w3.org/2005/Atom}link")]
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "https", url
        assert crawl.target(parts.path) is not None, url
    # every page except the 404 page is in the sitemap
    in_sitemap = {urlsplit(u).path for u in urls}
    for p in crawl.docs:
        rel = p.relative_to(seed_site).as_posix()
        if rel == "404.html" or rel.startswith(("pagefind/", "static/", "assets/")):
            continue
        url = "/" + rel.removesuffix("index.html")
        assert url in in_sitemap, url
