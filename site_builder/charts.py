"""Charts: Altair specs built from the loaded Site, rendered once to static SVG with vl-convert.

Each chart is readable three ways: the inline SVG (no JavaScript), the data table beside it, and
the interactive Vega-Embed view that static/js/charts.js swaps in from ``charts/<id>.vl.json``.

Figures from different template eras are joined by a line only where the catalogue's ``eras``
column says the figure exists in both eras; elsewhere the line breaks (a new segment) and the
description says so, so a chart never silently joins incomparable series.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from site_builder.catalogue import metric as catalogue_metric
from site_builder.load import Site
from site_builder.model import Report
from site_builder.numbers import format_number

# Noto Sans CJK is what vl-convert measures and draws with (Debian fonts-noto-cjk); the rest of the
# stack is for readers' machines, since the inline SVG keeps its text as text, not outlines.
FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
WIDTH = 520
HEIGHT = 220
SPEC_DIR = "charts"

ERA_LABELS = {
    "pre2019": ("2019年前（2008年条例）", "before 2019 (2008 regulation)"),
    "2019": ("2019年模板", "2019 template"),
    "2021": ("2021年模板", "2021 template"),
}
EXACT = "确数 exact"
APPROX = "约数 approximate"
NOT_REPORTED = "—"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: str
    spec_json: str
    # rows of the accessible data table; every row has the same keys, which are the column headers
    table: list[dict] = field(default_factory=list)
    subtitle: str = ""  # English title and the years covered

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
        return tuple(c for c in self.components if era in catalogue_metric(c).eras)

    def comparable(self, era_a: str, era_b: str) -> bool:
        """Same meaning in both eras: the catalogue lists the same figures for both."""
        a, b = self.defined_in(era_a), self.defined_in(era_b)
        return bool(a) and a == b

    def value(self, report: Report) -> tuple[Decimal, bool] | None:
        """(value, approximate) for one report, or None when the report does not give it."""
        if len(self.components) == 1:
            f = report.figure(self.components[0])
            return None if f is None else (f.value, f.approximate)
        parts = self.defined_in(report.era)
        figures = [report.figure(c) for c in parts]
        # a group's total only when every row of it that the report's template has is printed
        if not parts or any(f is None for f in figures):
            return None
        return sum((f.value for f in figures), Decimal(0)), any(f.approximate for f in figures)


def metric_series(metric_id: str) -> Series:
    m = catalogue_metric(metric_id)
    return Series(m.id, m.label_zh, m.label_en, (m.id,))


def _group(prefix: str, zh: str, en: str) -> Series:
    from site_builder.catalogue import metrics

    parts = tuple(m.id for m in metrics() if m.id.startswith(prefix + "."))
    return Series(prefix, zh, en, parts)


def request_series() -> list[Series]:
    return [metric_series("requests.new"), metric_series("requests.carried_over")]


def outcome_series() -> list[Series]:
    return [
        metric_series("outcome.disclosed"),
        metric_series("outcome.partial"),
        metric_series("outcome.withheld"),
        _group("outcome.unable", "无法提供", "Unable to provide"),
        _group("outcome.not_processed", "不予处理", "Not processed"),
        metric_series("outcome.other"),
    ]


@dataclass(frozen=True)
class Point:
    year: int
    era: str
    value: Decimal
    approximate: bool


def _points(series: Series, reports: list[Report]) -> list[Point]:
    out = []
    for r in sorted(reports, key=lambda r: r.year):
        got = series.value(r)
        if got is not None:
            out.append(Point(r.year, r.era, got[0], got[1]))
    return out


def _segments(series: Series, points: list[Point]) -> tuple[list[int], list[tuple[int, int, str, str]]]:
    """Segment number of each point, and the breaks (year before, year after, era before, era after)."""
    seg, numbers, breaks = 0, [], []
    for i, p in enumerate(points):
        if i and not series.comparable(points[i - 1].era, p.era):
            seg += 1
            breaks.append((points[i - 1].year, p.year, points[i - 1].era, p.era))
        numbers.append(seg)
    return numbers, breaks


def _shown(value: Decimal, approximate: bool) -> str:
    return ("约 " if approximate else "") + format_number(value)


def _data_rows(series: Series, group: str, points: list[Point], segments: list[int]) -> list[dict]:
    return [
        {
            "year": p.year,
            "series": group,
            "segment": f"{group}#{n}",
            "value": float(p.value),
            "shown": _shown(p.value, p.approximate),
            "marker": APPROX if p.approximate else EXACT,
            "era": " ".join(ERA_LABELS[p.era]),
        }
        for p, n in zip(points, segments)
    ]


def _era_phrase(era: str) -> str:
    zh, en = ERA_LABELS[era]
    return f"{zh} / {en}"


def _spec(rows: list[dict], color_title: str, color_domain: list[str], title: str, subtitle: str,
          description: str, era_rules: list[dict], unit: str) -> dict:
    import altair as alt

    years = [r["year"] for r in rows]
    # half a year of room either side, so a single report is a point in the middle, not on an edge
    x = alt.X("year:Q", title="年份 Year", scale=alt.Scale(domain=[min(years) - 0.5, max(years) + 0.5], nice=False, zero=False),
              axis=alt.Axis(format="d", values=sorted(set(years))))  # ticks at the years reported
    y = alt.Y("value:Q", title=f"数量（{unit}）Number", scale=alt.Scale(zero=True))
    color = alt.Color("series:N", title=color_title, scale=alt.Scale(domain=color_domain),
                      legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=WIDTH))
    any_approx = any(r["marker"] == APPROX for r in rows)
    # the data sits once on the layer chart (Altair deep-copies each sub-chart's data otherwise)
    base = alt.Chart()
    line = base.mark_line(strokeWidth=2).encode(x=x, y=y, color=color, detail="segment:N")
    points = base.mark_point(filled=True, size=70, opacity=1).encode(
        x=x, y=y, color=color,
        shape=alt.Shape("marker:N", title="数值 Value", scale=alt.Scale(domain=[EXACT, APPROX], range=["circle", "diamond"]),
                        legend=alt.Legend(orient="bottom", direction="vertical") if any_approx else None),
        tooltip=[
            alt.Tooltip("series:N", title=color_title),
            alt.Tooltip("year:Q", title="年份 Year", format="d"),
            alt.Tooltip("shown:N", title="数值 Value"),
            alt.Tooltip("era:N", title="模板 Template"),
        ],
    )
    layers = [line, points]
    if era_rules:
        rules = alt.Chart(alt.Data(values=era_rules))
        layers.append(rules.mark_rule(strokeDash=[4, 4], color="#777").encode(x="at:Q"))
        layers.append(rules.mark_text(align="left", baseline="top", dx=4, dy=2, color="#555", fontSize=11).encode(
            x="at:Q", y=alt.value(0), text="label:N"))
    # no title inside the chart: the page's <figcaption> shows title and subtitle as text (and the
    # static SVG carries them in <title>/<desc> for screen readers)
    del title, subtitle
    chart = alt.layer(
        *layers, data=alt.Data(values=rows), width=WIDTH, height=HEIGHT, description=description,
        config=alt.Config(font=FONT, view=alt.ViewConfig(strokeWidth=0),
                          axis=alt.AxisConfig(labelFontSize=12, titleFontSize=12),
                          legend=alt.LegendConfig(labelFontSize=12, titleFontSize=12)),
    )
    # schema validation costs ~0.1 s a chart; tests validate every spec kind instead
    return chart.to_dict(validate=False)


def _make(chart_id: str, title: str, subtitle: str, description: str, rows: list[dict], color_title: str,
          color_domain: list[str], era_rules: list[dict], table: list[dict], unit: str, render: bool) -> Chart:
    args = (rows, color_title, color_domain, title, subtitle, description, era_rules, unit)
    inputs = json.dumps(args, ensure_ascii=False, sort_keys=True)
    spec_json = renderer().spec(inputs, lambda: _spec(*args))
    svg = accessible_svg(renderer().svg(spec_json), chart_id, f"{title} {subtitle}", description) if render else ""
    return Chart(id=chart_id, title=title, description=description, svg=svg, spec_json=spec_json, table=table,
                 subtitle=subtitle)


def _over_time(site: Site, slug: str, kind: str, series_list: list[Series], zh: str, en: str, render: bool) -> Chart | None:
    reports = site.reports_of(slug)
    if not reports:
        return None
    agency = site.agency_of[reports[0].path]
    rows: list[dict] = []
    by_series: dict[str, dict[int, str]] = {}
    notes_zh, notes_en = [], []
    rule_at: dict[float, tuple[str, str]] = {}
    for s in series_list:
        points = _points(s, reports)
        if not points:
            continue
        segments, breaks = _segments(s, points)
        rows.extend(_data_rows(s, s.label, points, segments))
        by_series[s.label] = {p.year: _shown(p.value, p.approximate) for p in points}
        for before, after, era_a, era_b in breaks:
            notes_zh.append(f"“{s.label_zh}”{before}年与{after}年口径不同（{ERA_LABELS[era_a][0]}→{ERA_LABELS[era_b][0]}），折线断开")
            notes_en.append(f"'{s.label_en}' is not comparable between {before} and {after} ({ERA_LABELS[era_a][1]} → {ERA_LABELS[era_b][1]}), so the line breaks")
    if not rows:
        return None
    years = sorted({r["year"] for r in rows})
    ordered = sorted((r for r in reports if r.year in years), key=lambda r: r.year)
    for a, b in zip(ordered, ordered[1:]):
        if a.era != b.era:
            rule_at[(a.year + b.year) / 2] = ERA_LABELS[b.era]
    era_rules = [{"at": at, "label": f"{zh_} {en_}"} for at, (zh_, en_) in sorted(rule_at.items())]
    title = f"{agency.name}：{zh}"
    span_en = f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}"
    span_zh = f"{years[0]}年至{years[-1]}年" if len(years) > 1 else f"{years[0]}年"
    subtitle = f"{en}, {span_en}"
    eras_seen = sorted({r.era for r in ordered}, key=list(ERA_LABELS).index)
    desc = [
        f"{agency.name}{span_zh}年度报告中的{zh}，折线图，每条线一个指标。",
        f"{en} reported by {agency.name} ({agency.slug}) in its reports for {', '.join(map(str, years))}; one line per figure.",
        "报告模板 Templates: " + "; ".join(_era_phrase(e) for e in eras_seen) + ".",
    ]
    if era_rules:
        desc.append("虚线标出模板更换的位置。 A dashed rule marks where the report template changed.")
    if notes_zh:
        desc.append("；".join(notes_zh) + "。 " + "; ".join(notes_en) + ".")
    if any(r["marker"] == APPROX for r in rows):
        desc.append("菱形点为约数（报告写“余、近、约”）。 Diamonds mark approximate values (the report says 余/近/约).")
    table = [
        {"年份 Year": str(y), **{label: vals.get(y, NOT_REPORTED) for label, vals in by_series.items()},
         "模板 Template": " ".join(ERA_LABELS[next(r.era for r in ordered if r.year == y)])}
        for y in years
    ]
    return _make(f"agency-{slug}-{kind}", title, subtitle, " ".join(desc), rows, "指标 Figure",
                 list(by_series), era_rules, table, catalogue_metric(series_list[0].components[0]).unit, render)


def agency_charts(site: Site, slug: str, render: bool = True) -> list[Chart]:
    """Requests and outcomes over time for one agency (only the charts it has figures for).

    render=False leaves Chart.svg empty (prerender() collects the specs that way).
    """
    charts = [
        _over_time(site, slug, "requests", request_series(), "收到的政府信息公开申请", "Requests received", render),
        _over_time(site, slug, "outcomes", outcome_series(), "申请的办理结果", "Outcomes of requests", render),
    ]
    return [c for c in charts if c is not None]


def metric_chart(site: Site, metric_id: str, render: bool = True) -> Chart | None:
    """One figure (the total column) across every agency and year: a line per agency."""
    series = metric_series(metric_id)
    m = catalogue_metric(metric_id)
    rows: list[dict] = []
    table: list[dict] = []
    broken: list[str] = []
    approximate = False
    years: set[int] = set()
    names: list[str] = []
    shared = {a.name for a in site.agencies if [b.name for b in site.agencies].count(a.name) > 1}
    for agency in site.agencies:
        points = _points(series, site.reports_of(agency.slug))
        if not points:
            continue
        segments, breaks = _segments(series, points)
        # two agencies of one name (in different districts) must not become one line
        name = f"{agency.name} ({agency.slug})" if agency.name in shared else agency.name
        rows.extend(_data_rows(series, name, points, segments))
        names.append(name)
        if breaks:
            broken.append(name)
        approximate = approximate or any(p.approximate for p in points)
        years.update(p.year for p in points)
        table.append({"机关 Agency": name, **{p.year: _shown(p.value, p.approximate) for p in points}})
    if not rows:
        return None
    ys = sorted(years)
    span_en = f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else f"{ys[0]}"
    span_zh = f"{ys[0]}年至{ys[-1]}年" if len(ys) > 1 else f"{ys[0]}年"
    table = [{"机关 Agency": row["机关 Agency"], **{f"{y}": row.get(y, NOT_REPORTED) for y in ys}} for row in table]
    eras = ", ".join(_era_phrase(e) for e in m.eras)
    desc = [
        f"{m.label_zh}（{m.unit}）：各机关{span_zh}的报告数值，折线图，每个机关一条线。",
        f"{m.label_en}: the value each agency reported, {span_en}; one line per agency.",
        f"目录中此指标适用的模板 The catalogue defines this figure for: {eras}; "
        "模板不同且口径不可比的年份之间折线断开 the line breaks between years whose templates do not define it.",
    ]
    if broken:
        desc.append("断开的机关 Lines broken for: " + "、".join(broken) + ".")
    if approximate:
        desc.append("菱形点为约数。 Diamonds mark approximate values.")
    title = f"{m.label_zh}"
    subtitle = f"{m.label_en} ({m.unit}), {span_en}"
    return _make(f"metric-{metric_id.replace('.', '-')}", title, subtitle, " ".join(desc), rows, "机关 Agency",
                 names, [], table, m.unit, render)


def write_specs(out, charts: list[Chart]) -> None:
    """Write each chart's spec where static/js/charts.js fetches it (``charts/<id>.vl.json``)."""
    seen = set()
    for c in charts:
        if c.id not in seen:  # a chart shown on two pages is one file
            seen.add(c.id)
            out.write(c.spec_path, c.spec_json + "\n")


# --- rendering -----------------------------------------------------------------------------------


class ChartCache:
    """Builds each distinct spec and renders each distinct SVG once: in memory for the process (the
    dev server's rebuilds, a chart shown on two pages) and, given a folder, on disk across builds.
    Keys cover the inputs and the Altair / vl-convert versions, so an upgrade never reuses stale output.
    """

    def __init__(self, cache_dir: Path | None = None):
        self.cache_dir = cache_dir
        self._specs: dict[str, str] = {}
        self._svgs: dict[str, str] = {}
        self.renders = 0  # specs that actually went through vl-convert (tests and benchmarks read it)
        self.spec_builds = 0  # specs that actually went through Altair

    @staticmethod
    def _hash(salt: str, text: str) -> str:
        return hashlib.sha256((salt + "\n" + text).encode("utf-8")).hexdigest()

    def _disk(self, kind: str, key: str, suffix: str) -> Path | None:
        return self.cache_dir / kind / f"{key}{suffix}" if self.cache_dir else None

    def _store(self, path: Path | None, text: str) -> None:
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")  # writers never share a half-written file
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)

    def spec(self, inputs: str, build) -> str:
        """The spec JSON for these inputs (a JSON string), calling build() only on a miss."""
        import altair

        key = self._hash(f"altair {altair.__version__} code {_CODE_VERSION}", inputs)
        if key in self._specs:
            return self._specs[key]
        path = self._disk("specs", key, ".vl.json")
        if path is not None and path.is_file():
            spec_json = path.read_text(encoding="utf-8")
        else:
            spec_json = json.dumps(build(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            self.spec_builds += 1
            self._store(path, spec_json)
        self._specs[key] = spec_json
        return spec_json

    def _svg_key(self, spec_json: str) -> str:
        import vl_convert

        return self._hash(f"vega {vl_convert.get_vega_version()} vl {vl_convert.get_vegalite_versions()[-1]}", spec_json)

    def cached_svg(self, spec_json: str) -> str | None:
        key = self._svg_key(spec_json)
        if key in self._svgs:
            return self._svgs[key]
        path = self._disk("svg", key, ".svg")
        if path is not None and path.is_file():
            self._svgs[key] = path.read_text(encoding="utf-8")
            return self._svgs[key]
        return None

    def svg(self, spec_json: str) -> str:
        found = self.cached_svg(spec_json)
        if found is not None:
            return found
        import vl_convert

        svg = vl_convert.vegalite_to_svg(spec_json)
        key = self._svg_key(spec_json)
        with self._lock:
            self.renders += 1
            self._svgs[key] = svg
        self._store(self._disk("svg", key, ".svg"), svg)
        return svg

    def render_many(self, specs: list[str], workers: int | None = None) -> int:
        """Render the specs not cached yet, several at once (vl-convert releases the GIL)."""
        todo = sorted({s for s in specs if self.cached_svg(s) is None})
        if not todo:
            return 0
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 1)) as pool:
            list(pool.map(self.svg, todo))
        return len(todo)

    _lock = threading.Lock()


# specs change when this module's code does: a cached spec from older code is never reused
_CODE_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
_cache = ChartCache()


def renderer() -> ChartCache:
    return _cache


def use_cache_dir(cache_dir: Path | None) -> None:
    """Keep built specs and rendered SVGs on disk across builds (the build command uses .cache/charts)."""
    _cache.cache_dir = cache_dir


def prerender(site: Site, workers: int | None = None) -> int:
    """Render every chart the site will show, in parallel, before the pages ask for them one by one.

    Returns how many SVGs had to be rendered (0 when the cache had them all).
    """
    from site_builder.catalogue import metrics

    drafts = [c for a in site.agencies for c in agency_charts(site, a.slug, render=False)]
    drafts += [c for m in metrics() if (c := metric_chart(site, m.id, render=False)) is not None]
    return renderer().render_many([d.spec_json for d in drafts], workers)


_SCRIPT = re.compile(r"<script\b.*?</script\s*>|<script\b[^>]*/>", re.I | re.S)
_FOREIGN = re.compile(r"<foreignObject\b.*?</foreignObject\s*>", re.I | re.S)
_HANDLER = re.compile(r"\son[a-z]+\s*=\s*(\"[^\"]*\"|'[^']*')", re.I)
_ID = re.compile(r'\bid="([^"]+)"')
_EXTERNAL = re.compile(r"""(?:href\s*=\s*["'](?!#)|url\(\s*["']?(?!#)|@import)""", re.I)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def accessible_svg(svg: str, chart_id: str, title: str, description: str) -> str:
    """The rendered SVG made safe and self-describing for inline use in a page.

    vl-convert already escapes text; this also drops anything executable, makes ids unique per
    chart (two charts on one page must not share clip-path ids), and labels the root for screen
    readers. It refuses any reference to another document rather than shipping it.
    """
    svg = _SCRIPT.sub("", svg)
    svg = _FOREIGN.sub("", svg)
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    svg = _HANDLER.sub("", svg)
    ids = sorted(set(_ID.findall(svg)), key=len, reverse=True)
    for old in ids:
        new = f"{chart_id}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"url(#{old})", f"url(#{new})").replace(f'href="#{old}"', f'href="#{new}"')
    if _EXTERNAL.search(svg):
        raise ValueError(f"chart {chart_id}: the rendered SVG refers to another document; refusing to inline it")
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    root_end = svg.index(">", svg.index("<svg")) + 1
    root = svg[:root_end]
    # width/height stay as drawn (the same size as the interactive view, so nothing jumps when it
    # replaces this one); the stylesheet caps the width at the column's (.chart-static svg)
    root = root[:-1] + f' role="img" aria-labelledby="{title_id} {desc_id}" focusable="false">'
    labels = f'<title id="{title_id}">{_escape(title)}</title><desc id="{desc_id}">{_escape(description)}</desc>'
    return root + labels + svg[root_end:]
