"""Search: documents computed from the loaded Site (names, titles, labels; never figures), a
pagefind index written from them byte for byte the same every time, kept by a rebuild whose
documents did not change, and answering Chinese and English queries in Chromium under the
published Content-Security-Policy."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from site_builder.exceptions import SiteBuilderError
from site_builder.load.loader import load_site
from site_builder.render.search import build_index, docs_key, pagefind, site_documents, site_key, standin, start_index
from site_builder.render.search_docs import SearchDoc, Section, metrics_given

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def seed_docs() -> list[SearchDoc]:
    return site_documents(load_site(CONTENT))


def replace(figure, **changes):
    """A Figure with other values (a NamedTuple or a dataclass: either is immutable)."""
    return figure._replace(**changes) if hasattr(figure, "_replace") else dataclasses.replace(figure, **changes)


def by_url(docs: list[SearchDoc]) -> dict[str, SearchDoc]:
    return {d.url: d for d in docs}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- documents ------------------------------------------------------------------------------------


def test_an_agency_document_has_its_names_place_and_report_years(seed_docs):
    docs = by_url(seed_docs)
    jianguomen = docs["/agencies/jianguomen/"]
    assert jianguomen.kind == "agency" and jianguomen.title == "建国门街道"
    text = " ".join(jianguomen.lines)
    assert "建国门街道办事处" in text  # the alias from agencies.toml
    assert "东城区" in text and "北京市" in text and "2011–2024年" in text
    assert jianguomen.sections == ()  # (the names index links each report: agencies are not pagefind's)
    # its other names and its place, for the names index (search_names.py)
    assert jianguomen.other_names == ("建国门街道办事处",)
    assert jianguomen.place == ("北京市", "北京市", "东城区")
    assert jianguomen.years == (2011, 2024)  # (the names index links a year's report page)

    pingtan = " ".join(docs["/agencies/pingtan/"].lines)
    assert "平潭综合实验区管委会" in pingtan and "平潭综合实验区管理委员会" in pingtan
    assert docs["/agencies/pingtan/"].years == (2011, 2016, 2019, 2021)
    # a report that calls its agency by another name: that name is among its other names
    kewei = docs["/agencies/shanghai-kewei/"]
    assert "上海市科委" in kewei.other_names


def test_documents_cover_agencies_years_metrics_and_prose_pages_in_a_fixed_order(seed_docs):
    site = load_site(CONTENT)
    urls = [d.url for d in seed_docs]
    agencies = [f"/agencies/{a.slug}/" for a in site.agencies]
    years = [f"/years/{y}/" for y in site.years]
    assert urls[: len(agencies)] == agencies
    assert urls[len(agencies) : len(agencies) + len(years)] == years
    metrics = [d for d in seed_docs if d.kind == "metric"]
    present = {f.metric for r in site.reports for f in r.figures}
    present |= set(site.indicators.frame["indicator"])  # (the rates' figure pages)
    assert {d.url for d in metrics} == {f"/metrics/{m}/" for m in present}
    disclosed = by_url(seed_docs)["/metrics/outcome.disclosed/"]
    assert disclosed.title == "予以公开 Disclosed in full"
    regions = [d for d in seed_docs if d.kind == "region"]
    # every region page 1 but the root and the unplaced agencies', in the tree's order
    assert [d.url for d in regions] == [f"/regions/{'/'.join(n.path)}/" for n in site.regions.nodes()
                                        if n.path and not n.unplaced]
    pages = [d for d in seed_docs if d.kind == "page"]
    assert [d.url for d in pages] == ["/about/", "/methodology/"] and "<h1>" in pages[0].html
    kinds = [d.kind for d in seed_docs]
    assert kinds == sorted(kinds, key=["agency", "year", "metric", "region", "page"].index)
    assert len(set(urls)) == len(urls)
    assert site_documents(load_site(CONTENT)) == seed_docs  # the same Site, the same documents


def test_a_region_document_names_the_region_in_full_with_its_agencies_reports_and_levels(seed_docs):
    docs = by_url(seed_docs)
    dongcheng = docs["/regions/beijing-shi/dongcheng-qu/"]
    assert dongcheng.kind == "region" and dongcheng.title == "北京市 东城区"
    # 建国门 (2011, 2024) and 东花市 (2019), both 街道
    assert dongcheng.lines == ("2 个机构 agencies · 3 份年度报告 annual reports · 级别 levels：街道",)
    beilun = docs["/regions/zhejiang-sheng/ningbo-shi/beilun-qu/"]
    assert beilun.title == "浙江省 宁波市 北仑区"
    assert "/regions/" not in docs and not any(url.startswith("/regions/unplaced/") for url in docs)


def test_pagefind_indexes_every_document_but_the_agencies(seed_docs):
    # the names index finds the agencies (search_names.py); pagefind the other pages
    sent = pagefind(seed_docs)
    assert sent == [d for d in seed_docs if d.kind != "agency"]
    assert {d.kind for d in sent} == {"year", "metric", "region", "page"}
    assert any(d.kind == "agency" for d in seed_docs)


def test_documents_do_not_depend_on_the_figures(seed_docs):
    # every figure of every report changed: the same documents (figures change every day;
    # the search index is only rewritten when what it finds changes)
    site = load_site(CONTENT)
    for r in site.reports:
        assert r.figures
        r.figures = [replace(f, value=f.value * 3 + 1) for f in r.figures]
    assert site_documents(site) == seed_docs


def _edit_a_figure(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    m = re.search(r"主动公开政府信息(?:总数为)?\s*(\d+)", text)
    assert m, report
    report.write_text(text[: m.start(1)] + str(int(m.group(1)) + 7) + text[m.end(1):], encoding="utf-8")


def _first_report_with_a_prose_total(content: Path) -> Path:
    for p in sorted((content / "reports").glob("*.txt")):
        try:
            if re.search(r"主动公开政府信息(?:总数为)?\s*\d+", p.read_text(encoding="utf-8")):
                return p
        except UnicodeDecodeError:
            continue
    raise AssertionError("no seed report states 主动公开政府信息 N")


def test_editing_a_figure_keeps_the_key_and_a_new_report_changes_it(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    held_out = content / "reports" / "xinqi-2013.txt"
    spare = tmp_path / "xinqi-2013.txt"
    shutil.move(held_out, spare)
    before_site = load_site(content)
    before = docs_key(site_documents(before_site)), site_key(before_site)

    report = _first_report_with_a_prose_total(content)
    _edit_a_figure(report)
    edited_site = load_site(content)
    figures = lambda s: sorted((r.path, f.metric, f.applicant, f.value) for r in s.reports for f in r.figures)  # noqa: E731
    assert figures(edited_site) != figures(before_site), "the edit changed no figure"
    assert (docs_key(site_documents(edited_site)), site_key(edited_site)) == before

    shutil.move(spare, held_out)  # a new report (and agency)
    added = load_site(content)
    assert docs_key(site_documents(added)) != before[0] and site_key(added) != before[1]


@pytest.mark.parametrize("change", ["alias", "agency name in a report", "prose page", "report removed", "agency moved",
                                    "none"])
def test_the_site_key_changes_exactly_when_the_documents_do(tmp_path, change):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    site = load_site(content)
    before = site_documents(site), site_key(site)
    if change == "alias":
        toml = content / "agencies.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace('"建国门街道办事处"', '"建国门街道办事处", "建国门办"'),
                        encoding="utf-8")
    elif change == "agency name in a report":
        report = content / "reports" / "shanghai-kewei-2024.txt"  # its title: 上海市科委, an alias; 上海市科技委 is a new name
        report.write_text(report.read_text(encoding="utf-8").replace("上海市科委", "上海市科技委", 1), encoding="utf-8")
    elif change == "prose page":
        page = content / "pages" / "about.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    elif change == "report removed":
        (content / "reports" / "taoranting-2017.txt").unlink()
    elif change == "agency moved":  # to another district: its region documents change
        toml = content / "agencies.toml"
        text = toml.read_text(encoding="utf-8")
        assert text.count('district = "东城区"') >= 1
        toml.write_text(text.replace('district = "东城区"', 'district = "朝阳区"', 1), encoding="utf-8")
    site = load_site(content)
    after = site_documents(site), site_key(site)
    assert (after[0] == before[0]) == (change == "none"), change
    assert (after[1] == before[1]) == (change == "none"), change
    if change in ("report removed", "agency moved"):
        regions = lambda docs: [d for d in docs if d.kind == "region"]  # noqa: E731
        assert regions(after[0]) != regions(before[0]), change


def test_a_report_that_no_longer_gives_a_metric_takes_its_document_away():
    # the metrics given are the Site's metric counts: a Site made from this one with a report
    # edited (with_reports) has them updated for that report, as a Site made from scratch does
    site = load_site(CONTENT)
    given = metrics_given(site)
    givers = {m: [r for r in site.reports if any(f.metric == m for f in r.figures)] for m in given}
    metric, (report,) = next((m, rs) for m, rs in givers.items() if len(rs) == 1)  # given by one report only
    without = replace(report, figures=[f for f in report.figures if f.metric != metric])
    edited = site.with_reports([without if r is report else r for r in site.reports])
    assert metric not in metrics_given(edited) and metrics_given(edited) == metrics_given(replace(edited))
    assert f"/metrics/{metric}/" not in by_url(site_documents(edited))
    again = edited.with_reports([report if r is without else r for r in edited.reports])
    assert metrics_given(again) == given


def test_the_key_tells_documents_apart():
    a = [SearchDoc(url="/agencies/a/", kind="agency", title="甲", sections=(Section("report-2020", "2020年"),))]
    b = [SearchDoc(url="/agencies/a/", kind="agency", title="甲", sections=(Section("report-2021", "2021年"),))]
    assert docs_key(a) == docs_key(list(a)) and docs_key(a) != docs_key(b)


def test_report_text_is_escaped_in_what_pagefind_reads():
    doc = SearchDoc(url="/agencies/x/", kind="agency", title="<script>alert(1)</script>街道",
                    lines=('又称 "a" & <b>',), sections=(Section("report-2020", "<i>2020</i>", ("</p>",)),))
    page = standin(doc)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;街道" in page
    assert "<b>" not in page and "<i>" not in page and "&lt;/p&gt;" in page


# --- the index ------------------------------------------------------------------------------------


def test_build_writes_the_index_and_the_ui(seed_site, seed_docs):
    bundle = seed_site / "pagefind"
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    # one Chinese index holding every document
    assert list(entry["languages"]) == ["zh-cn"]
    assert entry["languages"]["zh-cn"]["page_count"] == len(pagefind(seed_docs))
    # whole files (pagefind's own writer could leave them cut short): the UI script ends its bundle
    assert (bundle / "pagefind-ui.js").read_bytes().rstrip().endswith(b"})();")


def test_the_index_is_byte_identical_across_runs_and_equals_the_builds(seed_site, seed_docs, tmp_path):
    indexes = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        assert build_index(tmp_path / name, seed_docs) == len(snapshot(tmp_path / name / "pagefind"))
        indexes.append(snapshot(tmp_path / name / "pagefind"))
    assert indexes[0] == indexes[1] and indexes[0] == snapshot(seed_site / "pagefind")


def test_an_index_replaces_the_folder_it_is_written_into(seed_docs, tmp_path):
    stale = tmp_path / "pagefind" / "fragment" / "stale.pf_fragment"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    build_index(tmp_path, pagefind(seed_docs)[:3])
    assert not stale.exists()
    entry = json.loads((tmp_path / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["zh-cn"]["page_count"] == 3


def test_no_documents_is_an_error(tmp_path):
    with pytest.raises(SiteBuilderError, match="search index: no documents"):
        build_index(tmp_path, [])


def test_a_pagefind_that_fails_is_an_error_naming_the_folder(seed_docs, tmp_path, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")  # starts, answers nothing, exits 1
    with pytest.raises(SiteBuilderError, match=r"search index .*pagefind stopped before it answered \(exit 1\)"):
        build_index(tmp_path, seed_docs)
    assert not (tmp_path / "pagefind").exists()


def test_a_cancelled_index_stops_its_process_and_writes_nothing(seed_docs, tmp_path):
    job = start_index(tmp_path, seed_docs * 20)
    job.cancel()
    assert job._proc.poll() is not None
    assert not (tmp_path / "pagefind").exists()
    with pytest.raises(SiteBuilderError, match="cancelled"):
        job.wait()


def test_a_pagefind_that_hangs_is_stopped_and_reported(seed_docs, tmp_path, monkeypatch):
    hangs = tmp_path / "hangs"
    hangs.write_text("#!/bin/sh\nexec sleep 600\n")  # reads nothing, answers nothing
    hangs.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(hangs))
    job = start_index(tmp_path, seed_docs)
    with pytest.raises(SiteBuilderError, match="pagefind gave no index within 0.5 s"):
        job.wait(timeout=0.5)
    assert job._proc.poll() is not None and not (tmp_path / "pagefind").exists()


def test_the_extended_pagefind_binary_is_used():
    """Only pagefind's extended binary segments Chinese words; without it 建国门 finds nothing."""
    from pagefind.service import get_executable

    assert "extended" in get_executable().name


# --- the build ------------------------------------------------------------------------------------


def test_a_rebuild_keeps_the_index_after_a_figure_edit_and_rewrites_it_for_a_new_report(tmp_path, no_charts):
    from site_builder.render import PROJECT_ROOT
    from site_builder.build.session import BuildOptions, BuildSession

    content, out, fresh = tmp_path / "content", tmp_path / "site", tmp_path / "fresh"
    shutil.copytree(CONTENT, content)
    spare = tmp_path / "xinqi-2013.txt"
    shutil.move(content / "reports" / "xinqi-2013.txt", spare)

    session = BuildSession()

    def build(target: Path, **kw) -> None:
        session.build(BuildOptions(content, target, PROJECT_ROOT / "templates", PROJECT_ROOT / "static", quiet=True,
                                   cache_dir=tmp_path / ("cache-" + target.name), **kw))

    build(out)
    entry = out / "pagefind" / "pagefind-entry.json"
    first = (os.stat(entry).st_ino, snapshot(out / "pagefind"))

    _edit_a_figure(_first_report_with_a_prose_total(content))
    build(out)
    assert (os.stat(entry).st_ino, snapshot(out / "pagefind")) == first, "a figure edit re-indexed the site"

    shutil.move(spare, content / "reports" / "xinqi-2013.txt")
    build(out)
    assert snapshot(out / "pagefind") != first[1]
    build(fresh, incremental=False)
    assert snapshot(out / "pagefind") == snapshot(fresh / "pagefind")


# --- in the browser -------------------------------------------------------------------------------


def search_page(site: Path) -> str:
    """The URL of a page with the search box; a scratch page in a copy when the site has none yet."""
    for page in sorted(site.rglob("*.html")):
        if 'id="search"' in page.read_text(encoding="utf-8"):
            return "/" + page.relative_to(site).as_posix().removesuffix("index.html")
    (site / "search-test").mkdir()
    from site_builder.render import environment

    box = environment(ROOT / "templates").get_template("_search.html").render()
    (site / "search-test" / "index.html").write_text(
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>search</title></head><body>{box}</body></html>',
        encoding="utf-8")
    return "/search-test/"


@pytest.mark.browser
def test_search_finds_pages_in_chromium(seed_site, netlify_rules, tmp_path):
    """The names index answers names (a year in the query links that year's report); pagefind
    answers the other pages: a figure's label, a region's name."""
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed")
    from browser.server import serve
    from browser.visit import in_own_thread, launch, open_context, visit
    from playwright.sync_api import sync_playwright

    site = tmp_path / "site"
    shutil.copytree(seed_site, site)
    url = search_page(site)
    problems: list[str] = []
    names: dict[str, list[str]] = {}  # query -> the names list's links, in order
    found: dict[str, list[str]] = {}  # query -> pagefind's results' links

    def session():
        with serve(site, netlify_rules) as base, sync_playwright() as p:
            browser = launch(p)
            try:
                v = visit(open_context(browser, 1280), base + url)
                page = v.page
                page.wait_for_selector("#search[data-search-state=ready] input", timeout=20000)
                for query in ("建国门", "建国门 2024", "2024 建国门", "建国门2024年", "建国门 2024年度", "平潭 2016"):
                    page.fill("#search input", "")
                    page.fill("#search input", query)
                    # (selectors, not wait_for_function: its predicate is compiled in the page,
                    # which the site's Content-Security-Policy forbids)
                    page.wait_for_selector(f"#search[data-names-query='{query}'][data-names-state=done]", timeout=20000)
                    names[query] = page.eval_on_selector_all(".search-names a", "els => els.map(e => e.getAttribute('href'))")
                for query in ("Disclosed", "东城区", "北仑区"):
                    page.fill("#search input", "")
                    page.fill("#search input", query)
                    # the results of this query (the box says how many for which words), each loaded
                    # (pagefind's "searching" line names the query too: its answer is a message
                    # naming the query that is not that line)
                    page.locator("#search .pagefind-ui__message",
                                 has_text=re.compile(rf"^(?!.*正在搜索).*{re.escape(query)}")).wait_for(timeout=20000)
                    page.wait_for_selector("#search .pagefind-ui__loading", state="detached", timeout=20000)
                    page.wait_for_selector("#search .pagefind-ui__result-title a", state="attached", timeout=20000)
                    found[query] = page.eval_on_selector_all(
                        "#search .pagefind-ui__result > .pagefind-ui__result-inner > .pagefind-ui__result-title a",
                        "els => els.map(e => e.getAttribute('href'))")
                problems.extend(v.problems())
            finally:
                browser.close()

    in_own_thread(session)
    assert names["建国门"][0] == "/agencies/jianguomen/", names["建国门"]
    assert "/agencies/jianguomen/2024/" not in names["建国门"]  # no year asked, no report linked
    for query in ("建国门 2024", "2024 建国门", "建国门2024年", "建国门 2024年度"):
        assert names[query][:2] == ["/agencies/jianguomen/", "/agencies/jianguomen/2024/"], (query, names[query])
    assert names["平潭 2016"][:2] == ["/agencies/pingtan/", "/agencies/pingtan/2016/"], names["平潭 2016"]
    assert "/metrics/outcome.disclosed/" in found["Disclosed"], found["Disclosed"]  # English: a figure's label
    assert "/regions/beijing-shi/dongcheng-qu/" in found["东城区"], found["东城区"]  # a region's page
    assert not any(u.startswith("/agencies/") for q in found for u in found[q]), found  # agencies: the names index's
    assert "/regions/zhejiang-sheng/ningbo-shi/beilun-qu/" in found["北仑区"], found["北仑区"]
    assert problems == []
