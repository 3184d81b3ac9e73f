"""Every page type, built from the seed reports, shows its figures where a reader (and a link) expects them."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitehtml import Node, load, page
from site_builder import catalogue
from site_builder.cli import main

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"


def cell(doc: Node, element_id: str) -> Node:
    found = doc.find_all(id=element_id)
    assert len(found) == 1, f"id={element_id!r}: {len(found)} elements"
    return found[0]


def figure_text(doc: Node, element_id: str) -> str:
    return " ".join(cell(doc, element_id).text.split())


def figure_link(doc: Node, element_id: str) -> str:
    a = cell(doc, element_id).find("a")
    assert a is not None, f"{element_id}: the figure is not a link"
    return a.attrs["href"]


def text_of_line(line: Node) -> str:
    """A line of the report's text as the page shows it: the text directly in its element (its
    number, its place in the original and its back-links are elements of their own)."""
    assert line.tag == "div" and line.parent.has_class("source"), line.attrs
    return "".join(c for c in line.children if isinstance(c, str))


def line_text(doc: Node, href: str) -> str:
    """The text of the source line a #L.. link points at."""
    assert href.startswith("#L"), href
    return text_of_line(cell(doc, href[1:]))


# ---------------------------------------------------------------- report pages


def test_2021_report_tables_and_anchors(seed_site):
    doc = page(seed_site, "/agencies/jianguomen/2024/")
    assert figure_text(doc, "outcome.unable.not_held") == "9"
    assert figure_text(doc, "outcome.unable.not_held--natural_person") == "9"
    assert figure_text(doc, "outcome.unable.not_held--commercial") == "0"
    assert figure_text(doc, "penalty.decisions") == "139"
    assert figure_text(doc, "requests.new") == "17"
    assert figure_text(doc, "requests.new--natural_person") == "16"
    # each figure links to the line it was read from, and that line holds the number
    href = figure_link(doc, "penalty.decisions")
    assert "139" in line_text(doc, href)
    href = figure_link(doc, "requests.new")
    assert line_text(doc, href).strip() == "17"  # this report prints one cell a line
    # table 三: seven applicant columns on every figure row, in the contract's order
    t3 = doc.find("table", class_="data t3")
    assert t3 is not None
    rows = [r for r in t3.find("tbody").find_all("tr") if not r.has_class("group")]
    assert len(rows) == len([s for s in _t3_rows("2021")]) + 2  # + derived totals of 不予公开 and 其他处理
    for r in rows:
        assert len(r.find_all("td")) == 7
    # table 四: 15 cells, one per T4 metric, each with its anchor
    from site_builder.parser.template import T4_METRICS

    t4 = doc.find("table", class_="data t4")
    assert [td.attrs["id"] for td in t4.find("tbody").find_all("td")] == list(T4_METRICS)
    assert figure_text(doc, "review.pending") == "1"


def _t3_rows(era):
    from site_builder.parser.template import T3_ROWS

    return [s for s in T3_ROWS if era in s.eras]


def test_2019_report_shows_its_broken_check(seed_site):
    doc = page(seed_site, "/agencies/donghuashi/2019/")
    assert figure_text(doc, "procurement.amount_wan") == "184.8083"
    assert "184.8083" in line_text(doc, figure_link(doc, "procurement.amount_wan"))
    checks = doc.find("table", class_="data checks")
    broken = [tr for tr in checks.find_all("tr") if tr.has_class("broken")]
    passed = [tr for tr in checks.find_all("tr") if tr.has_class("passed")]
    assert passed, "passed checks are listed too"
    rows = [[" ".join(c.text.split()) for c in tr.children if isinstance(c, Node)] for tr in broken]
    match = [r for r in rows if "t3.outcome_total" in r[1] and r[2].startswith("总计")]
    assert match, rows
    assert match[0][3] == "2" and match[0][4] == "0"
    assert len(broken) == 4  # the four broken rules of data/quality.csv for this report
    quality = (seed_site / "data" / "quality.csv").read_text(encoding="utf-8").splitlines()
    assert len([q for q in quality if q.startswith("donghuashi,2019,")]) == 4


def test_pre2019_report_prose_and_approximate(seed_site):
    doc = page(seed_site, "/agencies/jianguomen/2011/")
    c = cell(doc, "consultations.total")
    a = c.find("a")
    assert a.has_class("approx") and "approximate" in a.attrs["title"]
    assert " ".join(c.text.split()).startswith("23000+")
    assert "23000" in line_text(doc, a.attrs["href"])
    assert figure_text(doc, "proactive.total").startswith("303")
    assert doc.find("table", class_="data t3") is None  # no template tables before 2019


def test_stat_table_report(seed_site):
    doc = page(seed_site, "/agencies/taoranting/2017/")
    assert figure_text(doc, "requests.new").startswith("3")
    assert figure_text(doc, "proactive.total").startswith("975")
    assert doc.find("h2", id="figures-stat") is not None
    assert doc.find("table", class_="data checks") is not None  # 统计表 sums are checked


def test_every_figure_has_one_anchor(seed_site):
    from site_builder.load.loader import load_site
    from site_builder.render.views import anchor

    site = load_site(CONTENT)
    for r in site.reports:
        slug = site.agency_of[r.path].slug
        doc = page(seed_site, f"/agencies/{slug}/{r.year}/")
        ids = [n.attrs["id"] for n in doc.iter() if n.attrs.get("id")]
        assert len(ids) == len(set(ids)), f"{r.path}: duplicate ids"
        for f in r.figures:
            el = cell(doc, anchor(f.metric, f.applicant))
            a = el.find("a")
            assert a is not None and a.attrs["href"] == f"#L{f.line}", (r.path, f)


def test_source_lines_and_labels(seed_site):
    doc = page(seed_site, "/agencies/jianguomen/2024/")
    source = doc.find("div", class_="source")
    lines = [d for d in source.find_all("div") if d is not source]
    from site_builder.load.loader import load_site

    report = next(r for r in load_site(CONTENT).reports if r.path == "reports/jianguomen-2024.txt")
    assert [d.attrs["id"] for d in lines] == [f"L{i}" for i in range(1, len(report.lines) + 1)]
    assert [text_of_line(d) for d in lines] == report.lines
    # every line's number is a link to itself
    assert [(d.find("a").text, d.find("a").attrs["href"]) for d in lines] == [
        (str(i), f"#L{i}") for i in range(1, len(report.lines) + 1)]
    # cited lines link back to the figure read from them (after the line's own link)
    cited = doc.find("div", id=figure_link(doc, "penalty.decisions")[1:])
    assert cited.has_class("cited")
    back = [a.attrs["href"] for a in cited.find_all("a")[1:]]
    assert back == ["#penalty.decisions"]


# ---------------------------------------------------------------- agency pages


def test_agency_year_over_year(seed_site):
    doc = page(seed_site, "/agencies/jianguomen/")
    table = doc.find("table", class_="data yoy")
    head = [" ".join(th.text.split()) for th in table.find("thead").find_all("th")]
    assert head[1].startswith("2011") and "pre-2019" in head[1]
    assert head[2].startswith("2024") and "2021 template" in head[2]
    rows = {tr.find("th").find("a").attrs["href"]: tr for tr in table.find("tbody").find_all("tr")}
    # rows follow the catalogue order
    order = [catalogue.order(h.split("/")[2]) for h in rows]
    assert order == sorted(order)
    req = [" ".join(td.text.split()) for td in rows["/metrics/requests.new/"].find_all("td")]
    assert req[0] == "0"
    assert req[1] == "17 +17"
    change = rows["/metrics/requests.new/"].find_all("td")[1].find("span")
    assert change.text == "+17" and change.has_class("up")  # the stylesheet draws its ▲
    # a figure one year lacks is a gap, not 0
    consult = rows["/metrics/consultations.total/"].find_all("td")
    assert consult[0].text.strip().startswith("23000+")
    assert consult[1].has_class("nr") and consult[1].text == "—"
    # links point at the figure on the report page
    assert rows["/metrics/penalty.decisions/"].find_all("td")[1].find("a").attrs["href"] == "/agencies/jianguomen/2024/#penalty.decisions"
    assert doc.find("a", href="/agencies/jianguomen/records.csv") is not None


def test_agency_records_csv(seed_site):
    own = (seed_site / "agencies" / "donghuashi" / "records.csv").read_text(encoding="utf-8").splitlines()
    everything = (seed_site / "data" / "records.csv").read_text(encoding="utf-8").splitlines()
    assert own[0] == everything[0]
    assert own[1:] == [line for line in everything[1:] if line.split(",")[1] == "donghuashi"]
    assert len(own) > 100


def test_agency_quality_notes(seed_site):
    doc = page(seed_site, "/agencies/donghuashi/")
    quality = doc.find("h2", id="quality")
    assert quality is not None
    assert "t3.outcome_total" in doc.text


# ---------------------------------------------------------------- years, metrics, index


def test_year_page_is_sortable_and_complete(seed_site):
    doc = page(seed_site, "/years/2019/")
    table = doc.find("table", class_="data sortable")
    rows = table.find("tbody").find_all("tr")
    from site_builder.load.loader import load_site

    site = load_site(CONTENT)
    expected = sorted(site.agency_of[r.path].name for r in site.reports if r.year == 2019)
    assert sorted(r.find("th").text.strip() for r in rows) == expected and "东花市街道" in expected
    cells = [td for td in rows[0].find_all("td") if "data-sort" in td.attrs]
    assert cells and all(td.attrs["data-sort"] == "" or float(td.attrs["data-sort"]) >= 0 for td in cells)


def test_metric_page_agencies_by_years(seed_site):
    doc = page(seed_site, "/metrics/requests.new/")
    table = [t for t in doc.find_all("table", class_="data years") if t.parent.has_class("table-wrap")][0]  # not a chart's data
    from site_builder.load.loader import load_site

    site = load_site(CONTENT)
    years = [th.text.strip() for th in table.find("thead").find_all("th")][1:]
    assert years == [str(y) for y in sorted({r.year for r in site.reports if r.figure("requests.new")})]
    rows = {tr.find("th").text.strip(): dict(zip(years, (" ".join(td.text.split()) for td in tr.find_all("td"))))
            for tr in table.find("tbody").find_all("tr")}
    assert rows["建国门街道"]["2011"] == "0" and rows["建国门街道"]["2024"] == "17"
    assert rows["东花市街道"]["2019"] == "2"
    assert rows["陶然亭街道"]["2017"] == "3"
    assert rows["建国门街道"]["2019"] == "·无该年报告 no report"  # no report that year: not a gap, not 0
    # every metric with data has a page; ids are never renamed
    for m in {f.metric for r in site.reports for f in r.figures}:
        assert (seed_site / "metrics" / m / "index.html").is_file()


def test_index_page(seed_site):
    doc = page(seed_site, "/")
    for slug in ("jianguomen", "donghuashi", "taoranting", "xinqi"):
        assert doc.find("a", href=f"/agencies/{slug}/") is not None
    assert doc.find("a", href="/years/2024/") is not None
    headline = doc.find("table", class_="data sortable")
    row = [tr for tr in headline.find("tbody").find_all("tr") if "建国门街道" in tr.text][0]
    cells = [" ".join(td.text.split()) for td in row.find_all("td")]
    assert [cells[i] for i in (0, 1, 3, 4)] == ["2024", "17", "17", "11.8%"]
    assert cells[2].startswith("2") and "derived" in cells[2]  # 不予公开 is the sum of its eight grounds
    for f in ("records.csv", "records.json", "quality.csv"):
        assert doc.find("a", href=f"/data/{f}") is not None


def test_metadata_on_every_page(seed_site):
    for path in sorted(seed_site.rglob("*.html")):
        doc = load(path)
        html = doc.find("html")
        assert html.attrs.get("lang") == "zh-CN", path
        canonical = doc.find("link", rel="canonical")
        assert canonical is not None and canonical.attrs["href"].startswith("https://example.org/"), path
        for prop in ("og:title", "og:description", "og:url", "og:type"):
            assert doc.find("meta", property=prop) is not None, (path, prop)
        assert doc.find("a", class_="skip") is not None
        # the CSP allows no inline script or style
        for node in doc.iter():
            assert "style" not in node.attrs, (path, node.tag)
            assert node.tag != "style", path
            if node.tag == "script":
                assert node.attrs.get("src") and not node.text.strip(), path


def test_scrolling_tables_are_regions(seed_site):
    for path in sorted(seed_site.rglob("*.html")):
        for table in load(path).find_all("table"):
            if any(a.has_class("chart") or a.tag == "details" for a in table.ancestors()):
                continue  # chart data tables belong to the chart component
            wrap = table.parent
            assert wrap.has_class("table-wrap"), (path, table.attrs)
            assert wrap.attrs.get("tabindex") == "0" and wrap.attrs.get("role") == "region" and wrap.attrs.get("aria-label")


def test_english_labels_and_language_switch(seed_site):
    doc = page(seed_site, "/agencies/jianguomen/2024/")
    button = doc.find("button", id="lang-toggle")
    assert button is not None and "hidden" in button.attrs  # shown by site.js only
    row = cell(doc, "penalty.decisions").parent
    assert row.find("span", lang="en").text == catalogue.metric("penalty.decisions").label_en
    scripts = [s.attrs["src"] for s in doc.find_all("script")]
    site_js = [s for s in scripts if s.rsplit("/", 1)[-1].startswith("site.") and s.endswith(".js")]
    assert len(site_js) == 1 and (seed_site / site_js[0].lstrip("/")).is_file()
    assert (seed_site / site_js[0].lstrip("/")).read_bytes() == (ROOT / "static" / "js" / "site.js").read_bytes()


# ---------------------------------------------------------------- prose pages, 404, sitemap, feed


def test_prose_pages(seed_site):
    doc = page(seed_site, "/methodology/")
    text = doc.text
    for needed in ("国办公开办函〔2019〕60号", "国办公开办函〔2021〕30号", "约数", "勾稽关系"):
        assert needed in text
    # the comparability table comes from the catalogue's eras column
    table = doc.find("table", class_="data")
    assert len(table.find("tbody").find_all("tr")) == len(catalogue.metrics())
    assert page(seed_site, "/about/").find("h1").text.startswith("关于本站")


def test_404_sitemap_and_feed(seed_site):
    assert (seed_site / "404.html").is_file()
    assert load(seed_site / "404.html").find("meta", name="robots").attrs["content"] == "noindex"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    locs = [e.text for e in ET.parse(seed_site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert "https://example.org/" in locs and "https://example.org/agencies/jianguomen/2024/" in locs
    assert not any("404" in u for u in locs)
    for url in locs:
        assert page(seed_site, url.removeprefix("https://example.org"))
    feed = ET.parse(seed_site / "feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    keys = [(e.find("a:updated", ns).text[:4], e.find("a:id", ns).text) for e in entries]
    from site_builder.load.loader import load_site

    site = load_site(CONTENT)
    expected = sorted((r.year, site.agency_of[r.path].slug) for r in site.reports)
    assert [k[1] for k in keys] == [f"https://example.org/agencies/{slug}/{year}/" for year, slug in expected]
    assert "https://example.org/agencies/jianguomen/2011/" in [k[1] for k in keys]
    assert all(url.endswith(f"/{year}/") for year, url in keys)
    assert feed.find("a:updated", ns).text == f"{max(site.years)}-01-01T00:00:00Z"


# ---------------------------------------------------------------- untrusted content, base URL, determinism


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """Seed content where a report's prose and a Markdown page carry markup and scripts."""
    from site_builder.render import page_charts

    content = tmp_path_factory.mktemp("hostile") / "content"
    shutil.copytree(CONTENT, content)
    report = content / "reports" / "xinqi-2013.txt"
    lines = report.read_text(encoding="utf-8").splitlines()
    lines.insert(len(lines) - 1, '<script>alert(1)</script> <img src=x onerror="alert(2)">')
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (content / "pages" / "notes.md").write_text(
        "# 备注 Notes\n\n<script>alert(3)</script>\n\nText with <b onclick=\"alert(4)\">bold</b> inline.\n\n"
        "[a link](/about/)\n",
        encoding="utf-8",
    )
    out = content.parent / "_site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(page_charts, "agency_charts", lambda site, slug, kinds=None: [])
        mp.setattr(page_charts, "metric_charts", lambda site, metric_id, kinds=None: [])
        assert main(["build", "--content", str(content), "--out", str(out), "--base-url", "https://foi.example.cn/"]) == 0
    return out


def test_report_text_is_escaped(hostile_site):
    raw = (hostile_site / "agencies" / "xinqi" / "2013" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in raw and "<img src=x" not in raw
    doc = load(hostile_site / "agencies" / "xinqi" / "2013" / "index.html")
    source = doc.find("div", class_="source")
    shown = [text_of_line(d) for d in source.find_all("div") if d is not source]
    assert any('<script>alert(1)</script> <img src=x onerror="alert(2)">' == s for s in shown)
    assert all(s.attrs.get("src") for s in doc.find_all("script"))


def test_markdown_does_not_pass_raw_html(hostile_site):
    raw = (hostile_site / "notes" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(3)" not in raw and "<b onclick" not in raw
    doc = load(hostile_site / "notes" / "index.html")
    article = doc.find("article")
    assert "<script>alert(3)</script>" in article.text
    assert article.find("b") is None and article.find("a", href="/about/") is not None
    assert doc.find("a", href="/notes/") is not None  # listed in the navigation


def test_base_url_option(hostile_site):
    doc = load(hostile_site / "index.html")
    assert doc.find("link", rel="canonical").attrs["href"] == "https://foi.example.cn/"
    assert "https://foi.example.cn/agencies/xinqi/2013/" in (hostile_site / "sitemap.xml").read_text(encoding="utf-8")


def test_site_url_environment(tmp_path, monkeypatch, no_charts):
    monkeypatch.setenv("SITE_URL", "https://env.example.net")
    out = tmp_path / "_site"
    assert main(["build", "--content", str(CONTENT), "--out", str(out)]) == 0
    assert load(out / "about" / "index.html").find("link", rel="canonical").attrs["href"] == "https://env.example.net/about/"


def test_two_builds_are_byte_identical(seed_site, tmp_path):
    out = tmp_path / "_site"
    assert main(["build", "--content", str(CONTENT), "--out", str(out)]) == 0

    def snapshot(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    first, second = snapshot(seed_site), snapshot(out)
    assert sorted(first) == sorted(second)
    different = [k for k in first if first[k] != second[k]]
    assert different == []


def test_original_file_is_offered_and_pdf_lines_are_labelled(tmp_path, no_charts):
    """A report read from a .pdf: the file is copied next to its page and linked, and each line of
    the extracted text shows where it sits in the PDF (Report.line_labels)."""
    from fixtures_build import build_pdf, seed_blocks

    from site_builder.load.loader import load_site

    content = tmp_path / "content"
    (content / "reports").mkdir(parents=True)
    shutil.copy(CONTENT / "agencies.toml", content / "agencies.toml")
    text = (CONTENT / "reports" / "donghuashi-2019.txt").read_text(encoding="utf-8")
    pdf = build_pdf(seed_blocks(text), content / "reports" / "donghuashi-2019.pdf")
    out = tmp_path / "_site"
    assert main(["build", "--content", str(content), "--out", str(out)]) == 0
    report = load_site(content).reports[0]
    assert report.original == "reports/donghuashi-2019.pdf" and report.line_labels

    doc = page(out, "/agencies/donghuashi/2019/")
    link = doc.find("a", href="/agencies/donghuashi/2019/donghuashi-2019.pdf")
    assert link is not None and "download" in link.attrs
    assert (out / "agencies" / "donghuashi" / "2019" / "donghuashi-2019.pdf").read_bytes() == pdf.read_bytes()
    number, label = sorted(report.line_labels.items())[0]
    line = cell(doc, f"L{number}")
    assert line.find("small").text == label
    # the figures still link to their lines
    assert figure_text(doc, "procurement.amount_wan") == "184.8083"
    assert "184.8083" in line_text(doc, figure_link(doc, "procurement.amount_wan"))


def test_a_cell_the_parser_left_out_says_why(tmp_path):
    """A gap the parser explained (Diagnostic.metrics) links to the warning's line and carries its message."""
    import dataclasses

    from site_builder.load.loader import load_site
    from site_builder.model import Diagnostic
    from site_builder.render import PROJECT_ROOT, environment, pages

    site = load_site(CONTENT)
    report = next(r for r in site.reports if r.path == "reports/donghuashi-2019.txt")
    report = dataclasses.replace(
        report,
        figures=[f for f in report.figures if f.metric != "outcome.partial"],
        warnings=[Diagnostic(report.path, 41, "cells run together past telling", code="unsplittable",
                             metrics=("outcome.partial",), applicants=("commercial",))],
    )
    site = site.with_reports([report if r.path == report.path else r for r in site.reports])
    p = pages.report_page(site, report)
    html = environment(PROJECT_ROOT / "templates").get_template(p.template).render(
        page=p, site=site, base_url="https://example.org", prose_pages=[], downloads=[], **p.context)
    from sitehtml import parse

    doc = parse(html)
    gap = cell(doc, "outcome.partial--commercial").find("a")
    assert gap.has_class("gap") and gap.attrs["href"] == "#L41" and gap.attrs["title"] == "cells run together past telling"
    plain = cell(doc, "outcome.partial--research")  # not named by the warning: an unexplained gap
    assert plain.find("a") is None and plain.has_class("nr") and plain.text == "—"


def test_a_page_name_that_would_shadow_a_section_is_refused(tmp_path):
    from site_builder.exceptions import SiteBuilderError
    from site_builder.render.prose import read_page

    for name in ("agencies.md", "Bad Name.md"):
        path = tmp_path / name
        path.write_text("# x\n", encoding="utf-8")
        with pytest.raises(SiteBuilderError, match=name.replace(".", r"\.")):
            read_page(path)
    ok = tmp_path / "press-kit.md"
    ok.write_text("# 媒体 Press\n\nFirst paragraph *here*.\n", encoding="utf-8")
    page_ = read_page(ok)
    assert (page_.stem, page_.title, page_.description) == ("press-kit", "媒体 Press", "First paragraph here.")


def test_home_page_lists_at_most_home_rows_agencies():
    """With more agencies than HOME_ROWS the home page's headlines show the first ones and say
    where the rest are, and its list of agencies gives way to the two indexes, by initial and by
    place (at a province's size it would otherwise be megabytes); a small site's lists stay complete."""
    from sitehtml import parse

    from site_builder.load.loader import load_site
    from site_builder.render import PROJECT_ROOT, environment, pages

    site = load_site(CONTENT)
    assert len(site.agencies) > 2
    env = environment(PROJECT_ROOT / "templates")

    def home(rows: int) -> Node:
        env.globals["HOME_ROWS"] = rows
        p = pages.index_page(site)
        return parse(env.get_template(p.template).render(page=p, site=site, base_url="https://example.org",
                                                         prose_pages=[], downloads=[], **p.context))

    full, capped = home(200), home(2)
    headline = capped.find("table", class_="data sortable").find("tbody").find_all("tr")
    first_two = [a.slug for a in site.agencies[:2]]
    assert [tr.find("a").attrs["href"] for tr in headline] == [f"/agencies/{s}/" for s in first_two]
    notes = [" ".join(p.text.split()) for p in capped.find_all("p", class_="more")]
    n = len(site.agencies)
    assert len(notes) == 2 and f"2 of {n} agencies" in notes[0]
    assert f"{n} agencies: browse them by initial or by place" in notes[1]
    assert capped.find("a", href=f"/years/{site.years[-1]}/") is not None and capped.find("a", href="/agencies/") is not None
    assert capped.find("a", href="/regions/") is not None
    assert len(capped.find_all("table")) == 1  # the headlines alone: no table of agencies
    assert full.find_all("p", class_="more") == []
    assert len(full.find("table", class_="data sortable").find("tbody").find_all("tr")) == n
    assert len(full.find_all("table")[1].find("tbody").find_all("tr")) == n


def test_years_page_names_reports_up_to_home_rows():
    from sitehtml import parse

    from site_builder.load.loader import load_site
    from site_builder.render import PROJECT_ROOT, environment, pages

    site = load_site(CONTENT)
    env = environment(PROJECT_ROOT / "templates")

    def years(rows: int) -> list[Node]:
        env.globals["HOME_ROWS"] = rows
        p = pages.years_page(site)
        doc = parse(env.get_template(p.template).render(page=p, site=site, base_url="https://example.org",
                                                        prose_pages=[], downloads=[], **p.context))
        return doc.find("ul", class_="years").find_all("li")

    by_year = {y: [r for r in site.reports if r.year == y] for y in site.years}
    big = max(by_year, key=lambda y: len(by_year[y]))
    assert len(by_year[big]) >= 2
    for rows in (200, 1):
        for li in years(rows):
            year = int(li.find("a").attrs["href"].split("/")[2])
            links = [a.attrs["href"] for a in li.find_all("a")][1:]
            if len(by_year[year]) > rows:
                assert links == [] and f"{len(by_year[year])} reports, listed on the year's page" in " ".join(li.text.split())
            else:
                assert links == [f"/agencies/{site.agency_of[r.path].slug}/{year}/" for r in by_year[year]]


def test_feed_keeps_the_newest_reports(monkeypatch):
    from site_builder.load.loader import load_site
    from site_builder.render import feeds

    site = load_site(CONTENT)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    newest = sorted((r.year, site.agency_of[r.path].slug) for r in site.reports)[-2:]
    monkeypatch.setattr(feeds, "FEED_ENTRIES", 2)
    root = ET.fromstring(feeds.atom("https://example.org", site, "t").encode("utf-8"))
    ids = [e.find("a:id", ns).text for e in root.findall("a:entry", ns)]
    assert ids == [f"https://example.org/agencies/{slug}/{year}/" for year, slug in newest]
    assert root.find("a:updated", ns).text == f"{max(site.years)}-01-01T00:00:00Z"
