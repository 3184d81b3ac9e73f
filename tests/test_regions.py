"""Region pages (/regions/…), the agency page's region breadcrumb and the agency index by pinyin
initial (/agencies/initial/<letter>/): the region tree on its own, the seeds' pages, and a
generated corpus built with small page sizes so that pagination, the index and the links from
/regions/ to every agency are exercised; a dev-server edit gives the bytes of a clean build."""

from __future__ import annotations

import math
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from sitehtml import Node, load, page, parse
from site_builder.build.session import BuildOptions, BuildSession
from site_builder.load import regions
from site_builder.load.loader import load_site
from site_builder.load.pinyin import Pinyin, by_initial
from site_builder.model import Agency
from site_builder.render import PROJECT_ROOT, pages
from site_builder.render.environment import environment
from site_builder.tools.synth import generate
from sitefiles import tree

CONTENT = Path(__file__).resolve().parents[1] / "content"
TEMPLATES = PROJECT_ROOT / "templates"
STATIC = PROJECT_ROOT / "static"
BUDGET = 300 * 1024  # every HTML page, at any size (issue 14)


def with_class(doc: Node, tag: str, name: str) -> list[Node]:
    return [n for n in doc.find_all(tag) if n.has_class(name)]


def one(doc: Node, tag: str, name: str) -> Node | None:
    found = with_class(doc, tag, name)
    return found[0] if found else None


def crumbs(doc: Node) -> list[str]:
    nav = one(doc, "nav", "crumbs")
    assert nav is not None, "no breadcrumb"
    return [" ".join(n.text.split()) for n in nav.children if isinstance(n, Node)]


def crumb_links(doc: Node) -> list[str]:
    return [a.attrs["href"] for a in one(doc, "nav", "crumbs").find_all("a")]


# ---------------------------------------------------------------- the tree


def agency(name: str, slug: str, province: str = "", city: str = "", district: str = "", level: str = "", **kw) -> Agency:
    return Agency(name=name, slug=slug, province=province, city=city, district=district, level=level,
                  place_source="entry" if province else "", **kw)


def test_the_tree_places_each_agency_at_the_deepest_place_it_names():
    book = [
        agency("建国门街道", "jianguomen", "北京市", "北京市", "东城区", "街道"),
        agency("东城区人民政府", "dongcheng", "北京市", "北京市", "东城区", "区县政府"),
        agency("北京市教育委员会", "bj-jiaowei", "北京市", "北京市", "", "省级部门"),
        agency("宁波市教育局", "nb-jiaoyu", "浙江省", "宁波市", "", "市级部门"),
        agency("新碶街道", "xinqi", "浙江省", "宁波市", "北仑区", "街道"),
        agency("浙江省人民政府", "zj", "浙江省", "", "", "省级政府"),
        agency("某某办公室", "mou", level="区县部门"),  # no place
    ]
    tree = regions.build(book, Pinyin())
    assert [c.path for c in tree.root.children] == [("beijing-shi",), ("zhejiang-sheng",), ("unplaced",)]
    # a 直辖市 skips the city level: its districts hang under it
    assert tree.path_of["jianguomen"] == ("beijing-shi", "dongcheng-qu")
    assert tree.path_of["bj-jiaowei"] == ("beijing-shi",)
    assert tree.path_of["nb-jiaoyu"] == ("zhejiang-sheng", "ningbo-shi")  # a city's bureau: on the city's node
    assert tree.path_of["xinqi"] == ("zhejiang-sheng", "ningbo-shi", "beilun-qu")
    assert tree.path_of["zj"] == ("zhejiang-sheng",)
    assert tree.path_of["mou"] == ("unplaced",)
    # agencies of a node by level, in LEVELS order (区县政府 before 街道)
    assert [a.slug for a in tree.by_path[("beijing-shi", "dongcheng-qu")].agencies] == ["dongcheng", "jianguomen"]
    assert [n.name for n in tree.crumbs(("zhejiang-sheng", "ningbo-shi", "beilun-qu"))] == ["浙江省", "宁波市", "北仑区"]
    assert sorted(a.slug for a in tree.root.members()) == sorted(a.slug for a in book)
    # the same tree whatever order the agencies come in
    again = regions.build(list(reversed(book)), Pinyin())
    assert {p: [a.slug for a in n.agencies] for p, n in again.by_path.items()} == \
           {p: [a.slug for a in n.agencies] for p, n in tree.by_path.items()}


def test_sibling_slugs_that_collide_get_a_suffix_whatever_the_order():
    p = Pinyin()
    # 安青坪镇 / 安青平镇: one pinyin; "帕格" would be "page", the name of a list's pages
    names = ["安青坪镇", "安青平镇", "帕格", "东城区"]
    slugs = regions.sibling_slugs(names, p)
    assert slugs == regions.sibling_slugs(list(reversed(names)), p)
    assert len(set(slugs.values())) == 4
    assert slugs["东城区"] == "dongcheng-qu"
    first, second = sorted(["安青坪镇", "安青平镇"])
    assert slugs[first] == "anqingping-zhen" and re.fullmatch(r"anqingping-zhen-[0-9a-f]{6}", slugs[second])
    assert re.fullmatch(r"page-[0-9a-f]{6}", slugs["帕格"])


def test_pinyin_by_segments_is_pypinyins_whole_name_reading():
    from pypinyin import Style, lazy_pinyin

    p = Pinyin()
    for name in ("重庆市", "长沙市", "厦门市", "建国门街道办事处", "上海市科学技术委员会", "平潭综合实验区", "A区管委会"):
        assert p.syllables(name) == tuple(s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors=lambda s: [s]))
    assert [p.region_slug(n) for n in ("北京市", "重庆市", "内蒙古自治区", "浦东新区")] == \
           ["beijing-shi", "chongqing-shi", "neimenggu-zizhiqu", "pudong-xinqu"]
    grouped = by_initial([agency("建国门街道", "j"), agency("安华街道", "a"), agency("123办", "n"), agency("阿里", "b")], p)
    assert list(grouped) == ["a", "j", "other"]
    assert [a.name for a in grouped["a"]] == ["阿里", "安华街道"]  # a li < an hua


# ---------------------------------------------------------------- the seeds


def test_the_agency_page_has_the_region_breadcrumb(seed_site):
    doc = page(seed_site, "/agencies/jianguomen/")
    assert crumbs(doc) == ["首页", "地区", "北京市", "东城区", "建国门街道"]
    assert crumb_links(doc) == ["/", "/regions/", "/regions/beijing-shi/", "/regions/beijing-shi/dongcheng-qu/"]
    doc = page(seed_site, "/agencies/xinqi/")
    assert crumbs(doc) == ["首页", "地区", "浙江省", "宁波市", "北仑区", "新碶街道"]
    doc = page(seed_site, "/agencies/shanghai-kewei/")  # a 直辖市's department: the province's node
    assert crumbs(doc) == ["首页", "地区", "上海市", "上海市科学技术委员会"]


def test_the_region_pages_of_the_seeds(seed_site):
    root = page(seed_site, "/regions/")
    places = {a.text.strip(): a.attrs["href"] for a in one(root, "table", "places").find_all("a")}
    assert places == {"北京市": "/regions/beijing-shi/", "福建省": "/regions/fujian-sheng/",
                      "上海市": "/regions/shanghai-shi/", "浙江省": "/regions/zhejiang-sheng/"}
    rows = {tr.find("th").text.strip(): [td.text for td in tr.find_all("td")]
            for tr in one(root, "table", "places").find("tbody").find_all("tr")}
    assert rows["北京市"] == ["3", "4"]  # 建国门 (2 reports), 东花市, 陶然亭
    assert rows["福建省"] == ["1", "4"]  # 平潭: 2011, 2016, 2019, 2021
    dl = one(root, "dl", "facts")
    facts = {" ".join(dt.text.split()): " ".join(dd.text.split()) for dt, dd in zip(dl.find_all("dt"), dl.find_all("dd"))}
    assert facts["机构 Agencies"] == "6" and facts["报告 Reports"] == "10"
    # the latest year, 2024: 建国门街道 (17 requests) and 上海市科学技术委员会 (34)
    assert facts["2024 年新收申请 Requests received in 2024"].startswith("51（2 个机构报告此数")
    dongcheng = page(seed_site, "/regions/beijing-shi/dongcheng-qu/")
    assert crumbs(dongcheng) == ["首页", "地区", "北京市", "东城区"]
    table = one(dongcheng, "table", "latest")
    body = {tr.find("th").text.strip(): tr for tr in table.find("tbody").find_all("tr")}
    assert list(body) == ["东花市街道", "建国门街道"]  # by pinyin
    heads = [" ".join(th.text.split()) for th in table.find("thead").find_all("th")]
    jgm = [td.text for td in body["建国门街道"].find_all("td")]
    assert jgm[0] == "2024" and body["建国门街道"].find("td").find("a").attrs["href"] == "/agencies/jianguomen/2024/"
    assert jgm[heads.index("本年新收政府信息公开申请数量 Requests received this year") - 1] == "17"
    assert jgm[-1] == "11.8%"  # withheld 2 of 17 outcomes
    h3 = dongcheng.find("h3")
    assert " ".join(h3.text.split()) == "街道 subdistrict"
    # a region's page is the nav's 地区
    nav = one(dongcheng, "nav", "site-nav")
    assert nav.find("a", href="/regions/").attrs.get("aria-current") == "page"


def render(site, pg) -> Node:
    """A page rendered by the real templates (as render._render_page does)."""
    env = environment(TEMPLATES)
    html = env.get_template(pg.template).render(page=pg, site=site, base_url="https://example.org", downloads=[],
                                                prose_pages=[], **pg.context)
    return parse(html)


def test_an_inferred_place_is_marked_on_the_agency_and_region_pages():
    site = load_site(CONTENT)
    agency_of = {path: (replace(a, place_source="inferred") if a.slug == "xinqi" else a) for path, a in site.agency_of.items()}
    site = replace(site, agency_of=agency_of)
    xinqi = next(a for a in site.agencies if a.slug == "xinqi")
    doc = render(site, pages.agency_page(site, xinqi))
    assert crumbs(doc) == ["首页", "地区", "浙江省", "宁波市", "北仑区", "推断 inferred", "新碶街道"]
    doc = render(site, pages.region_page(site, ("zhejiang-sheng", "ningbo-shi", "beilun-qu"), 1))
    head = one(doc, "table", "latest").find("tbody").find("th")
    assert " ".join(head.text.split()) == "新碶街道 推断 inferred"
    # an entry's place carries no mark
    jgm = next(a for a in site.agencies if a.slug == "jianguomen")
    assert "推断" not in render(site, pages.agency_page(site, jgm)).find("nav", class_="crumbs").text


def test_an_agency_with_no_place_is_on_the_unplaced_page(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    toml = content / "agencies.toml"
    # 新碶街道 without its entry: built from its report alone, with no place
    text = toml.read_text(encoding="utf-8")
    start = text.index('[agencies."新碶街道"]')
    toml.write_text(text[:start] + text[text.index("[agencies.", start + 5):], encoding="utf-8")
    site = load_site(content)
    slug = site.regions.path_of
    xinqi = next(a for a in site.agencies if a.name == "新碶街道")
    assert slug[xinqi.slug] == ("unplaced",)
    doc = render(site, pages.region_page(site, ("unplaced",), 1))
    assert [a.text for a in one(doc, "table", "latest").find_all("a") if "/agencies/" in a.attrs["href"]][0] == "新碶街道"
    root = render(site, pages.region_page(site, (), 1))
    assert one(root, "table", "places").find("a", href="/regions/unplaced/").text == "未定地区"
    assert crumbs(render(site, pages.agency_page(site, xinqi))) == ["首页", "地区", "未定地区", "新碶街道"]


# ---------------------------------------------------------------- a generated corpus, small pages


ROWS = 7  # agency (and sub-region) rows a region page, at most, in these tests
LIST = 9  # agencies an initial letter's page, at most; /agencies/ is an index past it


@pytest.fixture()
def small_pages(monkeypatch):
    monkeypatch.setattr(pages, "REGION_ROWS", ROWS)
    monkeypatch.setattr(pages, "AGENCY_LIST_ROWS", LIST)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("regions") / "content"
    generate(content, agencies=60, years=[2020, 2023], seed=3, reports=110)
    # a city's bureau with no district, and agencies of one district, to fill a node past ROWS
    toml = content / "agencies.toml"
    text = toml.read_text(encoding="utf-8")
    text = re.sub(r'district = "[^"]*"\nprovince = "浙江省"\ncity = "宁波市"', 'district = "海曙区"\nprovince = "浙江省"\ncity = "宁波市"', text)
    toml.write_text(text, encoding="utf-8")
    return content


def build_small(content: Path, out: Path, monkeypatch, **options) -> None:
    monkeypatch.setattr(pages, "REGION_ROWS", ROWS)
    monkeypatch.setattr(pages, "AGENCY_LIST_ROWS", LIST)
    BuildSession().build(BuildOptions(content, out, TEMPLATES, STATIC, quiet=True, search=False, cache=False,
                                      incremental=False, **options))


@pytest.fixture(scope="module")
def small_site(corpus, tmp_path_factory) -> Path:
    mp = pytest.MonkeyPatch()
    try:
        out = tmp_path_factory.mktemp("regions-site") / "_site"
        build_small(corpus, out, mp)
    finally:
        mp.undo()
    return out


def agency_slugs(site: Path) -> set[str]:
    return {p.parent.name for p in (site / "agencies").glob("*/index.html") if p.parent.name != "initial"}


def test_every_agency_is_reachable_from_regions_by_links(small_site):
    seen, todo, agencies = set(), ["/regions/"], set()
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        doc = page(small_site, url)
        for a in doc.find("main").find_all("a"):
            href = a.attrs.get("href", "")
            if href.startswith("/regions/"):
                todo.append(href)
            m = re.fullmatch(r"/agencies/([^/]+)/", href)
            if m:
                agencies.add(m.group(1))
    assert agencies == agency_slugs(small_site)
    assert len(agencies) == 55  # 110 reports, two a year
    # every region page written was reached
    written = {"/" + p.parent.relative_to(small_site).as_posix() + "/" for p in (small_site / "regions").rglob("index.html")}
    assert written == seen


def test_region_pages_paginate_with_prev_and_next(small_site):
    paged = sorted(p.parents[2] for p in (small_site / "regions").rglob("page/2/index.html"))
    assert paged, "no region page has a second page"
    busiest = paged[-1] / "index.html"
    url = "/" + busiest.parent.relative_to(small_site).as_posix() + "/"
    first = page(small_site, url)
    rows = lambda doc: [tr for t in with_class(doc, "table", "latest") for tr in t.find("tbody").find_all("tr")]
    places = lambda doc: (one(doc, "table", "places").find("tbody").find_all("tr")
                          if one(doc, "table", "places") else [])
    pager = one(first, "nav", "pager")
    assert pager is not None, url
    numbers = [a.text for a in pager.find_all("a") if not a.attrs.get("rel")]
    count = int(numbers[-1])
    total_rows, total_places, names = 0, 0, []
    for n in range(1, count + 1):
        doc = page(small_site, url if n == 1 else f"{url}page/{n}/")
        assert 0 < len(rows(doc)) + len(places(doc)) and len(rows(doc)) <= ROWS and len(places(doc)) <= ROWS
        total_rows += len(rows(doc))
        total_places += len(places(doc))
        names += [tr.find("th").text for tr in rows(doc)]
        nav = one(doc, "nav", "pager")
        prev, next_ = nav.find("a", rel="prev"), nav.find("a", rel="next")
        assert (prev.attrs["href"] if prev else None) == (None if n == 1 else url if n == 2 else f"{url}page/{n - 1}/")
        assert (next_.attrs["href"] if next_ else None) == (None if n == count else f"{url}page/{n + 1}/")
        assert nav.find("span", **{"aria-current": "page"}).text == str(n)
        # the headline on the first page only
        assert (one(doc, "dl", "facts") is not None) == (n == 1)
    assert not (small_site / url.lstrip("/") / "page" / str(count + 1)).exists()
    assert len(names) == len(set(names))
    assert count == math.ceil(max(total_rows, total_places) / ROWS) and count > 1


def test_the_agency_index_by_initial(small_site):
    index = page(small_site, "/agencies/")
    assert index.find("table") is None  # 55 agencies > LIST: an index, not the table
    assert index.find("main").find("a", href="/regions/") is not None
    letters = {a.text: int(one(a.parent, "span", "count").text) for a in one(index, "ul", "initials").find_all("a")}
    assert sum(letters.values()) == 55
    listed = []
    p = Pinyin()
    for letter, count in letters.items():
        url = f"/agencies/initial/{letter.lower() if letter != '#' else 'other'}/"
        names = []
        for n in range(1, math.ceil(count / LIST) + 1):
            doc = page(small_site, url if n == 1 else f"{url}page/{n}/")
            got = [tr.find("th").find("a") for tr in doc.find("table").find("tbody").find_all("tr")]
            assert 0 < len(got) <= LIST
            names += [a.text for a in got]
            listed += [a.attrs["href"] for a in got]
            if count > LIST:
                nav = one(doc, "nav", "pager")
                assert (nav.find("a", rel="next") is None) == (n == math.ceil(count / LIST))
        assert len(names) == count
        assert names == sorted(names, key=p.sort_key)  # in pinyin order
        assert all(p.initial(name) == letter.lower() for name in names)
    assert sorted(listed) == sorted(f"/agencies/{s}/" for s in agency_slugs(small_site))


def test_the_region_and_initial_pages_parse_without_error(small_site):
    """(tests/test_html_valid.py checks the seeds' pages, which have no initial pages nor a second
    page of anything; the Nu checker, when installed, found none of these pages invalid either)"""
    import html5lib

    problems = []
    written = [*(small_site / "regions").rglob("index.html"), *(small_site / "agencies" / "initial").rglob("index.html"),
               small_site / "agencies" / "index.html"]
    assert any("/page/" in p.as_posix() for p in written)
    for path in written:
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(path.read_bytes(), transport_encoding="utf-8")
        problems += [f"{path.relative_to(small_site)}:{line}:{col}: {code}" for (line, col), code, _ in parser.errors]
    assert problems == []


def test_every_page_is_under_the_budget(small_site):
    heavy = [(p.stat().st_size, p) for p in small_site.rglob("*.html") if p.stat().st_size > BUDGET]
    assert heavy == []


def test_a_dev_server_edit_gives_the_bytes_of_a_clean_build(corpus, tmp_path, monkeypatch, small_pages, no_charts):
    content = tmp_path / "content"
    shutil.copytree(corpus, content)
    past = os.stat(tmp_path).st_mtime_ns - 600_000_000_000
    for p in content.rglob("*"):
        os.utime(p, ns=(past, past))
    out = tmp_path / "live"
    session = BuildSession()
    served = BuildOptions(content, out, TEMPLATES, STATIC, quiet=True, search=False, cache=False, jobs=1,
                          defer_downloads=True)
    session.build(served)

    def same_as_clean(step: str) -> None:
        session.build(served)
        session.finish_downloads(out)
        clean = tmp_path / f"clean-{step}"
        BuildSession().build(BuildOptions(content, clean, TEMPLATES, STATIC, quiet=True, search=False, cache=False,
                                          jobs=1, incremental=False))
        a, b = tree(out), tree(clean)
        assert sorted(set(a) ^ set(b)) == [], step
        assert sorted(k for k in a if a[k] != b[k]) == [], step

    reports = sorted((content / "reports").glob("*-2023.txt"))
    # an agency's latest report edited (its region pages' rows and headlines)
    text = reports[0].read_text(encoding="utf-8-sig")
    m = re.search(r"申请数量\t(\d+)", text) or re.search(r"(\d+)", text[200:])
    reports[0].write_text(text.replace(m.group(0), m.group(0)[:-1] + str((int(m.group(0)[-1]) + 1) % 10), 1), encoding="utf-8")
    same_as_clean("edit")
    # a report removed: its agency's latest is the year before (region page, initial page)
    reports[1].unlink()
    same_as_clean("removed")
    # an agency with no entry added (the unplaced page appears; an initial letter's pages shift)
    shutil.copy(reports[2], content / "reports" / "xinjian-2023.txt")
    new = content / "reports" / "xinjian-2023.txt"
    body = new.read_text(encoding="utf-8-sig")
    title = body.splitlines()[0]
    new.write_text(body.replace(title, "阿尔山街道2023年政府信息公开工作年度报告", 1), encoding="utf-8")
    same_as_clean("added")
    assert (out / "regions" / "unplaced" / "index.html").is_file()


def _headlines(site) -> dict:
    from site_builder.render import region_views

    sums = region_views.region_sums(site)
    # (repr: Decimal("7.5") == Decimal("7.50"), but they print differently)
    return {node.path: (repr(region_views._headline(node, sums[node.path])), sums[node.path].reports)
            for node in site.regions.nodes()}


def _with_requests(site, report, value):
    """The report with its requests received `value` (None: not given), as an edit loads it."""
    from site_builder.model import Report

    figures = [f._replace(value=value) if f.metric == "requests.new" and f.applicant == "total" else f
               for f in report.figures if value is not None or f.metric != "requests.new"]
    return Report(**{**report.__dict__, "figures": figures})


def test_region_headlines_kept_across_edits_equal_fresh_ones(corpus):
    """The region pages' headline figures (per level: reporting, median, total; the reports
    under each sub-region), added up once and patched for each edit's agencies, against the
    same added up afresh: after edits the Sites between did not ask for them, a value with
    more decimals than any other (the total is then written with them) and back, a figure no
    longer given, a latest report removed (the agency's latest year is another)."""
    from decimal import Decimal

    from site_builder.load.site import Site

    site = load_site(corpus, cache=None, jobs=1)
    before = _headlines(site)
    latest = [site.reports_of(a.slug)[-1] for a in site.agencies]
    giving = [r for r in latest if r.year == 2023 and "requests.new" in site.totals_of(r)]
    one, two = giving[0], giving[len(giving) // 2]
    steps = [[(one, Decimal("7.50"))], [(two, None)], [(one, Decimal(4000))], [(two, Decimal(3))]]
    reports = list(site.reports)
    for i, step in enumerate(steps):
        for report, value in step:
            at = next(k for k, r in enumerate(reports) if r.path == report.path)
            reports[at] = _with_requests(site, reports[at], value)
        site = site.with_reports(list(reports))
        if i == 0:
            continue  # (this Site does not ask: the next one patches the sums two edits on)
        fresh = Site(content_dir=corpus, reports=site.reports, agency_of=site.agency_of)
        got = _headlines(site)
        assert got == _headlines(fresh), step
        assert got != before
    # a latest report removed: its agency's latest year is the one before
    gone = next(r for r in latest if r.year == 2023 and len(site.reports_of(site.agency_of[r.path].slug)) > 1)
    site = site.with_reports([r for r in site.reports if r.path != gone.path])
    fresh = Site(content_dir=corpus, reports=site.reports, agency_of=site.agency_of)
    assert _headlines(site) == _headlines(fresh)
    assert "regions" in vars(site) and "patched" in repr(list(site._kept))  # (patched, not made again)


# ---------------------------------------------------------------- in a browser, at 390 px


@pytest.mark.browser
def test_a_full_region_page_and_an_initial_page_fit_a_phone_and_sort(small_site, netlify_rules):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    from browser.server import serve
    from browser.visit import in_own_thread, launch, open_context, visit

    def url_of(path: Path) -> str:
        return "/" + path.parent.relative_to(small_site).as_posix() + "/"

    # the region page with the most agency rows, a paginated region's second page, the root
    fullest = max((p for p in (small_site / "regions").rglob("index.html")),
                  key=lambda p: p.read_text(encoding="utf-8").count("</tr>") * ("sortable latest" in p.read_text(encoding="utf-8")))
    second = next((small_site / "regions").rglob("page/2/index.html"))
    urls = [url_of(fullest), url_of(second), "/regions/",
            url_of(max((small_site / "agencies" / "initial").glob("*/index.html"), key=lambda p: p.stat().st_size))]

    def session() -> None:  # (in a thread of its own: test_browser.py may hold this one's Playwright)
        with sync_playwright() as pw, serve(small_site, netlify_rules) as base:
            browser = launch(pw)
            try:
                context = open_context(browser, 390)
                for url in urls:
                    v = visit(context, base + url, wait_until="networkidle")
                    page = v.page
                    assert not v.problems(), (url, v.problems())
                    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), \
                        f"{url} scrolls sideways at 390 px ({page.evaluate('document.documentElement.scrollWidth')} px)"
                # a region's table of agencies sorts by a figure (site.js), gaps last
                page = visit(context, base + urls[0], wait_until="networkidle").page
                table = page.locator("table.latest").first
                col = 3  # the requests received (after name, year, proactive total)
                table.locator(f"thead th:nth-child({col}) button").click()
                cells = table.locator(f"tbody td:nth-child({col})").all_inner_texts()
                numbers = [float(c) for c in cells if c.strip() and c[0].isdigit()]
                assert numbers == sorted(numbers) and len(numbers) > 1
                context.close()
            finally:
                browser.close()

    in_own_thread(session)
