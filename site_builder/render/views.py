"""View models: the loaded records arranged the way the pages show them.

Nothing here writes HTML. Table layouts come from the catalogue and from the parser's own
template description (T2_ROWS, T3_ROWS, T4_METRICS), so a metric added there shows up here.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from itertools import compress, repeat
from operator import attrgetter, itemgetter, lshift, or_
from typing import NamedTuple

from site_builder import catalogue, model
from site_builder.catalogue import Metric
from site_builder.gcpause import gc_paused
from site_builder.load.loader import FREEZE_OVER
from site_builder.model import APPLICANTS, ERAS, Agency, CheckResult, Diagnostic, Figure, Report
from site_builder.parser.template import T2_ROWS, T3_ROWS, T4_METRICS
from site_builder.load.site import Site, report_totals

# Column ids of table 三 (data contract), in Chinese and English.
APPLICANT_LABELS: dict[str, tuple[str, str]] = {
    "natural_person": ("自然人", "Natural persons"),
    "commercial": ("商业企业", "Commercial enterprises"),
    "research": ("科研机构", "Research institutions"),
    "social_welfare": ("社会公益组织", "Social welfare organisations"),
    "legal_service": ("法律服务机构", "Legal service organisations"),
    "other_org": ("其他", "Other organisations"),
    "total": ("总计", "Total"),
}

# The pages' names of the eras (model.ERA_LABELS's short form): (zh, en)
ERA_LABELS: dict[str, tuple[str, str]] = {era: (label.zh, label.en) for era, label in model.ERA_LABELS.items()}

ORIGIN_LABELS: dict[str, tuple[str, str]] = {
    "table": ("表格", "table"),
    "stat": ("统计表", "statistics table"),
    "prose": ("正文", "text"),
    "derived": ("计算所得", "derived"),
}

# Headings of table 三 that are not figures themselves (the template prints them as row groups).
T3_HEADINGS: dict[str, tuple[str, str]] = {
    "outcome": ("三、本年度办理结果", "Outcomes this year"),
    "outcome.unable": ("（四）无法提供", "Unable to provide"),
    "outcome.not_processed": ("（五）不予处理", "Not processed"),
}


totals_of = report_totals  # (the Site keeps each of its reports': Site.totals_of)


def figure_of(report: Report, metric: str, applicant: str = "total") -> Figure | None:
    """The report's figure (Report.figure()); pages with a Site ask site.totals_of(report)."""
    return report.figure(metric, applicant)


def warm(site: Site) -> None:
    """Build every index the comparing pages share, now: worker processes forked after this
    inherit them instead of each building its own.

    The collector paused meanwhile (and what they hold frozen when it is a province's): they are
    a million tuples and lists, none of them garbage, and collections set off while they grow
    walked them again and again (1.0 of the 1.2 s this took at 20,000 reports)."""
    with gc_paused(freeze_over=FREEZE_OVER):
        site.metrics_with_data
        site.figure_entries  # (and each report's totals and rates)
        site.reports_by_year
        site.indicators  # the ranks every report page shows (and the dev server's next Site keeps)


def metric_index(site: Site) -> tuple:
    """(metric id -> (agency slug, year, figure) of every report that gives it in the total
    column, in the site's order; agency slug -> its reports by year): Site.figure_entries and
    Site.reports_by_year."""
    return site.figure_entries, site.reports_by_year


def row_cache(site: Site, key: tuple, signature) -> dict:
    """The rows (agency slug -> HTML) of one comparing page (key: ("metric", id) or ("year",
    year)) made so far for this Site or kept from the Site it was made from (Site.kept: the
    changed agencies' dropped), for the page's columns (`signature`: rows made for other columns
    are another dict)."""
    return site.kept((*key, signature), per="agency")


def anchor(metric: str, applicant: str = "total") -> str:
    """The element id of one figure: the bare metric id for totals, metric--applicant otherwise."""
    return metric if applicant == "total" else f"{metric}--{applicant}"


def split_label(text: str, sep: str) -> tuple[str, str]:
    """'行政复议 结果维持' -> ('行政复议', '结果维持'); no separator -> ('', text)."""
    head, found, tail = text.rpartition(sep)
    return (head, tail) if found else ("", text)


# ---------------------------------------------------------------- one report
# A report page lays its figures out in the tables of its era's template. The layout (which rows,
# cells and labels) is the same for every report of an era, so it is made once per era
# (t2_groups_of, t3_rows_of, T4_GROUPS); a report's view holds its figures by cell, which of those
# tables it shows, and what is left over. A cell is a (metric, applicant) key: its figure is
# view.figures.get(key), or, when empty, view.gaps.get(key) says why if the parser knew.

_KEY = itemgetter(0, 3)  # a Figure's (metric, applicant): the key of its cell
_METRIC = itemgetter(0)


class T3Row(NamedTuple):
    """A row of table 三 as the era's template prints it."""

    level: int  # 0: top-level row, 1: outcome row, 2: a ground under an outcome group
    label_zh: str
    label_en: str
    metric: str | None  # None for a heading that carries no figure
    keys: tuple[tuple[str, str], ...] = ()  # its cells, a (metric, applicant) per column


class T2Group(NamedTuple):
    name: str  # 规章, 行政许可 ...
    cells: tuple[tuple[Metric, str, tuple[str, str]], ...]  # metric, column label (zh), cell key
    keys: frozenset[tuple[str, str]] = frozenset()  # its cells' keys


class T4Group(NamedTuple):
    metric_prefix: str
    label_zh: str
    label_en: str
    cells: tuple[tuple[Metric, str, str, tuple[str, str]], ...]  # metric, column zh, column en, cell key


class FigureItem(NamedTuple):
    """A figure not placed in a table, listed under its origin."""

    metric: Metric
    applicant: str
    figure: Figure


@dataclass
class ReportView:
    report: Report
    agency: Agency
    figures: dict[tuple[str, str], Figure]  # every column: (metric, applicant) -> its first figure
    gaps: dict[tuple[str, str], Diagnostic]  # empty cells a warning names (a cell missing, digits run together)
    t2: list[T2Group]  # the era's groups the report gives a figure of
    t3: tuple[T3Row, ...]  # the era's rows, or () when the report has no table 三
    t4: tuple[T4Group, ...]
    others: list[tuple[str, list[FigureItem]]]  # (origin, figures) not placed in a table
    checks: list["CheckView"]
    broken: list["CheckView"]
    # line number -> anchors of the figures read from that line (the full text links back to them)
    cited: dict[int, list[str]]


def gaps_of(report: Report) -> dict[tuple[str, str], Diagnostic]:
    """(metric, applicant) -> the first warning naming that figure as left out."""
    out: dict[tuple[str, str], Diagnostic] = {}
    for w in report.warnings:
        for metric in getattr(w, "metrics", ()) or ():
            for applicant in getattr(w, "applicants", ()) or APPLICANTS:
                out.setdefault((metric, applicant), w)
    return out


@cache
def t2_groups_of(era: str) -> tuple[T2Group, ...]:
    if era not in ("2019", "2021"):
        return ()
    groups = []
    for row in T2_ROWS:
        columns = row.columns_2021 if era == "2021" else row.columns_2019
        cells = []
        for metric_id in columns:
            if metric_id is None:
                continue
            m = catalogue.metric(metric_id)
            cells.append((m, split_label(m.label_zh, " ")[1], (metric_id, "total")))
        if cells:
            name = split_label(cells[0][0].label_zh, " ")[0] or cells[0][0].label_zh
            groups.append(T2Group(name, tuple(cells), frozenset(key for _, _, key in cells)))
    return tuple(groups)


def _t3_parent(metric_id: str) -> str | None:
    parts = metric_id.split(".")
    return ".".join(parts[:2]) if metric_id.startswith("outcome.") and len(parts) == 3 else None


@cache
def t3_rows_of(era: str) -> tuple[T3Row, ...]:
    if era not in ("2019", "2021"):
        return ()
    rows: list[T3Row] = []
    seen_groups: set[str] = set()

    def figure_row(metric_id: str, level: int) -> T3Row:
        m = catalogue.metric(metric_id)
        return T3Row(level, m.label_zh, m.label_en, metric_id, tuple((metric_id, a) for a in APPLICANTS))

    for spec in T3_ROWS:
        if era not in spec.eras:
            continue
        mid = spec.metric
        if mid.startswith("outcome.") and "outcome" not in seen_groups:
            seen_groups.add("outcome")
            zh, en = T3_HEADINGS["outcome"]
            rows.append(T3Row(0, zh, en, None))
        parent = _t3_parent(mid)
        if parent and parent not in seen_groups:
            seen_groups.add(parent)
            if parent in catalogue.by_id():
                # the group's own total (不予公开, 2021's 其他处理) is derived from its rows
                rows.append(figure_row(parent, 1))
            else:
                zh, en = T3_HEADINGS.get(parent, (parent, parent))
                rows.append(T3Row(1, zh, en, None))
        level = 2 if parent else (1 if mid.startswith("outcome.") else 0)
        rows.append(figure_row(mid, level))
    return tuple(rows)


@cache
def t4_groups() -> tuple[T4Group, ...]:
    groups: dict[str, T4Group] = {}
    for metric_id in T4_METRICS:
        m = catalogue.metric(metric_id)
        prefix = metric_id.rsplit(".", 1)[0]
        group_zh, col_zh = split_label(m.label_zh, " ")
        group_en, col_en = split_label(m.label_en, ": ")
        if prefix not in groups:
            groups[prefix] = T4Group(prefix, group_zh, group_en, ())
        g = groups[prefix]
        groups[prefix] = g._replace(cells=g.cells + ((m, col_zh, col_en, (metric_id, "total")),))
    return tuple(groups.values())


@cache
def t3_keys_of(era: str) -> frozenset[tuple[str, str]]:
    return frozenset(k for r in t3_rows_of(era) for k in r.keys)


@cache
def t4_keys() -> frozenset[tuple[str, str]]:
    return frozenset(c[-1] for g in t4_groups() for c in g.cells)


def report_view(report: Report, agency: Agency) -> ReportView:
    figs = report.figures
    # the first figure of each cell (as Report.figure() returns): built from the end, so the first wins
    figures = dict(zip(map(_KEY, reversed(figs)), reversed(figs)))
    present = set(map(_METRIC, figures))  # metrics with a figure in any column
    era = report.era
    placed: set[tuple[str, str]] = set()
    t2 = []
    for g in t2_groups_of(era):
        if not figures.keys().isdisjoint(g.keys):  # (the report gives a figure of the group)
            t2.append(g)
            placed |= g.keys
    t3 = t3_rows_of(era)
    if t3 and ("requests.new" in present or "outcome.total" in present):
        placed |= t3_keys_of(era)
    else:
        t3 = ()
    # before 2019 review/litigation totals come from the 统计表 or prose, not a table 四
    t4 = t4_groups() if era in ("2019", "2021") and not present.isdisjoint(T4_METRICS) else ()
    if t4:
        placed |= t4_keys()
    by_origin: dict[str, list[FigureItem]] = {}
    metric_of = catalogue.by_id()
    for key in sorted(figures.keys() - placed, key=_rank2().__getitem__):
        f = figures[key]
        by_origin.setdefault(f.origin, []).append(FigureItem(metric_of[key[0]], key[1], f))
    others = [(o, by_origin[o]) for o in ORIGIN_LABELS if o in by_origin]
    checks = check_views(report, figures)
    return ReportView(report, agency, figures, gaps_of(report) if report.warnings else {}, t2, t3, t4, others,
                      checks, [c for c in checks if not c.check.passed], cited_lines(report))


def cited_lines(report: Report) -> dict[int, list[str]]:
    """Line number -> anchors of the figures read from it (first of each metric, catalogue order).

    One back-link per metric and line: the total column's cell when it was read from that line,
    else the cell of the first column read from it."""
    read_rank, anchors, total = _cells_ranked()
    figs = report.figures
    # one int per figure, line << 16 | its cell's rank (metric << 3 | column), sorted (ints sort
    # several times faster than tuples): a line's figures in catalogue order, each metric's
    # columns in table order, the total last. A derived figure (not read from a line) is -1, first.
    try:
        keys = sorted(map(or_, map(lshift, map(_LINE, figs), repeat(16)), map(read_rank.__getitem__, map(_CELL_ORIGIN, figs))))
    except KeyError:  # an origin other than ORIGIN_LABELS' (the model names those four): the same, slowly
        rank = _rank2()
        keys = sorted(-1 if f.origin == "derived" else f.line << 16 | rank[f.metric, f.applicant] for f in figs)
    per_line: dict[int, list[str]] = {}
    last_line = last = -1
    for k in keys:
        if k >> 3 != last:  # a metric not seen on this line yet
            if k < 0:
                continue
            last = k >> 3
            line = k >> 16
            if line != last_line:
                ids = per_line[line] = [anchors[k & 0xFFFF]]
                last_line = line
            else:
                ids.append(anchors[k & 0xFFFF])
        elif k & 7 == total:
            ids[-1] = anchors[k & 0xFFFF]  # the metric's total, read from the same line: the bare metric id
    return per_line


_LINE = itemgetter(2)
_CELL_ORIGIN = itemgetter(0, 3, 5)  # a Figure's (metric, applicant, origin)


@cache
def _ranks() -> tuple[dict[str, int], dict[str, int]]:
    """(metric id -> catalogue order, applicant -> column): the order tables and lists follow."""
    return {m.id: i for i, m in enumerate(catalogue.metrics())}, {a: i for i, a in enumerate(APPLICANTS)}


@cache
def _rank2() -> dict[tuple[str, str], int]:
    """(metric, applicant) -> its place in catalogue order, then column order: one int for both
    (catalogue order << 3 | column: under 1 << 16, see cited_lines)."""
    rank, column = _ranks()
    assert len(column) <= 8 and len(rank) < 1 << 13
    return {(m, a): r << 3 | c for m, r in rank.items() for a, c in column.items()}


@cache
def _cells_ranked() -> tuple[dict[tuple[str, str, str], int], list[str], int]:
    """((metric, applicant, origin) -> the cell's rank (_rank2), or -1 for a derived figure, which
    was not read from a line; each rank's cell anchor; the total's column)."""
    rank = _rank2()
    anchors = [""] * (max(rank.values()) + 1)
    read_rank = {}
    for key, r in rank.items():
        anchors[r] = anchor(*key)
        for origin in ORIGIN_LABELS:
            read_rank[(*key, origin)] = -1 if origin == "derived" else r
    return read_rank, anchors, APPLICANTS.index("total")


# ---------------------------------------------------------------- one agency over its years


class YoYTable(NamedTuple):
    """An agency's figures year over year: its reports by year (the columns), each one's figures
    of the total column (metric -> figure), and the metrics any of them gives, in catalogue order
    (the rows). fragments.yoy_rows writes each figure and its change against the previous report."""

    years: list[int]
    eras: list[str]
    totals: list[dict[str, Figure]]
    metrics: list[Metric]


def yoy_table(site: Site, reports: list[Report]) -> YoYTable:
    reports = sorted(reports, key=lambda r: r.year)
    totals = [site.totals_of(r) for r in reports]
    present = set().union(*totals)
    # (the catalogue's metrics sifted in C, not by a comprehension: every agency page asks)
    return YoYTable([r.year for r in reports], [r.era for r in reports], totals,
                    list(compress(catalogue.metrics(), map(present.__contains__, _metric_ids()))))


@cache
def _metric_ids() -> tuple[str, ...]:
    """The ids of catalogue.metrics(), in its order."""
    return tuple(m.id for m in catalogue.metrics())


# ---------------------------------------------------------------- across agencies


def comparable_metrics() -> list[Metric]:
    """Figures that every era reports with the same meaning (the catalogue's eras column)."""
    return [m for m in catalogue.metrics() if set(ERAS) <= set(m.eras)]


@lru_cache(maxsize=1)
def year_column_ids() -> frozenset[str]:
    """The figures whose presence decides a year's columns: the comparable ones, and the two
    of the share withheld."""
    return frozenset(m.id for m in comparable_metrics()) | {"outcome.withheld", "outcome.total"}


def share(part: Figure | None, whole: Figure | None) -> Decimal | None:
    """part / whole as a percentage with one decimal, None when either is missing or whole is 0."""
    if part is None or whole is None or whole.value == 0:
        return None
    return (part.value * 100 / whole.value).quantize(Decimal("0.1"))


@dataclass
class Headline:
    agency: Agency
    report: Report
    requests: Figure | None
    withheld: Figure | None
    handled: Figure | None  # outcome.total: the base of the withheld share
    withheld_share: Decimal | None


def headlines(site: Site, limit: int | None = None) -> list[Headline]:
    """Each agency's latest report: requests received and the share of outcomes withheld (the
    first `limit` agencies': what the home page shows of a province)."""
    out = []
    for a in site.agencies[:limit]:
        latest = site.reports_of(a.slug)[-1]
        totals = site.totals_of(latest)
        withheld, handled = totals.get("outcome.withheld"), totals.get("outcome.total")
        out.append(Headline(a, latest, totals.get("requests.new"), withheld, handled, share(withheld, handled)))
    return out


# ---------------------------------------------------------------- consistency checks


class CheckView(NamedTuple):
    check: CheckResult
    target: str | None  # anchor of the figure the rule is about, when the page has it
    metric: Metric | None

    @property
    def applicant_label(self) -> tuple[str, str]:
        return APPLICANT_LABELS.get(self.check.applicant, (self.check.applicant, self.check.applicant))


# (a corpus has a few hundred distinct (rule, applicant) pairs, a report page dozens of checks)
@lru_cache(maxsize=10_000)
def _check_cell(rule: str, applicant: str) -> tuple[tuple[str, str] | None, str, Metric | None]:
    """(the cell the rule is about or None, its anchor, the row's metric)."""
    name, _, subject = rule.partition(":")
    if name == "t3.row_total":
        key = (subject, "total")
    elif name == "t4.total":
        key = (f"{subject}.total", "total")
    elif name.startswith("t3."):
        key = ("outcome.total", applicant)
    else:
        key = None
    m = catalogue.by_id().get(subject) if name == "t3.row_total" else None
    return key, anchor(*key) if key else "", m


def check_views(report: Report, figures=None) -> list[CheckView]:
    """Each check, with the anchor of the figure it is about when the report has that figure
    (`figures`: a container of the report's (metric, applicant) cells, made when not given)."""
    if figures is None:
        figures = set(map(_KEY, report.figures))
    out = []
    for c in report.checks:
        key, target, m = _check_cell(c.rule, c.applicant)
        out.append(CheckView(c, target if key in figures else None, m))
    return out


# ---------------------------------------------------------------- data quality, site-wide

# the /quality/ page lists at most this many broken checks (the agencies with the most breaks
# first): a province's 2,000 reports with breaks would be megabytes; data/quality.csv has them all
QUALITY_ROWS = 500
QUALITY_TOP = 20  # agencies in the table of the most breaks


class QualityCount(NamedTuple):
    name: str  # a year, or a province ("" unplaced)
    reports: int  # reports in it
    broken: int  # of them with a broken check
    breaks: int  # broken checks


@dataclass
class QualityView:
    years: list[QualityCount]
    provinces: list[QualityCount]
    # (agency, broken checks over the years, years with a break), the most first
    top: list[tuple[Agency, int, list[int]]]
    # (agency, [(report, check), ...]) with the most breaks first, up to QUALITY_ROWS checks in all
    listed: list[tuple[Agency, list[tuple[Report, CheckResult]]]]
    shown: int  # broken checks listed
    total: int  # broken checks in the Site
    rules: list[tuple[str, str]]  # (rule, its text) of the rules listed, once each


_SLUG = attrgetter("slug")


def quality_view(site: Site) -> QualityView:
    # (counted once per Site, and patched for an edit's reports: Site.quality_counts)
    years, provinces, per_agency = site.quality_counts
    everyone = site.agencies  # (by slug: the few agencies listed found by bisection, not a dict of 20,000)

    def agency(slug: str) -> Agency:
        return everyone[bisect_left(everyone, slug, key=_SLUG)]

    ranked = sorted(per_agency, key=lambda slug: (-len(per_agency[slug]), slug))
    top = [(agency(s), len(per_agency[s]), sorted({r.year for r, _ in per_agency[s]})) for s in ranked[:QUALITY_TOP]]
    listed, shown = [], 0
    for slug in ranked:
        rows = per_agency[slug][:QUALITY_ROWS - shown]
        if not rows:
            break
        listed.append((agency(slug), rows))
        shown += len(rows)
    return QualityView(
        [QualityCount(str(y), *years[y]) for y in sorted(years)],
        [QualityCount(p, *provinces[p]) for p in sorted(provinces, key=lambda p: (p == "", p))],
        top, listed, shown, sum(len(v) for v in per_agency.values()),
        sorted({(c.rule.partition(":")[0], c.description) for _, rows in listed for _, c in rows}))


# ---------------------------------------------------------------- an agency's rates and record


class RateRow(NamedTuple):
    metric: Metric
    cells: list  # per year of the agency's table: its Rate, or None (no rate that year)


def rate_rows(site: Site, reports: list[Report]) -> list[RateRow]:
    """The agency's rates year over year (`reports`: its reports, by year; a row per rate any of
    them has)."""
    by_year = [{rate.indicator: rate for rate in site.rates_of(r)} for r in sorted(reports, key=lambda r: r.year)]
    return [RateRow(m, [got.get(m.id) for got in by_year]) for m in catalogue.rates()
            if any(m.id in got for got in by_year)]


class TrackRecord(NamedTuple):
    year: int
    checks: int  # rules checked
    broken: int
