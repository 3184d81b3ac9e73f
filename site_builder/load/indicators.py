"""The rates journalists quote (the catalogue's derived rows, rate.*), and each rate's rank
among its peers.

A rate is computed per report from its total column, only where every input is printed and the
denominator is above 0: a figure the parser derived counts as printed only when the catalogue
defines its row as the template's own sum (catalogue.Metric.formula; the parser derives it only
when every row of the sum is printed). Inputs are whole, exact counts (件); a report whose input
is not one (or is printed as a lower bound, "300余件") gets no rate. The arithmetic is exact (integers): the fraction is rounded half-up (四舍五入,
as the reports round) to 4 decimals for data/indicators.csv, the percentage half-up to one
decimal for the pages: 1/16 is 0.0625 and 6.3%, 1/32 is 0.0313.

A rate whose report breaks a consistency rule involving one of its inputs is still computed
from the printed figures, and flagged with the rule ids.

Ranks: among the agencies of the same level in the same city (else, for an agency without a
city, the same province) that year, by value, highest first, whatever the rate (a high 不予公开率
is not called worse here); equal values share the best rank of their run (pandas' "min"); no rank
where the agency is alone in its group or its level or place is unknown.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from site_builder import catalogue
from site_builder.model import Agency, Figure, Report

if TYPE_CHECKING:
    import pandas

COLUMNS = ("agency", "agency_slug", "year", "indicator", "value", "numerator", "denominator", "flag")


class Rate(NamedTuple):
    """One rate of one report."""

    indicator: str  # its catalogue id, rate.*
    numerator: int
    denominator: int
    value: Decimal  # the fraction, 4 decimals (0.0588)
    percent: Decimal  # the percentage, one decimal (5.9)
    numerator_inputs: tuple[Figure, ...]
    denominator_inputs: tuple[Figure, ...]
    flags: tuple[str, ...] = ()  # the rules the report breaks among its inputs, sorted


class Rank(NamedTuple):
    rank: int  # 1 = the highest value of the group
    of: int  # agencies in the group
    place: str  # the group's city (or province)
    level: str


def rounded(numerator: int, denominator: int, places: int) -> Decimal:
    """numerator / denominator rounded half-up to `places` decimals, exactly (integers only)."""
    scale = 10 ** places
    # floor(n * scale / d + 1/2), the half-up rounding of a fraction >= 0
    units = (2 * numerator * scale + denominator) // (2 * denominator)
    return Decimal(units).scaleb(-places)


@lru_cache(maxsize=64)
def terms(indicator: str, era: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The metric ids of the rate's numerator and denominator in the era (a "prefix.*" term: every
    catalogue row of the prefix the era's template has), or None when the era has no such rate."""
    m = catalogue.metric(indicator)
    if era not in m.eras:
        return None
    top, bottom = m.formula.split(" / ")
    return _ids(top, era), _ids(bottom, era)


def _ids(side: str, era: str) -> tuple[str, ...]:
    out: list[str] = []
    for term in side.strip().strip("()").split(" + "):
        term = term.strip()
        if term.endswith(".*"):
            prefix = term[:-1]
            out.extend(m.id for m in catalogue.metrics()
                       if m.id.startswith(prefix) and "." not in m.id[len(prefix):] and era in m.eras)
        else:
            out.append(term)
    return tuple(out)


@lru_cache(maxsize=8)
def _specs(era: str) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """(rate id, numerator ids, denominator ids) of each rate the era has, in catalogue order."""
    return tuple((m.id, *got) for m in catalogue.rates() if (got := terms(m.id, era)) is not None)


@lru_cache(maxsize=1)
def _sums() -> frozenset[str]:
    """The rows the catalogue defines as the template's own sum of printed rows."""
    return frozenset(m.id for m in catalogue.metrics() if m.formula)


def _inputs(totals: dict[str, Figure], ids: tuple[str, ...], sums: frozenset[str]) -> tuple[tuple[Figure, ...], int] | None:
    """The printed figures of `ids` and their sum as a whole count, or None when one is not
    printed, is printed as a lower bound ("办结300余件") or is no whole count."""
    found = []
    total = 0
    for i in ids:
        f = totals.get(i)
        if f is None or f.approximate or (f.origin == "derived" and i not in sums):
            return None
        v = f.value
        n = int(v)
        if n != v:
            return None
        total += n
        found.append(f)
    return tuple(found), total


def report_rates(report: Report, totals: dict[str, Figure]) -> tuple[Rate, ...]:
    """The report's rates, in catalogue order, from its figures of the total column (`totals`:
    its printed figures by metric, as site.report_totals() indexes them)."""
    out = []
    broken = None
    sums = _sums()
    for rate_id, top_ids, bottom_ids in _specs(report.era):
        bottom = _inputs(totals, bottom_ids, sums)
        if bottom is None or bottom[1] <= 0:
            continue
        top = _inputs(totals, top_ids, sums)
        if top is None:
            continue
        (top_figures, n), (bottom_figures, d) = top, bottom
        if broken is None:
            broken = _broken(report.checks)
        flags = tuple(sorted({c.rule for c in broken if _involves(c.rule, top_ids + bottom_ids)})) if broken else ()
        out.append(Rate(rate_id, n, d, rounded(n, d, 4), rounded(n * 100, d, 1), top_figures, bottom_figures, flags))
    return tuple(out)


_EXPECTED, _PRINTED = itemgetter(2), itemgetter(3)  # CheckResult.expected, .printed


def _broken(checks: list) -> list:
    """The checks of the total column that broke. (Most reports break none: told by comparing
    the two columns of figures as lists, in C, not check by check.)"""
    if list(map(_EXPECTED, checks)) == list(map(_PRINTED, checks)):
        return []
    return [c for c in checks if c.applicant == "total" and c.expected != c.printed]


# the metrics (ids, or prefixes ending in ".") each rule adds up or compares, by its id before ":"
_RULE_METRICS = {
    "t3.balance": ("requests.new", "requests.carried_over", "outcome.total", "requests.carried_forward"),
    "t3.outcome_total": ("outcome.",),
    "stat.replies": ("outcome.",),
    "stat.closed": ("outcome.total",),
    "stat.requests": ("requests.new",),
    "stat.review": ("review.",),
    "stat.litigation": ("litigation.",),
}


@lru_cache(maxsize=1024)
def _rule_metrics(rule: str) -> tuple[str, ...]:
    kind, _, subject = rule.partition(":")
    if kind == "t3.row_total":
        return (subject,)  # the row's total against its cells
    if kind == "t4.total":
        return (subject + ".",)  # the group's total against its results
    return _RULE_METRICS.get(kind, ())


def _involves(rule: str, inputs: tuple[str, ...]) -> bool:
    """Whether the rule reads any of the inputs (or a row an input adds up: outcome.withheld's
    eight grounds)."""
    for name in _rule_metrics(rule):
        for i in inputs:
            if (name.endswith(".") and (i + ".").startswith(name)) or i == name or name.startswith(i + "."):
                return True
    return False


def rate_figures(rates: tuple[Rate, ...]) -> dict[str, Figure]:
    """Each rate as a figure of the total column (its percentage, the line of its denominator's
    first input), for the indexes a figure page reads (Site.figure_entries)."""
    return {r.indicator: Figure(r.indicator, r.percent, r.denominator_inputs[0].line, origin="rate") for r in rates}


# ---------------------------------------------------------------- peers


def peer_place(agency: Agency) -> str:
    """The place an agency is ranked in: its city, else its province ("" : not ranked)."""
    return agency.city or agency.province


def peer_key(agency: Agency, year: int) -> tuple | None:
    place = peer_place(agency)
    if not place or not agency.level:
        return None
    return year, agency.level, place


class Indicators(NamedTuple):
    """Every report's rates and ranks: `of` (agency slug, year) -> ((Rate, Rank | None), ...), and
    the rows of data/indicators.csv (`rows`, tuples of COLUMNS, in the file's order)."""

    of: dict[tuple[str, int], tuple[tuple[Rate, Rank | None], ...]]
    rows: list[tuple]

    @property
    def frame(self) -> "pandas.DataFrame":
        """The rows as a pandas DataFrame of COLUMNS (for a notebook: the build never asks)."""
        import pandas as pd

        frame = pd.DataFrame(self.rows, columns=list(COLUMNS))
        return frame.astype({"year": "int64", "numerator": "int64", "denominator": "int64"})


def compute(site, reports=None) -> Indicators:
    """The rates of `reports` (by default every report of `site`, a load.site.Site, which asks
    for them: not imported here) and their ranks among the reports given. Each report's rates
    are the Site's (Site.rates_of); the ranks are counted per group of peers in plain Python (a
    sort per group: pandas' group-bys cost ~0.5 s of import and ~0.3 s at 4,000 reports, in the
    build's parent and again in its downloads process)."""
    rows: list[tuple] = []
    rates: list[Rate] = []  # each row's
    reports_rates: list[tuple] = []  # ((agency slug, year), its rates, its first row)
    groups: dict[tuple, list[int]] = {}  # (indicator, year, level, place) -> its rows
    agency_of, rates_of = site.agency_of, site.rates_of
    for r in site.reports if reports is None else reports:
        got = rates_of(r)
        if not got:
            continue
        a = agency_of[r.path]
        reports_rates.append(((a.slug, r.year), got, len(rows)))
        peers = peer_key(a, r.year)
        if peers is not None:
            for n, rate in enumerate(got, len(rows)):
                groups.setdefault((rate.indicator, *peers), []).append(n)
        rows += [(a.name, a.slug, r.year, rate.indicator, rate.value, rate.numerator, rate.denominator,
                  " ".join(rate.flags)) for rate in got]
        rates += got
    ranks: list[Rank | None] = [None] * len(rows)  # (none where the agency is alone in its group)
    for (_, _, level, place), members in groups.items():
        if len(members) < 2:
            continue
        # ranked on the exact ratio as a float (the correctly rounded quotient of two integers,
        # so equal fractions, 1/3 and 2/6, are equal floats and share a rank): highest first,
        # equal values sharing the best rank of their run (pandas' "min")
        ranked = sorted(((rates[i].numerator / rates[i].denominator, i) for i in members), reverse=True)
        rank, last = 0, None
        for place_in_group, (ratio, i) in enumerate(ranked, 1):
            if ratio != last:
                rank, last = place_in_group, ratio
            ranks[i] = Rank(rank, len(members), place, level)
    of = {key: tuple(zip(got, ranks[start:start + len(got)])) for key, got, start in reports_rates}
    return Indicators(of, rows)


def peer_reports(site, report: Report) -> list[Report]:
    """The reports ranked with `report` (its own among them): those of its year whose agencies
    have its agency's level and place; itself alone when it has no peers."""
    agency_of = site.agency_of
    key = peer_key(agency_of[report.path], report.year)
    if key is None:
        return [report]
    groups = site.peer_groups(report.year)
    if groups is not None:
        by_year = site.reports_by_year
        return [by_year[slug][report.year] for slug in groups.get(key, ())]
    return [r for r in site.reports_in(report.year) if peer_key(agency_of[r.path], r.year) == key]


def indicators_csv(ind: Indicators) -> bytes:
    """data/indicators.csv: a row per report and rate, by agency slug, year, catalogue order."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    w.writerows(ind.rows)
    return buf.getvalue().encode("utf-8")
