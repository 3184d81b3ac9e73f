"""The synthetic corpus parses back to exactly the figures it wrote, in every era and layout.

This is a round trip through the real readers and parser: title, era, every figure (metric,
applicant column, value, approximate flag), and the consistency rules (broken exactly where
the generator broke one on purpose).
"""

from __future__ import annotations

from collections import Counter

import pytest

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
