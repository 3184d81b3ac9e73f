"""What an edit of reports changes in the site: the previous build's Site against this one's.

The dev server keeps the previous Site in memory, and the load phase hands back the very same
Report object for every report file that did not change. So a report that is not the same
object as before (or is new, or gone) is exactly what changed, and each page can be asked
whether it shows any of it (render.affected). Anything beyond reports (a template, agencies.toml,
a prose page, the code, the options) is not described here: the build renders in full then.

Tests in tests/test_incremental.py hold this to the rule that matters: an incremental render
gives, byte for byte, the site a clean build gives.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from operator import attrgetter

from site_builder.model import Report
from site_builder.load import regions
from site_builder.load.indicators import peer_reports, rate_figures
from site_builder.load.site import Site, metrics_of, not_in_both, report_totals, totals_and_rates


_SLUG = attrgetter("slug")


def _metrics(report: Report | None) -> frozenset[str]:
    return metrics_of(report) if report is not None else frozenset()


def _edited_metrics(before: Report, after: Report) -> set[str]:
    """Metrics whose figures (any column, value, line, note ...) differ between two versions of
    one report: the metric pages that show them. A line inserted above moves every figure's
    line, and so touches every metric below it."""
    def by_metric(r: Report) -> dict[str, list]:
        out: dict[str, list] = {}
        for f in r.figures:
            out.setdefault(f.metric, []).append(f)
        return out

    a, b = by_metric(before), by_metric(after)
    return {m for m in a.keys() | b.keys() if a.get(m) != b.get(m)}


@dataclass
class Changes:
    reports: set[tuple[str, int]] = field(default_factory=set)  # (slug, year) edited, added or removed
    agencies: set[str] = field(default_factory=set)  # slugs of those reports
    reordered: set[str] = field(default_factory=set)  # slugs whose set of years changed (prev/next links)
    years: set[int] = field(default_factory=set)
    metrics: set[str] = field(default_factory=set)  # metric pages that may show any of it
    # metrics a report began or ceased to give in the total column: their lists gained or lost a
    # row (every later row of a figure's list pages moves; a year's columns may come or go)
    moved: set[str] = field(default_factory=set)
    added_or_removed: bool = False  # the set of reports changed: list pages, sitemap
    # the latest report of an agency the home page lists (its first HOME_ROWS) changed: its headlines
    latest: bool = False
    errors: bool = False  # the reports that could not be read changed: the home page lists them
    feed: bool = False  # something feed.xml says about a report changed
    with_data: bool = False  # the set of metrics with data changed: metric pages come or go
    # region pages (by path) showing a changed agency's latest report, or counting its reports
    regions: set[tuple[str, ...]] = field(default_factory=set)
    initials: set[str] = field(default_factory=set)  # initial letters whose pages list an agency's years that changed
    # (slug, year) of the reports whose rates' ranks may move: the peers (load/indicators.py) of
    # an edited report whose rates changed, its own page aside
    ranked: set[tuple[str, int]] = field(default_factory=set)
    quality: bool = False  # some report's broken checks changed: the /quality/ page

    @property
    def nothing(self) -> bool:
        return not self.reports and not self.errors


def diff(old: Site, new: Site) -> Changes | None:
    """The changes from `old` to `new`, or None when they are more than edited, added and removed
    reports (a report now belongs to another agency, or an agency's details differ): render all.
    (Each Site's metric_counts: `new`'s carried from `old`'s when the load made it by
    with_reports.)"""
    old_agency = old.agency_of
    get = old_agency.get
    # (most paths map to the very same Agency object: compared by value only where not; the
    # load phase hands an edit of reports the very same dict)
    for path in [p for p, a in new.agency_of.items() if get(p) is not a] if new.agency_of is not old_agency else ():
        before = old_agency.get(path)
        if before is not None and before != new.agency_of[path]:
            return None
    # Only the reports not in both Sites (by identity) changed: key those alone (a province has
    # tens of thousands of reports, an edit one).
    gone, came = not_in_both(old.reports, new.reports)
    old_by = {(old.agency_of[r.path].slug, r.year): r for r in gone}
    new_by = {(new.agency_of[r.path].slug, r.year): r for r in came}
    if old.agencies is not new.agencies and regions.moved(old.regions, new.regions):
        return None  # a region's URL changed (a new sibling took its slug): every page linking it
    ch = Changes()
    for key in sorted(old_by.keys() | new_by.keys()):
        before, after = old_by.get(key), new_by.get(key)
        if before is not None and after is not None and old.agency_of[before.path] != new.agency_of[after.path]:
            return None
        slug, year = key
        ch.reports.add(key)
        ch.agencies.add(slug)
        ch.years.add(year)
        ch.moved |= (report_totals(before).keys() if before is not None else set()) ^ (
            report_totals(after).keys() if after is not None else set())
        if before is not None and after is not None and before.era == after.era:
            ch.metrics |= _edited_metrics(before, after)  # (charts join points by era: a new era, all)
            ch.metrics |= _edited_rates(before, after)
        else:
            ch.metrics |= _metrics(before) | _metrics(after)
        if _rates(before) != _rates(after):
            ch.ranked |= _moved(old, before, new, after)
        if _broken(before) != _broken(after):
            ch.quality = True
        if before is None or after is None:
            ch.reordered.add(slug)
            ch.added_or_removed = True
        elif ((len(before.figures), len(before.quality)) != (len(after.figures), len(after.quality))
              and _in_feed(new, slug, year)):
            ch.feed = True  # each entry's summary counts figures and broken checks (the newest reports')
    ch.feed = ch.feed or ch.added_or_removed
    for slug in ch.reordered:
        # a metric page shows "·" (no report) or "—" (not given) in every year of the agency's row
        for r in old.reports_of(slug) + new.reports_of(slug):
            ch.metrics |= _metrics(r)
    for slug in ch.agencies:
        before, after = old.reports_of(slug), new.reports_of(slug)
        if (before[-1] if before else None) is not (after[-1] if after else None) and _on_home(new, slug):
            ch.latest = True
            break
    _places(old, new, ch)
    ch.ranked -= ch.reports
    ch.errors = [(e.location, e.message) for e in old.errors] != [(e.location, e.message) for e in new.errors]
    ch.with_data = new.metric_counts.keys() != old.metric_counts.keys()
    return ch


def _on_home(site: Site, slug: str) -> bool:
    """Whether the home page's table of latest reports has a row of the agency (the first
    HOME_ROWS agencies by slug; one come or gone is `added_or_removed`, which renders it)."""
    from site_builder.render.pages import HOME_ROWS  # (imported by an edit, not by every build)

    return bisect_left(site.agencies, slug, key=_SLUG) < HOME_ROWS


def _in_feed(site: Site, slug: str, year: int) -> bool:
    from site_builder.render.feeds import in_feed  # (imported by an edit, not by every build)

    return in_feed(site, slug, year)


def _places(old: Site, new: Site, ch: Changes) -> None:
    """ch.regions and ch.initials: every region page above a changed agency whose latest report or
    number of reports changed (in the old tree and in the new one), and the initial letters of
    the agencies whose years changed."""
    for slug in sorted(ch.agencies):
        before, after = old.reports_of(slug), new.reports_of(slug)
        if slug not in ch.reordered and (before[-1] if before else None) is (after[-1] if after else None):
            continue
        for site, reports in ((old, before), (new, after)):
            if not reports:
                continue
            path = site.regions.path_of[slug]
            ch.regions.update(path[:i] for i in range(len(path) + 1))
            if slug in ch.reordered:
                ch.initials.add(site.pinyin.initial(site.agency_of[reports[0].path].name))


def _edited_rates(before: Report, after: Report) -> set[str]:
    """The rates (their figures: value, line) that differ between two versions of a report."""
    a, b = rate_figures(totals_and_rates(before)[1]), rate_figures(totals_and_rates(after)[1])
    return {m for m in a.keys() | b.keys() if a.get(m) != b.get(m)}


def _rates(report: Report | None) -> tuple:
    if report is None:
        return ()
    return tuple((r.indicator, r.numerator, r.denominator) for r in totals_and_rates(report)[1])


def _broken(report: Report | None) -> list:
    return [] if report is None else report.quality


def _moved(old: Site, before: Report | None, new: Site, after: Report | None) -> set[tuple[str, int]]:
    """The reports ranked with the edited one (before or after the edit) whose ranks differ
    between the two Sites: only their pages show anything else."""
    def ranks(site: Site, report: Report | None) -> dict[tuple[str, int], list]:
        if report is None:
            return {}
        agency_of = site.agency_of
        return {(agency_of[r.path].slug, r.year): [(rate.indicator, rank) for rate, rank in site.ranked_rates(r)]
                for r in peer_reports(site, report)}

    a, b = ranks(old, before), ranks(new, after)
    return {key for key in a.keys() | b.keys() if a.get(key) != b.get(key)}
