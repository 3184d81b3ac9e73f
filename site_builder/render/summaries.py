"""A figure across many agencies, summed up: what a figure's page and a year's page show once
their full tables would not fit a page (Limits), and the slices their list pages show.

Everything here works on generic values — each year's Decimals, and a year's values with their
agencies' slugs (Column) — taken from a figure's entries of the Site (Site.metric_entries) or
from a derived figure's (a rate) alike, and returns numbers; the pages and templates lay them out. Nothing here writes HTML.

Quantiles are pandas' default (linear interpolation between the two nearest values, Hyndman
& Fan's type 7, R's default and Excel's QUARTILE.INC), what a journalist loading
data/records.csv in pandas gets: computed from the values sorted as pandas' group-by computes
them, to the same float (quantile(); tested against pandas), so that the dev server keeps a
column's values sorted and an edit moves one of them instead of grouping a province's 20,000
again (load.site.YearColumn.tally and place_tally). They are shown rounded to QUANTILE_PLACES
decimals. Sums are exact (Decimal): they are printed figures added up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import NamedTuple

from site_builder.load.site import tally_by_place
from site_builder.model import Agency

QUANTILE_PLACES = 2
QUANTILE_METHOD_ZH = "四分位数与中位数按线性插值计算（pandas 默认方法，与 Excel QUARTILE.INC 相同）"
QUANTILE_METHOD_EN = ("Quartiles and medians by linear interpolation between the two nearest values "
                      "(pandas' default, type 7; Excel's QUARTILE.INC)")
UNPLACED = "未定位 Unplaced"


@dataclass(frozen=True)
class Limits:
    """When a comparing page shows its whole table, and how long its list pages are.

    A figure's page keeps its table (an agency a row, a year a column) up to `full_rows`
    agencies and `full_cells` cells (~100 bytes a cell: ~250 KB of a 300 KB page); a year's page
    up to `year_rows` reports (its rows are ~2.1 KB: one list page's worth). Past that, each
    page is a summary and its rows are in list pages of `list_rows` rows (a figure's: one row a
    report, ~450 bytes) or `year_rows` rows (a year's, today's columns). `top`: how many agencies
    the top and bottom lists name. Tests pass small ones to see the summaries of a small corpus."""

    full_rows: int = 500
    full_cells: int = 2_500
    list_rows: int = 500
    year_rows: int = 100
    top: int = 20

    def metric_full(self, agencies: int, years: int) -> bool:
        return agencies <= self.full_rows and agencies * years <= self.full_cells

    def year_full(self, reports: int) -> bool:
        return reports <= min(self.year_rows, self.full_rows)


LIMITS = Limits()


class Stats(NamedTuple):
    """A figure's values in one year (or of one place) summed up."""

    key: object  # the year, or the place
    count: int
    q1: Decimal
    median: Decimal
    q3: Decimal
    total: Decimal


class Ranked(NamedTuple):
    agency: Agency
    value: Decimal


class Bin(NamedTuple):
    """lo <= value < hi (hi None: the last bin, open above; lo == hi: exactly that value)."""

    lo: Decimal
    hi: Decimal | None
    count: int


def _decimal(x: float) -> Decimal:
    return Decimal(repr(round(float(x), QUANTILE_PLACES)))


def preload() -> None:
    """Import what the summed-up pages compute with, now (a render forks its workers after
    this): numpy. (Not pandas: neither the quantiles nor the peer ranks use it any more, and its
    import was ~0.5 s of the parent's serial work.)"""
    import numpy  # noqa: F401


def stats_of(groups: Mapping[object, list[Decimal]]) -> dict[object, Stats]:
    """key -> Stats of its values (groups without values left out): the quantiles from the
    values sorted as floats (quantile()), the sums added up exactly."""
    out = {}
    for key, vs in groups.items():
        if vs:
            out[key] = stats_from(key, sorted(map(float, vs)), sum(vs, Decimal(0)))
    return out


def stats_from(key, ordered, total: Decimal) -> Stats:
    """The Stats of values given as floats sorted (a list or numpy array) and their exact sum."""
    return Stats(key, len(ordered), _decimal(quantile(ordered, 0.25)), _decimal(quantile(ordered, 0.5)),
                 _decimal(quantile(ordered, 0.75)), total)


def quantile(ordered, q: float) -> float:
    """The q-quantile of floats sorted (not none) by linear interpolation between the two nearest
    (type 7), computed as pandas' group-by quantile computes it, to the same float (tested
    against it): from a column's values kept sorted, an edit's quartiles cost no sort."""
    at = q * (len(ordered) - 1)
    lo = int(at)
    frac = at % 1
    value = float(ordered[lo])
    return value if frac == 0.0 else value + (float(ordered[lo + 1]) - value) * frac


def median_of(decimals: list) -> Decimal:
    """statistics.median of values given sorted as (value, tie-breaker) pairs (YearColumn.tally's
    (value, slug), a region level's (value, place)): the middle one, or the mean of the two middle
    ones."""
    n = len(decimals)
    return decimals[n // 2][0] if n % 2 else (decimals[n // 2 - 1][0] + decimals[n // 2][0]) / 2


def written_sum(total: Decimal, exponents: Mapping[int, int]) -> Decimal:
    """sum(values, Decimal(0)) from the values' exact `total` and how many of them have each
    exponent (a sum kept across edits by differences: it is written with as many decimals as
    the value with most, and no fewer than 0's)."""
    exponent = min(0, min((e for e, n in exponents.items() if n), default=0))
    return total.quantize(Decimal((0, (0,), exponent)))


def column_stats(columns: list[tuple[object, object]]) -> list[Stats | None]:
    """The Stats of each (key, column) (a Site.column: None when it has no values), kept in the
    column's memo; made from the column's values kept sorted with their exact sum
    (YearColumn.tally: after an edit, patched, not sorted and added up again)."""
    out = []
    for key, col in columns:
        stats = col.memo.get("stats", False)
        if stats is False:
            ordered, total, exponents, _ = col.tally()
            stats = col.memo["stats"] = stats_from(None, ordered, written_sum(total, exponents)) if len(ordered) else None
        out.append(None if stats is None else stats._replace(key=key))
    return out


class Column(NamedTuple):
    """One year's values of a figure, an agency each, as parallel lists (one pass of numpy over
    a province's 20,000 for the ranks, the places and the bins; made by column())."""

    slugs: list[str]
    values: list[Decimal]
    floats: object  # numpy array of the values


def column(slugs: list[str], values: list[Decimal]) -> Column:
    import numpy as np  # (see stats_of)

    return Column(slugs, values, np.fromiter(map(float, values), float, len(values)))


def top_bottom(col: Column, agency: Callable[[str], Agency], n: int) -> tuple[list[Ranked], list[Ranked]]:
    """The n largest values (the largest first) and the n smallest (the smallest first); equal
    values in the order of the agencies' slugs, in both lists. `agency`: slug -> its Agency."""
    import numpy as np

    slugs = col.slugs
    if hasattr(col, "order"):
        # a Site's column (load.site.YearColumn): its slugs ascending, its values sorted already
        # (a stable sort: equal values in the slugs' order); the largest likewise, in numpy
        top = np.argsort(-col.floats, kind="stable")[:n].tolist()
        bottom = col.order()[:n].tolist()
    else:
        if slugs == sorted(slugs):  # (the callers' order: the Site's)
            rank = np.arange(len(slugs))
        else:
            rank = np.empty(len(slugs), int)
            rank[sorted(range(len(slugs)), key=slugs.__getitem__)] = np.arange(len(slugs))
        top = np.lexsort((rank, -col.floats))[:n].tolist()
        bottom = np.lexsort((rank, col.floats))[:n].tolist()
    return ([Ranked(agency(slugs[i]), col.values[i]) for i in top], [Ranked(agency(slugs[i]), col.values[i]) for i in bottom])


PLACE_LEVELS = (("province", "省份", "Province"), ("city", "城市", "City"), ("district", "区县", "District"))


def place_level(places_at: Callable[[str], list[str]]) -> tuple[str, str, str, list[str]]:
    """Which place the per-place table groups by: provinces when the agencies are in more than
    one, else cities when in more than one, else districts. `places_at(attr)`: the agencies'
    places at that level ("province", "city", "district"). (attribute, zh, en, those places)"""
    for attr, zh, en in PLACE_LEVELS[:-1]:
        places = places_at(attr)
        if len(set(places)) > 1:
            return attr, zh, en, places
    attr, zh, en = PLACE_LEVELS[-1]
    return attr, zh, en, places_at(attr)


def by_place(col: Column, places: list[str], key=None) -> list[Stats]:
    """Stats of the values by place (`places`: each value's agency's place, "" unplaced), places
    by name, the unplaced last. `key` (which kind of place they are): kept with a Site's column
    (YearColumn.place_tally), patched by an edit."""
    if not col.values:
        return []
    if key is not None and hasattr(col, "place_tally"):
        groups = col.place_tally(key, places)
    else:
        groups = tally_by_place(places, col.values, col.floats)
    rows = [stats_from(place or UNPLACED, ordered, written_sum(total, exponents))
            for place, (ordered, total, exponents) in groups.items() if ordered]
    return sorted(rows, key=lambda s: (s.key == UNPLACED, s.key))


_STEPS = (1, 2, 5)


def bins(values) -> list[Bin]:
    """The values counted in bins that grow 1–2–5 by tens (0; 1–2; 2–5; 5–10; 10–20 ...), from
    the bin of the smallest to the bin of the largest: the figures are counts where most
    agencies have a few and some have thousands, so equal-width bins would put nearly all of
    them in the first. A negative value (none is printed) would get a bin of its own below 0.
    `values`: Decimals, a Column or a Site's column (load.site.YearColumn)."""
    import numpy as np

    col = values if hasattr(values, "floats") else column([""] * len(values), list(values))
    if not col.values:
        return []
    edges = [Decimal(0), Decimal(1)]
    top = max(col.values)
    scale = 1
    while edges[-1] <= top:
        edges += [Decimal(2 * scale), Decimal(5 * scale), Decimal(10 * scale)]
        scale *= 10
    f = col.floats
    below, zero = int((f < 0).sum()), int((f == 0).sum())
    # counts[i]: edges[i] <= v < edges[i + 1] for v above 0 (counts[0]: the fractions below 1)
    positive = f[f > 0]
    counts = np.bincount(np.searchsorted(np.array([float(e) for e in edges]), positive, side="right") - 1,
                         minlength=len(edges)).tolist()
    out = [Bin(min(col.values), Decimal(0), below)] if below else []
    out.append(Bin(Decimal(0), Decimal(0), zero))
    if counts[0]:
        out.append(Bin(Decimal(0), Decimal(1), counts[0]))
    last = max((i for i, c in enumerate(counts) if c), default=0)
    out += [Bin(edges[i], edges[i + 1], counts[i]) for i in range(1, last + 1)]
    while len(out) > 1 and not out[0].count:  # (from the first bin with a value: empty ones between are kept)
        out.pop(0)
    return out


def pages_of(rows: int, per_page: int) -> list[tuple[int, int]]:
    """The (start, end) rows of each list page: per_page rows each, the last one the rest."""
    return [(start, min(start + per_page, rows)) for start in range(0, rows, per_page)]
