"""Issue 15: 'X管委会' and 'X' (a zone's committee and the zone) are suggested as one agency in the
build's warnings when no agencies.toml entry says so, and never merged without one."""

from __future__ import annotations

from site_builder.load.loader import load_site

REPORT = "{name}{year}年度政府信息公开工作年度报告\n一、概述\n{year}年主动公开政府信息{n}条。\n"


def content(tmp_path, toml: str = ""):
    reports = tmp_path / "content" / "reports"
    reports.mkdir(parents=True)
    (reports / "zone-2014.txt").write_text(REPORT.format(name="平潭综合实验区管委会", year=2014, n=12), encoding="utf-8")
    (reports / "zone-2015.txt").write_text(REPORT.format(name="平潭综合实验区", year=2015, n=15), encoding="utf-8")
    (reports / "other-2015.txt").write_text(REPORT.format(name="某某县人民政府", year=2015, n=7), encoding="utf-8")
    if toml:
        (tmp_path / "content" / "agencies.toml").write_text(toml, encoding="utf-8")
    return tmp_path / "content"


def test_committee_and_zone_are_suggested_not_merged(tmp_path):
    site = load_site(content(tmp_path))
    assert sorted(a.name for a in site.agencies) == ["平潭综合实验区", "平潭综合实验区管委会", "某某县人民政府"]
    same = [w for w in site.warnings if w.code == "same_agency"]
    assert [(w.path, w.line) for w in same] == [("reports/zone-2014.txt", 1)]
    slug = {a.name: a.slug for a in site.agencies}
    assert same[0].message == (
        f"'平潭综合实验区管委会' ({slug['平潭综合实验区管委会']}) and '平潭综合实验区' ({slug['平潭综合实验区']}, "
        "reports/zone-2015.txt) may be one agency, a committee and its zone; they are built as two. If they are one, "
        "list '平潭综合实验区管委会' under the aliases of '平潭综合实验区' in content/agencies.toml")


def test_an_entry_that_names_them_one_agency_merges_them_without_a_warning(tmp_path):
    toml = '[agencies."平潭综合实验区"]\nslug = "pingtan"\naliases = ["平潭综合实验区管委会"]\n'
    site = load_site(content(tmp_path, toml))
    assert sorted(a.name for a in site.agencies) == ["平潭综合实验区", "某某县人民政府"]
    assert [r.year for r in site.reports_of("pingtan")] == [2014, 2015]
    assert not [w for w in site.warnings if w.code == "same_agency"]


def test_entries_that_keep_them_apart_are_respected(tmp_path):
    toml = ('[agencies."平潭综合实验区"]\nslug = "pingtan"\n'
            '[agencies."平潭综合实验区管委会"]\nslug = "pingtan-guanweihui"\n')
    site = load_site(content(tmp_path, toml))
    assert len(site.agencies) == 3
    assert not [w for w in site.warnings if w.code == "same_agency"]


def test_the_committee_written_out_and_abbreviated_are_suggested_too(tmp_path):
    folder = content(tmp_path)
    (folder / "reports" / "zone-2015.txt").write_text(REPORT.format(name="平潭综合实验区管理委员会", year=2015, n=15),
                                                      encoding="utf-8")
    site = load_site(folder)
    same = [w for w in site.warnings if w.code == "same_agency"]
    # without the zone's own name printed, the first of the two names is the one to alias to
    assert [w.path for w in same] == ["reports/zone-2015.txt"]
    assert "'平潭综合实验区管理委员会'" in same[0].message and "aliases of '平潭综合实验区管委会'" in same[0].message
