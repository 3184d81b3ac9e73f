"""sitemap.xml and the Atom feed of reports: absolute URLs, no clock (dates come from report years)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from bisect import bisect_right
from xml.sax.saxutils import escape

from site_builder.render import urls
from site_builder.load.site import Site

# The feed carries the newest reports only (by report year, then agency): readers fetch it again
# and again, and a province's 20,000 reports would make it 7.6 MB. The sitemap lists every page.
FEED_ENTRIES = 500

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# What one sitemap file may hold (sitemaps.org): past either, sitemap.xml becomes an index of
# sitemap-1.xml, sitemap-2.xml ...
SITEMAP_URLS = 50_000
SITEMAP_BYTES = 50_000_000


def sitemap(base: str, page_urls: list[str]) -> str:
    """One sitemap of the pages (see sitemaps() for a site of any size)."""
    root = ET.Element("urlset", xmlns=SITEMAP_NS)
    for url in sorted(page_urls):
        ET.SubElement(ET.SubElement(root, "url"), "loc").text = urls.absolute(base, url)
    return _xml(root)


def sitemaps(base: str, page_urls: list[str], max_urls: int | None = None,
             max_bytes: int | None = None) -> list[tuple[str, str]]:
    """The sitemap files, (relpath, text): sitemap.xml listing every page while it fits one
    file, else sitemap.xml as the index of sitemap-<n>.xml, each of consecutive pages (sorted),
    at most `max_urls` and `max_bytes` (by default SITEMAP_URLS and SITEMAP_BYTES)."""
    max_urls = SITEMAP_URLS if max_urls is None else max_urls
    max_bytes = SITEMAP_BYTES if max_bytes is None else max_bytes
    ordered = sorted(page_urls)
    if len(ordered) <= max_urls:
        whole = sitemap(base, ordered)
        if len(whole.encode("utf-8")) <= max_bytes:
            return [("sitemap.xml", whole)]
    head = len(sitemap(base, []).encode("utf-8")) + 64  # the file around its entries (and room)
    files: list[list[str]] = [[]]
    size = head
    for url in ordered:
        # "  <url>\n    <loc>…</loc>\n  </url>\n" around the escaped address, with room to spare
        entry = len(escape(urls.absolute(base, url)).encode("utf-8")) + 40
        if files[-1] and (len(files[-1]) == max_urls or size + entry > max_bytes):
            files.append([])
            size = head
        files[-1].append(url)
        size += entry
    names = [f"sitemap-{i}.xml" for i in range(1, len(files) + 1)]
    index = ET.Element("sitemapindex", xmlns=SITEMAP_NS)
    for name in names:
        ET.SubElement(ET.SubElement(index, "sitemap"), "loc").text = urls.absolute(base, "/" + name)
    return [("sitemap.xml", _xml(index))] + [(name, sitemap(base, chunk)) for name, chunk in zip(names, files)]


def _stamp(year: int) -> str:
    # a report is dated by the year it reports on: the feed never depends on when it was built
    return f"{year}-01-01T00:00:00Z"


def in_feed(site: Site, slug: str, year: int) -> bool:
    """Whether the agency's report of `year` may be one of the feed's entries (atom's newest
    FEED_ENTRIES by year, then agency slug): fewer than that many reports come after it. Counted
    from the Site's groups (a year's reports are by agency slug), not by sorting them all: the
    dev server asks on each edit of a report, and a province has 20,000."""
    by_year = site.groups.by_year
    later = sum(len(by_year[y]) for y in site.years if y > year)
    if later >= FEED_ENTRIES:
        return False
    same = by_year.get(year, ())
    agency_of = site.agency_of
    return later + len(same) - bisect_right(same, slug, key=lambda r: agency_of[r.path].slug) < FEED_ENTRIES


def atom(base: str, site: Site, title: str) -> str:
    entries = sorted(site.reports, key=lambda r: (r.year, site.agency_of[r.path].slug))[-FEED_ENTRIES:]
    root = ET.Element("feed", xmlns=ATOM_NS)
    root.set("xml:lang", "zh-CN")
    ET.SubElement(root, "title").text = title
    ET.SubElement(root, "id").text = urls.absolute(base, "/")
    ET.SubElement(root, "link", href=urls.absolute(base, "/feed.xml"), rel="self")
    ET.SubElement(root, "link", href=urls.absolute(base, "/"))
    ET.SubElement(root, "updated").text = _stamp(max((r.year for r in entries), default=2008))
    ET.SubElement(ET.SubElement(root, "author"), "name").text = title
    for r in entries:
        agency = site.agency_of[r.path]
        url = urls.absolute(base, urls.report(agency.slug, r.year))
        entry = ET.SubElement(root, "entry")
        ET.SubElement(entry, "title").text = f"{agency.name} {r.year}年政府信息公开工作年度报告"
        ET.SubElement(entry, "id").text = url
        ET.SubElement(entry, "link", href=url)
        ET.SubElement(entry, "updated").text = _stamp(r.year)
        ET.SubElement(entry, "summary").text = (
            f"{len(r.figures)} 项数据 figures; {len(r.quality)} 处勾稽关系不符 broken consistency check(s)"
        )
    return _xml(root)
