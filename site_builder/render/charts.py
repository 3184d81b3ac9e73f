"""Charts: Vega-Lite specs from the loaded Site, drawn in the reader's browser by the vendored Vega.

Each chart is readable three ways: its title and description as text, the data table (open when
JavaScript is off), and the interactive Vega-Embed view that static/js/charts.js draws from
``charts/<id>.vl.json``. The build draws nothing itself.

Speed: Altair builds each chart *kind*'s spec once per process (see ``templates``), with named
placeholders where a chart's own data, domains and description go; a chart is then that spec's
JSON text with its values spliced in: no Altair object, no schema validation, no renderer per
chart. The kinds' specs are also kept on disk (``Templates(folder)``), keyed by the Altair version and
this module's code, so a later build process need not import Altair at all.

Figures from different template eras are joined by a line only where the catalogue's ``eras``
column says the figure exists in both eras; elsewhere the line breaks (a new segment) and the
description says so, so a chart never silently joins incomparable series.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from itertools import compress
from operator import attrgetter, is_not, itemgetter
from pathlib import Path
from typing import NamedTuple

from site_builder import model
from site_builder.catalogue import metric as catalogue_metric, metrics as catalogue_metrics
from site_builder.model import Report
from site_builder.numbers import format_number
from site_builder.load.site import Site
from site_builder.render.summaries import median_of, written_sum

FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
WIDTH = 520
HEIGHT = 220
RULE_LANE = 17  # px between the lines of two successive template changes' labels (fontSize 11: CJK glyphs ~15 px tall)
SPEC_DIR = "charts"
# Up to this many agencies a metric's chart has a line per agency, with a legend. Past it a line
# per agency is a hairball (a province: 1,800 lines, 20,000 points, a 1.7 MB spec per figure), so
# the metric page shows the total of all agencies per year (with the median and the number of
# agencies, as a table too) and the TOP_N agencies of the latest year beside the median; every
# agency's figures stay in the page's table and the data downloads.
LEGEND_MAX = 20
TOP_N = 9  # with the median, ten lines: each its own colour of Vega's ten

# The charts name each era in full (model.ERA_LABELS): (zh, en)
ERA_LABELS = {era: (label.zh_full, label.en_full) for era, label in model.ERA_LABELS.items()}
EXACT = "确数 exact"
APPROX = "约数 approximate"
NOT_REPORTED = "—"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    spec_json: str
    # rows of the accessible data table; every row has the same keys, which are the column headers
    table: list[dict] = field(default_factory=list)
    subtitle: str = ""  # English title and the years covered
    # where the page already shows this chart's data as a table (instead of a table of its own)
    table_href: str = ""

    @property
    def spec_path(self) -> str:
        """Where the interactive spec is written in the site (relative to the site root)."""
        return f"{SPEC_DIR}/{self.id}.vl.json"

    @property
    def spec_url(self) -> str:
        return "/" + self.spec_path

    @property
    def columns(self) -> list[str]:
        return list(self.table[0].keys()) if self.table else []


@dataclass(frozen=True)
class Series:
    """One line: a catalogue figure, or the sum of several (outcome groups without their own row)."""

    key: str
    label_zh: str
    label_en: str
    components: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.label_zh} {self.label_en}"

    def defined_in(self, era: str) -> tuple[str, ...]:
        return _defined_in(self.components, era)

    def comparable(self, era_a: str, era_b: str) -> bool:
        """Same meaning in both eras: the catalogue lists the same figures for both."""
        a, b = self.defined_in(era_a), self.defined_in(era_b)
        return bool(a) and a == b

    def value(self, site: Site, report: Report) -> tuple[Decimal, bool] | None:
        """(value, approximate) for one report of `site`, or None when the report does not give it."""
        totals = site.totals_of(report)
        if len(self.components) == 1:
            f = totals.get(self.components[0])
            return None if f is None else (f.value, f.approximate)
        parts = self.defined_in(report.era)
        figures = [totals.get(c) for c in parts]
        # a group's total only when every row of it that the report's template has is printed
        if not parts or any(f is None for f in figures):
            return None
        return sum((f.value for f in figures), Decimal(0)), any(f.approximate for f in figures)


@functools.lru_cache(maxsize=4096)
def _defined_in(components: tuple[str, ...], era: str) -> tuple[str, ...]:
    # asked for every point of every line: the catalogue does not change while a process runs
    return tuple(c for c in components if era in catalogue_metric(c).eras)


def metric_series(metric_id: str) -> Series:
    m = catalogue_metric(metric_id)
    return Series(m.id, m.label_zh, m.label_en, (m.id,))


def _group(prefix: str, zh: str, en: str) -> Series:
    parts = tuple(m.id for m in catalogue_metrics() if m.id.startswith(prefix + "."))
    return Series(prefix, zh, en, parts)


def request_series() -> list[Series]:
    return list(_request_series())


def outcome_series() -> list[Series]:
    return list(_outcome_series())


# made once a process (the catalogue does not change while it runs), not once an agency's chart
@functools.cache
def _request_series() -> tuple[Series, ...]:
    return (metric_series("requests.new"), metric_series("requests.carried_over"))


@functools.cache
def _outcome_series() -> tuple[Series, ...]:
    return (
        metric_series("outcome.disclosed"),
        metric_series("outcome.partial"),
        metric_series("outcome.withheld"),
        _group("outcome.unable", "无法提供", "Unable to provide"),
        _group("outcome.not_processed", "不予处理", "Not processed"),
        metric_series("outcome.other"),
    )


class Point(NamedTuple):  # a tuple: a metric's chart makes one per report
    year: int
    era: str
    value: Decimal
    approximate: bool


_YEAR = attrgetter("year")


def _points(site: Site, series: Series, reports: list[Report]) -> list[Point]:
    out = []
    if len(series.components) == 1:  # most lines: one figure, read straight from the index
        metric_id = series.components[0]
        totals_of = site.totals_of
        for r in sorted(reports, key=_YEAR):
            f = totals_of(r).get(metric_id)
            if f is not None:
                out.append(Point(r.year, r.era, f.value, f.approximate))
        return out
    for r in sorted(reports, key=_YEAR):
        got = series.value(site, r)
        if got is not None:
            out.append(Point(r.year, r.era, got[0], got[1]))
    return out


def _segments(series: Series, points: list[Point]) -> tuple[list[int], list[tuple[int, int, str, str]]]:
    """Segment number of each point, and the breaks (year before, year after, era before, era after)."""
    seg, numbers, breaks = 0, [], []
    for i, p in enumerate(points):
        if i and points[i - 1].era != p.era and not series.comparable(points[i - 1].era, p.era):
            seg += 1
            breaks.append((points[i - 1].year, p.year, points[i - 1].era, p.era))
        numbers.append(seg)
    return numbers, breaks


def _shown(value: Decimal, approximate: bool) -> str:
    return ("约 " if approximate else "") + format_number(value)


def _number(value: Decimal) -> int | float:
    # integers stay integers in the JSON (17, not 17.0): shorter, and what the report printed
    return int(value) if value == value.to_integral_value() else float(value)


def _data_rows(group: str, points: list[Point], segments: list[int]) -> list[dict]:
    # One row per point, kept short (a metric chart has a row per report): the era label and the
    # exact/approximate marker are derived in the spec from `era` and `approx`.
    return [
        {"year": p.year, "series": group, "seg": n, "value": _number(p.value),
         "shown": _shown(p.value, p.approximate), "approx": p.approximate, "era": p.era}
        for p, n in zip(points, segments)
    ]


def _era_phrase(era: str) -> str:
    zh, en = ERA_LABELS[era]
    return f"{zh} / {en}"


# --- the spec of each kind of chart, built with Altair once ----------------------------------------


def _slot(name: str) -> str:
    """A placeholder in a kind's spec, replaced by one chart's value (any JSON) when it is made.

    Where the schema wants a list, the placeholder is a list of one: Altair checks each value as
    it is given, and ["__slot_x__"] is a valid list of strings where "__slot_x__" would not be.
    """
    return f"__slot_{name}__"


def _unwrap(value):
    """The spec with each one-placeholder list turned into the bare placeholder it stands for."""
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], str) and _SLOT.fullmatch(json.dumps(value[0])):
            return value[0]
        return [_unwrap(v) for v in value]
    return value


_SLOT = re.compile(r'"__slot_([a-z_]+)__"')


@dataclass(frozen=True)
class Kind:
    """What makes two charts' specs differ other than their data (each is one Altair build)."""

    color_title: str  # the lines are figures (an agency's chart) or agencies (a metric's chart)
    rules: bool = False  # dashed rules where the report template changed
    approx: bool = False  # a legend for the diamond of approximate values
    legend: bool = True  # a legend naming each line
    mark: str = "line"  # "bar": a distribution's bars (altair_bar_spec)

    @property
    def key(self) -> str:
        return json.dumps([self.color_title, self.rules, self.approx, self.legend, self.mark], ensure_ascii=False)


def _js_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _era_label_expr() -> str:
    """A Vega expression: the era's label from its code (the rows carry the code only)."""
    *first, last = ERA_LABELS
    expr = _js_string(" ".join(ERA_LABELS[last]))
    for code in reversed(first):
        expr = f"datum.era === {_js_string(code)} ? {_js_string(' '.join(ERA_LABELS[code]))} : {expr}"
    return expr


def altair_bar_spec(kind: Kind) -> dict:
    """A distribution: how many agencies (`agencies`) have a value in each bin (`bin`, its
    label; the bins' order is the `bins` placeholder), bars. The bins are counted in Python
    (summaries.bins): the spec holds a row per bin, never a value per agency."""
    import altair as alt  # (see altair_spec)

    x = alt.X("bin:N", title=_slot("x_title"), scale=alt.Scale(domain=[_slot("bins")]), sort=None,
              axis=alt.Axis(labelAngle=-40, labelOverlap="greedy"))
    y = alt.Y("agencies:Q", title="机关数 Agencies", axis=alt.Axis(tickMinStep=1, format="d"))
    chart = alt.Chart(alt.NamedData("rows")).mark_bar(color="#4c78a8").encode(
        x=x, y=y, tooltip=[alt.Tooltip("bin:N", title=kind.color_title),
                           alt.Tooltip("agencies:Q", title="机关数 Agencies", format="d")],
    ).properties(width=WIDTH, height=HEIGHT, description=_slot("description")).configure(
        font=FONT, view=alt.ViewConfig(strokeWidth=0),
        axis=alt.AxisConfig(labelFontSize=12, titleFontSize=12, titlePadding=8))
    spec = _unwrap(chart.to_dict(validate=False))
    spec["datasets"] = {"rows": _slot("rows")}
    return spec


def altair_spec(kind: Kind) -> dict:
    """The Vega-Lite spec of one kind of chart, built with Altair, with placeholders for its data."""
    import altair as alt  # (here only: ~0.5 s of import that a build with the kinds on disk does without)

    if kind.mark == "bar":
        return altair_bar_spec(kind)

    # half a year of room either side, so a single report is a point in the middle, not on an edge
    x = alt.X("year:Q", title="年份 Year", scale=alt.Scale(domain=[_slot("x_domain")], nice=False, zero=False),
              # ticks at the years reported; where a narrow chart has no room for each year's label,
              # some are left out (never printed over each other)
              axis=alt.Axis(format="d", values=[_slot("years")], labelOverlap="greedy"))
    y = alt.Y("value:Q", title=_slot("y_title"), scale=alt.Scale(zero=True))
    legend = alt.Legend(orient="bottom", direction="vertical", labelLimit=WIDTH) if kind.legend else None
    color = alt.Color("series:N", title=kind.color_title, scale=alt.Scale(domain=[_slot("series")]), legend=legend)
    # Many lines (no legend): thin and translucent, so that where most agencies lie shows as a dense
    # band and the ones far from it stand out; the tooltip names each point's agency.
    line_style = {"strokeWidth": 2} if kind.legend else {"strokeWidth": 1, "opacity": 0.5}
    point_style = {"size": 70, "opacity": 1} if kind.legend else {"size": 16, "opacity": 0.7}
    line = alt.Chart().mark_line(**line_style).encode(x=x, y=y, color=color, detail="seg:N")
    points = alt.Chart().mark_point(filled=True, **point_style).transform_calculate(
        marker=f"datum.approx ? {_js_string(APPROX)} : {_js_string(EXACT)}",
        era_label=_era_label_expr(),
    ).encode(
        x=x, y=y, color=color,
        shape=alt.Shape("marker:N", title="数值 Value", scale=alt.Scale(domain=[EXACT, APPROX], range=["circle", "diamond"]),
                        legend=alt.Legend(orient="bottom", direction="vertical") if kind.approx else None),
        tooltip=[
            alt.Tooltip("series:N", title=kind.color_title),
            alt.Tooltip("year:Q", title="年份 Year", format="d"),
            alt.Tooltip("shown:N", title="数值 Value"),
            alt.Tooltip("era_label:N", title="模板 Template"),
        ],
    )
    layers = [line, points]
    if kind.rules:
        rules = alt.Chart(alt.NamedData("rules"))
        layers.append(rules.mark_rule(strokeDash=[4, 4], color="#777").encode(x="at:Q"))
        # each label beside its rule, on the side facing the middle of the chart (`side`, the text's
        # align), a line lower than the previous rule's (`lane`): two changes a year or two apart
        # never print their labels over each other, at any width the chart is drawn
        layers.append(rules.mark_text(align=alt.ExprRef("datum.side"), baseline="top", color="#555", fontSize=11,
                                      dx=alt.ExprRef("datum.side === 'right' ? -4 : 4"),
                                      dy=alt.ExprRef(f"2 + datum.lane * {RULE_LANE}")).encode(
            x="at:Q", y=alt.value(0), text="label:N"))
    # no title inside the chart: the page's <figcaption> shows title and subtitle as text
    chart = alt.layer(
        *layers, data=alt.NamedData("rows"), width=WIDTH, height=HEIGHT, description=_slot("description"),
        config=alt.Config(font=FONT, view=alt.ViewConfig(strokeWidth=0),
                          # room between the lines of text, so that no two of them touch (CJK
                          # glyphs are taller than Vega's 12 px rows; tests/test_browser.py)
                          axis=alt.AxisConfig(labelFontSize=12, titleFontSize=12, titlePadding=8),
                          legend=alt.LegendConfig(labelFontSize=12, titleFontSize=12, rowPadding=6, titlePadding=8)),
    )
    # the parts were checked as they were made; the whole is not valid until the placeholders are
    # filled (tests validate a filled spec of every kind)
    spec = _unwrap(chart.to_dict(validate=False))
    spec["datasets"] = {"rows": _slot("rows"), **({"rules": _slot("rules")} if kind.rules else {})}
    return spec


def _template_text(spec: dict) -> str:
    return json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# json.dumps(value, ensure_ascii=False, separators=(",", ":")) without a new encoder each call
# (a chart fills seven placeholders; a province's site has thousands of charts)
_dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@functools.cache
def _altair_text(kind: Kind) -> str:
    """The kind's spec as JSON text, built with Altair: once a process (a pure function of the
    kind, the Altair version and this code)."""
    return _template_text(altair_spec(kind))


class Templates:
    """Each kind's spec as JSON text split at its placeholders: built with Altair once per process,
    and kept on disk (given a folder) so that a later process reads it instead of importing Altair.
    The file's name covers the Altair version and this module's code, so it is never stale.
    A build makes one (the render keeps it for the next: RenderState.charts) and hands it to the
    functions that make charts; without one, they use kinds kept in this process (in_memory())."""

    def __init__(self, cache_dir: Path | None = None):
        self.cache_dir = cache_dir
        self._parts: dict[str, list[str]] = {}
        self._disk: dict[str, str] | None = None
        self.builds = 0  # kinds that actually went through Altair (tests and benchmarks read it)

    def _file(self) -> Path | None:
        return self.cache_dir / f"kinds-{_code_version()}.json" if self.cache_dir else None

    def _on_disk(self) -> dict[str, str]:
        if self._disk is None:
            self._disk = {}
            path = self._file()
            if path is not None and path.is_file():
                try:
                    got = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    got = None  # a damaged cache file is rebuilt, never trusted
                if isinstance(got, dict) and all(isinstance(v, str) for v in got.values()):
                    self._disk = got
        return self._disk

    def _save(self) -> None:
        path = self._file()
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")  # a concurrent build never reads half a file
        tmp.write_text(json.dumps(self._disk, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        tmp.replace(path)

    def parts(self, kind: Kind) -> list[str]:
        key = kind.key
        if key not in self._parts:
            text = self._on_disk().get(key)
            if text is None:
                text = _altair_text(kind)
                self.builds += 1
                self._disk[key] = text
                self._save()
            self._parts[key] = _SLOT.split(text)
        return self._parts[key]

    def fill(self, kind: Kind, values: dict) -> str:
        """The chart's spec: the kind's JSON text with each placeholder replaced by its value."""
        parts = self.parts(kind)
        missing = set(parts[1::2]) - set(values)
        if missing:
            raise KeyError(f"chart spec: no value for {sorted(missing)}")
        return "".join(p if i % 2 == 0 else _dump(values[p]) for i, p in enumerate(parts))


@functools.cache
def _code_version() -> str:
    # Altair's version as installed (read without importing it: that costs ~0.5 s) and this code
    try:
        altair_version = version("altair")
    except PackageNotFoundError:  # not installed as a distribution: the key still changes with the code
        altair_version = "unknown"
    return hashlib.sha256(f"altair {altair_version}\n".encode() + Path(__file__).read_bytes()).hexdigest()[:16]


@functools.cache
def in_memory() -> Templates:
    """The kinds kept in this process only (no folder): what charts are made from when no
    Templates is given."""
    return Templates()


def _spec(kinds: Templates | None, kind: Kind, rows: list[dict], years: list[int], series: list[str], unit: str,
          description: str, rules: list[dict]) -> str:
    values = {
        "rows": rows,
        "x_domain": [min(years) - 0.5, max(years) + 0.5],
        "years": years,
        "series": series,
        "y_title": f"数量（{unit}）Number",
        "description": description,
    }
    if kind.rules:
        values["rules"] = rules
    return (kinds if kinds is not None else in_memory()).fill(kind, values)


# --- the charts -------------------------------------------------------------------------------------

AGENCY_KIND = "指标 Figure"
METRIC_KIND = "机关 Agency"
SUMMARY_KIND = "系列 Series"  # a metric's charts at scale: totals, medians and the top agencies
DISTRIBUTION = Kind("数值区间 Range", legend=False, mark="bar")  # how a year's values spread (summary pages)
ALL_KINDS = [Kind(AGENCY_KIND, rules=r, approx=a) for r in (False, True) for a in (False, True)] + [
    Kind(METRIC_KIND, approx=a, legend=g) for a in (False, True) for g in (False, True)] + [
    Kind(SUMMARY_KIND, approx=a) for a in (False, True)] + [DISTRIBUTION]


def _over_time(site: Site, slug: str, kind: str, series_list: list[Series], zh: str, en: str,
               kinds: Templates | None) -> Chart | None:
    reports = site.reports_of(slug)
    if not reports:
        return None
    agency = site.agency_of[reports[0].path]
    rows: list[dict] = []
    by_series: dict[str, dict[int, str]] = {}
    notes_zh, notes_en = [], []
    rule_at: dict[float, tuple[str, str]] = {}
    for s in series_list:
        points = _points(site, s, reports)
        if not points:
            continue
        segments, breaks = _segments(s, points)
        rows.extend(_data_rows(s.label, points, segments))
        by_series[s.label] = {p.year: _shown(p.value, p.approximate) for p in points}
        for before, after, era_a, era_b in breaks:
            notes_zh.append(f"“{s.label_zh}”{before}年与{after}年口径不同（{ERA_LABELS[era_a][0]}→{ERA_LABELS[era_b][0]}），折线断开")
            notes_en.append(f"'{s.label_en}' is not comparable between {before} and {after} ({ERA_LABELS[era_a][1]} → {ERA_LABELS[era_b][1]}), so the line breaks")
    if not rows:
        return None
    years = sorted({r["year"] for r in rows})
    ordered = sorted((r for r in reports if r.year in years), key=lambda r: r.year)
    era_of = {r.year: r.era for r in ordered}
    for a, b in zip(ordered, ordered[1:]):
        if a.era != b.era:
            rule_at[(a.year + b.year) / 2] = ERA_LABELS[b.era]
    middle = (min(years) + max(years)) / 2
    era_rules = [{"at": at, "label": f"{zh_} {en_}", "lane": i % 2, "side": "right" if at > middle else "left"}
                 for i, (at, (zh_, en_)) in enumerate(sorted(rule_at.items()))]
    title = f"{agency.name}：{zh}"
    span_zh, span_en = _spans(years)
    subtitle = f"{en}, {span_en}"
    eras_seen = sorted(set(era_of.values()), key=list(ERA_LABELS).index)
    approx = any(r["approx"] for r in rows)
    desc = [
        f"{agency.name}{span_zh}年度报告中的{zh}，折线图，每条线一个指标。",
        f"{en} reported by {agency.name} ({agency.slug}) in its reports for {', '.join(map(str, years))}; one line per figure.",
        "报告模板 Templates: " + "; ".join(_era_phrase(e) for e in eras_seen) + ".",
    ]
    if era_rules:
        desc.append("虚线标出模板更换的位置。 A dashed rule marks where the report template changed.")
    if notes_zh:
        desc.append("；".join(notes_zh) + "。 " + "; ".join(notes_en) + ".")
    if approx:
        desc.append("菱形点为约数（报告写“余、近、约”）。 Diamonds mark approximate values (the report says 余/近/约).")
    description = " ".join(desc)
    table = [
        {"年份 Year": str(y), **{label: vals.get(y, NOT_REPORTED) for label, vals in by_series.items()},
         "模板 Template": " ".join(ERA_LABELS[era_of[y]])}
        for y in years
    ]
    spec = _spec(kinds, Kind(AGENCY_KIND, rules=bool(era_rules), approx=approx), rows, years, list(by_series),
                 catalogue_metric(series_list[0].components[0]).unit, description, era_rules)
    return Chart(id=f"agency-{slug}-{kind}", title=title, description=description, spec_json=spec, table=table,
                 subtitle=subtitle)


def agency_charts(site: Site, slug: str, kinds: Templates | None = None) -> list[Chart]:
    """Requests and outcomes over time for one agency (only the charts it has figures for), when
    it has reports of two years at least: one report would draw single points, which its page's
    tables show already. Most agencies of a province's corpus have one report: no chart, nor a
    spec file (two files and ~0.5 ms of CPU an agency)."""
    if len({r.year for r in site.reports_of(slug)}) < 2:
        return []
    charts = [
        _over_time(site, slug, "requests", request_series(), "收到的政府信息公开申请", "Requests received", kinds),
        _over_time(site, slug, "outcomes", outcome_series(), "申请的办理结果", "Outcomes of requests", kinds),
    ]
    return [c for c in charts if c is not None]


def metric_charts(site: Site, metric_id: str, kinds: Templates | None = None) -> list[Chart]:
    """The charts of a metric's page: a line per agency (metric_chart) up to LEGEND_MAX agencies;
    past that the total of all agencies per year (metric_total_chart) and the TOP_N agencies
    beside the median (metric_top_chart)."""
    if site.metric_entries(metric_id).agencies <= LEGEND_MAX:
        chart = metric_chart(site, metric_id, kinds)
        return [chart] if chart is not None else []
    # no total of all agencies for a percentage (a rate): a sum of percentages means nothing
    total = metric_total_chart(site, metric_id, kinds) if catalogue_metric(metric_id).unit != "%" else None
    charts = (total, metric_top_chart(site, metric_id, kinds=kinds))
    return [c for c in charts if c is not None]


class _Year(NamedTuple):
    """What all agencies reported for one year of a metric."""

    year: int
    era: str  # the era most of that year's reports follow
    total: Decimal
    median: Decimal
    agencies: int
    approximate: bool  # the total includes an approximate value


_FIGURE = itemgetter(2)
_APPROXIMATE = attrgetter("approximate")


def _year_eras(site: Site, year: int) -> set[str]:
    """The templates (eras) the year's reports follow, once per year and Site: most years' all
    follow one, and then no report giving a figure need be asked its era. Kept with the Site
    (Site.patched), the next Site counting again only the eras of the reports an edit changed."""
    return {era for era, n in site.patched(("eras", year), lambda: _eras_counted(site, year),
                                           lambda old, slugs: _eras_after(site, year, old))[1].items() if n}


def _eras_counted(site: Site, year: int) -> tuple[tuple, Counter]:
    reports = site.groups.by_year.get(year, ())
    return reports, Counter(r.era for r in reports)


def _eras_after(site: Site, year: int, old: tuple[tuple, Counter]) -> tuple[tuple, Counter]:
    """_eras_counted() of an earlier Site, for this one: the year's reports that are other
    objects now (found in C; the same number of them, else counted again) counted anew."""
    reports, counts = old
    now = site.groups.by_year.get(year, ())
    if len(now) != len(reports):
        return _eras_counted(site, year)
    counts = Counter(counts)
    for i in compress(range(len(now)), map(is_not, reports, now)):
        counts[reports[i].era] -= 1
        counts[now[i].era] += 1
    return now, counts


def _by_year(site: Site, metric_id: str) -> list[_Year]:
    """The metric's figures of every agency, summed up by year. Each year's summary is kept for
    the Site made from this one by the dev server's edit (Site.kept: the years whose reports
    changed dropped), so after an edit it sums one year again, not all of them."""
    by_agency = site.reports_by_year
    given = site.metric_entries(metric_id).by_year
    kept = site.kept(("summary", metric_id), per="year")
    order = list(ERA_LABELS)
    for year in given.keys() - kept.keys():
        es = given[year]
        # the most common era of the reports giving the figure; a tie goes to the later template
        # (ERA_LABELS order)
        eras = _year_eras(site, year)
        if len(eras) == 1:
            (era,) = eras
        else:
            counts = Counter(by_agency[slug][year].era for slug, _, _ in es)
            era = max(counts, key=lambda e: (counts[e], order.index(e)))
        # the sum and median from the Site's column of the year, its values kept sorted across
        # edits (summaries: no sort of a province's 20,000 values for an edit's one)
        _, total, exponents, decimals = site.column(metric_id, year).tally()
        kept[year] = _Year(year, era, written_sum(total, exponents), Decimal(median_of(decimals)), len(es),
                           any(map(_APPROXIMATE, map(_FIGURE, es))))
    return [kept[y] for y in sorted(given)]


def _summary_points(series: Series, years: list[_Year], pick) -> tuple[list[dict], list[tuple]]:
    """Data rows of one summary line (pick(year) -> (value, approximate, shown)), broken where
    the years' templates do not define the figure alike; and the breaks."""
    points = [Point(y.year, y.era, *pick(y)[:2]) for y in years]
    segments, breaks = _segments(series, points)
    rows = [{"year": p.year, "series": "", "seg": n, "value": _number(p.value), "shown": pick(y)[2],
             "approx": p.approximate, "era": p.era} for p, n, y in zip(points, segments, years)]
    return rows, breaks


def _spans(ys: list[int]) -> tuple[str, str]:
    """The years a chart spans, as its Chinese and English descriptions say them."""
    return ((f"{ys[0]}年至{ys[-1]}年" if len(ys) > 1 else f"{ys[0]}年"),
            (f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else f"{ys[0]}"))


TOTAL_LABEL = "全部机关合计 All agencies, total"
MEDIAN_LABEL = "中位数（全部机关）Median (all agencies)"


def metric_total_chart(site: Site, metric_id: str, kinds: Templates | None = None) -> Chart | None:
    """One figure summed over every agency that gave it, year by year; its table also has the
    number of agencies and their median (the total moves with how many agencies reported)."""
    m = catalogue_metric(metric_id)
    years = _by_year(site, metric_id)
    if not years:
        return None
    series = metric_series(metric_id)
    rows, breaks = _summary_points(series, years, lambda y: (
        y.total, y.approximate, f"{_shown(y.total, y.approximate)}（{y.agencies}个机关 agencies）"))
    for r in rows:
        r["series"] = TOTAL_LABEL
    ys = [y.year for y in years]
    span_zh, span_en = _spans(ys)
    approximate = any(y.approximate for y in years)
    desc = [
        f"{m.label_zh}（{m.unit}）：{span_zh}每年全部报告此项的机关的数值之和，折线图。",
        f"{m.label_en}: the sum over every agency that reported it, each year {span_en}. "
        "The number of agencies reporting differs from year to year: the table gives it with the median.",
    ]
    if breaks:
        desc.append("模板口径不同的年份之间折线断开 The line breaks between years whose templates do not define the figure alike: "
                    + ", ".join(f"{a}–{b}" for a, b, _, _ in breaks) + ".")
    if approximate:
        desc.append("菱形点表示合计中含约数。 Diamonds mark totals that include approximate values.")
    description = " ".join(desc)
    table = [
        {"年份 Year": str(y.year), "合计 Total": _shown(y.total, y.approximate),
         "机关数 Agencies": str(y.agencies), "中位数 Median": format_number(y.median),
         "模板 Template": " ".join(ERA_LABELS[y.era])}
        for y in years
    ]
    spec = _spec(kinds, Kind(SUMMARY_KIND, approx=approximate), rows, ys, [TOTAL_LABEL], m.unit, description, [])
    return Chart(id=f"metric-{metric_id.replace('.', '-')}-all", title=f"{m.label_zh}：全部机关合计",
                 description=description, spec_json=spec, table=table,
                 subtitle=f"{m.label_en} ({m.unit}), all agencies, {span_en}")


def _largest(floats, n: int) -> list[int]:
    """The places of the n largest values, the largest first, equal values by place."""
    import numpy as np

    return np.lexsort((np.arange(len(floats)), -floats))[:n].tolist()


def metric_top_chart(site: Site, metric_id: str, top: int | None = None, kinds: Templates | None = None) -> Chart | None:
    """The `top` (TOP_N) agencies with the largest value in the latest year, each over its years,
    and the median of all agencies each year. Their figures are in the page's table (#table)."""
    top = TOP_N if top is None else top
    m = catalogue_metric(metric_id)
    years = _by_year(site, metric_id)
    if not years:
        return None
    by_agency = site.reports_by_year
    latest = years[-1].year
    # the largest first; equal values in the site's order of agencies, which is the column's
    # (by slug): from the Site's column of the latest year, kept across edits
    col = site.column(metric_id, latest)
    chosen = [col.slugs[i] for i in _largest(col.floats, top)]
    counts = site.name_counts  # (kept across edits)
    series = metric_series(metric_id)
    rows, names, broken, approximate, _ = _agency_lines(
        site, series, ((site.agency_of[by_agency[slug][latest].path], [r for _, r in sorted(by_agency[slug].items())])
                       for slug in chosen), counts)
    median_rows, median_breaks = _summary_points(series, years, lambda y: (
        y.median, False, f"{format_number(y.median)}（{y.agencies}个机关的中位数 median of {y.agencies} agencies）"))
    for r in median_rows:
        r["series"] = MEDIAN_LABEL
    # the median first: the same colour (and the legend's first line) on every metric's page
    rows[:0] = median_rows
    names.insert(0, MEDIAN_LABEL)
    if median_breaks:
        broken.insert(0, MEDIAN_LABEL)
    ys = sorted({r["year"] for r in rows})
    span_zh, span_en = _spans(ys)
    total = site.metric_entries(metric_id).agencies
    desc = [
        f"{m.label_zh}（{m.unit}）：{latest}年数值最大的{len(chosen)}个机关{span_zh}的数值，以及每年全部机关的中位数，折线图。"
        f"共{total}个机关报告此项，每个机关的数值见下表和数据下载。",
        f"{m.label_en}: the {len(chosen)} agencies with the largest values in {latest}, {span_en}, one line each, "
        f"and the median of all agencies that reported it each year. {total} agencies reported it: "
        "every agency's figures are in the table below and in the data downloads.",
    ]
    if broken:
        desc.append("模板口径不同的年份之间折线断开 Lines broken between templates that do not define the figure alike: "
                    + "、".join(broken) + ".")
    if approximate:
        desc.append("菱形点为约数。 Diamonds mark approximate values.")
    description = " ".join(desc)
    spec = _spec(kinds, Kind(SUMMARY_KIND, approx=approximate), rows, ys, names, m.unit, description, [])
    return Chart(id=f"metric-{metric_id.replace('.', '-')}", title=f"{m.label_zh}：{latest}年最大的{len(chosen)}个机关",
                 description=description, spec_json=spec,
                 subtitle=f"{m.label_en} ({m.unit}): the {len(chosen)} largest in {latest}, and the median, {span_en}",
                 table_href="#table")


def _agency_lines(site: Site, series, pairs, counts: Counter) -> tuple[list[dict], list[str], list[str], bool, set[int]]:
    """A line per agency of `pairs` ((agency, its reports giving the figure), in the order the
    lines are drawn) that has a point: the chart's rows, the lines' names, those broken between
    templates, whether any point is approximate, and the years shown."""
    rows: list[dict] = []
    names: list[str] = []
    broken: list[str] = []
    approximate = False
    years: set[int] = set()
    for agency, reports in pairs:
        points = _points(site, series, reports)
        if not points:
            continue
        segments, breaks = _segments(series, points)
        # two agencies of one name (in different districts) must not become one line
        name = f"{agency.name} ({agency.slug})" if counts[agency.name] > 1 else agency.name
        rows.extend(_data_rows(name, points, segments))
        names.append(name)
        if breaks:
            broken.append(name)
        approximate = approximate or any(p.approximate for p in points)
        years.update(p.year for p in points)
    return rows, names, broken, approximate, years


def metric_chart(site: Site, metric_id: str, kinds: Templates | None = None) -> Chart | None:
    """One figure (the total column) across every agency and year: a line per agency (what a
    metric's page shows up to LEGEND_MAX agencies; metric_charts() chooses).

    Its data table is the metric page's own table (#table), which shows the same figures.
    """
    series = metric_series(metric_id)
    m = catalogue_metric(metric_id)
    agencies = site.agencies
    counts = site.name_counts
    index, by_agency = site.figure_entries, site.reports_by_year
    having: dict[str, list[Report]] = {}  # slug -> its reports that give this figure
    for slug, year, _ in index.get(metric_id, ()):
        having.setdefault(slug, []).append(by_agency[slug][year])
    rows, names, broken, approximate, years = _agency_lines(
        site, series, ((agency, having.get(agency.slug, ())) for agency in agencies), counts)
    if not rows:
        return None
    ys = sorted(years)
    span_zh, span_en = _spans(ys)
    eras = ", ".join(_era_phrase(e) for e in m.eras)
    desc = [
        f"{m.label_zh}（{m.unit}）：{len(names)}个机关{span_zh}的报告数值，折线图，每个机关一条线。",
        f"{m.label_en}: the value each of {len(names)} agencies reported, {span_en}; one line per agency.",
        f"目录中此指标适用的模板 The catalogue defines this figure for: {eras}; "
        "模板不同且口径不可比的年份之间折线断开 the line breaks between years whose templates do not define it.",
    ]
    if broken:
        # named up to the legend's limit: past it, a description of every name would drown the chart's
        more = f"（另{len(broken) - LEGEND_MAX}个 and {len(broken) - LEGEND_MAX} more）" if len(broken) > LEGEND_MAX else ""
        desc.append("断开的机关 Lines broken for: " + "、".join(broken[:LEGEND_MAX]) + more + ".")
    if approximate:
        desc.append("菱形点为约数。 Diamonds mark approximate values.")
    description = " ".join(desc)
    kind = Kind(METRIC_KIND, approx=approximate, legend=len(names) <= LEGEND_MAX)
    spec = _spec(kinds, kind, rows, ys, names, m.unit, description, [])
    return Chart(id=f"metric-{metric_id.replace('.', '-')}", title=m.label_zh, description=description, spec_json=spec,
                 subtitle=f"{m.label_en} ({m.unit}), {span_en}", table_href="#table")


def bin_label(b) -> str:
    """A bin of summaries.bins as its bar and table row name it: "0", or "lo–hi" (lo included,
    hi not)."""
    if b.hi is not None and b.lo == b.hi:
        return format_number(b.lo)
    return f"{format_number(b.lo)}–{format_number(b.hi)}" if b.hi is not None else f"≥{format_number(b.lo)}"


def distribution_chart(chart_id: str, label_zh: str, label_en: str, unit: str, year: int, bins: list,
                       kinds: Templates | None = None) -> Chart | None:
    """How many agencies gave each range of values of a figure in `year` (`bins`: summaries.bins
    of their values): a bar a bin, the bins counted in Python. The figure may be a catalogue
    metric or a derived one: the caller names it."""
    if not bins:
        return None
    total = sum(b.count for b in bins)
    labels = [bin_label(b) for b in bins]
    rows = [{"bin": label, "agencies": b.count} for label, b in zip(labels, bins)]
    description = (
        f"{label_zh}（{unit}）：{year}年{total}个机关的数值分布，柱状图，每个区间一根柱，区间含下限、不含上限，"
        "区间按 1、2、5 的倍数逐级放宽。"
        f" {label_en}: how the values of the {total} agencies that reported it in {year} spread, one bar per "
        "range; a range includes its lower bound, not its upper; ranges widen 1, 2, 5, 10, 20 ... "
        "since most agencies report small numbers and a few very large ones.")
    spec = (kinds if kinds is not None else in_memory()).fill(DISTRIBUTION, {
        "rows": rows, "bins": labels, "x_title": f"数值区间（{unit}）Range", "description": description})
    table = [{"区间 Range": label, "机关数 Agencies": str(b.count)} for label, b in zip(labels, bins)]
    return Chart(id=chart_id, title=f"{label_zh}：{year}年的分布", description=description, spec_json=spec,
                 table=table, subtitle=f"{label_en} ({unit}): distribution over {total} agencies, {year}")


def write_specs(out, charts: list[Chart]) -> None:
    """Write each chart's spec where static/js/charts.js fetches it (``charts/<id>.vl.json``)."""
    seen = set()
    for c in charts:
        if c.id not in seen:  # a chart shown on two pages is one file
            seen.add(c.id)
            out.write(c.spec_path, c.spec_json + "\n")


def prerender(kinds: Templates) -> int:
    """Make the spec of every kind of chart a site can show (whatever this one needs: one Altair
    build each costs a few ms), before the pages need them and before any worker process starts,
    so that none of them imports Altair. Returns how many kinds `kinds` did not have on disk or
    from before (0 when the disk cache already had them all)."""
    before = kinds.builds
    for kind in ALL_KINDS:
        kinds.parts(kind)
    return kinds.builds - before
