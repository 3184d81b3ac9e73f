"""Charts: figures and era breaks from the seed reports, the static SVG, caching, the template, and
the interactive view in Chromium under the published Content-Security-Policy."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from site_builder import charts
from site_builder.charts import APPROX, ChartCache, accessible_svg, agency_charts, metric_chart
from site_builder.load import load_site

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
CHROMIUM = Path("/usr/bin/chromium")


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


def data_rows(chart):
    return json.loads(chart.spec_json)["data"]["values"]


def test_agency_charts_show_the_reports_figures(seed):
    got = by_id(agency_charts(seed, "jianguomen"))
    assert set(got) == {"agency-jianguomen-requests", "agency-jianguomen-outcomes"}

    requests = got["agency-jianguomen-requests"]
    new = "本年新收政府信息公开申请数量 Requests received this year"
    carried = "上年结转政府信息公开申请数量 Requests carried over from last year"
    assert requests.columns == ["年份 Year", new, carried, "模板 Template"]
    assert [(r["年份 Year"], r[new], r[carried]) for r in requests.table] == [("2011", "0", "—"), ("2024", "17", "0")]
    # the 2011 report has no 上年结转 row: a gap, not a zero, in table and chart data alike
    assert {(r["series"], r["year"], r["value"]) for r in data_rows(requests)} == {
        (new, 2011, 0.0), (new, 2024, 17.0), (carried, 2024, 0.0)}
    assert "建国门街道" in requests.title and "2011–2024" in requests.subtitle

    outcomes = got["agency-jianguomen-outcomes"]
    row = outcomes.table[0]
    # 无法提供 and 不予处理 have no row of their own: the sum of their sub-rows (9+0+0, 0*5)
    assert (row["年份 Year"], row["予以公开 Disclosed in full"], row["不予公开 Withheld (sum of the eight grounds)"],
            row["无法提供 Unable to provide"], row["不予处理 Not processed"], row["其他处理 Other handling (total)"]) == (
        "2024", "1", "2", "9", "0", "5")


def test_an_agency_without_reports_has_no_charts(seed):
    assert agency_charts(seed, "no-such-agency") == []


def test_metric_chart_has_a_line_per_agency(seed):
    chart = metric_chart(seed, "requests.new")
    assert chart.id == "metric-requests-new"
    reporting = [a.name for a in seed.agencies if any(r.figure("requests.new") for r in seed.reports_of(a.slug))]
    assert {"东花市街道", "建国门街道", "陶然亭街道", "新碶街道"} <= set(reporting)
    assert [r["机关 Agency"] for r in chart.table] == reporting  # a row per agency, in slug order
    jianguomen = next(r for r in chart.table if r["机关 Agency"] == "建国门街道")
    assert (jianguomen["2011"], jianguomen["2019"], jianguomen["2024"]) == ("0", "—", "17")
    assert {r["series"] for r in data_rows(chart)} == set(reporting)


def test_metric_chart_is_none_without_figures(tmp_path):
    (tmp_path / "reports").mkdir()
    shutil.copy(CONTENT / "reports" / "jianguomen-2011.txt", tmp_path / "reports")
    site = load_site(tmp_path)
    assert metric_chart(site, "review.upheld") is None  # a 2019/2021 table 四 figure; 2011 has none
    assert metric_chart(site, "proactive.total") is not None


def test_approximate_values_are_marked(seed):
    # 建国门 2011: "咨询...23000余人次"
    chart = metric_chart(seed, "consultations.total")
    assert chart.table[[r["机关 Agency"] for r in chart.table].index("建国门街道")]["2011"] == "约 23000"
    row = next(r for r in data_rows(chart) if r["series"] == "建国门街道")
    assert row["marker"] == APPROX and row["shown"] == "约 23000"
    spec = json.loads(chart.spec_json)
    shape = spec["layer"][1]["encoding"]["shape"]
    assert shape["scale"]["range"] == ["circle", "diamond"] and shape["legend"] is not None
    assert "approximate" in chart.description


def test_incomparable_eras_break_the_line(two_eras):
    got = by_id(agency_charts(two_eras, "taoranting"))
    outcomes = got["agency-taoranting-outcomes"]
    segments: dict[str, set[str]] = {}
    for r in data_rows(outcomes):
        segments.setdefault(r["series"], set()).add(r["segment"])
    # 无法提供 is 不掌握+不存在 before 2019 and 不掌握+需另行制作+不明确 on the 2021 template: two segments
    assert len(segments["无法提供 Unable to provide"]) == 2
    # 予以公开 means the same in every era (metrics.csv): one joined line
    assert len(segments["予以公开 Disclosed in full"]) == 1
    assert "Unable to provide' is not comparable between 2017 and 2024" in outcomes.description
    assert "“无法提供”2017年与2024年口径不同" in outcomes.description
    # the line mark draws one path per segment (detail), and a dashed rule marks the template change
    spec = json.loads(outcomes.spec_json)
    assert spec["layer"][0]["encoding"]["detail"]["field"] == "segment"
    rule = spec["layer"][2]
    assert rule["mark"]["type"] == "rule" and rule["data"]["values"][0]["at"] == 2020.5
    # requests: 本年新收 exists in all three eras, so 2017 -> 2024 is one line
    requests = got["agency-taoranting-requests"]
    assert len({r["segment"] for r in data_rows(requests) if r["series"].startswith("本年新收")}) == 1
    assert "not comparable" not in requests.description


def test_specs_are_valid_vega_lite(seed, two_eras):
    import altair as alt

    for chart in agency_charts(two_eras, "taoranting") + [metric_chart(seed, "consultations.total")]:
        alt.LayerChart.from_dict(json.loads(chart.spec_json), validate=True)


def test_static_svg_is_accessible_and_self_contained(seed):
    chart = agency_charts(seed, "jianguomen")[0]
    svg = chart.svg
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert f'aria-labelledby="{chart.id}-title {chart.id}-desc"' in svg
    assert f'<title id="{chart.id}-title">建国门街道' in svg
    assert "<script" not in svg.lower() and "foreignobject" not in svg.lower()
    assert not re.search(r"""(href|src)\s*=\s*["'](?!#)""", svg)  # nothing from another document
    assert "2011" in svg and "本年新收" in svg  # axis and legend are text
    assert "Noto Sans CJK SC" in svg  # the font it was measured with comes first in the stack
    for ref in re.findall(r"url\(#([^)]+)\)", svg):
        assert ref.startswith(chart.id + "-")  # ids made unique per chart


def test_text_from_reports_is_escaped_in_the_svg(seed):
    hostile = {path: replace(a, name="A<b>&\"街道") for path, a in seed.agency_of.items()}
    site = replace(seed, agency_of=hostile)
    chart = metric_chart(site, "requests.new")
    assert "A&lt;b&gt;&amp;" in chart.svg and "<b>" not in chart.svg


def test_sanitizer_strips_scripts_and_refuses_external_references():
    dirty = ('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="x()">'
             '<script>alert(1)</script><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"/></svg>')
    clean = accessible_svg(dirty, "c", "T <1>", "D & d")
    assert "<script" not in clean and "onload" not in clean and "<?xml" not in clean
    assert 'id="c-clip1"' in clean and "url(#c-clip1)" in clean
    assert '<title id="c-title">T &lt;1&gt;</title><desc id="c-desc">D &amp; d</desc>' in clean
    with pytest.raises(ValueError, match="another document"):
        accessible_svg('<svg><image href="https://example.com/x.png"/></svg>', "c", "t", "d")


def test_each_spec_is_rendered_once_and_cached_on_disk(seed, tmp_path):
    spec = agency_charts(seed, "jianguomen")[0].spec_json
    cache = ChartCache(tmp_path)
    first = cache.svg(spec)
    assert cache.svg(spec) == first and cache.renders == 1
    again = ChartCache(tmp_path)  # a later build: the disk has it
    assert again.svg(spec) == first and again.renders == 0
    assert ChartCache().svg(spec) == first  # and vl-convert is deterministic


def test_prerender_renders_every_chart_of_the_site_once(seed, monkeypatch):
    cache = ChartCache()
    monkeypatch.setattr(charts, "_cache", cache)
    rendered = charts.prerender(seed)
    assert rendered == cache.renders > 0
    assert charts.prerender(seed) == 0  # nothing left to render
    agency_charts(seed, "jianguomen")
    metric_chart(seed, "requests.new")
    assert cache.renders == rendered  # the pages found their SVGs ready


def test_chart_partial_renders_figure_svg_and_table(seed):
    from site_builder.render import environment

    chart = agency_charts(seed, "jianguomen")[0]
    env = environment(ROOT / "templates")
    html = env.get_template("_chart.html").render(chart=chart)
    assert f'<figure class="chart" id="{chart.id}" data-spec="/charts/{chart.id}.vl.json"' in html
    assert chart.svg in html  # inline, unescaped: it is ours and sanitized
    assert "<figcaption" in html and chart.description in html
    assert "<details" in html and "<th scope=\"row\">2024</th>" in html and "<td class=\"num\">17</td>" in html
    assert 'data-vega="/static/vendor/vega.bundle.js"' in html  # without asset_url: the plain copy
    env.globals["asset_url"] = lambda name: f"/assets/{name}?fingerprinted"
    assert 'data-vega="/assets/vendor/vega.bundle.js?fingerprinted"' in env.get_template("_chart.html").render(chart=chart)


def test_built_site_has_the_specs_and_the_vendored_bundle(seed_site):
    spec = seed_site / "charts" / "agency-jianguomen-requests.vl.json"
    assert json.loads(spec.read_text(encoding="utf-8"))["data"]["values"]
    page = (seed_site / "agencies" / "jianguomen" / "index.html").read_text(encoding="utf-8")
    assert 'data-spec="/charts/agency-jianguomen-requests.vl.json"' in page
    bundle_url = re.search(r'data-vega="([^"]+)"', page).group(1)
    bundle = (seed_site / bundle_url.lstrip("/")).read_text(encoding="utf-8")
    assert "window.vegaEmbed=" in bundle and "expressionInterpreter" in bundle  # eval-free Vega
    assert (seed_site / "charts" / "metric-requests-new.vl.json").is_file()


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
                assert figure.locator(".chart-static").is_hidden()
                view = figure.locator(".chart-interactive svg")
                assert view.count() == 1 and figure.locator(".chart-interactive").get_attribute("aria-labelledby")
                figure.locator(".chart-interactive .mark-symbol path").first.hover(force=True)
                page.wait_for_selector("#vg-tooltip-element.visible", timeout=5000)
                tip = page.inner_text("#vg-tooltip-element")
                assert "2024" in tip and "模板 Template" in tip
                problems.extend(v.problems())

                # without JavaScript the static SVG and the table are the chart
                nojs = browser.new_context(java_script_enabled=False).new_page()
                nojs.goto(base + "/agencies/jianguomen/")
                static = nojs.locator("#agency-jianguomen-outcomes .chart-static svg")
                assert static.is_visible() and static.bounding_box()["width"] > 200
            finally:
                browser.close()

    in_own_thread(session)
    # everything the page asked for loaded, nothing left localhost, no console error or CSP violation
    assert problems == []


def test_two_agencies_of_one_name_stay_two_lines(seed):
    renamed = {path: (replace(a, name="同名街道") if a.slug in ("jianguomen", "xinqi") else a)
               for path, a in seed.agency_of.items()}
    chart = metric_chart(replace(seed, agency_of=renamed), "requests.new")
    assert {"同名街道 (jianguomen)", "同名街道 (xinqi)"} <= {r["series"] for r in data_rows(chart)}
    assert {"同名街道 (jianguomen)", "同名街道 (xinqi)"} <= {r["机关 Agency"] for r in chart.table}
