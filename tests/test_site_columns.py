"""Site.column: a figure's values of one year (what the figure and year summaries sum up), kept
with the Site and patched by with_reports for the reports an edit changed. After each edit every
column must be the one a Site made from scratch gives, and a column the edit does not change
must be the last Site's very object (its summed-up stats kept with it). Likewise the peer
groups the report pages rank rates in (Site.peer_groups), kept while no report comes or goes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest

from site_builder.load.indicators import peer_key, peer_reports
from site_builder.load.loader import Site, load_site
from site_builder.render import summaries
from site_builder.tools.synth import generate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seeds() -> Site:
    return load_site(ROOT / "content")


def every_column(site: Site) -> dict:
    return {(m, y): site.column(m, y) for m in site.metric_counts for y in site.years}


def as_lists(col) -> tuple:
    ordered, total, _, decimals = col.tally()
    stats = summaries.column_stats([(None, col)])[0]
    # (str: Decimal("7.5") == Decimal("7.50"), but they print differently)
    return (col.slugs, [str(v) for v in col.values], col.floats.tolist(), ordered.tolist(), str(stats),
            [(str(v), slug) for v, slug in decimals], str(summaries.median_of(decimals)) if decimals else None)


def fresh(site: Site, reports: list) -> Site:
    return Site(content_dir=site.content_dir, reports=reports, agency_of=site.agency_of)


def test_an_edited_site_patches_its_columns_as_a_fresh_one_makes_them(seeds):
    site = fresh(seeds, list(seeds.reports))
    before = every_column(site)
    reports = list(site.reports)
    r = reports[7]
    metric = "requests.new"
    assert any(f.metric == metric and f.applicant == "total" for f in r.figures)
    # one figure changed; another report's figures all gone; a third report removed
    for col in before.values():
        col.tally(), summaries.column_stats([(None, col)])  # (made: the edit patches them)
    # a value with more decimals than any other (the sum is written with them)
    reports[7] = replace(r, figures=[f._replace(value=f.value + D("5.25")) if f.metric == metric else f
                                     for f in r.figures])
    reports[4] = replace(reports[4], figures=[])
    gone = reports.pop(9)
    edited = site.with_reports(reports)
    after, expected = every_column(edited), every_column(fresh(site, reports))
    assert {k: as_lists(c) for k, c in after.items()} == {k: as_lists(c) for k, c in expected.items()}
    slug = site.agency_of[r.path].slug
    col = after[metric, r.year]
    assert col.values[col.slugs.index(slug)] == site.totals_of(r)[metric].value + D("5.25")
    # the columns of a year no change is in are the last Site's (memo and all)
    years = {r.year, reports[4].year, gone.year}
    untouched = [k for k in before if k[1] not in years]
    assert untouched and all(after[k] is before[k] for k in untouched)
    assert after[metric, r.year] is not before[metric, r.year]
    # a second edit on top of the first: the value put back
    again = list(reports)
    again[7] = r
    second = edited.with_reports(again)
    got, expected = every_column(second), every_column(fresh(site, again))
    assert {k: as_lists(c) for k, c in got.items()} == {k: as_lists(c) for k, c in expected.items()}


def scanned_peers(site: Site, report) -> list:
    key = peer_key(site.agency_of[report.path], report.year)
    return [report] if key is None else [r for r in site.reports_in(report.year) if peer_key(site.agency_of[r.path], r.year) == key]


def test_peer_groups_are_kept_across_an_edit_and_give_the_scans_peers(tmp_path):
    # (12 synthetic agencies, two years: among them four 区县部门 of 北京市 ranked together)
    generate(tmp_path / "content", agencies=12, years=[2022, 2023], seed=11)
    site = load_site(tmp_path / "content")
    assert any(len(scanned_peers(site, r)) > 2 for r in site.reports)
    for r in site.reports:
        assert peer_reports(site, r) == scanned_peers(site, r)
    reports = list(site.reports)
    reports[2] = replace(reports[2], figures=reports[2].figures[:5])
    edited = site.with_reports(reports)
    assert "_peers" in edited.__dict__  # (kept: no report came or went)
    for r in edited.reports:
        assert peer_reports(edited, r) == scanned_peers(edited, r)
    fewer = reports[1:]
    assert "_peers" not in edited.with_reports(fewer).__dict__


def test_quantiles_are_pandas_own_to_the_float():
    """summaries.quantile (from values kept sorted) against pandas' group-by quantile, which the
    summaries used to call: the same floats, on random counts and fractions."""
    import random

    import pandas as pd

    rng = random.Random(1)
    for _ in range(1500):
        n = rng.randint(1, 60)
        values = [float(rng.randint(0, 10 ** rng.randint(1, 6))) if rng.random() < 0.6 else rng.random() * 10 ** rng.randint(0, 8)
                  for _ in range(n)]
        frame = pd.DataFrame({"key": [0] * n, "value": values})
        want = frame.groupby("key")["value"].quantile([0.25, 0.5, 0.75]).to_numpy().tolist()
        assert [summaries.quantile(sorted(values), q) for q in (0.25, 0.5, 0.75)] == want, values


@pytest.mark.parametrize("metric", ["requests.new", "proactive.total", "outcome.total"])
def test_an_edited_site_patches_the_entries_of_the_last_metric_asked_for(seeds, metric):
    """Site.metric_entries (a metric's entries by year, and how many agencies give it) carried
    from the last Site by the edit's figures, against a Site made from scratch: a value changed,
    a report's figures all gone (its agency may give the metric in no other year), a report
    removed, then a value put back."""
    site = fresh(seeds, list(seeds.reports))
    site.figure_entries, site.metric_entries(metric)
    reports = list(site.reports)
    giving = [i for i, r in enumerate(reports) if metric in site.totals_of(r)]
    i, j, k = giving[0], giving[len(giving) // 2], giving[-1]
    r = reports[i]
    reports[i] = replace(r, figures=[f._replace(value=f.value + 5) if f.metric == metric else f for f in r.figures])
    reports[j] = replace(reports[j], figures=[])
    del reports[k]
    edited = site.with_reports(reports)
    assert "_metric_entries" in vars(edited)
    assert edited.metric_entries(metric) == fresh(site, reports).metric_entries(metric)
    again = list(reports)
    again[i] = r
    second = edited.with_reports(again)
    assert second.metric_entries(metric) == fresh(site, again).metric_entries(metric)


def test_an_edited_site_patches_the_entries_of_each_metric_it_keeps(seeds):
    """The last few metrics asked for are kept (an edit renders a figure's page and its rate's):
    the next Site carries each, patched, and none is made again; a metric asked for past them
    lets the first one go."""
    from site_builder.load.site import METRIC_ENTRIES_KEPT

    metrics = ["requests.new", "proactive.total", "outcome.total"]
    assert len(metrics) <= METRIC_ENTRIES_KEPT
    site = fresh(seeds, list(seeds.reports))
    for metric in metrics:
        site.metric_entries(metric)
    reports = list(site.reports)
    i = next(i for i, r in enumerate(reports) if all(m in site.totals_of(r) for m in metrics))
    reports[i] = replace(reports[i], figures=[f._replace(value=f.value + 5) if f.metric in metrics else f
                                              for f in reports[i].figures])
    edited = site.with_reports(reports)
    carried = dict(vars(edited)["_metric_entries"])
    assert set(carried) == set(metrics)
    for metric in metrics:
        got = edited.metric_entries(metric)
        assert got is carried[metric] and got == fresh(site, reports).metric_entries(metric)
    others = [m.id for m in edited.metrics_with_data if m.id not in metrics][:METRIC_ENTRIES_KEPT]
    for metric in others:
        edited.metric_entries(metric)
    assert list(vars(edited)["_metric_entries"]) == others[-METRIC_ENTRIES_KEPT:]


def test_a_patched_columns_table_by_place_is_a_fresh_ones(tmp_path):
    """summaries.by_place of a column kept by place (YearColumn.place_tally) and patched by
    edits, against a fresh Site's: a value with more decimals than any other of its place, a
    value no longer given, then the first put back; and against pandas' group-by, which it
    replaced (the quartiles to the float, the exact sums as written)."""
    import pandas as pd

    from site_builder.render import summaries as S

    generate(tmp_path / "content", agencies=40, years=[2023], seed=9)
    site = load_site(tmp_path / "content", cache=None, jobs=1)
    metric = "requests.new"

    def table(s):
        col = s.column(metric, 2023)
        places = [s.agency_of[s.reports_by_year[slug][2023].path].city or "" for slug in col.slugs]
        return [str(row) for row in S.by_place(col, places, "city")], col, places

    rows, col, places = table(site)
    import numpy as np

    codes, names = pd.factorize(np.array([p or S.UNPLACED for p in places], dtype=object), sort=True)
    q = pd.Series(col.floats).groupby(codes).quantile([0.25, 0.5, 0.75]).to_numpy().reshape(len(names), 3)
    sums = pd.Series(col.values, dtype=object).groupby(codes).sum().tolist()
    want = sorted((S.Stats(n, int((codes == i).sum()), S._decimal(a), S._decimal(b), S._decimal(c), D(t))
                   for i, (n, (a, b, c), t) in enumerate(zip(names.tolist(), q.tolist(), sums))),
                  key=lambda s: (s.key == S.UNPLACED, s.key))
    assert rows == [str(s) for s in want]
    reports = list(site.reports)
    giving = [i for i, r in enumerate(reports) if metric in site.totals_of(r)]
    i, j = giving[2], giving[-3]
    original = reports[i]
    reports[i] = replace(original, figures=[f._replace(value=f.value + D("0.75")) if f.metric == metric else f
                                            for f in original.figures])
    reports[j] = replace(reports[j], figures=[f for f in reports[j].figures if f.metric != metric])
    for step in range(2):
        site = site.with_reports(list(reports))
        got, col, _ = table(site)
        assert "city" in col._places  # (patched, not made again)
        assert got == table(fresh(site, list(reports)))[0]
        assert got != rows
        reports[i] = original


@pytest.mark.parametrize("kind", ["counts", "counts past a float's sums", "mixed", "closer than a float"])
def test_a_columns_sort_tally_and_places_are_the_plain_ones(kind):
    """YearColumn sorts its values once (numpy) and reads its tally, its places' tallies and its
    smallest values off that order: each against the plain definition (a stable sort of the
    (value, slug) pairs, exact sums, exponents counted value by value), on whole counts (one
    exponent: each place's counted by its size, the sums added up in numpy), on mixed exponents with equal values written
    alike and not (7, 7.0, 7.00), and on Decimals a float does not tell apart (then the pairs are
    sorted as Decimals); and on whole counts too large for a float to add up exactly (their sums
    then added as Decimals)."""
    import random
    from collections import Counter

    from site_builder.load.site import YearColumn

    rng = random.Random(5)
    n = 400
    slugs = [f"a{i:04d}" for i in range(n)]
    if kind == "counts":
        values = [D(rng.randint(0, 50)) for _ in range(n)]
    elif kind == "counts past a float's sums":
        values = [D(10 ** 15 + rng.randint(0, 99)) for _ in range(n)]
    elif kind == "mixed":
        values = [rng.choice([D(7), D("7.0"), D("7.00"), D(rng.randint(0, 99)), D(rng.randint(0, 999)) / 10])
                  for _ in range(n)]
    else:
        values = [rng.choice([D("0.1"), D("0.1000000000000000000001"), D("0.0999999999999999999999"), D(1)])
                  for _ in range(n)]
    places = [rng.choice(["甲", "乙", "丙", ""]) for _ in range(n)]
    col = YearColumn(slugs, values)
    ordered, total, exponents, pairs = col.tally()

    def plain_exponents(vs):
        return Counter(v.as_tuple().exponent for v in vs)

    assert ordered.tolist() == sorted(map(float, values))
    assert [(str(v), s) for v, s in pairs] == [(str(v), s) for v, s in sorted(zip(values, slugs), key=lambda p: p[0])]
    assert str(total) == str(sum(values, D(0)))
    assert exponents == plain_exponents(values)
    want = {}
    for place, value in zip(places, values):
        want.setdefault(place, []).append(value)
    got = col.place_tally("city", places)
    assert list(got) == list(want)
    for place, vs in want.items():
        fs, place_total, place_exponents = got[place]
        assert (fs, str(place_total), place_exponents) == (sorted(map(float, vs)), str(sum(vs, D(0))), plain_exponents(vs))
    agency = {s: s for s in slugs}.__getitem__
    plain = summaries.Column(list(slugs), list(values), col.floats)  # (the generic column's path)
    shown = [[(r.agency, str(r.value)) for r in ranked] for ranked in summaries.top_bottom(col, agency, 20)]
    assert shown == [[(r.agency, str(r.value)) for r in ranked] for ranked in summaries.top_bottom(plain, agency, 20)]
