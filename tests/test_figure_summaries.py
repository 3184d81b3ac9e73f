"""Figure and year pages past one page's table (issue 14, item 3): the summary (count, quartiles,
median, sum per year; the spread; the top and bottom agencies; the table by place) and the full
rows in list pages of at most Limits' rows. The seeds keep their full tables; a generated corpus
is summed up with small limits passed in (pages.LIMITS, read at each call), and its summary
figures are held to the values computed here another way (statistics.quantiles)."""

from __future__ import annotations

import os
import re
import shutil
import statistics
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.load.loader import load_site
from site_builder.model import Agency
from site_builder.render import affected, changes, pages, summaries
from site_builder.render.prose import read_pages
from site_builder.tools.synth import generate

LOW = summaries.Limits(full_rows=4, full_cells=8, list_rows=5, year_rows=3, top=3)
D = Decimal


# --- the numbers ---------------------------------------------------------------------------------


def test_quartiles_median_and_sum_are_exact_on_known_values():
    by_year = {2020: [D(1), D(2), D(3), D(4)], 2021: [D(8), D(1), D(3)], 2022: [D("0.5"), D("1.25")], 2023: [D(7)],
               2024: []}
    got = summaries.stats_of(by_year)
    assert got[2020] == summaries.Stats(2020, 4, D("1.75"), D("2.5"), D("3.25"), D(10))
    assert got[2021] == summaries.Stats(2021, 3, D(2), D(3), D("5.5"), D(12))
    assert got[2022].total == D("1.75") and got[2022].median == D("0.88")  # 0.875, shown to 2 places
    assert got[2023][1:] == (1, D(7), D(7), D(7), D(7)) and 2024 not in got  # (a year without values: no row)
    # the method stated on the pages: linear interpolation, what statistics calls "inclusive"
    values = [D(v) for v in (0, 0, 1, 3, 3, 4, 9, 12, 40, 41, 300)]
    (s,) = summaries.stats_of({2024: values}).values()
    assert (s.q1, s.median, s.q3) == tuple(D(str(q)) for q in statistics.quantiles(values, n=4, method="inclusive"))
    assert s.total == sum(values)


def test_top_and_bottom_order_equal_values_by_slug():
    agencies = {s: Agency(name=s.upper(), slug=s) for s in "abcdef"}
    pairs = [("a", 1), ("b", 5), ("c", 5), ("d", 9), ("e", 5), ("f", 1)]
    col = summaries.column([s for s, _ in pairs], [D(v) for _, v in pairs])
    top, bottom = summaries.top_bottom(col, agencies.__getitem__, 4)
    assert [(r.agency.slug, r.value) for r in top] == [("d", 9), ("b", 5), ("c", 5), ("e", 5)]
    assert [(r.agency.slug, r.value) for r in bottom] == [("a", 1), ("f", 1), ("b", 5), ("c", 5)]
    # (whatever the input's order)
    shuffled = [pairs[i] for i in (4, 1, 5, 3, 0, 2)]
    col = summaries.column([s for s, _ in shuffled], [D(v) for _, v in shuffled])
    assert summaries.top_bottom(col, agencies.__getitem__, 4) == (top, bottom)


def test_places_by_province_else_city_else_district():
    a = Agency("甲", "a", district="东城区", city="北京市", province="北京市")
    b = Agency("乙", "b", district="西城区", city="北京市", province="北京市")
    c = Agency("丙", "c", district="鼓楼区", city="福州市", province="福建省")
    place_level = lambda agencies: summaries.place_level(lambda attr: [getattr(x, attr) for x in agencies])
    assert place_level([a, b])[0] == "district"
    assert place_level([a, c])[0] == "province"
    col = summaries.column(["a", "b", "c", "d", "e"], [D(1), D(3), D("10.25"), D(2), D("0.5")])
    rows = summaries.by_place(col, ["北京市", "北京市", "福建省", "", "福建省"])
    assert [(s.key, s.count, s.median, s.total) for s in rows] == [
        ("北京市", 2, D(2), D(4)), ("福建省", 2, D("5.38"), D("10.75")), (summaries.UNPLACED, 1, D(2), D(2))]
    assert rows[1].q1 == D("2.94") and rows[1].q3 == D("7.81")  # 2.9375 and 7.8125, to 2 places


def test_bins_grow_one_two_five_and_count_every_value():
    got = summaries.bins([D(v) for v in (0, 0, 1, 3, 4, 9, 12, 640)])
    assert [(b.lo, b.hi, b.count) for b in got] == [
        (0, 0, 2), (1, 2, 1), (2, 5, 2), (5, 10, 1), (10, 20, 1), (20, 50, 0), (50, 100, 0), (100, 200, 0),
        (200, 500, 0), (500, 1000, 1)]
    assert [(b.lo, b.hi, b.count) for b in summaries.bins([D(30), D(31)])] == [(20, 50, 2)]
    assert summaries.bins([]) == []


def test_list_pages_hold_every_row_once():
    assert summaries.pages_of(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert summaries.pages_of(8, 4) == [(0, 4), (4, 8)]
    assert summaries.pages_of(0, 4) == []
    assert LOW.metric_full(4, 2) and not LOW.metric_full(5, 1) and not LOW.metric_full(3, 3)
    assert LOW.year_full(3) and not LOW.year_full(4)


# --- the seeds: small enough for the full tables --------------------------------------------------


def test_the_seeds_keep_their_full_tables(seed_site):
    assert not list(seed_site.glob("metrics/*/page")) and not list(seed_site.glob("years/*/page"))
    doc = BeautifulSoup((seed_site / "metrics/requests.new/index.html").read_text(encoding="utf-8"), "html.parser")
    assert doc.find("table", class_="years") is not None and doc.find("nav", class_="pager") is None
    doc = BeautifulSoup((seed_site / "years/2019/index.html").read_text(encoding="utf-8"), "html.parser")
    assert len(doc.find("table", class_="sortable").find("tbody").find_all("tr")) == 2


# --- a generated corpus, summed up with small limits -----------------------------------------------


@pytest.fixture
def low(monkeypatch):
    monkeypatch.setattr(pages, "LIMITS", LOW)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("summaries") / "content"
    generate(content, agencies=14, years=[2016, 2020, 2023], seed=7)
    return content


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    """The corpus built once with LOW (a clean build: what `site-builder build` writes)."""
    from test_incremental import clean_build

    out = tmp_path_factory.mktemp("summaries-site") / "_site"
    mp = pytest.MonkeyPatch()
    mp.setattr(pages, "LIMITS", LOW)
    try:
        clean_build(corpus, out, search=False)
    finally:
        mp.undo()
    return out, load_site(corpus)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def cells(tr) -> list[str]:
    return [" ".join(c.get_text(" ").split()) for c in tr.find_all(["th", "td"])]


def test_a_figure_page_past_the_limits_is_a_summary_with_exact_figures(built):
    out, site = built
    doc = soup(out / "metrics/requests.new/index.html")
    assert doc.find("table", class_="years") is None  # not the full table
    values: dict[int, list[Decimal]] = {}
    for r in site.reports:
        f = r.figure("requests.new")
        if f is not None:
            values.setdefault(r.year, []).append(f.value)
    rows = [cells(tr) for tr in doc.find(id="years").find_next("table").find("tbody").find_all("tr")]
    expected = []
    for y in sorted(values):
        vs = sorted(values[y])
        q = statistics.quantiles(vs, n=4, method="inclusive") if len(vs) > 1 else [vs[0]] * 3
        expected.append([str(y), str(len(vs)), *(summaries_shown(x) for x in q), str(sum(vs))])
    assert rows == expected
    assert "线性插值" in doc.get_text() and "linear interpolation" in doc.get_text()
    # the top and bottom LOW.top of the latest year, equal values by slug, each linking its figure
    latest = max(values)
    given = sorted(((site.agency_of[r.path].slug, r.figure("requests.new").value) for r in site.reports
                    if r.year == latest and r.figure("requests.new") is not None))
    top = [slug for slug, _ in sorted(given, key=lambda e: (-e[1], e[0]))[:LOW.top]]
    bottom = [slug for slug, _ in sorted(given, key=lambda e: (e[1], e[0]))[:LOW.top]]
    for anchor, slugs in (("top", top), ("bottom", bottom)):
        trs = doc.find(id=anchor).find_next("table").find("tbody").find_all("tr")
        assert [tr.find("th").find("a")["href"] for tr in trs] == [f"/agencies/{s}/" for s in slugs]
        assert [tr.find_all("td")[-1].find("a")["href"] for tr in trs] == [
            f"/agencies/{s}/{latest}/#requests.new" for s in slugs]
    # by place: every agency of the latest year counted once, the sums adding up to the year's
    places = [cells(tr) for tr in doc.find(id="places").find_next("table").find("tbody").find_all("tr")]
    assert sum(int(p[1]) for p in places) == len(given)
    assert sum(Decimal(p[-1]) for p in places) == sum(v for _, v in given)
    # the distribution's spec: a row per bin, never one per agency
    import json

    spec = json.loads((out / "charts/metric-requests-new-spread.vl.json").read_text(encoding="utf-8"))
    assert sum(r["agencies"] for r in spec["datasets"]["rows"]) == len(given)


def summaries_shown(x) -> str:
    from site_builder.numbers import format_number

    return format_number(Decimal(str(round(float(x), summaries.QUANTILE_PLACES))))


def test_list_pages_hold_every_row_in_order_with_prev_and_next(built):
    out, site = built
    entries = site.figure_entries["requests.new"]
    n_pages = -(-len(entries) // LOW.list_rows)
    assert n_pages >= 3
    assert sorted(p.name for p in (out / "metrics/requests.new/page").iterdir()) == sorted(str(n) for n in range(1, n_pages + 1))
    summary = soup(out / "metrics/requests.new/index.html")
    assert [a["href"] for a in summary.find("nav", class_="pager").find_all("a")] == [
        f"/metrics/requests.new/page/{n}/" for n in range(1, n_pages + 1)]
    seen = []
    for n in range(1, n_pages + 1):
        doc = soup(out / f"metrics/requests.new/page/{n}/index.html")
        trs = doc.find("table", class_="sortable").find("tbody").find_all("tr")
        assert len(trs) == (LOW.list_rows if n < n_pages else len(entries) - LOW.list_rows * (n_pages - 1))
        for tr in trs:
            slug = tr.find("th").find("a")["href"].split("/")[2]
            seen.append((slug, int(tr.find_all("td")[1].get_text())))
        prev, next_ = doc.find("a", rel="prev"), doc.find("a", rel="next")
        assert (prev["href"] if prev else None) == (f"/metrics/requests.new/page/{n - 1}/" if n > 1 else None)
        assert (next_["href"] if next_ else None) == (f"/metrics/requests.new/page/{n + 1}/" if n < n_pages else None)
        assert doc.find("nav", class_="pager").find("span", attrs={"aria-current": "page"}).get_text() == str(n)
    assert seen == [(slug, year) for slug, year, _ in entries] == sorted(seen)  # every row once, by slug then year


def test_year_pages_past_the_limits_and_their_list_pages(built):
    out, site = built
    year = 2020
    reports = site.reports_in(year)
    assert len(reports) > LOW.year_rows
    doc = soup(out / f"years/{year}/index.html")
    rows = {cells(tr)[0].split(" ")[0]: cells(tr)[1:] for tr in doc.find(id="figures").find_next("table").find("tbody").find_all("tr")}
    vs = [r.figure("requests.new").value for r in reports if r.figure("requests.new") is not None]
    assert rows["本年新收政府信息公开申请数量"] == [str(len(vs)), *map(summaries_shown, statistics.quantiles(vs, n=4, method="inclusive")),
                                         str(sum(vs))]
    n_pages = -(-len(reports) // LOW.year_rows)
    listed = []
    for n in range(1, n_pages + 1):
        page = soup(out / f"years/{year}/page/{n}/index.html")
        trs = page.find("table", class_="sortable").find("tbody").find_all("tr")
        assert len(trs) == min(LOW.year_rows, len(reports) - LOW.year_rows * (n - 1))
        listed += [tr.find("th").find("a")["href"] for tr in trs]
    assert listed == [f"/agencies/{site.agency_of[r.path].slug}/{year}/" for r in reports]
    assert not (out / f"years/{year}/page/{n_pages + 1}").exists()


def test_summary_and_list_pages_are_valid_html_and_in_the_sitemap(built):
    import html5lib

    out, _ = built
    paths = [p for p in out.rglob("index.html") if re.search(r"^(metrics|years)/", p.relative_to(out).as_posix())]
    assert any("/page/" in p.as_posix() for p in paths)
    for p in paths:
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(p.read_bytes(), transport_encoding="utf-8")
        assert parser.errors == [], (p.relative_to(out), parser.errors[:3])
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "/metrics/requests.new/page/2/" in sitemap and "/years/2020/page/2/" in sitemap


def test_an_edit_lists_every_list_page_it_affects(corpus, tmp_path, low):
    content = tmp_path / "content"
    shutil.copytree(corpus, content)
    before = load_site(content)
    report = sorted((content / "reports").glob("*-2020.txt"))[5]
    text = report.read_text(encoding="utf-8-sig")
    m = re.search(r"主动公开政府信息(?:总数为)?\s*(\d+)", text)
    report.write_text(text[:m.start(1)] + str(int(m.group(1)) + 1) + text[m.end(1):], encoding="utf-8")
    after = load_site(content, known=before.known)
    ch = changes.diff(before, after)
    assert ch is not None and not ch.moved and not ch.added_or_removed
    prose = read_pages(content)
    everything = pages.page_specs(after, prose)
    touched = pages.page_specs(after, prose, touched=ch)
    wanted = [s for s in everything if affected(s, ch)]
    assert {s.url for s in wanted} <= {s.url for s in touched}
    # of a figure's and a year's list pages, only the one holding the edited report's row
    lists = [s.url for s in wanted if s.kind in ("metric-list", "year-list")]
    assert len([u for u in lists if u.startswith("/years/")]) == 1, lists
    for metric in ch.metrics:
        assert len([u for u in lists if u.startswith(f"/metrics/{metric}/page/")]) <= 1, lists


def test_edits_in_summary_mode_equal_a_clean_build(corpus, tmp_path, low):
    """The dev server's edits with the pages summed up: a figure edited (one list page of each
    list re-rendered), a report removed (rows move across pages, a page may go) and put back;
    after each, the tree is a clean build's."""
    from test_incremental import Session, _bump_first_figure

    content = tmp_path / "content"
    shutil.copytree(corpus, content)
    past = os.stat(tmp_path).st_mtime_ns - 600_000_000_000
    for p in content.rglob("*"):
        os.utime(p, ns=(past, past))
    s = Session(content, tmp_path)
    report = sorted((content / "reports").glob("*-2020.txt"))[5]
    _bump_first_figure(report)
    rendered, changed = s.rebuild()
    lists = sorted(k for k in changed if "/page/" in k)
    assert lists and len([k for k in lists if k.startswith("years/")]) == 1, lists
    by_metric: dict[str, int] = {}
    for k in lists:
        if k.startswith("metrics/"):
            by_metric[k.split("/")[1]] = by_metric.get(k.split("/")[1], 0) + 1
    assert set(by_metric.values()) == {1}, lists
    assert rendered < s.pages / 4
    # an early report ceases to give a figure (its prose's 主动公开 total): every later row of
    # that figure's list moves up a place
    first = sorted((content / "reports").glob("*-2020.txt"))[0]
    text = first.read_text(encoding="utf-8-sig")
    first.write_text(re.sub(r"主动公开政府信息(?:总数为)?\s*\d+", "主动公开政府信息若干", text, count=1), encoding="utf-8")
    rendered, changed = s.rebuild()
    moved = {k.split("/")[1] for k in changed if re.fullmatch(r"metrics/[^/]+/page/\d+/index.html", k)}
    assert moved and any(len([k for k in changed if k.startswith(f"metrics/{m}/page/")]) > 1 for m in moved), sorted(changed)
    moved = tmp_path / "kept.txt"
    first = sorted((content / "reports").glob("*.txt"))[0]
    shutil.move(first, moved)
    s.rebuild()
    shutil.move(moved, first)
    s.rebuild()


def test_summary_and_list_pages_escape_what_reports_and_agencies_say(corpus):
    """An agency whose name and place carry markup, its figures notes with markup: the summary
    and list pages print them as text (the list rows are made in Python, with escape())."""
    import dataclasses

    from site_builder.render import PROJECT_ROOT, environment
    from test_pages_tables import HOSTILE, _hostile

    site = load_site(corpus)
    slug = site.agencies[0].slug
    bad = {p: dataclasses.replace(a, name=a.name + HOSTILE, district=HOSTILE) for p, a in site.agency_of.items()
           if a.slug == slug}
    site = site.with_reports([_hostile(r) if r.path in bad else r for r in site.reports], agency_of={**site.agency_of, **bad})
    env = environment(PROJECT_ROOT / "templates")
    made = [pages.metric_page(site, m, limits=LOW) for m in site.metrics_with_data[:6]]
    made += [pages.metric_list_page(site, m, 1, limits=LOW) for m in site.metrics_with_data[:6]]
    made += [pages.year_page(site, y, limits=LOW) for y in site.years] + [pages.year_list_page(site, y, 1, limits=LOW) for y in site.years]
    shown = 0
    for p in made:
        html = env.get_template(p.template).render(page=p, site=site, base_url="https://example.org", prose_pages=[],
                                                   downloads=["data/records.csv"], **p.context)
        assert "<script>alert" not in html and "</div><a href='x'>" not in html, p.url
        shown += html.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;")
    assert shown > len(made)  # (the hostile agency is on these pages, escaped)


def test_the_default_limits_keep_list_pages_under_300_kb(built):
    """A list page of LIMITS' rows, at the widest rows of the generated corpus (realistic names,
    places and slugs, all of a year's columns), stays under the 300 KB budget (issue 14): its
    size is what the page holds besides rows, plus its rows."""
    out, _ = built
    budget = 300 * 1024
    for kind, pattern, rows in (("metric", "metrics/*/page/*/index.html", summaries.LIMITS.list_rows),
                                ("year", "years/*/page/*/index.html", summaries.LIMITS.year_rows)):
        worst = 0
        for p in out.glob(pattern):
            html = p.read_bytes()
            body = html[html.index(b"<tbody>"):html.index(b"</tbody>")]
            trs = body.split(b"<tr>")[1:]
            widest = max(len(b"<tr>" + tr) for tr in trs)
            around = len(html) - len(body)  # (head, navigation, pager, legend, footer)
            worst = max(worst, around + widest * rows)
        assert worst <= budget, (kind, worst)  # (236 and 226 KB when written)
    # and a summary page holds no rows of its own (its index of list pages: ~100 bytes a page)
    for p in list(out.glob("metrics/*/index.html")) + list(out.glob("years/*/index.html")):
        if (p.parent / "page").is_dir():
            assert p.stat().st_size < 60 * 1024, p


def test_a_rate_is_summed_up_without_sums(built, monkeypatch):
    """A rate's summary has quartiles and a median but no sum, in its tables or as a chart of all
    agencies' total (a sum of percentages means nothing); a count keeps both."""
    out, site = built
    rate, count = soup(out / "metrics/rate.withheld/index.html"), soup(out / "metrics/requests.new/index.html")
    for anchor in ("years", "places"):
        heads = lambda doc: [" ".join(th.get_text(" ").split()) for th in doc.find(id=anchor).find_next("table").find("thead").find_all("th")]
        assert heads(count)[-1] == "合计 Sum" and "合计 Sum" not in heads(rate)
        assert heads(rate)[-1] == "上四分位数 Q3"
        rows = rate.find(id=anchor).find_next("table").find("tbody").find_all("tr")
        assert rows and all(len(cells(tr)) == len(heads(rate)) for tr in rows)
    assert (out / "charts/metric-rate-withheld-spread.vl.json").exists()
    # past LEGEND_MAX agencies a figure's page charts their total: a count's, never a rate's
    from site_builder.render import charts

    monkeypatch.setattr(charts, "LEGEND_MAX", 0)
    totals = lambda mid: [c for c in charts.metric_charts(site, mid) if c.id.endswith("-all")]
    assert len(totals("requests.new")) == 1 and totals("rate.withheld") == []
    assert len(charts.metric_charts(site, "rate.withheld")) == 1  # the largest agencies beside the median
