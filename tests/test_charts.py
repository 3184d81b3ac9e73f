"""Charts: figures and era breaks from the seed reports, the spec of each kind built with Altair once
and filled per chart (valid Vega-Lite, deterministic bytes), the template's no-JavaScript table, and
the interactive view in Chromium under the published Content-Security-Policy."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from site_builder.render import charts
from site_builder.render.charts import ALL_KINDS, APPROX, EXACT, Templates, agency_charts, metric_chart
from site_builder.load.loader import Site, load_site

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
CHROMIUM = Path("/usr/bin/chromium")
NEW = "本年新收政府信息公开申请数量 Requests received this year"
CARRIED = "上年结转政府信息公开申请数量 Requests carried over from last year"


@pytest.fixture(scope="module")
def seed():
    return load_site(CONTENT)


@pytest.fixture(scope="module")
def two_eras(tmp_path_factory):
    """陶然亭 with its 2017 report (pre-2019 统计表) and a 2024 report on the 2021 template
    (the seed 建国门 2024 report under 陶然亭's name)."""
    content = tmp_path_factory.mktemp("two_eras")
    (content / "reports").mkdir()
    shutil.copy(CONTENT / "agencies.toml", content / "agencies.toml")
    shutil.copy(CONTENT / "reports" / "taoranting-2017.txt", content / "reports")
    text = (CONTENT / "reports" / "jianguomen-2024.txt").read_text(encoding="utf-8")
    (content / "reports" / "taoranting-2024.txt").write_text(text.replace("建国门街道", "陶然亭街道"), encoding="utf-8")
    site = load_site(content)
    assert [(r.year, r.era) for r in site.reports_of("taoranting")] == [(2017, "pre2019"), (2024, "2021")]
    return site


def by_id(chart_list):
    return {c.id: c for c in chart_list}


def spec_of(chart):
    return json.loads(chart.spec_json)


def data_rows(chart):
    return spec_of(chart)["datasets"]["rows"]


def all_charts(site, kinds=None):
    from site_builder.catalogue import by_id

    # (every row of the catalogue: a rate's figure page has its chart too)
    return [c for a in site.agencies for c in agency_charts(site, a.slug, kinds)] + [
        c for m in by_id().values() if (c := metric_chart(site, m.id, kinds)) is not None]


# --- what the charts show ---------------------------------------------------------------------------


def test_agency_charts_show_the_reports_figures(seed):
    got = by_id(agency_charts(seed, "jianguomen"))
    assert set(got) == {"agency-jianguomen-requests", "agency-jianguomen-outcomes"}

    requests = got["agency-jianguomen-requests"]
    assert requests.columns == ["年份 Year", NEW, CARRIED, "模板 Template"]
    assert [(r["年份 Year"], r[NEW], r[CARRIED]) for r in requests.table] == [("2011", "0", "—"), ("2024", "17", "0")]
    # the 2011 report has no 上年结转 row: a gap, not a zero, in table and chart data alike
    assert {(r["series"], r["year"], r["value"], r["era"]) for r in data_rows(requests)} == {
        (NEW, 2011, 0, "pre2019"), (NEW, 2024, 17, "2021"), (CARRIED, 2024, 0, "2021")}
    assert "建国门街道" in requests.title and "2011–2024" in requests.subtitle
    spec = spec_of(requests)
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [NEW, CARRIED]
    assert spec["layer"][0]["encoding"]["x"]["axis"]["values"] == [2011, 2024]  # a tick per year reported
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [2010.5, 2024.5]
    assert spec["layer"][0]["encoding"]["y"]["title"] == "数量（件）Number"
    assert spec["description"] == requests.description

    outcomes = got["agency-jianguomen-outcomes"]
    row = outcomes.table[0]
    # 无法提供 and 不予处理 have no row of their own: the sum of their sub-rows (9+0+0, 0*5)
    assert (row["年份 Year"], row["予以公开 Disclosed in full"], row["不予公开 Withheld (sum of the eight grounds)"],
            row["无法提供 Unable to provide"], row["不予处理 Not processed"], row["其他处理 Other handling (total)"]) == (
        "2024", "1", "2", "9", "0", "5")
    assert {r["series"]: r["value"] for r in data_rows(outcomes) if r["year"] == 2024}["无法提供 Unable to provide"] == 9


def test_description_says_what_the_chart_shows(seed):
    requests = by_id(agency_charts(seed, "jianguomen"))["agency-jianguomen-requests"]
    d = requests.description
    assert d.startswith("建国门街道2011年至2024年年度报告中的收到的政府信息公开申请，折线图")
    assert "in its reports for 2011, 2024" in d
    assert "2019年前（2008年条例） / before 2019 (2008 regulation); 2021年模板 / 2021 template" in d
    assert "A dashed rule marks where the report template changed" in d
    # 2011 -> 2024: 本年新收 means the same in both eras, so no break is announced
    assert "not comparable" not in d


def test_an_agency_without_reports_has_no_charts(seed):
    assert agency_charts(seed, "no-such-agency") == []


def test_an_agency_with_one_report_has_no_charts_and_its_page_says_why(seed, seed_site):
    # 新起 has one report (2013): a chart would be single points; its tables show them already
    assert [r.year for r in seed.reports_of("xinqi")] == [2013] and agency_charts(seed, "xinqi") == []
    assert not list((seed_site / "charts").glob("agency-xinqi-*"))
    page = (seed_site / "agencies" / "xinqi" / "index.html").read_text(encoding="utf-8")
    assert "只有 2013 年一份报告：图表从第二年的报告起显示" in page and "data-spec=" not in page
    # two reports: charts (建国门, 2011 and 2024), and not that sentence
    jianguomen = (seed_site / "agencies" / "jianguomen" / "index.html").read_text(encoding="utf-8")
    assert "data-spec=" in jianguomen and "图表从第二年的报告起显示" not in jianguomen


def test_metric_chart_has_a_line_per_agency(seed):
    chart = metric_chart(seed, "requests.new")
    assert chart.id == "metric-requests-new"
    reporting = [a.name for a in seed.agencies if any(r.figure("requests.new") for r in seed.reports_of(a.slug))]
    assert {"东花市街道", "建国门街道", "陶然亭街道", "新碶街道"} <= set(reporting)
    rows = data_rows(chart)
    assert list(dict.fromkeys(r["series"] for r in rows)) == reporting  # in slug order
    assert spec_of(chart)["layer"][0]["encoding"]["color"]["scale"]["domain"] == reporting
    # 建国门 reported it in 2011 and 2024, not in 2019 (its 2019 report has no such row)
    assert {r["year"]: r["value"] for r in rows if r["series"] == "建国门街道"} == {2011: 0, 2024: 17}
    # its data table is the metric page's own table, not a second copy
    assert chart.table == [] and chart.table_href == "#table"
    assert f"{len(reporting)}个机关" in chart.description and f"each of {len(reporting)} agencies" in chart.description


def test_metric_chart_is_none_without_figures(tmp_path):
    (tmp_path / "reports").mkdir()
    shutil.copy(CONTENT / "reports" / "jianguomen-2011.txt", tmp_path / "reports")
    site = load_site(tmp_path)
    assert metric_chart(site, "review.upheld") is None  # a 2019/2021 table 四 figure; 2011 has none
    assert metric_chart(site, "proactive.total") is not None


def test_approximate_values_are_marked(seed):
    # 建国门 2011: "咨询...23000余人次"
    chart = metric_chart(seed, "consultations.total")
    row = next(r for r in data_rows(chart) if r["series"] == "建国门街道")
    assert row["approx"] is True and row["shown"] == "约 23000" and row["value"] == 23000
    points = spec_of(chart)["layer"][1]
    shape = points["encoding"]["shape"]
    assert shape["field"] == "marker" and shape["scale"] == {"domain": [EXACT, APPROX], "range": ["circle", "diamond"]}
    assert shape["legend"] is not None
    # the marker is derived from the row's flag by the spec (Vega's expression interpreter runs it)
    assert {"as": "marker", "calculate": f'datum.approx ? "{APPROX}" : "{EXACT}"'} in points["transform"]
    assert "approximate" in chart.description
    # a chart without approximate values has no legend for them
    exact = by_id(agency_charts(seed, "jianguomen"))["agency-jianguomen-requests"]
    assert not any(r["approx"] for r in data_rows(exact))
    assert spec_of(exact)["layer"][1]["encoding"]["shape"]["legend"] is None


def test_incomparable_eras_break_the_line(two_eras):
    got = by_id(agency_charts(two_eras, "taoranting"))
    outcomes = got["agency-taoranting-outcomes"]
    segments: dict[str, set[int]] = {}
    for r in data_rows(outcomes):
        segments.setdefault(r["series"], set()).add(r["seg"])
    # 无法提供 is 不掌握+不存在 before 2019 and 不掌握+需另行制作+不明确 on the 2021 template: two segments
    assert segments["无法提供 Unable to provide"] == {0, 1}
    # 予以公开 means the same in every era (metrics.csv): one joined line
    assert segments["予以公开 Disclosed in full"] == {0}
    assert "Unable to provide' is not comparable between 2017 and 2024" in outcomes.description
    assert "“无法提供”2017年与2024年口径不同" in outcomes.description
    # the line mark draws one path per series and segment (color + detail), and a dashed rule with
    # the new template's name marks the change, halfway between the two reports
    spec = spec_of(outcomes)
    line = spec["layer"][0]
    assert line["mark"]["type"] == "line" and line["encoding"]["detail"]["field"] == "seg"
    assert line["encoding"]["color"]["field"] == "series"
    assert [layer["mark"]["type"] for layer in spec["layer"][2:]] == ["rule", "text"]
    assert spec["layer"][2]["data"] == {"name": "rules"}
    assert spec["datasets"]["rules"] == [{"at": 2020.5, "label": "2021年模板 2021 template", "lane": 0, "side": "left"}]
    # requests: 本年新收 exists in all three eras, so 2017 -> 2024 is one line
    requests = got["agency-taoranting-requests"]
    assert {r["seg"] for r in data_rows(requests) if r["series"] == NEW} == {0}
    assert "not comparable" not in requests.description


def test_close_template_changes_label_on_alternate_lines_facing_the_middle(seed):
    # 平潭: 2016 (pre-2019) -> 2019 -> 2021, the rules two and a half years apart: their labels,
    # each wider than that, would print over each other on one line (issue 17)
    spec = spec_of(by_id(agency_charts(seed, "pingtan"))["agency-pingtan-requests"])
    assert spec["datasets"]["rules"] == [
        {"at": 2017.5, "label": "2019年模板 2019 template", "lane": 0, "side": "right"},
        {"at": 2020.0, "label": "2021年模板 2021 template", "lane": 1, "side": "right"},
    ]
    text = spec["layer"][3]["mark"]
    assert text["dy"] == {"expr": f"2 + datum.lane * {charts.RULE_LANE}"} and text["align"] == {"expr": "datum.side"}


def test_a_metric_line_breaks_where_its_eras_differ(two_eras, monkeypatch):
    # 本年新收 is defined in every era; a catalogue that defined it before 2019 only would make
    # 陶然亭's 2017 -> 2024 line two segments, and the description would say so.
    from site_builder import catalogue

    real = catalogue.metric("requests.new")
    monkeypatch.setattr(charts, "catalogue_metric",
                        lambda mid: replace(real, eras=("pre2019",)) if mid == "requests.new" else catalogue.metric(mid))
    charts._defined_in.cache_clear()  # what the real catalogue said is memoised
    try:
        chart = metric_chart(two_eras, "requests.new")
    finally:
        charts._defined_in.cache_clear()
    assert {r["year"]: r["seg"] for r in data_rows(chart) if r["series"] == "陶然亭街道"} == {2017: 0, 2024: 1}
    assert "Lines broken for: 陶然亭街道." in chart.description


def test_era_labels_come_from_the_code_not_each_row(seed):
    points = spec_of(metric_chart(seed, "requests.new"))["layer"][1]
    calc = next(t["calculate"] for t in points["transform"] if t["as"] == "era_label")
    for code, (zh, en) in charts.ERA_LABELS.items():
        assert f"{zh} {en}" in calc
        if code != "2021":  # the last label is the expression's default
            assert f'datum.era === "{code}"' in calc
    tooltip = {t["field"]: t["title"] for t in points["encoding"]["tooltip"]}
    assert tooltip == {"series": "机关 Agency", "year": "年份 Year", "shown": "数值 Value", "era_label": "模板 Template"}


def test_two_agencies_of_one_name_stay_two_lines(seed):
    renamed = {path: (replace(a, name="同名街道") if a.slug in ("jianguomen", "xinqi") else a)
               for path, a in seed.agency_of.items()}
    chart = metric_chart(replace(seed, agency_of=renamed), "requests.new")
    assert {"同名街道 (jianguomen)", "同名街道 (xinqi)"} <= {r["series"] for r in data_rows(chart)}


def test_many_agencies_get_totals_and_the_top_agencies_not_a_line_each(seed, monkeypatch):
    # up to LEGEND_MAX agencies: a line each, with a legend
    assert [c.id for c in charts.metric_charts(seed, "requests.new")] == ["metric-requests-new"]
    assert spec_of(charts.metric_charts(seed, "requests.new")[0])["layer"][0]["encoding"]["color"]["legend"]["orient"] == "bottom"
    # past it: the total of all agencies per year, and the TOP_N largest of the latest year with the median
    monkeypatch.setattr(charts, "LEGEND_MAX", 2)
    monkeypatch.setattr(charts, "TOP_N", 2)
    total, top = charts.metric_charts(seed, "requests.new")
    having = [(a.slug, r.year, f.value) for a in seed.agencies for r in seed.reports_of(a.slug)
              if (f := r.figure("requests.new")) is not None]
    sums = {}
    for _, year, value in having:
        sums[year] = sums.get(year, 0) + value
    assert total.id == "metric-requests-new-all"
    assert {r["year"]: r["value"] for r in data_rows(total)} == sums
    assert {r["series"] for r in data_rows(total)} == {charts.TOTAL_LABEL}
    assert [row["年份 Year"] for row in total.table] == [str(y) for y in sorted(sums)]  # its own table (no-JS view)
    latest = max(sums)
    counted = {y: sum(1 for _, year, _ in having if year == y) for y in sums}
    assert [row["机关数 Agencies"] for row in total.table] == [str(counted[y]) for y in sorted(sums)]
    assert top.id == "metric-requests-new" and top.table_href == "#table"
    biggest = sorted(((v, s) for s, y, v in having if y == latest), key=lambda e: -e[0])[:2]
    names = [next(a.name for a in seed.agencies if a.slug == s) for _, s in biggest]
    domain = spec_of(top)["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert domain == [charts.MEDIAN_LABEL] + names
    assert f"{latest}年数值最大的2个机关" in top.description and f"largest values in {latest}" in top.description
    # far fewer points than a line per agency would have
    assert len(data_rows(top)) < len(having) + len(sums)
    for chart in (total, top):
        assert spec_of(chart)["layer"][0]["encoding"]["color"]["legend"]["orient"] == "bottom"


def test_charts_do_not_need_the_records_table(seed, monkeypatch):
    # Site.records() is millions of rows at scale; charts read the reports directly
    def refuse(self):
        raise AssertionError("charts asked for Site.records()")

    monkeypatch.setattr(Site, "records", refuse)
    assert len(all_charts(seed)) > 20


# --- specs: valid, built with Altair once per kind, deterministic --------------------------------


@pytest.fixture(scope="module")
def vega_lite_errors():
    """Errors of a spec against the Vega-Lite schema that Altair ships (the version it writes)."""
    import jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    schema = load_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    return lambda spec: [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(spec)]


def test_the_schema_check_finds_errors(seed, vega_lite_errors):
    spec = spec_of(agency_charts(seed, "jianguomen")[0])
    assert vega_lite_errors(spec) == []
    spec["layer"][0]["mark"]["type"] = "squiggle"
    assert vega_lite_errors(spec)


def test_every_chart_spec_is_valid_vega_lite(seed, two_eras, vega_lite_errors):
    made = all_charts(seed) + all_charts(two_eras)
    for chart in made:
        assert vega_lite_errors(spec_of(chart)) == [], chart.id
    # and every kind there is, filled with one real chart's values
    sample = spec_of(by_id(agency_charts(two_eras, "taoranting"))["agency-taoranting-outcomes"])
    enc = sample["layer"][0]["encoding"]
    values = {"rows": sample["datasets"]["rows"], "rules": sample["datasets"]["rules"],
              "x_domain": enc["x"]["scale"]["domain"], "years": enc["x"]["axis"]["values"],
              "series": enc["color"]["scale"]["domain"], "y_title": enc["y"]["title"], "description": "d"}
    for kind in ALL_KINDS:
        if kind.mark == "bar":  # (a distribution: its own data, below)
            continue
        spec = json.loads(Templates().fill(kind, values))
        assert vega_lite_errors(spec) == [], kind
        assert "__slot_" not in json.dumps(spec)
        assert (len(spec["layer"]) == 4) == kind.rules
    # the distribution's bars (a summary page's), from the seeds' values of 2019
    from site_builder.render import summaries

    values = [f.value for slug, year, f in seed.metric_entries("requests.new").by_year[2019]]
    chart = charts.distribution_chart("spread", "申请", "Requests", "件", 2019, summaries.bins(values))
    spec = spec_of(chart)
    assert vega_lite_errors(spec) == [] and "__slot_" not in chart.spec_json
    assert sum(r["agencies"] for r in spec["datasets"]["rows"]) == len(values) == 2


def test_a_chart_is_its_kinds_spec_filled_in_without_altair(seed, monkeypatch):
    templates = Templates()
    assert charts.prerender(templates) == len(ALL_KINDS) == templates.builds

    def no_altair(kind):
        raise AssertionError("a chart went through Altair")

    monkeypatch.setattr(charts, "altair_spec", no_altair)
    monkeypatch.setattr(charts, "_altair_text", no_altair)  # (nor this process's kinds)
    assert len(all_charts(seed, templates)) > 20 and templates.builds == len(ALL_KINDS)
    assert charts.prerender(templates) == 0


def test_specs_are_deterministic_bytes_from_altair_or_from_disk(seed, tmp_path, monkeypatch):
    first = Templates(tmp_path)
    made = [c.spec_json for c in all_charts(seed, first)]
    assert first.builds > 0 and list(tmp_path.glob("kinds-*.json"))
    assert [c.spec_json for c in all_charts(seed, first)] == made  # same process, same bytes
    assert [c.spec_json for c in all_charts(seed)] == made  # the kinds kept in memory only: the same

    # a later build process: the kinds come from the disk, Altair is not asked
    later = Templates(tmp_path)
    monkeypatch.setattr(charts, "_altair_text", lambda kind: pytest.fail("built again though on disk"))
    assert [c.spec_json for c in all_charts(seed, later)] == made and later.builds == 0


def test_a_process_with_the_kinds_on_disk_never_imports_altair(tmp_path):
    import subprocess
    import sys

    script = f"""
import sys
from pathlib import Path
from site_builder.render import charts
from site_builder.load.loader import load_site
assert "altair" not in sys.modules, "importing the charts module imported Altair"
kinds = charts.Templates(Path({str(tmp_path)!r}))
site = load_site(Path({str(CONTENT)!r}))
charts.prerender(kinds)
made = charts.agency_charts(site, "jianguomen", kinds)
print(kinds.builds, "altair" in sys.modules, len(made))
"""
    run = lambda: subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT).stdout.split()
    assert run() == [str(len(ALL_KINDS)), "True", "2"]  # first process: Altair builds every kind
    assert run() == ["0", "False", "2"]  # later ones read them


def test_a_damaged_kinds_file_is_rebuilt(seed, tmp_path, monkeypatch):
    first = Templates(tmp_path)
    made = agency_charts(seed, "jianguomen", first)[0].spec_json
    for f in tmp_path.glob("kinds-*.json"):
        f.write_text("{not json", encoding="utf-8")
    again = Templates(tmp_path)
    assert agency_charts(seed, "jianguomen", again)[0].spec_json == made and again.builds == first.builds > 0
    assert len(json.loads(next(tmp_path.glob("kinds-*.json")).read_text(encoding="utf-8"))) == again.builds


def test_a_missing_value_is_an_error_not_a_placeholder_left_in():
    with pytest.raises(KeyError, match="description"):
        Templates().fill(ALL_KINDS[0], {"rows": [], "x_domain": [0, 1], "years": [], "series": [], "y_title": "t"})


# --- the page ------------------------------------------------------------------------------------------


def test_chart_partial_renders_title_description_and_open_table(seed):
    from site_builder.render import environment

    chart = agency_charts(seed, "jianguomen")[0]
    env = environment(ROOT / "templates")
    html = env.get_template("_chart.html").render(chart=chart)
    assert f'<figure class="chart" id="{chart.id}" data-spec="/charts/{chart.id}.vl.json"' in html
    assert f'<figcaption class="chart-title" id="{chart.id}-title">{chart.title}' in html
    assert f'<p class="chart-description" id="{chart.id}-desc">{chart.description}</p>' in html
    # without JavaScript the table is the chart: open, not folded away; and there is no empty box
    assert '<details class="chart-data" open>' in html and "<svg" not in html and "chart-interactive" not in html
    assert "<th scope=\"row\">2024</th>" in html and "<td class=\"num\">17</td>" in html
    assert 'data-vega="/static/vendor/vega.bundle.js"' in html  # without asset_url: the plain copy
    env.globals["asset_url"] = lambda name: f"/assets/{name}?fingerprinted"
    assert 'data-vega="/assets/vendor/vega.bundle.js?fingerprinted"' in env.get_template("_chart.html").render(chart=chart)

    metric = metric_chart(seed, "requests.new")
    html = env.get_template("_chart.html").render(chart=metric)
    assert "<table" not in html and '<a href="#table">数据见下表' in html


def test_text_from_reports_is_escaped_on_the_page(seed):
    from site_builder.render import environment

    hostile = {path: replace(a, name="A<b>&\"街道") for path, a in seed.agency_of.items()}
    chart = agency_charts(replace(seed, agency_of=hostile), "jianguomen")[0]
    html = environment(ROOT / "templates").get_template("_chart.html").render(chart=chart)
    assert "A&lt;b&gt;&amp;" in html and "<b>" not in html
    assert spec_of(chart)["description"].startswith("A<b>&\"街道")  # JSON data, never parsed as HTML


def test_built_site_has_the_specs_and_the_vendored_bundle(seed_site, seed):
    spec_file = seed_site / "charts" / "agency-jianguomen-requests.vl.json"
    want = by_id(agency_charts(seed, "jianguomen"))["agency-jianguomen-requests"].spec_json
    assert spec_file.read_text(encoding="utf-8") == want + "\n"
    page = (seed_site / "agencies" / "jianguomen" / "index.html").read_text(encoding="utf-8")
    assert 'data-spec="/charts/agency-jianguomen-requests.vl.json"' in page
    bundle_url = page.split('data-vega="', 1)[1].split('"', 1)[0]
    bundle = (seed_site / bundle_url.lstrip("/")).read_text(encoding="utf-8")
    assert "window.vegaEmbed=" in bundle and "expressionInterpreter" in bundle  # eval-free Vega
    metric_page = (seed_site / "metrics" / "requests.new" / "index.html").read_text(encoding="utf-8")
    assert 'data-spec="/charts/metric-requests-new.vl.json"' in metric_page and 'id="table"' in metric_page
    assert (seed_site / "charts" / "metric-requests-new.vl.json").is_file()
    # one file per chart, each a chart some page shows
    shown = {f"{c.id}.vl.json" for c in all_charts(seed)}
    assert {p.name for p in (seed_site / "charts").iterdir()} == shown


# --- in a browser ---------------------------------------------------------------------------------


@pytest.mark.browser
def test_charts_become_interactive_under_the_csp(seed_site, netlify_rules):
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed")
    from browser.server import serve
    from browser.visit import in_own_thread, launch, open_context, visit
    from playwright.sync_api import sync_playwright

    problems: list[str] = []

    def session():
        with serve(seed_site, netlify_rules) as base, sync_playwright() as p:
            browser = launch(p)
            try:
                v = visit(open_context(browser, 1280), base + "/agencies/jianguomen/")
                page = v.page
                figure = page.locator("#agency-jianguomen-outcomes")
                figure.scroll_into_view_if_needed()
                page.wait_for_selector("#agency-jianguomen-outcomes[data-chart-state=interactive]", state="attached", timeout=30000)
                # drawn by the bundle that ships in the site (fingerprinted under /assets/vendor/)
                loaded = page.evaluate("performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)")
                assert any(p.startswith("/assets/vendor/vega.bundle.") for p in loaded), loaded
                assert "/charts/agency-jianguomen-outcomes.vl.json" in loaded
                view = figure.locator(".chart-interactive svg")
                assert view.count() == 1 and view.bounding_box()["width"] > 200
                holder = figure.locator(".chart-interactive")
                assert holder.get_attribute("aria-labelledby") == "agency-jianguomen-outcomes-title agency-jianguomen-outcomes-desc"
                # six figures, one 2024 point each, drawn from the spec's data
                assert figure.locator(".chart-interactive .mark-symbol.role-mark path").count() == 6
                assert figure.locator("details.chart-data").get_attribute("open") is None  # folded away
                figure.locator(".chart-interactive .mark-symbol.role-mark path").first.hover(force=True)
                page.wait_for_selector("#vg-tooltip-element.visible", timeout=5000)
                tip = page.inner_text("#vg-tooltip-element")
                # the template's name comes from the spec's expression, run by the interpreter
                assert "2024" in tip and "模板 Template" in tip and "2021年模板 2021 template" in tip
                problems.extend(v.problems())

                # without JavaScript the title, the description and the open table are the chart
                nojs = browser.new_context(java_script_enabled=False).new_page()
                nojs.goto(base + "/agencies/jianguomen/")
                fig = nojs.locator("#agency-jianguomen-outcomes")
                assert fig.locator("figcaption").is_visible() and fig.locator(".chart-description").is_visible()
                table = fig.locator("details.chart-data table")
                assert table.is_visible() and table.bounding_box()["height"] > 40
                assert "2024" in table.inner_text() and fig.locator("svg").count() == 0
                nojs.goto(base + "/metrics/requests.new/")
                link = nojs.locator("#metric-requests-new a[href='#table']")
                assert link.is_visible() and nojs.locator("#table").count() == 1
            finally:
                browser.close()

    in_own_thread(session)
    # everything the page asked for loaded, nothing left localhost, no console error or CSP violation
    assert problems == []


def test_the_totals_and_medians_of_an_edited_site_are_a_fresh_sites(tmp_path):
    """The summary chart's yearly total and median (from the Site's columns, kept sorted and
    patched by an edit) against a Site made from scratch: a value with more decimals than any
    other (the total is written with them; the median may move), a figure no longer given, then
    the first value back."""
    from decimal import Decimal

    from site_builder.tools.synth import generate

    generate(tmp_path / "content", agencies=30, years=[2020, 2023], seed=5)
    site = load_site(tmp_path / "content", cache=None, jobs=1)
    metric = "requests.new"

    def summary(s):
        chart = charts.metric_total_chart(s, metric)
        top = charts.metric_top_chart(s, metric)
        return json.dumps(chart.table, ensure_ascii=False), chart.spec_json, top.spec_json

    before = summary(site)
    reports = list(site.reports)
    giving = [i for i, r in enumerate(reports) if r.year == 2023 and metric in site.totals_of(r)]
    i, j = giving[3], giving[10]

    def with_value(r, value):
        return replace(r, figures=[f._replace(value=value) if f.metric == metric and f.applicant == "total" else f
                                   for f in r.figures if value is not None or f.metric != metric])

    original = reports[i]
    for at, value in ((i, Decimal("100000.25")), (j, None), (i, None)):
        reports[at] = with_value(reports[at], value) if value is not None or at == j else original
        site = site.with_reports(list(reports))
        fresh = Site(content_dir=site.content_dir, reports=site.reports, agency_of=site.agency_of)
        got = summary(site)
        assert got == summary(fresh)
        assert got != before or at == i and value is None


def test_the_eras_of_a_year_follow_an_edit_of_a_reports_template(seed):
    """charts._year_eras, counted once and patched by the next Site for the reports edited:
    a report that now follows another template adds its era; put back, the era goes."""
    site = Site(content_dir=seed.content_dir, reports=list(seed.reports), agency_of=seed.agency_of)
    year = max(site.years)
    before = charts._year_eras(site, year)
    at = next(i for i, r in enumerate(site.reports) if r.year == year)
    other = next(e for e in ("pre2019", "2019", "2021") if e not in before)
    reports = list(site.reports)
    original = reports[at]
    reports[at] = replace(original, era=other)
    edited = site.with_reports(list(reports))
    fresh = Site(content_dir=site.content_dir, reports=edited.reports, agency_of=edited.agency_of)
    assert charts._year_eras(edited, year) == charts._year_eras(fresh, year) == before | {other}
    reports[at] = original
    back = edited.with_reports(list(reports))
    assert charts._year_eras(back, year) == before
