"""downloads.report_bytes joins each row from pieces made once per distinct figure, in C; Output
writes a file given as a list of parts (an agency's records.csv) and streams big files with
writev. These must give exactly the bytes of the csv and json modules and of a plain write."""

from __future__ import annotations

import csv
import io
import json
import os
from decimal import Decimal

from site_builder.render import downloads
from site_builder.render.downloads import RECORD_COLUMNS, report_bytes
from site_builder.model import Agency, Figure, Report
from site_builder.build.output import Output, content_hash


def reference(report: Report, agency: Agency) -> tuple[str, str]:
    """The rows as the csv and json modules write them, in catalogue order then applicant column
    (stable: the parser's order among figures of the same metric and applicant)."""
    ranks = downloads._ranks()
    figures = sorted(report.figures, key=lambda f: ranks[f.metric, f.applicant])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    objs = []
    for f in figures:
        v = f.value
        text = format(v.normalize(), "f") if v != v.to_integral_value() else str(int(v))
        w.writerow([agency.name, agency.slug, report.year, f.metric, f.applicant, text,
                    "true" if f.approximate else "false", f"{report.path}:{f.line}"])
        objs.append(json.dumps({"agency": agency.name, "agency_slug": agency.slug, "year": report.year,
                                "metric": f.metric, "applicant": f.applicant,
                                "value": int(v) if v == v.to_integral_value() else float(v.normalize()),
                                "approximate": f.approximate, "source": f"{report.path}:{f.line}"},
                               ensure_ascii=False, separators=(",", ":")))
    assert RECORD_COLUMNS[-1] == "source"
    return buf.getvalue(), ",\n".join(objs)


def make(path: str, figures: list[Figure], year: int = 2021) -> Report:
    return Report(path=path, agency="x", year=year, era="2021", has_stat_table=False, encoding="utf-8",
                  lines=["x"] * 40, title_line=1, figures=figures)


FIGURES = [
    Figure("outcome.withheld", Decimal("0"), 31, approximate=True),
    Figure("requests.new", Decimal("12"), 30, "natural_person"),
    Figure("requests.new", Decimal("3"), 30),
    Figure("fees.amount_wan", Decimal("184.8083"), 33),
    Figure("fees.amount_wan", Decimal("2.50"), 1234567, "commercial"),
    Figure("proactive.total", Decimal("1E+3"), 5),
    Figure("requests.carried_over", Decimal("0.0"), 12, recovered=True),
]


def test_rows_equal_csv_and_json_modules_for_awkward_paths_and_names():
    agencies = [Agency(name='某区"人民政府",办公室', slug="a-odd"), Agency(name="line\nbreak 机构", slug="c-nl"),
                Agency(name="北京市东城区建国门街道办事处", slug="b-plain")]
    paths = ["reports/plain-2020.txt", "reports/with, comma.txt", 'reports/"q".txt', "reports/cr\rline.txt",
             "reports/nl\nline.txt", "reports/tab\there 报告.txt"]
    for agency in agencies:
        for path in paths:
            for figures in (FIGURES, FIGURES[::-1], FIGURES[2:5], FIGURES[:1]):
                r = make(path, list(figures))
                csv_bytes, json_bytes = report_bytes(r, agency)
                assert (csv_bytes.decode("utf-8"), json_bytes.decode("utf-8")) == reference(r, agency)


def test_figures_of_one_metric_and_applicant_keep_the_parsers_order():
    # two figures of the same row and column (a report printing a row twice): stable order, and a
    # later report with the same ranks in another order is not given the first one's order
    a = Agency(name="甲", slug="a")
    twice = [Figure("requests.new", Decimal("5"), 40), Figure("outcome.withheld", Decimal("1"), 9),
             Figure("requests.new", Decimal("4"), 41)]
    for figures in (twice, twice[::-1], [twice[1], twice[0], twice[2]]):
        r = make("reports/a.txt", figures)
        assert tuple(b.decode() for b in report_bytes(r, a)) == reference(r, a)


def test_an_empty_report_has_no_rows():
    assert report_bytes(make("reports/e.txt", []), Agency(name="甲", slug="a")) == (b"", b"")


def test_memo_is_bounded_and_still_right_after_clearing():
    memo = downloads._Memo(lambda k: str(k).encode(), bound=3)
    assert [memo[i] for i in range(10)] == [str(i).encode() for i in range(10)]
    assert len(memo) <= 4


def test_write_of_parts_is_a_write_of_their_join(tmp_path):
    parts = [b"agency,agency_slug\n", "北京,b\n".encode("utf-8") * 1000, b"", memoryview(b"tail\n")]
    joined = b"".join(parts)
    out = Output(tmp_path / "o")
    out.write("agencies/b/records.csv", list(parts))
    assert (tmp_path / "o/agencies/b/records.csv").read_bytes() == joined
    assert out.hashes["agencies/b/records.csv"] == content_hash(joined)
    # more parts than one writev takes
    many = [b"%d\n" % i for i in range(5000)]
    out.write("data/many.txt", many)
    assert (tmp_path / "o/data/many.txt").read_bytes() == b"".join(many)
    # unchanged against a live site: not written again
    again = Output(tmp_path / "p", previous=dict(out.hashes), base=tmp_path / "o")
    again.write("agencies/b/records.csv", list(parts))
    assert again.changed == [] and not (tmp_path / "p/agencies/b/records.csv").exists()


def test_stream_of_many_pieces_is_a_write_of_their_join(tmp_path):
    pieces = [("第%d行,%s\n" % (i, "x" * (i % 300))).encode("utf-8") for i in range(20000)]
    pieces.append(b"y" * (3 << 20))  # one piece bigger than a flush
    out = Output(tmp_path)
    with out.stream("data/big.csv") as put:
        for p in pieces:
            put(p)
    whole = b"".join(pieces)
    assert (tmp_path / "data/big.csv").read_bytes() == whole
    assert out.hashes["data/big.csv"] == content_hash(whole) and not (tmp_path / "data/big.csv.part").exists()


def test_stream_named_when_it_ends_is_in_place_under_that_name(tmp_path):
    # a year's first record file is numbered only once a second part follows (records_files._Part)
    out = Output(tmp_path)
    name = ["data/records-2024-1.csv"]
    with out.stream(name[0], named=lambda: name[0]) as put:
        put(b"agency,agency_slug\n")
        name[0] = "data/records-2024.csv"
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["records-2024.csv"]
    assert out.hashes == {"data/records-2024.csv": content_hash(b"agency,agency_slug\n")}
    assert out.changed == ["data/records-2024.csv"]


def test_folders_made_once_each(tmp_path, monkeypatch):
    # one mkdir per folder, parents included, and no makedirs below the root (the downloads'
    # process makes the 1,800 agency folders, whose parent it did not make itself)
    out = Output(tmp_path / "site")
    out.write("index.html", b"<p>")  # the root: made here
    made, deep = [], []
    real_mkdir, real_makedirs = os.mkdir, os.makedirs
    monkeypatch.setattr(os, "mkdir", lambda p, *a, **k: (made.append(str(p)), real_mkdir(p, *a, **k))[1])
    monkeypatch.setattr(os, "makedirs", lambda p, *a, **k: (deep.append(str(p)), real_makedirs(p, *a, **k))[1])
    for slug in ("a", "b", "c"):
        out.write(f"agencies/{slug}/records.csv", b"x\n")
        out.write(f"agencies/{slug}/2020/index.html", b"<p>")
    out.write("agencies/d/2020/index.html", b"<p>")
    named = [p[len(str(tmp_path / "site")) + 1:] for p in made if "/." not in p]
    # a top-level folder: made under a temporary name and renamed (or, without renameat2, by name)
    assert sum("/.agencies." in p for p in made) + named.count("agencies") in (1, 2)
    assert sorted(n for n in named if n != "agencies") == ["agencies/a", "agencies/a/2020", "agencies/b", "agencies/b/2020",
                             "agencies/c", "agencies/c/2020", "agencies/d", "agencies/d/2020"]
    assert deep == []
    assert (tmp_path / "site/agencies/d/2020/index.html").read_bytes() == b"<p>"
