"""The record downloads are streamed report by report with plain string formatting; their bytes
must be exactly what the csv and json modules write for the same rows (awkward names included:
records.json is one compact json.dumps object a line inside the array), and Output.write_chunks
must store a file as Output.write does."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from site_builder.render.downloads import RECORD_COLUMNS, agency_records_csv, records_csv_chunks, records_json_chunks
from site_builder.load.loader import Site, load_site, records_of
from site_builder.model import Agency, Figure, Report
from site_builder.build.output import Output, staged_name

ROOT = Path(__file__).resolve().parents[1]


def reference_csv(rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(RECORD_COLUMNS)
    for r in rows:
        text = format(r.value.normalize(), "f") if r.value != r.value.to_integral_value() else str(int(r.value))
        w.writerow([r.agency, r.agency_slug, r.year, r.metric, r.applicant, text, "true" if r.approximate else "false", r.source])
    return buf.getvalue()


def reference_json(rows) -> str:
    def number(v: Decimal):
        return int(v) if v == v.to_integral_value() else float(v.normalize())

    objs = [{"agency": r.agency, "agency_slug": r.agency_slug, "year": r.year, "metric": r.metric, "applicant": r.applicant,
             "value": number(r.value), "approximate": r.approximate, "source": r.source} for r in rows]
    if not objs:
        return "[]\n"
    return "[\n" + ",\n".join(json.dumps(o, ensure_ascii=False, separators=(",", ":")) for o in objs) + "\n]\n"


def report(path: str, agency: str, year: int, figures: list[Figure]) -> Report:
    return Report(path=path, agency=agency, year=year, era="2021", has_stat_table=False, encoding="utf-8",
                  lines=["x"] * 40, title_line=1, figures=figures)


def awkward_site() -> tuple[list[Report], dict[str, Agency]]:
    """Names and paths the csv module must quote, numbers of every shape, an empty report, and
    reports given out of order (the downloads sort by agency slug, then year)."""
    odd = Agency(name='某区"人民政府",办公室', slug="a-odd")
    plain = Agency(name="北京市东城区建国门街道办事处", slug="b-plain")
    nl = Agency(name="line\nbreak 机构", slug="c-nl")
    figs = [
        Figure("requests.new", Decimal("12"), 30, "natural_person"),
        Figure("requests.new", Decimal("3"), 30),  # total column after a person column
        Figure("outcome.withheld", Decimal("0"), 31, approximate=True),
        Figure("fees.amount_wan", Decimal("184.8083"), 33),
        Figure("fees.amount_wan", Decimal("2.50"), 34, "commercial"),
        Figure("proactive.total", Decimal("1E+3"), 5),  # printed as 1000
        Figure("requests.carried_over", Decimal("0.0"), 12, recovered=True),
    ]
    reports = [
        report("reports/plain, with comma-2020.txt", plain.name, 2020, figs[:4]),
        report("reports/odd-2019.txt", odd.name, 2019, figs),
        report('reports/"quoted".txt', odd.name, 2018, []),
        report("reports/nl-2021.txt", nl.name, 2021, figs[2:]),
        report("reports/plain-2019.txt", plain.name, 2019, figs[::-1]),
    ]
    agency_of = {r.path: (odd if r.agency == odd.name else plain if r.agency == plain.name else nl) for r in reports}
    return reports, agency_of


def test_streamed_records_equal_csv_and_json_modules():
    reports, agency_of = awkward_site()
    rows = records_of(reports, agency_of)
    assert len(rows) == 4 + 7 + 5 + 7
    assert "".join(records_csv_chunks(reports, agency_of)) == reference_csv(rows)
    assert "".join(records_json_chunks(reports, agency_of)) == reference_json(rows)
    # each agency's file is its own rows in the same form
    for slug in ("a-odd", "b-plain", "c-nl"):
        mine = [r for r in reports if agency_of[r.path].slug == slug]
        assert agency_records_csv(mine, agency_of) == reference_csv([row for row in rows if row.agency_slug == slug])
    # and the csv module reads back the awkward names
    back = list(csv.DictReader(io.StringIO("".join(records_csv_chunks(reports, agency_of)))))
    assert back[0]["agency"] == '某区"人民政府",办公室' and back[0]["source"] == "reports/odd-2019.txt:5"
    assert {r["value"] for r in back} >= {"1000", "184.8083", "2.5", "0"}


def test_empty_site_records():
    assert "".join(records_json_chunks([], {})) == "[]\n" == reference_json([])
    assert "".join(records_csv_chunks([], {})) == reference_csv([])


def test_seed_records_equal_reference():
    site = load_site(ROOT / "content")
    rows = records_of(site.reports, site.agency_of)
    assert len(rows) > 100
    assert "".join(records_csv_chunks(site.reports, site.agency_of)) == reference_csv(rows)
    assert "".join(records_json_chunks(site.reports, site.agency_of)) == reference_json(rows)


def write_records(out, reports, agency_of, agency_records=None):
    from site_builder.render import records_files

    return records_files.write(Site(content_dir=ROOT, reports=reports, agency_of=agency_of), out,
                               agency_records=agency_records)


def test_write_chunks_stores_what_write_stores(tmp_path):
    reports, agency_of = awkward_site()
    a, b = Output(tmp_path / "a"), Output(tmp_path / "b")
    write_records(a, reports, agency_of)
    b.write("data/records.csv", "".join(records_csv_chunks(reports, agency_of)))
    b.write("data/records.json", "".join(records_json_chunks(reports, agency_of)))
    assert {k: v for k, v in a.hashes.items() if k in b.hashes} == b.hashes and len(b.hashes) == 2
    for rel in b.hashes:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
    assert not list((tmp_path / "a").rglob("*.part"))
    # incremental: unchanged bytes against a live site are not written again, changed ones are
    live = tmp_path / "a"
    c = Output(tmp_path / "c", previous=dict(a.hashes), base=live)
    c.write_chunks("data/records.csv", records_csv_chunks(reports, agency_of))
    c.write_chunks("data/records.json", records_json_chunks(reports, agency_of))
    assert c.changed == [] and not (tmp_path / "c" / staged_name("data/records.csv")).exists()
    reports[0].figures.append(Figure("requests.new", Decimal("7"), 39, "research"))
    d = Output(tmp_path / "d", previous=dict(a.hashes), base=live)
    d.write_chunks("data/records.csv", records_csv_chunks(reports, agency_of))
    d.write_chunks("data/records.json", records_json_chunks(reports, agency_of))
    assert sorted(d.changed) == ["data/records.csv", "data/records.json"]
    assert ",research,7," in (tmp_path / "d" / staged_name("data/records.csv")).read_text(encoding="utf-8")


def test_a_failed_stream_leaves_no_file(tmp_path):
    out = Output(tmp_path)
    try:
        with out.stream("data/records.csv") as put:
            put(b"agency,agency_slug\n")
            raise RuntimeError("a report could not be formatted")
    except RuntimeError:
        pass
    assert out.hashes == {} and out.changed == [] and list((tmp_path / "data").iterdir()) == []


def test_site_reports_order_is_download_order():
    # the build streams site.reports as they are: the Site keeps them by agency slug, then year
    site: Site = load_site(ROOT / "content")
    keys = [(site.agency_of[r.path].slug, r.year) for r in site.reports]
    assert keys == sorted(keys)


def test_agency_files_written_in_the_same_pass(tmp_path):
    """records_files.write, the whole files in one pass with each agency's records.csv: the same
    bytes as the streams and agency_records_csv, and the same byte spans as the rewriting path
    notes when it has nothing to reuse (every report changed)."""
    from site_builder.render import records_files

    reports, agency_of = awkward_site()
    a = Output(tmp_path / "a")
    agency_files: dict[str, bytes] = {}
    layout = write_records(a, reports, agency_of,
                           agency_records=lambda slug, parts: agency_files.setdefault(slug, b"".join(parts)))
    assert sorted(agency_files) == ["a-odd", "b-plain", "c-nl"]
    for slug, data in agency_files.items():
        mine = [r for r in reports if agency_of[r.path].slug == slug]
        assert data.decode("utf-8") == agency_records_csv(mine, agency_of)
    site = Site(content_dir=ROOT, reports=reports, agency_of=agency_of)
    for relpath, chunks in (("data/records.csv", records_csv_chunks), ("data/records.json", records_json_chunks)):
        whole = (tmp_path / "a" / relpath).read_bytes()
        assert whole == "".join(chunks(reports, agency_of)).encode("utf-8")
        assert layout.sizes[relpath] == len(whole)
    every = {(agency_of[r.path].slug, r.year) for r in reports}
    b = Output(tmp_path / "b", base=tmp_path / "a", previous=dict(a.hashes))
    again = records_files.write(site, b, layout, every)
    assert again == layout and sorted(b.changed) == []  # the same bytes: nothing to write
    # a report's span holds its rows: the empty report has none, in either file
    assert layout.lengths[("a-odd", 2018)] == (0, 0)
    assert ("a-odd", 2018) not in layout.spans["data/records.csv"] and ("a-odd", 2018) not in layout.spans["data/records.json"]
    start, size = layout.spans["data/records.json"][("c-nl", 2021)]
    rows = json.loads("[" + (tmp_path / "a" / "data/records.json").read_bytes()[start:start + size].decode("utf-8") + "]")
    assert len(rows) == 5 and {r["agency_slug"] for r in rows} == {"c-nl"}
