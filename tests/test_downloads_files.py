"""The files under data/ that scale: records-<year>.csv/.json (split into parts of whole agencies
past a budget), records.csv/.json only while they fit, records.parquet (exact values, the CSV's
rows), datapackage.json (a valid Frictionless package naming every file), and a sitemap index
past the sitemap's limits. The budgets are parameters, forced small here."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from site_builder.build.output import Output, staged_name
from site_builder.load.loader import Site, load_site, records_of
from site_builder.numbers import format_number
from site_builder.render import feeds, records_files
from site_builder.render.records_files import Limits
from test_downloads import reference_csv, reference_json

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seeds() -> Site:
    return load_site(ROOT / "content")


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_year_files_are_the_years_rows_exactly(seeds, tmp_path):
    rows = records_of(seeds.reports, seeds.agency_of)
    records_files.write(seeds, Output(tmp_path))
    got = files(tmp_path)
    years = sorted({r.year for r in seeds.reports if r.figures})
    assert len(years) >= 5
    assert sorted(got) == sorted(["data/records.csv", "data/records.json"]
                                 + [f"data/records-{y}.{ext}" for y in years for ext in ("csv", "json")])
    for y in years:
        mine = [r for r in rows if r.year == y]
        assert got[f"data/records-{y}.csv"].decode("utf-8") == reference_csv(mine)
        assert got[f"data/records-{y}.json"].decode("utf-8") == reference_json(mine)
    assert got["data/records.csv"].decode("utf-8") == reference_csv(rows)
    assert got["data/records.json"].decode("utf-8") == reference_json(rows)


def test_a_year_past_the_budget_is_split_into_parts_of_whole_agencies(seeds, tmp_path):
    limits = Limits(whole=50_000, part=20_000)
    layout = records_files.write(seeds, Output(tmp_path), limits=limits)
    got = files(tmp_path)
    rows = records_of(seeds.reports, seeds.agency_of)
    # past the whole budget the all-rows files are not written (the seeds' are 120 and 220 KB)
    assert "data/records.csv" not in got and "data/records.json" not in got
    split = sorted(p for p in got if p.count("-") == 2)
    assert "data/records-2024-1.csv" in split and "data/records-2024-2.json" in split
    assert "data/records-2024.csv" not in got  # a split year has numbered parts only
    for y in sorted({r.year for r in rows}):
        names = sorted((p for p in got if p.startswith(f"data/records-{y}") and p.endswith(".csv")),
                       key=lambda p: int(p[:-4].split("-")[2]) if p.count("-") == 2 else 0)
        parts_csv = [got[p].decode("utf-8") for p in names]
        parts_json = [json.loads(got[p[:-3] + "json"]) for p in names]
        mine = [r for r in rows if r.year == y]
        # the parts are the year's rows, in order, each part a header and whole agencies
        assert "".join(text.split("\n", 1)[1] for text in parts_csv) == reference_csv(mine).split("\n", 1)[1]
        assert [o for part in parts_json for o in part] == json.loads(reference_json(mine))
        slugs = [{row["agency_slug"] for row in csv.DictReader(io.StringIO(t))} for t in parts_csv]
        assert [{o["agency_slug"] for o in part} for part in parts_json] == slugs  # the same agencies
        assert all(not (a & b) for i, a in enumerate(slugs) for b in slugs[i + 1:])
        for p in names:
            one_report = len(layout.files[p]) == 1
            assert one_report or (len(got[p]) <= limits.part and len(got[p[:-3] + "json"]) <= limits.part)
    # the plan the dev server's rewrite follows is what the streaming write did
    keys = list(layout.lengths)
    assert dict(records_files.plan(keys, layout.lengths, limits)) == layout.files
    assert {p: len(b) for p, b in got.items()} == layout.sizes


def test_the_expected_names_are_the_written_ones(seeds, tmp_path):
    """The pages name the downloads before they are written: from estimated row sizes."""
    for limits in (records_files.LIMITS, Limits(whole=50_000, part=20_000), Limits(whole=10**9, part=40_000)):
        out = Output(tmp_path / str(limits.part))
        records_files.write(seeds, out, limits=limits)
        assert records_files.expected_files(seeds, limits) == sorted(out.hashes, key=records_files.file_order)


def edits(site: Site) -> list[tuple[Site, set]]:
    """Three successive edits: a report emptied, one shortened, one removed; then two grown."""
    def key(r):
        return (site.agency_of[r.path].slug, r.year)

    reports = list(site.reports)
    first = {key(reports[i]) for i in (1, 5, 9)}
    reports[1] = replace(reports[1], figures=[])
    reports[5] = replace(reports[5], figures=reports[5].figures[:-40])
    del reports[9]
    one = Site(content_dir=site.content_dir, reports=reports, agency_of=site.agency_of)
    reports = list(one.reports)
    reports[0] = replace(reports[0], figures=reports[0].figures * 2)
    reports[3] = replace(reports[3], figures=reports[3].figures[:3])
    two = Site(content_dir=site.content_dir, reports=reports, agency_of=site.agency_of)
    return [(one, first), (two, {key(reports[0]), key(reports[3])})]


@pytest.mark.parametrize("limits", [records_files.LIMITS, Limits(whole=100_000, part=15_000)])
def test_an_edit_rewrites_the_files_as_a_full_write_would(seeds, tmp_path, limits):
    """Rewritten around the changed reports (parts shifting when a report grows or shrinks), every
    file and its layout are a full write's; files holding none of the changed reports are kept
    without being read or written."""
    live = tmp_path / "live"
    out = Output(live)
    layout = records_files.write(seeds, out, limits=limits)
    hashes = dict(out.hashes)
    for n, (site, changed) in enumerate(edits(seeds)):
        stage = tmp_path / f"stage{n}"
        inc = Output(stage, previous=hashes, base=live)
        kept: list[str] = []
        keep = inc.keep
        inc.keep = lambda relpath, digest: (kept.append(relpath), keep(relpath, digest))[1]  # type: ignore[method-assign]
        new = records_files.write(site, inc, layout, changed, limits=limits)
        full_root = tmp_path / f"full{n}"
        full = records_files.write(site, Output(full_root), limits=limits)
        assert new == full
        expected = files(full_root)
        # the names the pages give before the write (the dev server's): the second edit has no
        # report added or removed, so only its years are planned again
        assert records_files.planned_files(site, layout, changed, limits) == sorted(expected, key=records_files.file_order)
        assert sorted(inc.hashes) == sorted(expected)
        assert {p: (stage / staged_name(p)).read_bytes() if p in inc.changed else (live / p).read_bytes()
                for p in inc.hashes} == expected
        years = {y for _, y in changed}
        untouched = [p for p in expected if p.startswith("data/records-") and int(p[13:17]) not in years]
        assert untouched and set(untouched) <= set(kept) and not set(untouched) & set(inc.changed)
        # the new files become the live site
        for p in inc.changed:
            (live / p).parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / staged_name(p), live / p)
        for p in set(hashes) - set(inc.hashes):
            (live / p).unlink()
        layout, hashes = new, dict(inc.hashes)


def test_parquet_holds_the_csv_rows_exactly_and_the_same_bytes_twice(seeds):
    import pandas as pd
    import pyarrow.parquet as pq

    from site_builder.render.downloads import records_csv_chunks
    from site_builder.render.records_parquet import records_parquet

    reports = list(seeds.reports)
    # a value with more decimals than any seed, and a large one: exact, not floats
    reports[0] = replace(reports[0], figures=reports[0].figures[:-2] + [
        reports[0].figures[-2]._replace(value=Decimal("0.1234567")),
        reports[0].figures[-1]._replace(value=Decimal("123456789012.5"))])
    site = Site(content_dir=seeds.content_dir, reports=reports, agency_of=seeds.agency_of)
    data = records_parquet(site)
    assert data == records_parquet(site)
    meta = pq.ParquetFile(io.BytesIO(data)).metadata
    assert meta.created_by.startswith("parquet-cpp-arrow") and set(meta.metadata or {}) <= {b"ARROW:schema"}
    df = pd.read_parquet(io.BytesIO(data))
    text = "".join(records_csv_chunks(site.reports, site.agency_of))
    expected = list(csv.reader(io.StringIO(text)))
    assert list(df.columns) == expected[0]
    got = [[str(r.agency), str(r.agency_slug), str(r.year), str(r.metric), str(r.applicant), format_number(r.value),
            "true" if r.approximate else "false", r.source] for r in df.itertuples()]
    assert got == expected[1:] and len(got) > 1000
    assert {"0.1234567", "123456789012.5"} <= {row[5] for row in got}
    assert all(isinstance(v, Decimal) for v in df.value)
    assert [str(df[c].dtype) for c in ("agency", "agency_slug", "metric", "applicant")] == ["category"] * 4


def test_writing_parquet_does_not_import_pandas():
    # pyarrow's conversions of lists import pandas (0.4 s of a small site's build): not used
    code = ("import sys; from pathlib import Path; from site_builder.load.loader import load_site;"
            "from site_builder.render.records_parquet import records_parquet;"
            "assert len(records_parquet(load_site(Path('content')))) > 1000; print('pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.strip() == "False"


@pytest.fixture(scope="module")
def built(seed_site) -> Path:
    return seed_site


def test_datapackage_is_valid_and_lists_every_data_file(built):
    frictionless = pytest.importorskip("frictionless")
    package = json.loads((built / "data/datapackage.json").read_text(encoding="utf-8"))
    data = sorted((p.name for p in (built / "data").iterdir() if p.name != "datapackage.json"),
                  key=lambda name: records_files.file_order("data/" + name))
    assert [r["path"] for r in package["resources"]] == data
    for r in package["resources"]:
        assert r["bytes"] == (built / "data" / r["path"]).stat().st_size
        assert r["schema"]["fields"] and all(f["type"] and f["description"] for f in r["schema"]["fields"])
    assert (built / "data/metrics.csv").read_bytes() == (ROOT / "site_builder/metrics.csv").read_bytes()
    # (frictionless cannot count the bytes of a JSON or Parquet file: checked above)
    report = frictionless.validate(built / "data/datapackage.json", skip_errors=["byte-count"])
    assert report.valid, report.flatten(["resourceName", "type", "note"])[:5]
    rows = {t.name: t.stats["rows"] if isinstance(t.stats, dict) else t.stats.rows for t in report.tasks}
    assert rows["records-csv"] == rows["records-json"] == rows["records-parquet"] == sum(
        rows[f"records-{p.stem.split('-', 1)[1]}-csv"] for p in (built / "data").glob("records-*.csv"))


def test_datapackage_foreign_key_catches_an_unknown_metric(built, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    import shutil

    data = tmp_path / "data"
    shutil.copytree(built / "data", data)
    text = (data / "records-2024.csv").read_text(encoding="utf-8").replace(",requests.new,", ",requests.nowhere,", 1)
    (data / "records-2024.csv").write_text(text, encoding="utf-8")
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    for r in package["resources"]:
        r.pop("bytes")
    (data / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    report = frictionless.validate(data / "datapackage.json")
    assert not report.valid
    assert {e[1] for e in report.flatten(["resourceName", "type"])} == {"foreign-key"}


def test_the_datapackage_says_where_the_rows_are_when_the_whole_files_are_too_big():
    from site_builder.render.datapackage import datapackage

    sizes = {"data/records-2024-1.csv": 10, "data/records-2024-1.json": 20, "data/records-2024-2.csv": 10,
             "data/records-2024-2.json": 20, "data/records.parquet": 5, "data/metrics.csv": 1}
    keys = {"data/records-2024-1.csv": (("a", 2024), ("b", 2024)), "data/records-2024-2.csv": (("c", 2024),),
            "data/records-2024-1.json": (("a", 2024), ("b", 2024)), "data/records-2024-2.json": (("c", 2024),)}
    package = json.loads(datapackage(sizes, keys))
    assert "here they do not, and the rows are in records-<year>.csv" in package["description"]
    described = {r["path"]: r["description"] for r in package["resources"]}
    assert described["records-2024-2.json"].endswith("part 2 of 2, agencies c to c")
    assert described["records-2024-1.csv"].endswith("part 1 of 2, agencies a to b")


def test_sitemap_becomes_an_index_past_its_limits():
    import xml.etree.ElementTree as ET

    ns = {"s": feeds.SITEMAP_NS}
    pages = [f"/agencies/a{i:03d}/" for i in range(25)]
    assert [n for n, _ in feeds.sitemaps("https://example.org", pages, max_urls=25)] == ["sitemap.xml"]
    made = feeds.sitemaps("https://example.org", pages, max_urls=10)
    assert [n for n, _ in made] == ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]
    index = ET.fromstring(made[0][1].encode("utf-8"))
    assert index.tag == f"{{{feeds.SITEMAP_NS}}}sitemapindex"
    assert [e.text for e in index.findall("s:sitemap/s:loc", ns)] == [
        f"https://example.org/sitemap-{i}.xml" for i in (1, 2, 3)]
    listed = [e.text for _, text in made[1:] for e in ET.fromstring(text.encode("utf-8")).findall("s:url/s:loc", ns)]
    assert listed == [f"https://example.org{p}" for p in sorted(pages)]
    assert [len(ET.fromstring(t.encode("utf-8"))) for _, t in made[1:]] == [10, 10, 5]
    # by bytes too: every file within the budget
    small = feeds.sitemaps("https://example.org", pages, max_bytes=600)
    assert len(small) > 3 and all(len(t.encode("utf-8")) <= 600 for n, t in small[1:])


def test_the_data_files_besides_the_records_are_those_every_site_has(tmp_path):
    from site_builder.render import OTHER_DOWNLOADS, _write_downloads

    out = Output(tmp_path)
    with out.unit(("downloads",)):
        _write_downloads(Site(content_dir=tmp_path, reports=[], agency_of={}), out)
    assert sorted(p for p in out.hashes if not p.startswith("data/records")) + ["data/records.parquet"] == sorted(
        OTHER_DOWNLOADS)
    assert sorted(p for p in out.hashes if p.startswith("data/records")) == [
        "data/records.csv", "data/records.json", "data/records.parquet"]


def test_a_site_past_the_sitemap_limit_publishes_an_index_of_every_page(tmp_path, monkeypatch):
    """The same pages as the one sitemap.xml of a site within the limit, in files of at most the
    limit, which the index names."""
    import xml.etree.ElementTree as ET

    from site_builder.build.session import BuildOptions, BuildSession

    def build(out: Path) -> None:
        BuildSession().build(BuildOptions(ROOT / "content", out, ROOT / "templates", ROOT / "static", quiet=True,
                                          search=False, cache=False, incremental=False, base_url="https://example.org"))

    ns = {"s": feeds.SITEMAP_NS}
    build(tmp_path / "one")
    pages = [e.text for e in ET.parse(tmp_path / "one/sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert len(pages) > 80
    monkeypatch.setattr(feeds, "SITEMAP_URLS", 40)
    out = tmp_path / "_site"
    build(out)
    index = ET.parse(out / "sitemap.xml").getroot()
    names = [e.text.rsplit("/", 1)[1] for e in index.findall("s:sitemap/s:loc", ns)]
    assert names == [f"sitemap-{i}.xml" for i in range(1, len(pages) // 40 + 2)]
    assert sorted(p.name for p in out.glob("sitemap*.xml")) == sorted(names + ["sitemap.xml"])
    listed = [e.text for n in names for e in ET.parse(out / n).getroot().findall("s:url/s:loc", ns)]
    assert listed == pages and all(len(ET.parse(out / n).getroot()) <= 40 for n in names)


def test_an_edit_that_keeps_each_years_parts_is_planned_from_the_last_sizes():
    """records_files._kept_parts (an edit's file names without planning its year again) against
    plan() of the new lengths, on random years of random chunks, split in parts or not, each
    edit growing, shrinking or emptying a few reports' chunks (a part's first or last among them)."""
    import random

    from site_builder.render.records_files import _HEAD, Layout, _json_size, _kept_parts, file_order, plan

    rng = random.Random(5)
    kept = 0
    for trial in range(400):
        limits = Limits(whole=rng.choice([5_000, 40_000, 10**9]), part=rng.choice([1_500, 4_000, 10**8]))
        keys = sorted((f"a{i:04d}", year) for year in (2020, 2021) for i in rng.sample(range(999), rng.randint(1, 40)))
        keys.sort()
        lengths = {k: (rng.randint(0, 400), rng.randint(0, 900)) for k in keys}
        for k in rng.sample(keys, len(keys) // 5):
            lengths[k] = (lengths[k][0], 0)

        def layout_of(lengths):
            files = dict(plan(keys, lengths, limits))
            sizes = {}
            for relpath, held in files.items():
                if relpath.endswith(".csv"):
                    sizes[relpath] = len(_HEAD) + sum(lengths[k][0] for k in held)
                else:
                    js = [lengths[k][1] for k in held if lengths[k][1]]
                    sizes[relpath] = _json_size(len(js), sum(js))
            return Layout(lengths=dict(lengths), files=files, sizes=sizes)

        previous = layout_of(lengths)
        changed = set(rng.sample(keys, rng.randint(1, 3)))
        firsts = [held[0] for relpath, held in previous.files.items() if relpath.endswith(".csv") and held]
        if rng.random() < 0.3:
            changed.add(rng.choice(firsts))
        new = dict(lengths)
        for k in changed:
            c, j = new[k]
            new[k] = (max(0, c + rng.randint(-300, 300)), rng.choice([0, max(0, j + rng.randint(-500, 500))]))
        got = _kept_parts(previous, new, changed, limits)
        if got is not None:
            kept += 1
            assert got == sorted((relpath for relpath, _ in plan(keys, new, limits)), key=file_order), trial
    assert kept > 150  # (most edits keep their parts)
