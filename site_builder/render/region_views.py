"""The region pages' content, arranged: which sub-regions and agencies a page of a region shows,
how many agencies and reports each sub-region holds, and the region's headline comparisons.
Nothing here writes HTML (region_rows.py writes the agencies' rows; templates the rest)."""

from __future__ import annotations

from decimal import Decimal
from statistics import median
from typing import NamedTuple

from site_builder.load.regions import Region, level_rank
from site_builder.load.site import Site
from site_builder.model import LEVELS, Agency, Report

# the figure the headlines add up and compare
REQUESTS = "requests.new"
_LEVEL_EN = {level.zh: level.en for level in LEVELS}


class SubRegion(NamedTuple):
    region: Region
    agencies: int
    reports: int


class LevelFigures(NamedTuple):
    """One level's agencies of a region in its latest year: how many reported, how many gave the
    requests received, their median and total."""

    level: str
    level_en: str
    reporting: int
    giving: int
    median: Decimal | None
    total: Decimal | None


class Headline(NamedTuple):
    agencies: int
    reports: int
    year: int | None  # the latest year any agency of the region reported
    reporting: int  # agencies with a report of that year
    giving: int  # of those, how many give the requests received
    requests: Decimal | None  # their total
    levels: list[LevelFigures]


class LevelGroup(NamedTuple):
    level: str  # LEVELS' zh, another level's name, or "" (not given)
    level_en: str
    rows: list[tuple[Agency, Report]]  # each agency with its latest report


class RegionPage(NamedTuple):
    region: Region
    page: int
    pages: int
    children: list[SubRegion]  # this page's share of the sub-regions
    groups: list[LevelGroup]  # this page's share of the agencies placed here
    headline: Headline | None  # on the first page only


def page_count(region: Region, rows: int) -> int:
    """A region's pages: `rows` sub-regions and `rows` agencies at most on each."""
    most = max(len(region.children), len(region.agencies), 1)
    return (most + rows - 1) // rows


def level_en(level: str) -> str:
    return _LEVEL_EN.get(level, level or "level not given")


def region_page(site: Site, region: Region, page: int, rows: int) -> RegionPage:
    lo, hi = (page - 1) * rows, page * rows
    by_slug = site.groups.by_slug
    children = [SubRegion(c, *_counts(c, by_slug)) for c in region.children[lo:hi]]
    groups: list[LevelGroup] = []
    for a in region.agencies[lo:hi]:
        if not groups or groups[-1].level != a.level:
            groups.append(LevelGroup(a.level, level_en(a.level), []))
        groups[-1].rows.append((a, by_slug[a.slug][-1]))
    return RegionPage(region, page, page_count(region, rows), children, groups,
                      headline(site, region) if page == 1 else None)


def _counts(region: Region, by_slug) -> tuple[int, int]:
    agencies = reports = 0
    for a in region.members():
        agencies += 1
        reports += len(by_slug[a.slug])
    return agencies, reports


def headline(site: Site, region: Region) -> Headline:
    """The region's agencies and reports, and its latest year's requests received: in all, and
    per level (the median compares agencies of one level, a 街道 with 街道)."""
    by_slug, totals_of = site.groups.by_slug, site.totals_of
    agencies = reports = 0
    latest: list[tuple[Agency, Report]] = []
    for a in region.members():
        rs = by_slug[a.slug]
        agencies += 1
        reports += len(rs)
        latest.append((a, rs[-1]))
    year = max((r.year for _, r in latest), default=None)
    values: dict[str, list[Decimal | None]] = {}
    for a, r in latest:
        if r.year == year:
            f = totals_of(r).get(REQUESTS)
            values.setdefault(a.level, []).append(None if f is None else f.value)
    levels = []
    for level in sorted(values, key=level_rank):
        given = [v for v in values[level] if v is not None]
        levels.append(LevelFigures(level, level_en(level), len(values[level]), len(given),
                                   median(given) if given else None, sum(given) if given else None))
    giving = sum(x.giving for x in levels)
    total = sum(x.total for x in levels if x.total is not None) if giving else None
    return Headline(agencies, reports, year, sum(x.reporting for x in levels), giving, total, levels)
