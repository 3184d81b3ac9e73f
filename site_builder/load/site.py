"""The loaded Site: its reports, their agencies, and the indexes every page and download reads.

A Site does not change once made. Its indexes (reports by agency and by year, each report's
figures of the total column, which metrics the reports give and how often, each metric's figures
across the Site) are computed the first time they are asked for, and kept with it. The dev
server's edit does not change a Site either: it makes a new one from the last plus the changed
reports (with_reports), which starts from the last one's indexes, updated for those reports only
(a province is 20,000 reports, an edit one).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from itertools import compress, groupby, islice
from operator import attrgetter, is_not, itemgetter, le
from pathlib import Path
from types import MappingProxyType
from typing import Iterator, NamedTuple

from site_builder import catalogue
from site_builder.catalogue import Metric
from site_builder.exceptions import ReportError
from site_builder.gcpause import FREEZE_OVER, gc_paused
from site_builder.load import regions as regions_mod
from site_builder.load.pinyin import Pinyin, by_initial
from site_builder.load import indicators as indicators_mod
from site_builder.model import APPLICANTS, Agency, CheckResult, Diagnostic, Figure, Record, Report

_METRIC = attrgetter("metric")
_FIRST = itemgetter(0)
_ENTRY_YEAR = itemgetter(1)  # an Entry's
_ENTRY_FIGURE = itemgetter(2)
_VALUE = attrgetter("value")
# _cold: The indexes a first build makes over every report (each report's totals and rates,
# metric_counts, figure_entries, indicators) are made with the collector paused, and frozen when
# large, as the load is (gcpause.gc_paused): hundreds of thousands of dicts, lists and tuples,
# none of them garbage, that collections set off while they grow walked again and again
# (figure_entries at 4,000 reports: 0.43 s, 0.07 s paused). The render's first pages ask for
# them (page_specs), before views.warm pauses it.
_YEAR = attrgetter("year")

# how many metrics' entries split by year a Site keeps (Site.metric_entries)
METRIC_ENTRIES_KEPT = 4

# (agency slug, year, figure): one report's figure of a metric, as the metric's index lists it
Entry = tuple[str, int, Figure]


class Groups(NamedTuple):
    """The Site's reports grouped: agencies by slug, each agency's reports by year, the years,
    each year's reports in the Site's order."""

    agencies: tuple[Agency, ...]
    by_slug: dict[str, tuple[Report, ...]]
    years: tuple[int, ...]
    by_year: dict[int, tuple[Report, ...]]


class MetricEntries(NamedTuple):
    """A metric's entries (Site.figure_entries) split by year, and how many agencies they are
    from: one pass for its page's table (the years) and its charts (yearly sums, the latest
    year's largest)."""

    by_year: dict[int, list[Entry]]
    agencies: int


class QualityCounts(NamedTuple):
    """What the /quality/ page counts of every report (views.quality_view): per year and per
    province (the agency's; "" unplaced) the reports, those with a broken check and the broken
    checks; and each agency's broken checks. Kept with the Site, and patched by with_reports for
    the reports not in both: the dev server renders the page again after each edit that breaks
    or mends a check, and a pass over a province's 20,000 reports' checks is ~0.1 s."""

    years: dict[int, tuple[int, int, int]]
    provinces: dict[str, tuple[int, int, int]]
    # agency slug -> (report, broken check) of its reports in order; only agencies with a break
    broken: dict[str, tuple[tuple[Report, CheckResult], ...]]

    @classmethod
    def of(cls, reports, agency_of) -> "QualityCounts":
        made = cls({}, {}, {})
        made._count(reports, agency_of, 1, made.broken)
        return made

    def edited(self, gone, came, old_agency_of, new_agency_of, slugs, reports_of) -> "QualityCounts":
        """The counts with the reports `gone` taken out and those that `came` put in; the broken
        checks of the agencies `slugs` (all of theirs: `reports_of` the new Site's) made again."""
        new = QualityCounts(dict(self.years), dict(self.provinces), dict(self.broken))
        new._count(gone, old_agency_of, -1)
        new._count(came, new_agency_of, 1)
        for slug in slugs:
            found = tuple((r, c) for r in reports_of(slug) for c in r.quality)
            if found:
                new.broken[slug] = found
            else:
                new.broken.pop(slug, None)
        return new

    def _count(self, reports, agency_of, sign: int, broken: dict | None = None) -> None:
        """Count the reports in (sign 1) or out (-1); `broken`: each agency's broken checks added to it."""
        years, provinces = self.years, self.provinces
        for r in reports:
            found = r.quality
            breaks = len(found)
            agency = agency_of[r.path]
            if found and broken is not None:
                broken[agency.slug] = broken.get(agency.slug, ()) + tuple((r, c) for c in found)
            for counts, key in ((years, r.year), (provinces, agency.province)):
                n, with_breaks, total = counts.get(key, (0, 0, 0))
                n += sign
                if n:
                    counts[key] = (n, with_breaks + sign * (breaks > 0), total + sign * breaks)
                else:  # (none left: the year or province is not counted)
                    counts.pop(key, None)


class YearColumn:
    """One metric's values in one year, an agency each, in the Site's order (by slug), as parallel
    lists and a numpy array of the values as floats (what a summary page ranks, bins and sums
    up), and `memo`: what the render phase derived from them (a figure's quartiles), kept while
    the column is (`slug_memo`: what it derived from the agencies alone, kept while an edit
    changes values only). A Site made by with_reports patches the last one's columns for the
    changed reports (patched()): a province's year is 20,000 values, an edit changes one or two."""

    __slots__ = ("slugs", "values", "floats", "memo", "slug_memo", "_tally", "_places", "_order")

    def __init__(self, slugs: list[str], values: list, floats=None, slug_memo: dict | None = None, tally=None,
                 places: dict | None = None):
        import numpy as np  # (a summary page's or chart's, when first asked for)

        self.slugs, self.values = slugs, values
        self.floats = np.fromiter(map(float, values), float, len(values)) if floats is None else floats
        self.memo: dict = {}
        self.slug_memo: dict = {} if slug_memo is None else slug_memo
        self._tally = tally
        self._places: dict = {} if places is None else places
        self._order = None

    def order(self):
        """The places of the values sorted (numpy), equal values in the slugs' order: one sort
        of the column that its tally, its places' tallies and its smallest values all read."""
        if self._order is None:
            import numpy as np

            # (a stable sort of the floats: the slugs are ascending, so equal values stay in their order)
            self._order = np.argsort(self.floats, kind="stable")
        return self._order

    def place_tally(self, key, places: list[str]) -> dict[str, tuple]:
        """The values grouped by place (`places`: each value's agency's place; `key`: which kind
        of place they are, "province" ...): place -> (its values as floats, sorted; their exact
        sum; how many have each exponent), made once and patched by patched() (a summary's
        table by place after an edit: one value out of its place and one in)."""
        got = self._places.get(key)
        if got is None:
            got = self._places[key] = (dict(zip(self.slugs, places)), tally_by_place(
                places, self.values, self.floats, self.order(), self.tally()[2]))
        return got[1]

    def _places_after(self, slug: str, old, new) -> dict:
        """The place tallies with the agency's value `old` (None: none) replaced by `new`; those
        that do not know the agency's place (it gave no value here) left to be made again."""
        out = {}
        for key, (of, groups) in self._places.items():
            place = of.get(slug)
            if place is None:
                continue
            ordered, total, exponents = groups.get(place) or ([], Decimal(0), Counter())
            ordered, exponents = list(ordered), Counter(exponents)
            if old is not None:
                del ordered[bisect_left(ordered, float(old))]
                total -= old
                exponents[old.as_tuple().exponent] -= 1
            if new is not None:
                insort(ordered, float(new))
                total += new
                exponents[new.as_tuple().exponent] += 1
            out[key] = (of, {**groups, place: (ordered, total, exponents)})
        return out

    def tally(self) -> tuple:
        """(the values as floats, sorted (numpy); their exact sum; how many values have each
        exponent; the values with their agencies' slugs, sorted (equal values in the slugs'
        order, as a stable sort of the column gives them)): what a summary's quartiles, sum and
        median are read from, made once and patched by patched() (summaries.column_stats)."""
        if self._tally is None:
            order = self.order()
            at = order.tolist()
            values = list(map(self.values.__getitem__, at))
            exponents = exponent_counts(self.values)
            whole = _whole(self.floats, exponents)
            # The pairs in the floats' order (one sort in numpy) when that is the Decimals' order:
            # whole counts (each its float exactly), else when every value is no larger than the
            # next (a float tells apart any two figures a report prints; two Decimals closer than
            # that are sorted as Decimals, below). Equal values stay in the slugs' order, as a
            # stable sort of the pairs by value leaves them.
            if whole or all(map(le, values, islice(values, 1, None))):
                # (the slugs listed first: zip pulling them through map() was five times slower)
                pairs = list(zip(values, list(map(self.slugs.__getitem__, at))))
            else:
                pairs = sorted(zip(self.values, self.slugs), key=_FIRST)
            total = Decimal(int(self.floats.sum())) if whole else sum(self.values, Decimal(0))
            self._tally = (self.floats[order], total, exponents, pairs)
        return self._tally

    def _tally_after(self, slug: str, old, new) -> tuple | None:
        """tally() with the agency's value `old` (None: none) replaced by `new` (None: none), when made."""
        if self._tally is None:
            return None
        import numpy as np

        ordered, total, exponents, decimals = self._tally
        exponents, decimals = Counter(exponents), list(decimals)
        if old is not None:
            ordered = np.delete(ordered, np.searchsorted(ordered, float(old)))
            total -= old
            exponents[old.as_tuple().exponent] -= 1
            del decimals[bisect_left(decimals, (old, slug))]
        if new is not None:
            ordered = np.insert(ordered, np.searchsorted(ordered, float(new)), float(new))
            total += new
            exponents[new.as_tuple().exponent] += 1
            insort(decimals, (new, slug))
        return ordered, total, exponents, decimals

    def patched(self, slug: str, old, new) -> YearColumn | None:
        """This column with the agency's value `old` (None: it gave none) now `new` (None: gives
        none); None when the column does not hold what `old` says (two reports of the agency in
        the year): the next Site makes that column again."""
        import numpy as np

        slugs = self.slugs
        at = bisect_left(slugs, slug)
        here = at < len(slugs) and slugs[at] == slug
        if (old is None) == here or at + 1 < len(slugs) and slugs[at + 1] == slug:
            return None
        values = list(self.values)
        tally, places = self._tally_after(slug, old, new), self._places_after(slug, old, new)
        if new is None:
            slugs = list(slugs)
            del slugs[at], values[at]
            return YearColumn(slugs, values, np.delete(self.floats, at), tally=tally, places=places)
        if old is None:
            slugs = list(slugs)
            slugs.insert(at, slug)
            values.insert(at, new)
            return YearColumn(slugs, values, np.insert(self.floats, at, float(new)), tally=tally, places=places)
        values[at] = new
        floats = self.floats.copy()
        floats[at] = float(new)
        return YearColumn(slugs, values, floats, self.slug_memo, tally, places)  # (the same agencies: shared)


def tally_by_place(places: list[str], values: list[Decimal], floats, order=None, exponents=None) -> dict[str, tuple]:
    """The values grouped by place (`places`: each value's agency's place): place -> (its values
    as floats, sorted; their exact sum; how many have each exponent). `floats`: the values as
    floats (a numpy array); `order`: the places of the values sorted (YearColumn.order), and
    `exponents`: exponent_counts(values), when the caller has them.

    Grouped in numpy (the values sorted by place, then by value: one stable sort of the values'
    order), not value by value in Python: a province's 20,000 values took ~18 ms."""
    import numpy as np

    if not len(places):
        return {}
    if order is None:
        order = np.argsort(floats, kind="stable")
    names = list(dict.fromkeys(places))  # (in the order they come, as the groups were made)
    index = {name: i for i, name in enumerate(names)}
    codes = np.fromiter(map(index.__getitem__, places), np.intp, len(places))
    grouped = order[np.argsort(codes[order], kind="stable")]  # by place, each place's by value
    ends = np.cumsum(np.bincount(codes, minlength=len(names))).tolist()
    starts = [0, *ends[:-1]]
    in_order = floats[grouped]
    ordered = in_order.tolist()
    if exponents is not None and _whole(floats, exponents):
        # whole counts: each place's sum added up in numpy, exactly (and each place's values have
        # the one exponent, as many as they are)
        sums = [Decimal(int(total)) for total in np.add.reduceat(in_order, starts).tolist()]
        return {name: (ordered[start:end], total, Counter({0: end - start}))
                for name, start, end, total in zip(names, starts, ends, sums)}
    given = list(map(values.__getitem__, grouped.tolist()))
    # (each place's sum exact, in whatever order: a Decimal sum of printed figures never rounds)
    return {name: (ordered[start:end], sum(given[start:end], Decimal(0)), exponent_counts(given[start:end]))
            for name, start, end in zip(names, starts, ends)}


def _whole(floats, exponents: Counter) -> bool:
    """Whether values (as `floats`, a numpy array; their exponent_counts()) are whole numbers
    written without a decimal point (exponent 0: counts, as reports print them) so small that any
    sum of them is a float exactly (below 2**53): then numpy adds them up, in C, to their exact
    Decimal sum (a Decimal sum of a province's 20,000 values, ~1 ms, and their listing by place,
    ~4 ms, were most of a summary's table by place)."""
    return (set(exponents) == {0}
            and (not len(floats) or float(abs(floats).max()) * len(floats) < 2 ** 53))


def exponent_counts(values) -> Counter:
    """How many of the Decimals have each exponent (what decides how their sum is written:
    summaries.written_sum). Counted by their text, then once per distinct text: a column has few
    of them, and Decimal.as_tuple() makes a named tuple in Python (~2 µs: 20,000 values of a
    province's column took 40 ms). A column whose values all have the first one's exponent (whole
    counts, mostly) is told so by comparing exponents in C (same_quantum), not by their texts."""
    if values and all(map(values[0].same_quantum, values)):
        return Counter({values[0].as_tuple().exponent: len(values)})
    out: Counter = Counter()
    for text, n in Counter(map(str, values)).items():
        out[Decimal(text).as_tuple().exponent] += n
    return out


def _same_value(a: Figure | None, b: Figure | None) -> bool:
    # (Decimal("1.0") == Decimal("1"), but they print differently)
    return a is b or a is not None and b is not None and a.value == b.value and str(a.value) == str(b.value)


class Edit:
    """What with_reports changed: the (agency slug, year) of every report edited, added or
    removed, and their agencies and years."""

    __slots__ = ("reports", "slugs", "years", "same_members")

    def __init__(self, reports: frozenset[tuple[str, int]], same_members: bool = False):
        self.reports = reports
        self.slugs = frozenset(slug for slug, _ in reports)
        self.years = frozenset(year for _, year in reports)
        # every report edited in place (none added or removed): each year has the same agencies
        self.same_members = same_members


def report_totals(report: Report) -> dict[str, Figure]:
    """metric -> the report's figure of the total column (the first, as Report.figure() returns),
    and its rates (rate.*: their percentage, load/indicators.py), so that every index of figures
    (a figure's page, its charts) has them as it has a printed figure."""
    return totals_and_rates(report)[0]


def totals_and_rates(report: Report) -> tuple[dict[str, Figure], tuple[indicators_mod.Rate, ...]]:
    """(report_totals(report), the report's rates)."""
    index: dict[str, Figure] = {}
    for f in report.figures:
        if f.applicant == "total" and f.metric not in index:
            index[f.metric] = f
    rates = indicators_mod.report_rates(report, index)
    if rates:
        index.update(indicators_mod.rate_figures(rates))
    return index, rates


def metrics_of(report: Report) -> frozenset[str]:
    """The metrics the report gives a figure of (any column), and its rates."""
    return printed_metrics_of(report).union([r.indicator for r in totals_and_rates(report)[1]])


def printed_metrics_of(report: Report) -> frozenset[str]:
    return frozenset(map(_METRIC, report.figures))


def not_in_both(old: list[Report], new: list[Report]) -> tuple[list[Report], list[Report]]:
    """The reports of `old` that are not (the very object) in `new`, and those of `new` not in
    `old`, each in its list's order. Lists of one length (an edit of reports: each at its place)
    are compared place by place in C, and only the places that differ are looked at: a report
    of one list that is in the other, at another place, is at a place that differs there too."""
    if len(old) == len(new):
        places = list(compress(range(len(old)), map(is_not, old, new)))
        old, new = [old[i] for i in places], [new[i] for i in places]
    old_ids, new_ids = set(map(id, old)), set(map(id, new))
    return [r for r in old if id(r) not in new_ids], [r for r in new if id(r) not in old_ids]


@dataclass(frozen=True, eq=False)
class Site:
    content_dir: Path
    reports: list[Report]  # accepted reports, sorted by agency slug then year
    agency_of: dict[str, Agency]  # report path -> agency
    errors: list[ReportError] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)

    # content hash of every report file read (cite path -> hash), for incremental rebuilds
    hashes: dict[str, str] = field(default_factory=dict)
    # what the next build in this process may reuse (see load.load_reports)
    known: dict = field(default_factory=dict, repr=False)
    files: list = field(default_factory=list, repr=False)  # the report files read, in order
    scanned: object = field(default=None, repr=False)  # the build manifest's scan they were read from
    # the reports whose own text (load.places.preamble) was read to place them: an edit of that
    # text may move them, any other edit cannot
    placed_by_text: frozenset = field(default=frozenset(), repr=False)
    # the pinyin of the names the region pages and the agency index read (remembered): the
    # AgencyBook's, which made the agencies' slugs
    pinyin: Pinyin = field(default_factory=Pinyin, repr=False)

    # ------------------------------------------------------------ reports grouped

    @cached_property
    def groups(self) -> Groups:
        # Pages ask for agencies and reports_of() once per agency: indexed once, not per call
        # (a scan per call is quadratic in the number of reports).
        seen: dict[str, Agency] = {}
        by_slug: dict[str, list[Report]] = {}
        by_year: dict[int, list[Report]] = {}
        agency_of = self.agency_of
        for r in self.reports:
            a = agency_of[r.path]
            seen.setdefault(a.slug, a)
            by_slug.setdefault(a.slug, []).append(r)
            by_year.setdefault(r.year, []).append(r)
        return Groups(tuple(sorted(seen.values(), key=lambda a: a.slug)),
                      {slug: tuple(rs) for slug, rs in by_slug.items()}, tuple(sorted(by_year)),
                      {year: tuple(rs) for year, rs in by_year.items()})

    @property
    def agencies(self) -> tuple[Agency, ...]:
        return self.groups.agencies

    def reports_of(self, slug: str) -> list[Report]:
        """The agency's reports, by year."""
        return list(self.groups.by_slug.get(slug, ()))

    @property
    def years(self) -> tuple[int, ...]:
        return self.groups.years

    def reports_in(self, year: int) -> list[Report]:
        """The year's reports, in the Site's order (by agency): a year page's rows."""
        return list(self.groups.by_year.get(year, ()))

    # ------------------------------------------------------------ places

    @cached_property
    def regions(self) -> regions_mod.RegionTree:
        """Provinces, cities and districts, each with the agencies placed there (load/regions.py)."""
        return regions_mod.build(self.agencies, self.pinyin)

    @cached_property
    def initials(self) -> dict[str, list[Agency]]:
        """Initial letter of the pinyin -> its agencies in pinyin order (/agencies/initial/<letter>/)."""
        return by_initial(self.agencies, self.pinyin)

    @cached_property
    def name_counts(self) -> Counter:
        """How many agencies bear each name (a chart tells homonyms apart by their place); kept
        by the next Site while its agencies are these."""
        return Counter(a.name for a in self.agencies)

    # ------------------------------------------------------------ figures

    @cached_property
    def _totals(self) -> dict[str, tuple[Report, dict[str, Figure], tuple]]:
        # report path -> (the report, *totals_and_rates()), filled as reports are asked for.
        # Totals only: at 20,000 reports an index of every column would hold millions of entries.
        return {}

    def _entry(self, report: Report) -> tuple:
        entry = self._totals.get(report.path)
        if entry is None or entry[0] is not report:
            entry = self._totals[report.path] = (report, *totals_and_rates(report))
        return entry

    def totals_of(self, report: Report) -> dict[str, Figure]:
        """metric -> the report's figure of the total column, and its rates (what every page but
        the report's own compares): Report.figure() scans the figure list, and pages ask tens of
        thousands of times. Kept for each report of the Site (checked to be the very report
        asked for)."""
        return self._entry(report)[1]

    def rates_of(self, report: Report) -> tuple[indicators_mod.Rate, ...]:
        """The report's rates (load/indicators.py), kept with its totals."""
        return self._entry(report)[2]

    def _metrics_of(self, report: Report) -> frozenset[str]:
        """metrics_of(report), its rates read from the Site's index."""
        printed = printed_metrics_of(report)
        rates = self._entry(report)[2]
        return printed.union([r.indicator for r in rates]) if rates else printed

    @cached_property
    def metric_counts(self) -> Mapping[str, int]:
        """Metric id -> how many reports give it (any column), for the metrics some report gives:
        the metric pages that exist, the search documents, and what an edit changes of them."""
        counts: Counter = Counter()
        by_names: Counter = Counter()  # reports of one template give the same metrics: counted once
        with gc_paused(freeze_over=FREEZE_OVER):  # (every report's totals and rates made: see _cold)
            for r in self.reports:
                by_names[self._metrics_of(r)] += 1
        for names, n in by_names.items():
            for name in names:
                counts[name] += n
        return MappingProxyType(dict(counts))

    @cached_property
    def metrics_with_data(self) -> tuple[Metric, ...]:
        """The metrics any report gives (any column), and the rates any report has, in catalogue order."""
        counts = self.metric_counts
        return tuple(m for m in catalogue.by_id().values() if m.id in counts)  # (rates last)

    @cached_property
    def figure_entries(self) -> Mapping[str, list[Entry]]:
        """Metric id -> (agency slug, year, figure) of every report that gives it in the total
        column, in the Site's order: one pass over every figure for all metric pages and charts
        together, so each page costs what it shows, not a scan of every report."""
        having: dict[str, list[Entry]] = {}
        agency_of, totals_of = self.agency_of, self.totals_of
        with gc_paused(freeze_over=FREEZE_OVER):  # (see _cold)
            for r in self.reports:
                slug, year = agency_of[r.path].slug, r.year
                for metric, f in totals_of(r).items():
                    got = having.get(metric)
                    if got is None:
                        got = having[metric] = []
                    got.append((slug, year, f))
        return FigureEntries(having, {})

    @cached_property
    def reports_by_year(self) -> Mapping[str, dict[int, Report]]:
        """Agency slug -> its reports by year."""
        return {slug: {r.year: r for r in rs} for slug, rs in self.groups.by_slug.items()}

    @cached_property
    def _metric_entries(self) -> dict[str, MetricEntries]:
        # the last few metrics' only (METRIC_ENTRIES_KEPT): a province's metrics hold millions of
        # entries; an edit renders the pages of the few it touches, each asking several times
        return {}

    def metric_entries(self, metric_id: str) -> MetricEntries:
        """figure_entries[metric_id] split by year (a metric's page asks three times). Kept for
        the last METRIC_ENTRIES_KEPT metrics asked for, and patched by the next Site: an edit of
        a report's figure and its rate renders two metrics' pages, which with only the last one
        kept made both again after each edit (a pass over 20,000 entries each at a province's size)."""
        got = self._metric_entries.get(metric_id)
        if got is None:
            while len(self._metric_entries) >= METRIC_ENTRIES_KEPT:
                del self._metric_entries[next(iter(self._metric_entries))]  # (the first asked for)
            entries = self.figure_entries.get(metric_id, ())
            # (the years in the order they first come; each year's run split off in C, by a stable
            # sort on the year: an entry at a time in Python was ~4 ms at 20,000 reports)
            by_year: dict[int, list[Entry]] = dict.fromkeys(map(_ENTRY_YEAR, entries))
            if len(by_year) == 1:
                by_year[next(iter(by_year))] = list(entries)
            else:
                for year, run in groupby(sorted(entries, key=_ENTRY_YEAR), _ENTRY_YEAR):
                    by_year[year] = list(run)
            got = self._metric_entries[metric_id] = MetricEntries(by_year, len(set(map(_FIRST, entries))))
        return got

    @cached_property
    def _columns(self) -> dict[tuple[str, int], YearColumn]:
        return {}

    def column(self, metric_id: str, year: int) -> YearColumn:
        """The metric's values of one year with their agencies' slugs (figure_entries, as a
        column). Made for every year of the metric at once (one pass over its entries), kept, and
        patched by the next Site for the reports an edit changed."""
        got = self._columns.get((metric_id, year))
        if got is None:
            for y, es in self.metric_entries(metric_id).by_year.items():
                if (metric_id, y) not in self._columns:
                    self._columns[metric_id, y] = YearColumn(list(map(_FIRST, es)), list(map(_VALUE, map(_ENTRY_FIGURE, es))))
            got = self._columns.setdefault((metric_id, year), YearColumn([], []))
        return got

    @cached_property
    def indicators(self) -> indicators_mod.Indicators:
        """Every report's rates (catalogue.rates()) and their ranks among the agency's peers
        (load/indicators.py), in one pass: data/indicators.csv reads it, and the
        report pages of a Site not made by an edit (ranked_rates)."""
        with gc_paused(freeze_over=FREEZE_OVER):  # (see _cold)
            return indicators_mod.compute(self)

    @cached_property
    def quality_counts(self) -> QualityCounts:
        """The reports' broken checks counted for the /quality/ page (QualityCounts)."""
        return QualityCounts.of(self.reports, self.agency_of)

    @cached_property
    def _peers(self) -> dict[int, dict | None]:
        return {}

    def peer_groups(self, year: int) -> dict[tuple, list[str]] | None:
        """The year's peer groups (indicators.peer_key -> its agencies' slugs, in the Site's
        order), or None when an agency has two reports that year (then its reports are told
        apart by scanning). Made once per year and kept by the next Site while no report comes or
        goes (a peer key depends on the agency and the year alone): a province's year is 20,000
        reports, and each edit asks for its report's peers three times."""
        got = self._peers.get(year, False)
        if got is False:
            got, seen, agency_of = {}, set(), self.agency_of
            for r in self.reports_in(year):
                a = agency_of[r.path]
                if a.slug in seen:
                    got = None
                    break
                seen.add(a.slug)
                key = indicators_mod.peer_key(a, year)
                if key is not None:
                    got.setdefault(key, []).append(a.slug)
            self._peers[year] = got
        return got

    @cached_property
    def _ranked(self) -> dict[tuple[str, int], tuple]:
        return {}  # (slug, year) -> its rates ranked, for the peer groups ranked alone

    def ranked_rates(self, report: Report) -> tuple[tuple[indicators_mod.Rate, indicators_mod.Rank | None], ...]:
        """The report's rates, each with its rank among its peers (or None). A Site made by
        with_reports keeps the last one's ranks of the peer groups no changed report is in, and
        ranks each of the others alone when a page asks (a province's 20,000 reports are ranked
        in ~0.5 s; an edit's group of peers in milliseconds, most of it pandas' own). An edited
        report whose rates keep their numerators and denominators (an edit of another figure)
        changes no rank: its group is not ranked again."""
        agency = self.agency_of[report.path]
        key = (agency.slug, report.year)
        inherited = self.__dict__.get("_rates_inherited")
        if inherited is None or "indicators" in self.__dict__:
            return self.indicators.of.get(key, ())
        of, stale_groups, stale_reports, rerated = inherited
        if key not in stale_reports and indicators_mod.peer_key(agency, report.year) not in stale_groups:
            got = rerated.get(key)
            return got if got is not None else of.get(key, ())
        got = self._ranked.get(key)
        if got is None:
            group = indicators_mod.peer_reports(self, report)
            self._ranked.update(indicators_mod.compute(self, group).of)
            got = self._ranked.setdefault(key, ())  # (a report without rates)
        return got

    # ------------------------------------------------------------ values derived elsewhere, kept

    @cached_property
    def _kept(self) -> dict[tuple, dict]:
        return {}

    @cached_property
    def _inherited(self) -> dict[tuple, tuple[dict, frozenset]]:
        # key -> (the earlier Site's dict, the agencies or years whose entries it must drop)
        return {}

    def kept(self, key: tuple, per: str) -> dict:
        """A dict that users of this Site fill with values derived from it and read back (a
        comparing page's rows, a chart's yearly sums, an agency's search facts): keyed by agency
        slug (per="agency") or by year (per="year"), each entry made from that agency's or
        year's reports alone; or by year from which agencies report that year, not what they
        report (per="members": a year page's places). Empty at first; in a Site made by
        with_reports, the entries of the earlier Site's dict whose agency or year has no changed
        report (per="members": whose year no report came to or left)."""
        key = (per, *key)
        got = self._kept.get(key)
        if got is None:
            inherited = self._inherited.pop(key, None)
            got = self._kept[key] = {} if inherited is None else dict(inherited[0])
            for k in inherited[1] if inherited is not None else ():
                got.pop(k, None)
        return got

    def patched(self, key: tuple, make, patch):
        """A value users of this Site derive from every agency (make()), kept: in a Site made by
        with_reports, patch(the earlier Site's value, the slugs of the agencies with a report
        changed since) makes it from the earlier one's, which it must leave as it is (a figure
        over a province's 20,000 agencies is made once, then patched for an edit's one)."""
        key = ("patched", *key)
        got = self._kept.get(key)
        if got is None:
            inherited = self._inherited.pop(key, None)
            got = self._kept[key] = make() if inherited is None else patch(*inherited)
        return got

    # ------------------------------------------------------------ records

    def records(self) -> list[Record]:
        """Every row of data/records.csv, as a list. Millions of rows for a province: a caller
        that reads the rows once, in order, should use iter_records(), which keeps none of them."""
        return records_of(self.reports, self.agency_of)

    def iter_records(self) -> Iterator[Record]:
        """The rows of records(), in the same order, made one report at a time and not kept."""
        return iter_records(self.reports, self.agency_of)

    @property
    def all_warnings(self) -> list[Diagnostic]:
        out = list(self.warnings)
        for r in self.reports:
            out.extend(r.warnings)
        return out

    # ------------------------------------------------------------ the next Site

    def with_reports(self, reports: list[Report], **fields) -> Site:
        """This Site with `reports` (in the Site's order: by agency slug, then year) and the other
        `fields` given (agency_of, errors, known ...). Every report not edited is the very
        object it is here (the load phase's promise), so the indexes this Site computed are
        carried over, updated for the reports not in both; when an agency of a report here is
        another now, none is (the new Site computes its own)."""
        new = replace(self, reports=reports, **fields)
        if reports is self.reports and new.agency_of is self.agency_of:
            # the very same reports: every index is this Site's (shared, kept dicts and all)
            new.__dict__.update({k: v for k, v in self.__dict__.items() if k in _SHARED})
            return new
        agency_of = new.agency_of
        if "pinyin" in self.__dict__:
            new.__dict__["pinyin"] = self.pinyin  # (a name's pinyin never changes)
        if agency_of is not self.agency_of:
            get = agency_of.get
            # (most paths map to the very same Agency object: compared by value only where not)
            for path, a in self.agency_of.items():
                now = get(path)
                if now is not a and now is not None and now != a:
                    return new
        gone, came = not_in_both(self.reports, reports)
        old_by = {(self.agency_of[r.path].slug, r.year): r for r in gone}
        new_by = {(agency_of[r.path].slug, r.year): r for r in came}
        edit = Edit(frozenset(old_by.keys() | new_by.keys()), same_members=old_by.keys() == new_by.keys())
        carried = new.__dict__
        if "groups" in self.__dict__:
            carried["groups"] = self._groups_after(edit, old_by, new_by, agency_of)
        totals = dict(self._totals)
        for r in gone:
            totals.pop(r.path, None)
        carried["_totals"] = totals
        if "metric_counts" in self.__dict__:
            counts = Counter(self.metric_counts)
            for r in gone:
                counts.subtract(self._metrics_of(r))
            for r in came:
                counts.update(new._metrics_of(r))
            carried["metric_counts"] = MappingProxyType(dict(+counts))  # (+: drops the metrics no report gives)
        if "figure_entries" in self.__dict__:
            edits: dict[str, dict[tuple[str, int], Figure | None]] = {}
            for key in edit.reports:
                before, after = old_by.get(key), new_by.get(key)
                was = self.totals_of(before) if before is not None else {}
                now = new.totals_of(after) if after is not None else {}
                for metric in was.keys() | now.keys():
                    edits.setdefault(metric, {})[key] = now.get(metric)
            carried["figure_entries"] = self.figure_entries.edited(edits)
            if "_metric_entries" in self.__dict__:
                carried["_metric_entries"] = {m: _entries_after(got, edits.get(m)) for m, got in self._metric_entries.items()}
        if "_peers" in self.__dict__ and old_by.keys() == new_by.keys():
            carried["_peers"] = dict(self._peers)  # (the same reports' agencies and years)
        if "_columns" in self.__dict__:
            carried["_columns"] = self._columns_after(edit, old_by, new_by, new)
        if "reports_by_year" in self.__dict__ and "groups" in carried:
            by_year = dict(self.reports_by_year)
            by_slug = carried["groups"].by_slug
            for slug in edit.slugs:
                if slug in by_slug:
                    by_year[slug] = {r.year: r for r in by_slug[slug]}
                else:
                    by_year.pop(slug, None)
            carried["reports_by_year"] = by_year
        if "quality_counts" in self.__dict__:
            carried["quality_counts"] = self.quality_counts.edited(gone, came, self.agency_of, agency_of, edit.slugs,
                                                                   new.reports_of)
        if "regions" in self.__dict__ and "groups" in carried and carried["groups"].agencies is self.agencies:
            carried["regions"] = self.regions  # (the tree depends on the agencies alone)
        if "initials" in self.__dict__ and "groups" in carried and carried["groups"].agencies is self.agencies:
            carried["initials"] = self.initials
        if "name_counts" in self.__dict__ and "groups" in carried and carried["groups"].agencies is self.agencies:
            carried["name_counts"] = self.name_counts
        carried["_inherited"] = self._handed_on(edit)
        if "indicators" in self.__dict__ or "_rates_inherited" in self.__dict__:
            # the ranks of every peer group but the changed reports' (before and after)
            of, groups, stale, rerated = (self.indicators.of, frozenset(), frozenset(), {}) \
                if "indicators" in self.__dict__ else self.__dict__["_rates_inherited"]
            rerated, changed = dict(rerated), set()
            for key in edit.reports:
                before, after = old_by.get(key), new_by.get(key)
                if before is not None and after is not None and _ratios(self, before) == _ratios(new, after):
                    # (the same agency and year: the same peers) its rates' ratios as they were: every
                    # rank of its group stands, and its own are the edited report's rates with them
                    rerated[key] = tuple((rate, rank) for rate, (_, rank)
                                         in zip(new.rates_of(after), self.ranked_rates(before)))
                    continue
                changed.add(key)
                for site, r in ((self, before), (new, after)):
                    if r is not None:
                        groups |= {indicators_mod.peer_key(site.agency_of[r.path], r.year)}
            carried["_rates_inherited"] = (of, groups - {None}, stale | changed, rerated)
        return new

    def _columns_after(self, edit: Edit, old_by: dict, new_by: dict, new: Site) -> dict[tuple[str, int], YearColumn]:
        """The columns with the changed reports' values patched in (a column none of them
        changes is this Site's very object, its memo and all)."""
        columns = dict(self._columns)
        for key in sorted(edit.reports):
            slug, year = key
            before, after = old_by.get(key), new_by.get(key)
            was = self.totals_of(before) if before is not None else {}
            now = new.totals_of(after) if after is not None else {}
            for metric in was.keys() | now.keys():
                old, got = was.get(metric), now.get(metric)
                col = columns.get((metric, year))
                if col is None or _same_value(old, got):
                    continue
                col = col.patched(slug, None if old is None else old.value, None if got is None else got.value)
                if col is None:
                    del columns[metric, year]
                else:
                    columns[metric, year] = col
        return columns

    def _groups_after(self, edit: Edit, old_by: dict, new_by: dict, agency_of: dict) -> Groups:
        """groups of the Site with the reports old_by replaced by those of new_by: only the
        changed agencies' and years' runs made again."""
        old = self.groups
        gone = {id(r) for r in old_by.values()}
        by_slug, by_year = dict(old.by_slug), dict(old.by_year)
        for slug in edit.slugs:
            rs = [r for r in by_slug.get(slug, ()) if id(r) not in gone]
            rs += [r for (s, _), r in new_by.items() if s == slug]
            if rs:
                by_slug[slug] = tuple(sorted(rs, key=_YEAR))
            else:
                del by_slug[slug]
        for year in edit.years:
            if edit.same_members:
                # each report edited in place: put where the one it replaces is (found by bisection,
                # not a sort of the year's 20,000 reports at a province's size)
                rs = list(by_year[year])
                # (the report replaced is of the last Site, which may have another path for it)
                get, was = agency_of.get, self.agency_of
                for (slug, y), r in new_by.items():
                    at = bisect_left(rs, slug, key=lambda r: (get(r.path) or was[r.path]).slug) if y == year else None
                    if at is not None:
                        if at == len(rs) or rs[at] is not old_by[slug, y]:
                            break  # (two reports of the agency that year: sorted below)
                        rs[at] = r
                else:
                    by_year[year] = tuple(rs)
                    continue
            rs = [r for r in by_year.get(year, ()) if id(r) not in gone]
            rs += [r for (_, y), r in new_by.items() if y == year]
            if rs:
                by_year[year] = tuple(sorted(rs, key=lambda r: agency_of[r.path].slug))
            else:
                del by_year[year]
        agencies = old.agencies
        if by_slug.keys() != old.by_slug.keys():
            found = {a.slug: a for a in agencies}
            for (slug, _), r in new_by.items():
                found.setdefault(slug, agency_of[r.path])
            agencies = tuple(sorted((found[s] for s in by_slug), key=lambda a: a.slug))
        years = old.years if by_year.keys() == old.by_year.keys() else tuple(sorted(by_year))
        return Groups(agencies, by_slug, years, by_year)

    def _handed_on(self, edit: Edit) -> dict[tuple, tuple[dict, frozenset]]:
        """The kept() dicts, as the next Site inherits them: each with what it must drop (its
        entries of the changed agencies or years; not copied until that Site asks for it)."""
        out = {}
        for key, (base, dropped) in self._inherited.items():
            out[key] = (base, dropped | _dropped(key, edit))
        for key, got in self._kept.items():
            out[key] = (got, _dropped(key, edit))
        return out


# what a Site with the very same reports shares with the one it was made from
_SHARED = ("groups", "quality_counts", "pinyin", "regions", "initials", "name_counts", "_totals", "metric_counts", "metrics_with_data", "figure_entries",
           "reports_by_year", "_metric_entries", "_columns", "_peers", "_kept", "_inherited", "indicators", "_ranked", "_rates_inherited")


def _ratios(site: Site, report: Report) -> tuple:
    """What the report's ranks among its peers are made of: each rate's numerator and denominator."""
    return tuple((r.indicator, r.numerator, r.denominator) for r in site.rates_of(report))


def _dropped(key: tuple, edit: Edit) -> frozenset:
    if key[0] == "members":
        return frozenset() if edit.same_members else edit.years
    return edit.years if key[0] == "year" else edit.slugs


class FigureEntries(Mapping):
    """Site.figure_entries: metric id -> its entries (agency slug, year, figure), sorted by
    slug and year. A Site made by with_reports holds the last one's lists and the changed
    reports' figures (`edits`: metric -> (slug, year) -> its figure now, or None), and makes a
    metric's list anew only when asked for it: an edit touches every metric its report gives,
    a province's metric lists are 20,000 entries long, and an edit renders a few of them."""

    def __init__(self, base: dict[str, list[Entry]], edits: dict[str, dict[tuple[str, int], Figure | None]]):
        self._base = base
        self._edits = edits
        self._made: dict[str, list[Entry]] = {}

    def __getitem__(self, metric: str) -> list[Entry]:
        got = self._made.get(metric)
        if got is None:
            edits = self._edits.get(metric)
            if edits is None:
                return self._base[metric]
            got = self._made[metric] = _replaced(self._base.get(metric, ()), edits)
        if not got:
            raise KeyError(metric)
        return got

    def __iter__(self) -> Iterator[str]:
        for metric in [*self._base, *(m for m in self._edits if m not in self._base)]:
            if metric in self:
                yield metric

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, metric) -> bool:
        try:
            self[metric]
        except KeyError:
            return False
        return True

    def edited(self, edits: dict[str, dict[tuple[str, int], Figure | None]]) -> FigureEntries:
        """The entries after `edits` (the next Site's): this one's lists made so far become the
        base, the edits not applied yet carried with the new ones."""
        pending = {m: e for m, e in self._edits.items() if m not in self._made}
        for metric, more in edits.items():
            pending[metric] = {**pending.get(metric, {}), **more}
        return FigureEntries({**self._base, **self._made}, pending)


def _replaced(entries, edits: dict[tuple[str, int], Figure | None]) -> list[Entry]:
    """A copy of `entries` (sorted by slug and year) with each (slug, year) of `edits` set to its
    figure there, or dropped for None."""
    out = list(entries)
    for key in sorted(edits):
        f = edits[key]
        at = bisect_left(out, key, key=_SLUG_YEAR)
        if at < len(out) and _SLUG_YEAR(out[at]) == key:
            del out[at]
        if f is not None:
            out.insert(at, (key[0], key[1], f))
    return out


def _entries_after(got: MetricEntries, edits: dict[tuple[str, int], Figure | None] | None) -> MetricEntries:
    """A metric's entries by year with each (slug, year) of `edits` set to its figure there, or
    dropped for None (what Site.metric_entries makes of the entries edited, without a pass over
    a province's 20,000 of them)."""
    if not edits:
        return got
    by_year, agencies = dict(got.by_year), got.agencies
    for (slug, year), f in sorted(edits.items()):
        had = _gives(by_year, slug)
        run = list(by_year.get(year, ()))
        at = bisect_left(run, slug, key=itemgetter(0))
        if at < len(run) and run[at][0] == slug:
            del run[at]
        if f is not None:
            run.insert(at, (slug, year, f))
        if run:
            by_year[year] = run
        else:
            by_year.pop(year, None)
        agencies += _gives(by_year, slug) - had
    return MetricEntries(by_year, agencies)


def _gives(by_year: dict[int, list[Entry]], slug: str) -> bool:
    """Whether the agency has an entry in some year."""
    for run in by_year.values():
        at = bisect_left(run, slug, key=itemgetter(0))
        if at < len(run) and run[at][0] == slug:
            return True
    return False


def _SLUG_YEAR(e: Entry) -> tuple[str, int]:
    return e[0], e[1]


def records_of(reports: list[Report], agency_of: dict[str, Agency]) -> list[Record]:
    """Rows of data/records.csv, sorted by agency_slug, year, metric (catalogue order), applicant."""
    with gc_paused():
        return list(iter_records(reports, agency_of))


def iter_records(reports: list[Report], agency_of: dict[str, Agency]) -> Iterator[Record]:
    """The rows of records_of(), in its order, made as they are read.

    Sorted report by report (reports of one agency and year together), not as one list of
    millions of rows: the same order a global stable sort gives, at a fraction of its cost.
    """
    # (metric, applicant) -> its place: metric in catalogue order, then applicant column. One
    # int per figure sorts as the (rank, column) pair did, and is one dict lookup to get.
    width = len(APPLICANTS)
    place = {(m.id, a): i * width + k for i, m in enumerate(catalogue.metrics()) for k, a in enumerate(APPLICANTS)}
    new = tuple.__new__  # a Record from its fields without the named tuple's Python __new__
    ordered = sorted(reports, key=lambda r: (agency_of[r.path].slug, r.year))
    for _key, group in groupby(ordered, key=lambda r: (agency_of[r.path].slug, r.year)):
        figures = [(r, f) for r in group for f in r.figures]
        figures.sort(key=lambda rf: place[rf[1].metric, rf[1].applicant])
        # one source string per report line: a table row's seven figures share theirs
        sources: dict[tuple[str, int], str] = {}
        for r, f in figures:
            agency = agency_of[r.path]
            source = sources.get((r.path, f.line))
            if source is None:
                source = sources[r.path, f.line] = r.source(f.line)
            yield new(Record, (agency.name, agency.slug, r.year, f.metric, f.applicant, f.value, f.approximate,
                               source, f.recovered))
