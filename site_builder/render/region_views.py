"""The region pages' content, arranged: which sub-regions and agencies a page of a region shows,
how many agencies and reports each sub-region holds, and the region's headline comparisons.
Nothing here writes HTML (region_rows.py writes the agencies' rows; templates the rest)."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from decimal import Decimal
from typing import NamedTuple

from site_builder.load.regions import Region, level_rank
from site_builder.load.site import Site
from site_builder.model import LEVELS, Agency, Report
from site_builder.render.summaries import median_of, written_sum

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
    sums = region_sums(site)
    children = [SubRegion(c, len(c.members()), sums[c.path].reports) for c in region.children[lo:hi]]
    groups: list[LevelGroup] = []
    for a in region.agencies[lo:hi]:
        if not groups or groups[-1].level != a.level:
            groups.append(LevelGroup(a.level, level_en(a.level), []))
        groups[-1].rows.append((a, by_slug[a.slug][-1]))
    return RegionPage(region, page, page_count(region, rows), children, groups,
                      _headline(region, sums[region.path]) if page == 1 else None)


def _fact(site: Site, slug: str) -> tuple[int, int, Decimal | None]:
    """What the region pages add up of an agency: its reports, its latest report's year, that
    report's requests received (None: not given)."""
    rs = site.groups.by_slug[slug]
    f = site.totals_of(rs[-1]).get(REQUESTS)
    return len(rs), rs[-1].year, None if f is None else f.value


# ---------------------------------------------------------------- the headlines, kept across edits


class _Level:
    """One level's agencies of a region whose latest report is of one year: how many, the
    requests received they give as (value, the agency's place in the root's members()) sorted
    (the order statistics.median's sort gives them: equal values in the members' order), and
    their exact sum (with the exponents of the values, which decide how the sum is written)."""

    __slots__ = ("reporting", "given", "total", "exponents")

    def __init__(self) -> None:
        self.reporting = 0
        self.given: list[tuple[Decimal, int]] = []
        self.total = Decimal(0)
        self.exponents: Counter = Counter()

    def copy(self) -> _Level:
        other = _Level()
        other.reporting, other.given = self.reporting, list(self.given)
        other.total, other.exponents = self.total, Counter(self.exponents)
        return other

    def add(self, value: Decimal | None, at: int, sign: int) -> None:
        self.reporting += sign
        if value is None:
            return
        if sign > 0:
            insort(self.given, (value, at))
        else:
            del self.given[bisect_left(self.given, (value, at))]
        self.total += value if sign > 0 else -value
        self.exponents[value.as_tuple().exponent] += sign

    def median(self) -> Decimal | None:
        return median_of(self.given) if self.given else None

    def sum(self) -> Decimal | None:
        return written_sum(self.total, self.exponents) if self.given else None


class _Sums:
    """A region's agencies' latest facts added up: their reports, how many agencies' latest
    report is of each year, and per (year, level) a _Level."""

    __slots__ = ("reports", "years", "levels")

    def __init__(self) -> None:
        self.reports = 0
        self.years: Counter = Counter()
        self.levels: dict[tuple[int, str], _Level] = {}

    def copy(self) -> _Sums:
        other = _Sums()
        other.reports, other.years, other.levels = self.reports, Counter(self.years), dict(self.levels)
        return other

    def add(self, level: str, fact: tuple, at: int, sign: int) -> None:
        n, year, value = fact
        self.reports += sign * n
        self.years[year] += sign
        key = (year, level)
        got = self.levels.get(key)
        if got is None:
            got = self.levels[key] = _Level()
        got.add(value, at, sign)


class RegionSums(NamedTuple):
    """Every region's _Sums (by path), the facts they were added up from (agency slug ->
    _fact()), and the tree and each agency's place in its root's members()."""

    tree: object
    at: dict[str, int]
    facts: dict[str, tuple]
    by_path: dict[tuple[str, ...], _Sums]

    def __getitem__(self, path):  # (a region's sums)
        return self.by_path[path]


def region_sums(site: Site) -> RegionSums:
    """Every region's headline figures added up (_Sums), kept with the Site: made once from
    every agency's latest facts, and in the next Site after an edit patched for the agencies it
    changed (the root page of a province would add up 20,000 agencies at each edit of a latest
    report, and each of its sub-regions' pages theirs)."""
    return site.patched(("region-sums",), lambda: _sums_made(site), lambda old, slugs: _sums_patched(site, old, slugs))


def _sums_made(site: Site) -> RegionSums:
    tree = site.regions
    at = {a.slug: i for i, a in enumerate(tree.root.members())}
    by_path = {path: _Sums() for path in tree.by_path}
    kept = {}
    for a in tree.root.members():
        fact = kept[a.slug] = _fact(site, a.slug)
        path = tree.path_of[a.slug]
        for i in range(len(path) + 1):
            by_path[path[:i]].add(a.level, fact, at[a.slug], 1)
    return RegionSums(tree, at, kept, by_path)


def _sums_patched(site: Site, old: RegionSums, slugs) -> RegionSums:
    """`old` with the facts of the agencies `slugs` as they are now: what _sums_made() gives, the
    regions above those agencies (and their levels touched) copied, every other one shared."""
    tree = site.regions
    if tree is not old.tree:
        return _sums_made(site)
    kept, by_path = dict(old.facts), dict(old.by_path)
    fresh: dict[tuple[str, ...], tuple[_Sums, set]] = {}  # the regions copied, and their levels copied
    by_slug, agency_of = site.groups.by_slug, site.agency_of
    for slug in sorted(slugs):
        a = agency_of[by_slug[slug][-1].path]
        before, now = kept[slug], _fact(site, slug)
        kept[slug] = now
        at, path = old.at[slug], tree.path_of[slug]
        for i in range(len(path) + 1):
            got = fresh.get(path[:i])
            if got is None:
                got = fresh[path[:i]] = (old.by_path[path[:i]].copy(), set())
                by_path[path[:i]] = got[0]
            sums, copied = got
            for fact, sign in ((before, -1), (now, 1)):
                key = (fact[1], a.level)
                if key not in copied:
                    if key in sums.levels:
                        sums.levels[key] = sums.levels[key].copy()
                    copied.add(key)
                sums.add(a.level, fact, at, sign)
    return RegionSums(tree, old.at, kept, by_path)


def _headline(region: Region, sums: _Sums) -> Headline:
    """The region's agencies and reports, and its latest year's requests received: in all, and
    per level (the median compares agencies of one level, a 街道 with 街道), from its sums."""
    year = max((y for y, n in sums.years.items() if n), default=None)
    levels = []
    for (y, level), got in sorted(((k, v) for k, v in sums.levels.items() if k[0] == year and v.reporting),
                                  key=lambda kv: level_rank(kv[0][1])):
        levels.append(LevelFigures(level, level_en(level), got.reporting, len(got.given), got.median(), got.sum()))
    giving = sum(x.giving for x in levels)
    total = sum(x.total for x in levels if x.total is not None) if giving else None
    return Headline(len(region.members()), sums.reports, year, sum(x.reporting for x in levels), giving, total, levels)
