"""The synthetic corpus parses back to exactly the figures it wrote, in every era and layout.

This is a round trip through the real readers and parser: title, era, every figure (metric,
applicant column, value, approximate flag), and the consistency rules (broken exactly where
the generator broke one on purpose).
"""

from __future__ import annotations

import sys
from collections import Counter

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from site_builder.cli import main
from site_builder.load.loader import load_site, parse_file
from site_builder.tools.synth import ERAS, LAYOUTS, generate, parse_years


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    # 8 agencies of all four kinds x 2014-2024: 88 reports, every era and layout, some broken.
    return generate(out, agencies=8, years=parse_years("2014-2024"), seed=7, broken_rate=0.15)


def test_the_corpus_covers_every_era_layout_and_kind(corpus):
    combos = Counter((r.era, r.layout) for r in corpus.reports)
    for era in ERAS:
        for layout in LAYOUTS:
            assert combos[(era, layout)] > 0, f"no {era} report in the {layout} layout"
    assert any(r.has_stat_table for r in corpus.reports)
    assert any(r.era == "pre2019" and not r.has_stat_table for r in corpus.reports)
    assert {a.kind for a in corpus.agencies} == {"街道", "区人民政府", "局", "委员会"}
    assert any(r.broken for r in corpus.reports) and any(not r.broken for r in corpus.reports)


def test_every_figure_parses_back_exactly(corpus):
    problems = []
    for rep in corpus.reports:
        parsed = parse_file(corpus.content_dir / rep.path, corpus.content_dir)
        assert (parsed.agency, parsed.year, parsed.era, parsed.has_stat_table) == (
            rep.agency, rep.year, rep.era, rep.has_stat_table), rep.path
        got = {(f.metric, f.applicant): f.value for f in parsed.figures}
        for key in sorted(set(got) | set(rep.figures)):
            if got.get(key) != rep.figures.get(key):
                problems.append(f"{rep.path} ({rep.era}, {rep.layout}) {key}: wrote {rep.figures.get(key)}, parsed {got.get(key)}")
        approx = {(f.metric, f.applicant) for f in parsed.figures if f.approximate}
        if approx != rep.approximate:
            problems.append(f"{rep.path}: approximate {sorted(approx)} != {sorted(rep.approximate)}")
        if parsed.warnings:
            problems.append(f"{rep.path} ({rep.layout}): unexpected warnings {[str(w) for w in parsed.warnings]}")
    assert not problems, "\n".join(problems[:20])


def test_rules_break_exactly_where_the_generator_broke_them(corpus):
    for rep in corpus.reports:
        parsed = parse_file(corpus.content_dir / rep.path, corpus.content_dir)
        failed = {c.rule.split(":")[0] for c in parsed.checks if not c.passed}
        assert failed == set(rep.broken), rep.path
        if rep.era != "pre2019" or rep.has_stat_table:  # prose alone states no rule to check
            assert parsed.checks, f"{rep.path}: no consistency rule evaluated"


def test_agencies_toml_names_every_agency(corpus):
    site = load_site(corpus.content_dir)
    assert not site.errors
    assert len(site.reports) == len(corpus.reports)
    slugs = {r.path: r.slug for r in corpus.reports}
    for report in site.reports:
        agency = site.agency_of[report.path]
        assert agency.known, report.path
        assert agency.slug == slugs[report.path]


def test_same_seed_same_bytes_other_seed_other_corpus(tmp_path):
    a = generate(tmp_path / "a", agencies=3, years=[2017, 2020, 2023], seed=5)
    b = generate(tmp_path / "b", agencies=3, years=[2017, 2020, 2023], seed=5)
    c = generate(tmp_path / "c", agencies=3, years=[2017, 2020, 2023], seed=6)
    files = sorted(p.relative_to(a.content_dir) for p in a.content_dir.rglob("*") if p.is_file())
    assert files
    for rel in files:
        assert (a.content_dir / rel).read_bytes() == (b.content_dir / rel).read_bytes(), rel
    assert any(
        not (c.content_dir / rel).exists() or (a.content_dir / rel).read_bytes() != (c.content_dir / rel).read_bytes()
        for rel in files
    )


def test_synth_command_writes_a_buildable_corpus(tmp_path, capsys):
    out = tmp_path / "content"
    assert main(["synth", "--agencies", "4", "--years", "2018-2021", "--reports", "10", "--seed", "3", "--out", str(out)]) == 0
    assert "wrote 10 reports" in capsys.readouterr().out
    assert len(list((out / "reports").glob("*.txt"))) == 10
    assert (out / "agencies.toml").is_file()
    # writing into a folder that already holds reports is refused
    assert main(["synth", "--agencies", "1", "--years", "2020", "--out", str(out)]) == 1


# ---------------------------------------------------------------------------------- places and shapes

from site_builder.model import LEVELS  # noqa: E402
from site_builder.tools.synth import make_place_agencies  # noqa: E402


@pytest.fixture(scope="module")
def placed(tmp_path_factory):
    # one report per agency; a high share of homonyms and unlisted agencies so that 60 agencies show both
    return generate(tmp_path_factory.mktemp("placed"), agencies=60, years=parse_years("2014-2024"), seed=3,
                    shape="agencies", places=True, homonyms=0.5, unlisted=0.3)


def test_shape_agencies_writes_one_report_per_agency_in_the_last_year(placed):
    assert len(placed.reports) == len(placed.agencies) == 60
    assert {r.year for r in placed.reports} == {2024}
    assert len({r.slug for r in placed.reports}) == 60


def test_shape_years_writes_every_year_of_every_agency(tmp_path):
    corpus = generate(tmp_path, agencies=3, years=[2018, 2020, 2024], seed=2, places=True)
    assert sorted((r.slug, r.year) for r in corpus.reports) == sorted(
        (a.slug, y) for a in corpus.agencies for y in (2018, 2020, 2024))


def test_levels_come_in_plausible_proportions():
    book = make_place_agencies(4000, seed=1)
    counts = Counter(a.level for a in book)
    assert set(counts) == {lvl.zh for lvl in LEVELS}
    towns = counts["街道"] + counts["乡镇"]
    assert towns > 0.55 * len(book)  # most agencies are 街道 and 乡镇
    assert counts["区县部门"] > counts["市级部门"] > counts["省级部门"] > counts["省级政府"]
    # a province has one government, a city one, a district one
    for level, place in (("省级政府", "province"), ("市级政府", "city"), ("区县政府", "district")):
        govs = [getattr(a, place) for a in book if a.level == level]
        assert len(govs) == len(set(govs)), level
    for a in book:
        assert a.province, a
        if a.level.startswith("省级"):
            assert not a.district and a.city in ("", a.province), a  # a 直辖市 is its own city
        elif a.level.startswith("市级") or a.level == "功能区":
            assert a.city and a.city != a.province and not a.district, a
        else:
            assert a.city and a.district, a


def test_homonyms_are_separate_entries_in_separate_districts(placed):
    toml = tomllib.loads((placed.content_dir / "agencies.toml").read_text(encoding="utf-8"))["agencies"]
    homonyms = [a for a in placed.agencies if a.key]
    by_name = Counter(a.name for a in homonyms)
    assert by_name and by_name.most_common(1)[0][1] >= 2, by_name  # one name, several agencies
    for a in homonyms:
        entry = toml[a.key]
        assert entry["name"] == a.name and a.district in a.key
        assert (entry["province"], entry["city"], entry["district"], entry["level"]) == (a.province, a.city, a.district, a.level)
    assert len({(a.name, a.district) for a in homonyms}) == len(homonyms)
    # a homonym's reports sit in its district's folder: the title alone cannot say which it is
    for r in placed.reports:
        a = next(a for a in placed.agencies if a.slug == r.slug)
        if a.key:
            parts = r.path.split("/")
            assert parts[1] == a.province and parts[-2] == a.district, r.path
            assert parts[2] == (a.district if a.province == a.city else a.city), r.path  # a 直辖市 skips the city


def test_unlisted_agencies_have_no_entry_and_sit_in_their_folder(placed):
    toml = tomllib.loads((placed.content_dir / "agencies.toml").read_text(encoding="utf-8"))["agencies"]
    names = {entry.get("name", key) for key, entry in toml.items()}
    unlisted = [a for a in placed.agencies if not a.listed]
    assert unlisted and all(a.level in ("街道", "乡镇") for a in unlisted)
    for a in unlisted:
        assert a.name not in names and a.slug not in {e["slug"] for e in toml.values()}
        assert a.folder.split("/")[0] == a.province and a.folder.split("/")[-1] == a.district
    assert len(toml) == len(placed.agencies) - len(unlisted)
    levels = {lvl.zh for lvl in LEVELS}
    assert all(entry["level"] in levels for entry in toml.values())


def test_placed_reports_parse_back_exactly(placed):
    for rep in placed.reports:
        parsed = parse_file(placed.content_dir / rep.path, placed.content_dir)
        assert (parsed.agency, parsed.year, parsed.era) == (rep.agency, rep.year, rep.era), rep.path
        got = {(f.metric, f.applicant): f.value for f in parsed.figures}
        assert got == rep.figures, rep.path
        assert not parsed.warnings, rep.path


def test_places_are_deterministic_from_the_seed(tmp_path):
    def files(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    kw = dict(agencies=40, years=[2024], shape="agencies", places=True, unlisted=0.1)
    a = files(generate(tmp_path / "a", seed=9, **kw).content_dir)
    assert a == files(generate(tmp_path / "b", seed=9, **kw).content_dir)
    assert a != files(generate(tmp_path / "c", seed=10, **kw).content_dir)


def test_synth_command_shapes_and_flat(tmp_path, capsys):
    out = tmp_path / "agencies"
    assert main(["synth", "--agencies", "30", "--years", "2023-2024", "--shape", "agencies", "--unlisted", "0.5",
                 "--seed", "4", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "wrote 30 reports of 30 agencies" in said and "without an entry" in said
    reports = [p for p in (out / "reports").rglob("*.txt")]
    assert len(reports) == 30 and all(p.name.endswith("-2024.txt") for p in reports)
    assert any(p.parent != out / "reports" for p in reports)  # some placed by their folder
    flat = tmp_path / "flat"
    assert main(["synth", "--flat", "--agencies", "2", "--years", "2024", "--out", str(flat)]) == 0
    assert [p.parent for p in (flat / "reports").rglob("*.txt")] == [flat / "reports"] * 2
    with pytest.raises(SystemExit):
        main(["synth", "--unlisted", "2", "--agencies", "2", "--out", str(tmp_path / "bad")])
    assert "--unlisted: a share from 0 to 1, not '2'" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


def test_an_agency_of_every_level_parses_back_under_its_name(tmp_path):
    from site_builder.tools.synth import write_report

    book = make_place_agencies(3000, seed=5, unlisted=0.05)
    picked = {a.level: a for a in reversed(book)}  # the first of each level
    picked["homonym"] = next(a for a in book if a.key)
    picked["unlisted"] = next(a for a in book if not a.listed)
    assert set(picked) == {lvl.zh for lvl in LEVELS} | {"homonym", "unlisted"}
    for what, agency in picked.items():
        for year in (2016, 2020, 2024):
            text, rep = write_report(agency, year, seed=5, broken_rate=0.0)
            path = tmp_path / rep.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            parsed = parse_file(path, tmp_path)
            assert (parsed.agency, parsed.year) == (agency.name, year), (what, rep.path)
            assert {(f.metric, f.applicant): f.value for f in parsed.figures} == rep.figures, (what, rep.path)
            assert not parsed.warnings and all(c.passed for c in parsed.checks), (what, rep.path)
