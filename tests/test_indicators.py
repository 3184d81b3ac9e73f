"""The rates of issue 16 (load/indicators.py): exact values on the seeds, no rate without its
inputs or with a denominator of 0, flags, peer ranks with ties, data/indicators.csv, the report,
agency and figure pages, and the /quality/ page."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.load import indicators
from site_builder.load.indicators import Rank, compute, rounded
from site_builder.load.loader import load_site
from site_builder.load.site import Site
from site_builder.model import Agency, CheckResult, Figure, Report

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seeds() -> Site:
    return load_site(ROOT / "content", cache=None, jobs=1)


def _csv_rows(site_dir: Path) -> list[dict]:
    with open(site_dir / "data" / "indicators.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------- arithmetic


def test_rounding_is_half_up_and_exact():
    assert rounded(1, 17, 4) == Decimal("0.0588")
    assert rounded(2, 17, 4) == Decimal("0.1176")
    # .x5 cases: half-up (四舍五入), where half-even would give 0.0312 and 6.2
    assert rounded(1, 32, 4) == Decimal("0.0313")
    assert rounded(100, 16, 1) == Decimal("6.3")
    assert rounded(3, 8, 2) == Decimal("0.38")
    assert rounded(0, 5, 4) == Decimal("0.0000")
    assert rounded(5, 5, 1) == Decimal("1.0")


def test_the_formulas_read_the_catalogue():
    assert indicators.terms("rate.disclosed", "2021") == (("outcome.disclosed", "outcome.partial"), ("outcome.total",))
    assert indicators.terms("rate.unable", "2019") == (
        ("outcome.unable.not_held", "outcome.unable.needs_creation", "outcome.unable.unclear"), ("outcome.total",))
    assert indicators.terms("rate.unable", "pre2019") == (
        ("outcome.unable.not_held", "outcome.unable.not_exist"), ("outcome.total",))
    assert indicators.terms("rate.litigation_corrected", "2021")[1] == (
        "litigation.direct.total", "litigation.after_review.total")
    assert indicators.terms("rate.review_corrected", "pre2019") is None  # no 纠正 row before 2019


# ---------------------------------------------------------------- the seeds


def test_jianguomen_2024_rates_exactly(seeds):
    got = {rate.indicator: rate for rate, _ in seeds.indicators.of[("jianguomen", 2024)]}
    disclosed, withheld = got["rate.disclosed"], got["rate.withheld"]
    assert (disclosed.numerator, disclosed.denominator, disclosed.value, disclosed.percent) == (
        1, 17, Decimal("0.0588"), Decimal("5.9"))
    assert (withheld.numerator, withheld.denominator, withheld.value, withheld.percent) == (
        2, 17, Decimal("0.1176"), Decimal("11.8"))
    # the inputs are the printed figures and their lines (不予公开: the template's sum of eight rows)
    assert [(f.metric, f.line) for f in disclosed.numerator_inputs] == [("outcome.disclosed", 118),
                                                                          ("outcome.partial", 128)]
    assert [(f.metric, f.origin) for f in withheld.numerator_inputs] == [("outcome.withheld", "derived")]
    assert got["rate.unable"].numerator == 9
    assert (got["rate.review_corrected"].numerator, got["rate.review_corrected"].denominator) == (0, 1)
    assert "rate.litigation_corrected" not in got  # 0 lawsuits: denominator 0
    assert not disclosed.flags


def test_no_rate_where_the_total_is_0(seeds):
    got = {rate.indicator for rate, _ in seeds.indicators.of[("donghuashi", 2019)]}
    # 东花市街道 2019 prints 总计 0: no share of it; its review rate (0 of 1) stands
    assert got == {"rate.review_corrected"}


def test_no_rate_for_reports_without_the_inputs(seeds):
    assert ("jianguomen", 2011) not in seeds.indicators.of  # pre-2019 prose: no outcome table


def test_indicators_csv(seeds, tmp_path):
    from site_builder.cli import main

    out = tmp_path / "_site"
    assert main(["build", "--content", str(ROOT / "content"), "--out", str(out)]) == 0
    rows = _csv_rows(out)
    assert list(rows[0]) == ["agency", "agency_slug", "year", "indicator", "value", "numerator", "denominator",
                             "flag"]
    mine = {r["indicator"]: r for r in rows if (r["agency_slug"], r["year"]) == ("jianguomen", "2024")}
    assert mine["rate.disclosed"] == {"agency": "建国门街道", "agency_slug": "jianguomen", "year": "2024",
                                      "indicator": "rate.disclosed", "value": "0.0588", "numerator": "1",
                                      "denominator": "17", "flag": ""}
    assert (mine["rate.withheld"]["value"], mine["rate.withheld"]["numerator"]) == ("0.1176", "2")
    assert not any(r["agency_slug"] == "donghuashi" and r["indicator"] == "rate.disclosed" for r in rows)
    # never in records.csv: that file is what the reports print
    assert "rate." not in (out / "data" / "records.csv").read_text(encoding="utf-8")
    assert "rate." not in (out / "data" / "records.json").read_text(encoding="utf-8")

    page = BeautifulSoup((out / "agencies" / "jianguomen" / "2024" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    row = page.find("tr", id="rate.disclosed")
    assert row.find("td").get_text(strip=True) == "5.9%"
    links = [a["href"] for a in row.find_all("td")[1].find_all("a")]
    assert links == ["#L118", "#L128", "#L347"]  # 予以公开, 部分公开, 总计: each input's line
    for href in links:
        assert page.find(id=href[1:]) is not None
    assert "1/17" in row.get_text()
    assert page.find("tr", id="rate.withheld").find("td").get_text(strip=True) == "11.8%"

    # the figure page of a rate, like any figure's
    metric = (out / "metrics" / "rate.disclosed" / "index.html").read_text(encoding="utf-8")
    assert 'href="/agencies/jianguomen/2024/#rate.disclosed"' in metric
    agency = BeautifulSoup((out / "agencies" / "pingtan" / "index.html").read_text(encoding="utf-8"), "html.parser")
    cells = [td.get_text(strip=True) for td in agency.find(id="rates").find_next("table").find_all("tr")[1]("td")]
    assert cells == ["—", "—", "34.8%", "50.7%"]  # 2011, 2016 (no outcome table), 2019 8/23, 2021 35/69

    # /quality/: the seeds' four broken checks of 东花市街道 2019, each with its line
    quality = BeautifulSoup((out / "quality" / "index.html").read_text(encoding="utf-8"), "html.parser")
    group = quality.find("tbody", id="donghuashi")
    assert group.find("th").get_text(strip=True) == "东花市街道"
    rows = group.find_all("tr")[1:]
    assert len(rows) == 4
    assert {r.find("code").text for r in rows} == {"t3.balance", "t3.outcome_total"}
    for r in rows:
        cells = r.find_all("td")
        assert (cells[3].text, cells[4].text) == ("0", "2")  # printed, expected
        assert cells[5].find("a")["href"] == "/agencies/donghuashi/2019/#L77"
    assert quality.find("a", href="/quality/") is not None  # in the navigation

    def counts(section: str) -> dict[str, list[str]]:
        table = quality.find("h2", id=section).find_next("table")
        return {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr("td")] for tr in table.tbody("tr")}

    by_year = counts("years")
    assert by_year["2019"] == ["2", "1", "4"]  # 东花市街道 and 平潭 2019: one breaks four rules
    assert by_year["2024"] == ["2", "0", "0"]
    assert counts("provinces")["北京市"] == ["4", "1", "4"]  # 建国门 2011 and 2024, 东花市 2019, 陶然亭 2017
    most = quality.find("h2", id="most").find_next("table").tbody("tr")
    assert [tr.th.get_text(strip=True) for tr in most] == ["东花市街道"]


# ---------------------------------------------------------------- flags, missing inputs


def test_a_rate_is_flagged_by_the_broken_rules_among_its_inputs(tmp_path):
    content = tmp_path / "content"
    (content / "reports").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "agencies.toml", content / "agencies.toml")
    lines = (ROOT / "content" / "reports" / "jianguomen-2024.txt").read_text(encoding="utf-8").split("\n")
    assert lines[346].strip() == "17"  # table 三's 总计, total column (line 347)
    lines[346] = lines[346].replace("17", "18")
    (content / "reports" / "jianguomen-2024.txt").write_text("\n".join(lines), encoding="utf-8")
    site = load_site(content, cache=None, jobs=1)
    got = {rate.indicator: rate for rate, _ in site.indicators.of[("jianguomen", 2024)]}
    disclosed = got["rate.disclosed"]
    assert (disclosed.numerator, disclosed.denominator, disclosed.value) == (1, 18, Decimal("0.0556"))
    assert "t3.outcome_total" in disclosed.flags and "t3.row_total:outcome.total" in disclosed.flags
    assert got["rate.review_corrected"].flags == ()  # table 四 is not what broke
    row = next(r for r in csv.DictReader(indicators.indicators_csv(site.indicators).decode().splitlines())
               if r["indicator"] == "rate.disclosed")
    assert row["flag"] == " ".join(disclosed.flags)


def _report(path: str, era: str, figures: dict[str, int], checks=(), origin=None) -> Report:
    origin = origin or {}
    return Report(path=path, agency="", year=2021, era=era, has_stat_table=False, encoding="utf-8", lines=[],
                  title_line=1,
                  figures=[Figure(m, Decimal(v), i + 1, origin=origin.get(m, "table")) for i, (m, v) in
                           enumerate(figures.items())],
                  checks=list(checks))


FULL = {"outcome.disclosed": 3, "outcome.partial": 1, "outcome.withheld": 2, "outcome.unable.not_held": 1,
        "outcome.unable.needs_creation": 0, "outcome.unable.unclear": 0, "outcome.total": 8}


def test_a_missing_input_gives_no_rate():
    from site_builder.load.site import report_totals

    whole = _report("a.txt", "2021", FULL)
    assert {r.indicator for r in indicators.report_rates(whole, report_totals(whole))} == {
        "rate.disclosed", "rate.withheld", "rate.unable"}
    partial = {k: v for k, v in FULL.items() if k != "outcome.partial"}
    unclear = {k: v for k, v in FULL.items() if k != "outcome.unable.unclear"}
    for figures, gone in ((partial, "rate.disclosed"), (unclear, "rate.unable")):
        r = _report("b.txt", "2021", figures)
        assert gone not in {x.indicator for x in indicators.report_rates(r, report_totals(r))}
    approximate = _report("f.txt", "2021", FULL)
    approximate.figures = [f._replace(approximate=True) if f.metric == "outcome.total" else f
                           for f in approximate.figures]
    assert indicators.report_rates(approximate, report_totals(approximate)) == ()  # "办结8余件": a lower bound
    # a derived figure counts only where the catalogue defines the row as the template's sum
    derived_total = _report("c.txt", "2021", FULL, origin={"outcome.total": "derived"})
    assert indicators.report_rates(derived_total, report_totals(derived_total)) == ()
    derived_withheld = _report("d.txt", "2021", FULL, origin={"outcome.withheld": "derived"})
    assert "rate.withheld" in {x.indicator for x in indicators.report_rates(derived_withheld,
                                                                             report_totals(derived_withheld))}
    broken = _report("e.txt", "2021", FULL, checks=[
        CheckResult("t4.total:review", "total", Decimal(1), Decimal(2), 9, ""),
        CheckResult("t3.row_total:outcome.withheld.third_party", "total", Decimal(1), Decimal(2), 9, "")])
    flags = {x.indicator: x.flags for x in indicators.report_rates(broken, report_totals(broken))}
    # a broken ground of 不予公开 flags the withheld rate (its sum), not the others
    assert flags == {"rate.disclosed": (), "rate.withheld": ("t3.row_total:outcome.withheld.third_party",),
                     "rate.unable": ()}


# ---------------------------------------------------------------- ranks


def test_ranks_among_peers_share_ties():
    def agency(slug, city="宁波市", level="街道", province="浙江省"):
        return Agency(name=slug, slug=slug, city=city, level=level, province=province)

    # disclosed shares: a 1/2, b 2/4 (the same value), c 1/4, d 0/4; e alone in its city; f no level
    shares = {"a": (1, 2), "b": (2, 4), "c": (1, 4), "d": (0, 4), "e": (1, 4), "f": (1, 4)}
    agencies = {"a": agency("a"), "b": agency("b"), "c": agency("c"), "d": agency("d"),
                "e": agency("e", city="杭州市"), "f": agency("f", level="")}
    reports, agency_of = [], {}
    for slug, (n, d) in shares.items():
        r = _report(f"reports/{slug}.txt", "2021", {"outcome.disclosed": n, "outcome.partial": 0,
                                                     "outcome.total": d})
        reports.append(r)
        agency_of[r.path] = agencies[slug]
    site = Site(content_dir=Path("."), reports=reports, agency_of=agency_of)
    got = compute(site)
    ranks = {slug: got.of[(slug, 2021)][0][1] for slug in shares}
    assert ranks["a"] == Rank(1, 4, "宁波市", "街道")
    assert ranks["b"] == Rank(1, 4, "宁波市", "街道")  # 2/4 = 1/2: a shared rank
    assert ranks["c"] == Rank(3, 4, "宁波市", "街道")  # after two firsts, third
    assert ranks["d"] == Rank(4, 4, "宁波市", "街道")
    assert ranks["e"] is None  # alone in its group
    assert ranks["f"] is None  # no level: no peers


def test_an_empty_site_has_no_rates(tmp_path):
    got = compute(Site(content_dir=tmp_path, reports=[], agency_of={}))
    assert got.of == {} and list(got.frame.columns) == list(indicators.COLUMNS)


# ---------------------------------------------------------------- the dev server: ranks follow an edit


@pytest.fixture()
def peers(tmp_path) -> Path:
    """12 synthetic agencies, one year: four 区县部门 of 北京市 ranked together."""
    import os

    from site_builder.tools.synth import generate

    generate(tmp_path / "content", agencies=12, years=[2023], seed=11)
    past = os.stat(tmp_path).st_mtime_ns - 600_000_000_000
    for p in (tmp_path / "content").rglob("*"):
        os.utime(p, ns=(past, past))
    return tmp_path / "content"


def _rank_cell(out: Path, slug: str, indicator: str = "rate.disclosed") -> str:
    page = BeautifulSoup((out / "agencies" / slug / "2023" / "index.html").read_text(encoding="utf-8"), "html.parser")
    return page.find("tr", id=indicator).find_all("td")[-1].get_text(strip=True)


def _build(session, content: Path, out: Path, **options):
    from site_builder.build.session import BuildOptions
    from site_builder.render import PROJECT_ROOT

    return session.build(BuildOptions(content, out, PROJECT_ROOT / "templates", PROJECT_ROOT / "static", quiet=True,
                                      search=False, **options))


@pytest.mark.parametrize("edit", ["figure", "removed"])
def test_an_edit_rerenders_the_peers_whose_rank_moves(peers, tmp_path, edit):
    from site_builder.build.session import BuildSession
    from sitefiles import tree

    out, fresh = tmp_path / "site", tmp_path / "fresh"
    session = BuildSession()
    _build(session, peers, out, cache_dir=tmp_path / "cache")
    assert _rank_cell(out, "xibao-fagai-wei-00005") == "第 1 / 4（北京市 区县部门）"
    report = peers / "reports" / "xingqing-fagai-wei-00006-2023.txt"
    if edit == "figure":
        text = report.read_text(encoding="utf-8")
        old = "（一）予以公开\t0\t0\t0\t0\t0\t0\t0"
        assert old in text
        report.write_text(text.replace(old, "（一）予以公开\t9\t0\t0\t0\t0\t0\t9"), encoding="utf-8")
        want = "第 2 / 4（北京市 区县部门）"  # 9/12 now ranks above its 4/6
    else:
        report.unlink()
        want = "第 1 / 3（北京市 区县部门）"
    result = _build(session, peers, out, cache_dir=tmp_path / "cache")
    assert result.stats.incremental
    assert _rank_cell(out, "xibao-fagai-wei-00005") == want
    _build(BuildSession(), peers, fresh, cache=False, incremental=False)
    a, b = tree(out), tree(fresh)
    assert sorted(set(a) ^ set(b)) == []
    assert sorted(k for k in a if a[k] != b[k]) == []


# ---------------------------------------------------------------- site_builder.records()


def test_records_is_records_csv_as_a_dataframe(tmp_path):
    import site_builder
    from site_builder.load.frames import COLUMNS

    df = site_builder.records(ROOT / "content", jobs=1)
    assert list(df.columns) == list(COLUMNS)
    assert {c: str(t) for c, t in df.dtypes.items()} == COLUMNS
    seeds = load_site(ROOT / "content", cache=None, jobs=1)
    rows = seeds.records()
    assert len(df) == len(rows) > 1000
    assert list(df["source"]) == [r.source for r in rows]  # data/records.csv's order
    one = df[(df.agency_slug == "jianguomen") & (df.year == 2024) & (df.metric == "outcome.total")
             & (df.applicant == "total")]
    assert one[["agency", "province", "city", "district", "level", "era", "value"]].values.tolist() == [
        ["建国门街道", "北京市", "北京市", "东城区", "街道", "2021", 17.0]]
    assert not df["metric"].str.startswith("rate.").any()
    # what a notebook does with it: a group-by
    by_year = df[(df.metric == "outcome.total") & (df.applicant == "total")].groupby("year")["value"].sum()
    assert by_year[2024] >= 17


def test_a_site_made_by_an_edit_ranks_as_a_fresh_one(peers):
    """Site.ranked_rates of a Site made by with_reports (the last Site's ranks kept, the edited
    report's group of peers ranked alone) against the same reports ranked in one pass."""
    site = load_site(peers, cache=None, jobs=1)
    site.indicators  # (what a build computes: the next Site starts from it)
    report = next(r for r in site.reports if site.agency_of[r.path].slug == "xingqing-fagai-wei-00006")
    figures = [f._replace(value=Decimal(9)) if f.metric == "outcome.disclosed" else f for f in report.figures]
    edited = Report(**{**report.__dict__, "figures": figures})
    reports = [edited if r is report else r for r in site.reports]
    first = site.with_reports(reports)
    second = first.with_reports([r for r in reports if r is not edited])  # and a removal after it
    for made in (first, second):
        fresh = Site(content_dir=peers, reports=made.reports, agency_of=made.agency_of)
        for r in made.reports:
            key = (made.agency_of[r.path].slug, r.year)
            assert made.ranked_rates(r) == fresh.indicators.of.get(key, ()), key
        assert "indicators" not in made.__dict__  # (ranked group by group, not in one pass)
    assert dict(first.ranked_rates(edited))  # the edit's own ranks
    got = {rate.indicator: rank for rate, rank in first.ranked_rates(edited)}
    assert got["rate.disclosed"].rank == 1


def test_an_edit_that_keeps_the_ratios_keeps_the_ranks_of_its_group(peers):
    """An edit of a figure no rate reads (主动公开) leaves every rank as it was: the edited
    report's rates are its own (their lines, flags), their ranks the last Site's, and its group
    of peers is not ranked again; a later edit of a peer's ratio ranks the group afresh."""
    site = load_site(peers, cache=None, jobs=1)
    site.indicators
    report = next(r for r in site.reports if site.agency_of[r.path].slug == "xingqing-fagai-wei-00006")
    proactive = next(f for f in report.figures if f.metric == "proactive.total")
    moved = [f._replace(value=f.value + 7) if f is proactive else f._replace(line=f.line + 1) for f in report.figures]
    edited = Report(**{**report.__dict__, "figures": moved})
    reports = [edited if r is report else r for r in site.reports]
    first = site.with_reports(reports)
    fresh = Site(content_dir=peers, reports=first.reports, agency_of=first.agency_of)
    for r in first.reports:
        key = (first.agency_of[r.path].slug, r.year)
        assert first.ranked_rates(r) == fresh.indicators.of.get(key, ()), key
    assert [rate.numerator_inputs[0].line for rate, _ in first.ranked_rates(edited)] == [
        rate.numerator_inputs[0].line for rate in fresh.rates_of(edited)]  # (the edited report's own lines)
    assert not first.__dict__.get("_ranked")  # (nothing ranked again)
    # then a peer's ratio changes: the group, the edited report with it, is ranked afresh
    peer = next(r for r in first.reports if first.agency_of[r.path].slug == "xibao-fagai-wei-00005")
    figures = [f._replace(value=Decimal(0)) if f.metric == "outcome.disclosed" else f for f in peer.figures]
    reports2 = [Report(**{**peer.__dict__, "figures": figures}) if r is peer else r for r in reports]
    second = first.with_reports(reports2)
    fresh2 = Site(content_dir=peers, reports=second.reports, agency_of=second.agency_of)
    for r in second.reports:
        key = (second.agency_of[r.path].slug, r.year)
        assert second.ranked_rates(r) == fresh2.indicators.of.get(key, ()), key
