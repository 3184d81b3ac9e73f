"""A figure across many agencies, summed up: what a figure's page and a year's page show once
their full tables would not fit a page (Limits), and the slices their list pages show.

Everything here works on a generic list of values, (agency slug, year, value) — a figure's
entries of the Site (Site.metric_entries) or a derived figure's (a rate) alike — and returns
numbers; the pages and templates lay them out. Nothing here writes HTML.

Quantiles are pandas' default (linear interpolation between the two nearest values, Hyndman
& Fan's type 7, R's default and Excel's QUARTILE.INC): measured at 20,000 values × 68 figures
no slower than sorting the values in Python (240 ms against 247 ms; most of both is turning the
Decimals into floats), and what a journalist loading data/records.csv in pandas gets. They are
shown rounded to QUANTILE_PLACES decimals. Sums are exact (Decimal): they are printed figures added up.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import NamedTuple

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


class Value(NamedTuple):
    """One agency's value of a figure in one year."""

    slug: str
    year: int
    value: Decimal


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


def stats_of(groups: Mapping[object, list[Decimal]]) -> dict[object, Stats]:
    """key -> Stats of its values (groups without values left out): the quantiles of every
    group in one pandas group-by, the sums added up exactly."""
    groups = {k: vs for k, vs in groups.items() if vs}
    if not groups:
        return {}
    import numpy as np  # (a summary page's only: the seeds' build never imports pandas)
    import pandas as pd

    keys = list(groups)
    sizes = [len(vs) for vs in groups.values()]
    values = np.fromiter(map(float, chain.from_iterable(groups.values())), float, sum(sizes))
    frame = pd.DataFrame({"key": np.repeat(np.arange(len(keys)), sizes), "value": values})
    q = frame.groupby("key", sort=True)["value"].quantile([0.25, 0.5, 0.75]).to_numpy().reshape(len(keys), 3)
    return {k: Stats(k, n, _decimal(q1), _decimal(q2), _decimal(q3), sum(vs, Decimal(0)))
            for k, n, vs, (q1, q2, q3) in zip(keys, sizes, groups.values(), q.tolist())}


def stats_by_year(by_year: Mapping[int, list[Decimal]], kept: dict | None = None) -> list[Stats]:
    """Stats of each year's values, by year. `kept` (a Site.kept(..., per="year") dict): the
    years already summed up, reused; the others are added to it (an edit sums one year again)."""
    kept = {} if kept is None else kept
    missing = {y: by_year[y] for y in by_year if y not in kept}
    if missing:
        kept.update(stats_of(missing))
    return [kept[y] for y in sorted(by_year) if y in kept]


def top_bottom(values: Iterable[Value], agencies: Mapping[str, Agency], n: int) -> tuple[list[Ranked], list[Ranked]]:
    """The n largest values (the largest first) and the n smallest (the smallest first); equal
    values in the order of the agencies' slugs, in both lists."""
    values = list(values)
    top = heapq.nsmallest(n, values, key=lambda v: (-v.value, v.slug))
    bottom = heapq.nsmallest(n, values, key=lambda v: (v.value, v.slug))
    return ([Ranked(agencies[v.slug], v.value) for v in top], [Ranked(agencies[v.slug], v.value) for v in bottom])


def place_level(agencies: Iterable[Agency]) -> tuple[str, str, str]:
    """Which place the per-place table groups by: provinces when the agencies are in more than
    one, else cities when in more than one, else districts. (attribute, zh, en)"""
    agencies = list(agencies)
    for attr, zh, en in (("province", "省份", "Province"), ("city", "城市", "City")):
        if len({getattr(a, attr) for a in agencies}) > 1:
            return attr, zh, en
    return "district", "区县", "District"


def by_place(values: Iterable[Value], agencies: Mapping[str, Agency], attr: str) -> list[Stats]:
    """Stats of the values by the agencies' place (`attr`: place_level()), places by name, the
    unplaced last."""
    groups: dict[str, list[Decimal]] = {}
    for v in values:
        place = getattr(agencies[v.slug], attr) or UNPLACED
        got = groups.get(place)
        if got is None:
            got = groups[place] = []
        got.append(v.value)
    return sorted(stats_of(groups).values(), key=lambda s: (s.key == UNPLACED, s.key))


_STEPS = (1, 2, 5)


def bins(values: Iterable[Decimal]) -> list[Bin]:
    """The values counted in bins that grow 1–2–5 by tens (0; 1–2; 2–5; 5–10; 10–20 ...), from
    the bin of the smallest to the bin of the largest: the figures are counts where most agencies have a few and some have
    thousands, so equal-width bins would put nearly all of them in the first. A negative value
    (none is printed) would get a bin of its own below 0."""
    values = list(values)
    if not values:
        return []
    edges = [Decimal(0), Decimal(1)]
    top = max(values)
    scale = 1
    while edges[-1] <= top:
        for s in _STEPS[1:] + (10,):
            edges.append(Decimal(s * scale))
        scale *= 10
        edges = sorted(set(edges))
    from bisect import bisect_right

    counts = [0] * len(edges)  # counts[i]: edges[i] <= v < edges[i + 1]; counts[0] above 0 only
    zero = below = 0
    for v in values:
        if v < 0:
            below += 1
        elif v == 0:
            zero += 1
        else:
            counts[bisect_right(edges, v) - 1] += 1
    out = [Bin(min(values), Decimal(0), below)] if below else []
    out.append(Bin(Decimal(0), Decimal(0), zero))
    if counts[0]:  # (fractions between 0 and 1)
        out.append(Bin(Decimal(0), Decimal(1), counts[0]))
    last = max((i for i, c in enumerate(counts) if c), default=0)
    out += [Bin(edges[i], edges[i + 1], counts[i]) for i in range(1, last + 1)]
    while len(out) > 1 and not out[0].count:  # (from the first bin with a value: empty ones between are kept)
        out.pop(0)
    return out


def pages_of(rows: int, per_page: int) -> list[tuple[int, int]]:
    """The (start, end) rows of each list page: per_page rows each, the last one the rest."""
    return [(start, min(start + per_page, rows)) for start in range(0, rows, per_page)]
