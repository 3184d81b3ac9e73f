"""The region pages' content, arranged: which sub-regions and agencies a page of a region shows,
how many agencies and reports each sub-region holds, and the region's headline comparisons.
Nothing here writes HTML (region_rows.py writes the agencies' rows; templates the rest)."""

from __future__ import annotations

from decimal import Decimal
from operator import itemgetter
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
    facts = latest_facts(site)
    children = [SubRegion(c, *_counts(c, facts)) for c in region.children[lo:hi]]
    groups: list[LevelGroup] = []
    for a in region.agencies[lo:hi]:
        if not groups or groups[-1].level != a.level:
            groups.append(LevelGroup(a.level, level_en(a.level), []))
        groups[-1].rows.append((a, by_slug[a.slug][-1]))
    return RegionPage(region, page, page_count(region, rows), children, groups,
                      headline(site, region, facts) if page == 1 else None)


def _counts(region: Region, facts) -> tuple[int, int]:
    members = region.members()
    return len(members), sum(map(itemgetter(0), facts.many(members)))


class _Facts:
    """latest_facts(): called with an agency; `many` gives those of a list of agencies."""

    def __init__(self, site: Site) -> None:
        self.kept = site.kept(("region-facts",), per="agency")
        self.by_slug, self.totals_of = site.groups.by_slug, site.totals_of

    def __call__(self, a: Agency) -> tuple[int, int, Decimal | None]:
        got = self.kept.get(a.slug)
        if got is None:
            rs = self.by_slug[a.slug]
            f = self.totals_of(rs[-1]).get(REQUESTS)
            got = self.kept[a.slug] = (len(rs), rs[-1].year, None if f is None else f.value)
        return got

    def many(self, agencies: list[Agency]) -> list[tuple[int, int, Decimal | None]]:
        # the kept ones read directly, a call only for those not made yet (the root page of a
        # province reads 20,000 of them at each edit, and as many for its sub-regions' counts)
        get = self.kept.get
        return [get(a.slug) or self(a) for a in agencies]


def latest_facts(site: Site) -> _Facts:
    """agency -> (its reports, its latest report's year, that report's requests received or
    None): what the region pages add up, kept with the Site per agency (Site.kept), so that the
    dev server's next Site after an edit makes them anew for the edited agencies only (the root
    page of a province adds up 20,000 agencies after each edit of a latest report)."""
    return _Facts(site)


def headline(site: Site, region: Region, facts=None) -> Headline:
    """The region's agencies and reports, and its latest year's requests received: in all, and
    per level (the median compares agencies of one level, a 街道 with 街道)."""
    facts = facts or latest_facts(site)
    members = region.members()
    got = facts.many(members)
    agencies, reports = len(got), sum(map(itemgetter(0), got))
    year = max(map(itemgetter(1), got), default=None)
    values: dict[str, list[Decimal | None]] = {}
    for a, (_, y, value) in zip(members, got):
        if y == year:
            values.setdefault(a.level, []).append(value)
    levels = []
    for level in sorted(values, key=level_rank):
        given = [v for v in values[level] if v is not None]
        levels.append(LevelFigures(level, level_en(level), len(values[level]), len(given),
                                   median(given) if given else None, sum(given) if given else None))
    giving = sum(x.giving for x in levels)
    total = sum(x.total for x in levels if x.total is not None) if giving else None
    return Headline(agencies, reports, year, sum(x.reporting for x in levels), giving, total, levels)
