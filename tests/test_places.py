"""Issue 14, place and level: an agency is its name and its place. agencies.toml's entries are
checked (tests/invalid_agencies/, one bad entry per file, each with its exact message: the entry
is left out, the rest builds); a report is tied to its entry by name, folder or text, or not
published when nothing tells which of several it is; an agency without an entry is placed by its
folder or by the gazetteer (cpca); slugs never collide and never depend on the order of reading."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.load.agencies import AgencyBook
from site_builder.load.gazetteer import Gazetteer, Place
from site_builder.load import loader
from site_builder.load.loader import assemble, load_site
from site_builder.load.places import level_of
from site_builder.load.slugs import Claim, assign
from site_builder.render import search_docs

INVALID = Path(__file__).resolve().parent / "invalid_agencies"

REPORT = "{name}{year}年政府信息公开工作年度报告\n一、总体情况\n{text}{year}年主动公开政府信息{n}条。\n"

TWO_TOWNS = (INVALID / "undecidable-place.toml").read_text(encoding="utf-8")

# file -> [(line, message)]: each file holds one defect (shared-slug.toml's is two entries')
EXPECTED = {
    "unknown-province.toml": [(4, "agency entry '城关镇（榆中县）': province '甘肃' is not one of China's 34 "
                                  "provincial-level divisions (write '甘肃省'); the entry is left out")],
    "unknown-level.toml": [(5, "agency entry '建国门街道': level '街道办事处' is not one of 省级政府, 省级部门, 市级政府, "
                               "市级部门, 区县政府, 区县部门, 街道, 乡镇, 功能区; the entry is left out")],
    "shared-slug.toml": [
        (2, "agency entry '建国门街道': slug 'jianguomen' is claimed by '建国门街道办事处' (line 6) too; both are left out"),
        (6, "agency entry '建国门街道办事处': slug 'jianguomen' is claimed by '建国门街道' (line 2) too; both are left out"),
    ],
    "reserved-slug.toml": [(2, "agency entry '初始街道': slug 'initial' is reserved for the site's own pages "
                               "(/agencies/initial/...); the entry is left out")],
    "bad-slug.toml": [(2, "agency entry '建国门街道': slug 'Jianguomen Jiedao' must be lowercase ASCII letters, digits "
                          "and hyphens; the entry is left out")],
    "unknown-field.toml": [(3, "agency entry '新碶街道': unknown field 'provnce' (the fields are slug, name, aliases, "
                               "province, city, district, level, website); the entry is left out")],
    "not-a-list.toml": [(3, "agency entry '新碶街道': field 'aliases' must be a list of strings; the entry is left out")],
    "same-name-and-place.toml": [
        (1, "agency entry '城关镇（榆中县）': shares the name '城关镇' and the place (甘肃省 兰州市 榆中县) with "
            "'榆中县城关镇' (line 7): one agency listed twice, or two that need their places; both are left out"),
        (7, "agency entry '榆中县城关镇': shares the name '城关镇' and the place (甘肃省 兰州市 榆中县) with "
            "'城关镇（榆中县）' (line 1): one agency listed twice, or two that need their places; both are left out"),
    ],
    # an alias of one entry is the other's name, in one place
    "alias-and-name-in-one-place.toml": [
        (1, "agency entry '建国门街道': shares the name '建国门街道办事处' and the place (北京市 东城区) with "
            "'建国门街道办事处' (line 6): one agency listed twice, or two that need their places; both are left out"),
        (6, "agency entry '建国门街道办事处': shares the name '建国门街道办事处' and the place (北京市 东城区) with "
            "'建国门街道' (line 1): one agency listed twice, or two that need their places; both are left out"),
    ],
    # (the entries are right; the report beside it cannot be placed: see test_an_undecidable_report_...)
    "undecidable-place.toml": [],
}
UNDECIDED = ("'城关镇' is the name (or an alias) of 2 entries of agencies.toml ('城关镇（榆中县）': 甘肃省 兰州市 "
             "榆中县; '城关镇（永登县）': 甘肃省 兰州市 永登县), and neither its folder nor its text before the first "
             "table tells which: it is not published. Put it under content/reports/<province>/<city>/<district>/ of "
             "its agency")


def test_every_bad_agencies_file_has_its_expected_messages():
    assert sorted(p.name for p in INVALID.glob("*.toml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_entry_message(name):
    book = AgencyBook.load(INVALID / name)
    assert [(d.path, d.line, d.message, d.code) for d in book.diagnostics] == [
        (name, line, message, "agency_entry") for line, message in EXPECTED[name]]
    assert [str(d) for d in book.diagnostics] == [f"{name}:{line}: {message}" for line, message in EXPECTED[name]]
    if EXPECTED[name]:
        assert book.entries == ()  # the bad entry (both, for a shared slug) left out


def content(tmp_path: Path, toml: str, reports: dict[str, str]) -> Path:
    folder = tmp_path / "content"
    for rel, text in reports.items():
        (folder / "reports" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "reports" / rel).write_text(text, encoding="utf-8")
    (folder / "reports").mkdir(parents=True, exist_ok=True)
    (folder / "agencies.toml").write_text(toml, encoding="utf-8")
    return folder


def report(name: str, year: int = 2023, text: str = "", n: int = 5) -> str:
    return REPORT.format(name=name, year=year, text=text, n=n)


def test_a_bad_entry_is_left_out_and_its_reports_build_without_it(tmp_path, capsys):
    toml = (INVALID / "unknown-level.toml").read_text(encoding="utf-8") + (
        '\n[agencies."东花市街道"]\nslug = "donghuashi"\nprovince = "北京市"\ndistrict = "东城区"\nlevel = "街道"\n')
    folder = content(tmp_path, toml, {"a.txt": report("建国门街道"), "b.txt": report("东花市街道")})
    site = load_site(folder)
    by_name = {a.name: a for a in site.agencies}
    assert by_name["东花市街道"].slug == "donghuashi" and by_name["东花市街道"].place_source == "entry"
    assert by_name["建国门街道"].known is False and by_name["建国门街道"].slug == "jian-guo-men-jie-dao"
    message = EXPECTED["unknown-level.toml"][0][1]
    assert [str(w) for w in site.warnings] == [f"agencies.toml:5: {message}"]
    # the CLI lists it with the warnings; --strict fails the build on it
    out = tmp_path / "site"
    assert main(["build", "--content", str(folder), "--out", str(out)]) == 0
    assert f"warning: agencies.toml:5: {message}" in capsys.readouterr().err
    assert (out / "agencies" / "jian-guo-men-jie-dao" / "index.html").is_file()
    assert main(["build", "--content", str(folder), "--out", str(tmp_path / "strict"), "--strict", "--full"]) == 1
    assert not (tmp_path / "strict").exists()


def test_an_undecidable_report_is_not_published_and_listed_as_unpublishable(tmp_path, capsys):
    folder = content(tmp_path, TWO_TOWNS, {
        "undecidable-place.txt": (INVALID / "undecidable-place.txt").read_text(encoding="utf-8"),
        "甘肃省/兰州市/榆中县/czz-2023.txt": report("城关镇"),
        "甘肃省/兰州市/czz-2022.txt": report("城关镇", 2022),  # the folder fits both
    })
    site = load_site(folder)
    assert [(e.path, e.line, e.message) for e in site.errors] == [
        ("reports/undecidable-place.txt", 1, UNDECIDED),
        ("reports/甘肃省/兰州市/czz-2022.txt", 1, UNDECIDED.replace("its folder", "its folder (甘肃省 兰州市)"))]
    assert [r.path for r in site.reports] == ["reports/甘肃省/兰州市/榆中县/czz-2023.txt"]
    out = tmp_path / "site"
    assert main(["build", "--content", str(folder), "--out", str(out)]) == 0
    assert f"error: reports/undecidable-place.txt:1: {UNDECIDED}" in capsys.readouterr().err
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "reports/undecidable-place.txt:1" in home and "it is not published" in home
    # published under no agency at all
    assert not any("undecidable-place" in p.name for p in out.rglob("*") if p.is_file() and p.suffix != ".html")


def test_two_towns_of_one_name_in_two_districts_are_two_agencies_with_two_pages(tmp_path):
    folder = content(tmp_path, TWO_TOWNS, {
        "甘肃省/兰州市/榆中县/a-2022.txt": report("城关镇", 2022, n=3),
        "甘肃省/兰州市/永登县/b-2022.txt": report("城关镇", 2022, n=4),
        # no folder: its text names 永登县, one candidate's district
        "c-2023.txt": report("城关镇", 2023, text="永登县城关镇人民政府依法公开政府信息。\n", n=6),
    })
    out = tmp_path / "site"
    assert main(["build", "--content", str(folder), "--out", str(out)]) == 0
    site = load_site(folder)
    slugs = {r.path: site.agency_of[r.path].slug for r in site.reports}
    assert slugs == {"reports/甘肃省/兰州市/榆中县/a-2022.txt": "cheng-guan-zhen-yu-zhong-xian",
                     "reports/甘肃省/兰州市/永登县/b-2022.txt": "cheng-guan-zhen-yong-deng-xian",
                     "reports/c-2023.txt": "cheng-guan-zhen-yong-deng-xian"}
    yongdeng = site.agency_of["reports/c-2023.txt"]
    assert (yongdeng.province, yongdeng.city, yongdeng.district, yongdeng.level, yongdeng.place_source) == (
        "甘肃省", "兰州市", "永登县", "乡镇", "entry")
    for slug, years in (("cheng-guan-zhen-yu-zhong-xian", [2022]), ("cheng-guan-zhen-yong-deng-xian", [2022, 2023])):
        assert (out / "agencies" / slug / "index.html").is_file()
        assert [r.year for r in site.reports_of(slug)] == years
    assert not site.warnings and not site.errors


def test_an_entrys_aliases_go_with_its_agency_to_search(tmp_path):
    toml = TWO_TOWNS.replace('district = "榆中县"\n', 'district = "榆中县"\naliases = ["榆中县城关镇"]\n')
    folder = content(tmp_path, toml, {"甘肃省/兰州市/榆中县/a.txt": report("榆中县城关镇"),
                                      "甘肃省/兰州市/永登县/b.txt": report("城关镇")})
    site = load_site(folder)
    facts = {f.slug: (f.name, f.aliases) for f in search_docs.basis(site).agencies}
    assert facts == {"cheng-guan-zhen-yu-zhong-xian": ("城关镇", ("榆中县城关镇",)),
                     "cheng-guan-zhen-yong-deng-xian": ("城关镇", ())}


def test_a_folder_that_contradicts_the_only_entry_makes_another_agency(tmp_path):
    one_town = TWO_TOWNS.split('[agencies."城关镇（永登县）"]')[0]
    folder = content(tmp_path, one_town, {"甘肃省/兰州市/永登县/b-2022.txt": report("城关镇", 2022),
                                          "a-2022.txt": report("城关镇", 2022)})
    site = load_site(folder)
    placed = {r.path: site.agency_of[r.path] for r in site.reports}
    entry, other = placed["reports/a-2022.txt"], placed["reports/甘肃省/兰州市/永登县/b-2022.txt"]
    assert (entry.district, entry.place_source, entry.known) == ("榆中县", "entry", True)
    assert (other.district, other.place_source, other.known) == ("永登县", "folder", False)
    assert (entry.slug, other.slug) == ("cheng-guan-zhen-yu-zhong-xian", "cheng-guan-zhen-yong-deng-xian")


def test_folders_place_agencies_without_an_entry(tmp_path):
    folder = content(tmp_path, "", {
        "浙江省/宁波市/北仑区/a.txt": report("大碶街道"),
        "北京市/东城区/b.txt": report("东四街道"),  # a 直辖市 without its city
        "北京/北京市/西城区/c.txt": report("什刹海街道"),  # short name, and with its city
        "浙江省/北仑区/d.txt": report("霞浦街道"),  # a county: its city from the gazetteer
        "浙江省/宁波市/e.txt": report("宁波市教育局"),
        "archive/f.txt": report("某某乡"),  # not a province: no place from it
        "上海市/2024/g.txt": report("某某镇"),  # a folder of years is no district
    })
    site = load_site(folder)
    got = {a.name: (a.province, a.city, a.district, a.level, a.place_source) for a in site.agencies}
    assert got == {
        "大碶街道": ("浙江省", "宁波市", "北仑区", "街道", "folder"),
        "东四街道": ("北京市", "北京市", "东城区", "街道", "folder"),
        "什刹海街道": ("北京市", "北京市", "西城区", "街道", "folder"),
        "霞浦街道": ("浙江省", "宁波市", "北仑区", "街道", "folder"),
        "宁波市教育局": ("浙江省", "宁波市", "", "市级部门", "folder"),
        "某某乡": ("", "", "", "乡镇", ""),
        "某某镇": ("上海市", "上海市", "", "乡镇", "folder"),
    }


def test_the_gazetteer_infers_a_place_from_the_name_or_else_the_text(tmp_path):
    folder = content(tmp_path, "", {
        "a.txt": report("宁波市北仑区新碶街道办事处"),  # (the parser drops 办事处)
        "b.txt": report("红旗镇", text="榆中县红旗镇人民政府编制本报告。\n"),
        "c.txt": report("朝阳街道"),  # 朝阳 alone is a short form (朝阳市, 朝阳区 ...): no place
        "d.txt": report("新华区人民政府"),  # six counties are 新华区: no place
        "e.txt": report("上海市科学技术委员会"),
    })
    site = load_site(folder)
    got = {a.name: (a.province, a.city, a.district, a.level, a.place_source, a.known) for a in site.agencies}
    assert got == {
        "宁波市北仑区新碶街道": ("浙江省", "宁波市", "北仑区", "街道", "inferred", False),
        "红旗镇": ("甘肃省", "兰州市", "榆中县", "乡镇", "inferred", False),
        "朝阳街道": ("", "", "", "街道", "", False),
        "新华区人民政府": ("", "", "", "区县政府", "", False),
        "上海市科学技术委员会": ("上海市", "上海市", "", "省级部门", "inferred", False),
    }


def test_levels_are_read_off_names_only_where_they_leave_no_doubt():
    nowhere = Place()
    assert [level_of(n, nowhere) for n in ("建国门街道办事处", "城关镇人民政府", "某某乡", "平潭综合实验区管委会",
                                           "某某县人民政府", "广西壮族自治区人民政府", "某某市人民政府", "某某局",
                                           "浦东新区")] == [
        "街道", "乡镇", "乡镇", "功能区", "区县政府", "省级政府", "", "", ""]
    ningbo, beilun = Place("浙江省", "宁波市"), Place("浙江省", "宁波市", "北仑区")
    assert level_of("宁波市人民政府", ningbo) == "市级政府"
    assert level_of("宁波市北仑区教育局", beilun) == "区县部门"
    assert level_of("教育局", beilun) == ""  # the name does not say whose


def test_homophones_get_a_suffix_and_a_warning(tmp_path):
    folder = content(tmp_path, "", {"a.txt": report("安青坪镇"), "b.txt": report("安青平镇")})
    site = load_site(folder)
    slugs = {a.name: a.slug for a in site.agencies}
    assert slugs["安青坪镇"] != slugs["安青平镇"]
    assert all(s.startswith("an-qing-ping-zhen-") and len(s) == len("an-qing-ping-zhen-") + 6 for s in slugs.values())
    assert [(w.path, w.line, w.code) for w in site.warnings] == [("reports/a.txt", 1, "slug")]
    assert site.warnings[0].message == (
        f"'安青坪镇' and '安青平镇' both make the slug 'an-qing-ping-zhen': they are built as "
        f"'{slugs['安青坪镇']}' and '{slugs['安青平镇']}'; pin a slug for each in content/agencies.toml "
        "(slug = \"...\") so that these addresses never change")
    # the suffix is the agency's own: the same with its homophone's report elsewhere, or in another build
    (folder / "reports" / "b.txt").rename(folder / "reports" / "0-b.txt")
    again = load_site(folder)
    assert {a.name: a.slug for a in again.agencies} == slugs


def test_an_entry_keeps_its_derived_slug_from_a_homophone_without_one(tmp_path):
    folder = content(tmp_path, '[agencies."安青坪镇"]\nprovince = "湖北省"\n',
                     {"a.txt": report("安青坪镇"), "b.txt": report("安青平镇"), "c.txt": report("安庆平镇")})
    site = load_site(folder)
    slugs = {a.name: a.slug for a in site.agencies}
    assert slugs["安青坪镇"] == "an-qing-ping-zhen"
    assert slugs["安青平镇"].startswith("an-qing-ping-zhen-") and slugs["安庆平镇"].startswith("an-qing-ping-zhen-")
    assert [w.code for w in site.warnings] == ["slug"]
    assert "'安庆平镇', '安青坪镇' (湖北省) and '安青平镇' all make the slug 'an-qing-ping-zhen'" in site.warnings[0].message


def test_a_derived_slug_never_takes_an_explicit_or_reserved_one():
    claims = [Claim("其他", Place(), "xin-qu-jie-dao", "agencies.toml", 2),
              Claim("新区街道", Place(), "", "reports/a.txt", 1),
              Claim("Page", Place(), "", "reports/b.txt", 1)]
    slugs, warnings = assign(claims)
    assert slugs[claims[0]] == "xin-qu-jie-dao"
    assert slugs[claims[1]].startswith("xin-qu-jie-dao-") and slugs[claims[2]].startswith("page-")
    assert [w.message.split(":")[0] for w in warnings] == [
        "the slug 'page' of 'Page' is reserved for the site's own pages",
        "the slug 'xin-qu-jie-dao' of '新区街道' is an explicit slug in agencies.toml"]


def test_slugs_do_not_depend_on_the_order_reports_are_read(tmp_path):
    folder = content(tmp_path, TWO_TOWNS, {
        "甘肃省/兰州市/榆中县/a.txt": report("城关镇"),
        "甘肃省/兰州市/皋兰县/b.txt": report("城关镇"),  # no entry: placed by its folder
        "c.txt": report("城关镇", text="永登县城关镇。\n"),
        "d.txt": report("城关镇", 2022),  # undecidable: an error
        "e.txt": report("安青坪镇"), "f.txt": report("安青平镇"), "g.txt": report("新区街道"), "h.txt": report("信区街道"),
    })
    site = load_site(folder)
    reports = list(site.reports) + []
    book = AgencyBook.load(folder / "agencies.toml")
    want = {path: a for path, a in site.agency_of.items()}
    assert len({a.slug for a in want.values()}) == 7
    rng = random.Random(14)
    for _ in range(5):
        shuffled = reports[:]
        rng.shuffle(shuffled)
        again = assemble(folder, shuffled, [], AgencyBook.load(folder / "agencies.toml"))
        assert again.agency_of == want and list(again.agency_of) == [r.path for r in shuffled]
        assert [str(w) for w in again.warnings] == [str(w) for w in site.warnings]
    assert assemble(folder, reports[::-1], [], book).agency_of == want


def test_an_edit_of_the_text_that_places_a_report_moves_it(tmp_path, monkeypatch):
    folder = content(tmp_path, TWO_TOWNS, {
        "甘肃省/兰州市/榆中县/a-2022.txt": report("城关镇", 2022),
        "c-2023.txt": report("城关镇", 2023, text="永登县城关镇。\n"),
        "e-2023.txt": report("安青坪镇"), "f-2023.txt": report("安青平镇"),  # a warning the edit keeps
    })
    first = load_site(folder)
    assert first.agency_of["reports/c-2023.txt"].district == "永登县"
    (folder / "reports" / "c-2023.txt").write_text(report("城关镇", 2023, text="榆中县城关镇。\n", n=9), encoding="utf-8")
    edited = load_site(folder, previous=first, known=first.known)
    fresh = load_site(folder)
    assert edited.agency_of["reports/c-2023.txt"].district == "榆中县"
    assert edited.agency_of == fresh.agency_of and [str(w) for w in edited.warnings] == [str(w) for w in fresh.warnings]
    # an edit that keeps every place (a figure, here in the text that placed it) is patched into
    # the last Site without placing every report again, and keeps its warnings of slugs
    (folder / "reports" / "e-2023.txt").write_text(report("安青坪镇", n=11), encoding="utf-8")
    (folder / "reports" / "c-2023.txt").write_text(report("城关镇", 2023, text="榆中县城关镇。\n", n=10), encoding="utf-8")
    assert {"reports/e-2023.txt", "reports/c-2023.txt"} <= fresh.placed_by_text

    def no_assemble(*args):
        raise AssertionError("placed again")

    monkeypatch.setattr(loader, "assemble", no_assemble)
    again = load_site(folder, previous=fresh, known=fresh.known)
    monkeypatch.undo()
    assert [r.figures for r in again.reports] != [r.figures for r in fresh.reports]
    assert [str(w) for w in again.warnings] == [str(w) for w in fresh.warnings]
    assert again.agency_of == load_site(folder).agency_of


def test_the_seeds_entries_are_valid_and_placed():
    root = Path(__file__).resolve().parents[1]
    book = AgencyBook.load(root / "content" / "agencies.toml")
    assert book.diagnostics == ()
    assert {e.key: e.place for e in book.entries}["新碶街道"] == Place("浙江省", "宁波市", "北仑区")
    assert len(Gazetteer().all_provinces()) == 34


def test_the_seeds_build_without_the_gazetteer_library_imported(tmp_path, root):
    # every seed agency has an entry: nothing to infer, so cpca (and its pandas) is never imported
    code = ("import sys; from pathlib import Path; from site_builder.load.loader import load_site; "
            f"load_site(Path({str(root / 'content')!r})); print('cpca' in sys.modules)")
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    assert got.stdout.strip() == "False"

