"""Reports the parser cannot read (tests/invalid/, one bad input per file): each gives an exact error
naming the file and, where there is one, the line; and one broken report never stops the others."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.exceptions import ReportError
from site_builder.load.loader import load_site
from site_builder.parser import parse_document
from site_builder.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
INVALID = Path(__file__).resolve().parent / "invalid"
TODAY = dt.date(2026, 6, 1)
SEEDS = ("donghuashi-2019.txt", "jianguomen-2011.txt", "jianguomen-2024.txt", "taoranting-2017.txt", "xinqi-2013.txt")

# file -> (line or None, message). Each file is a seed cut or changed to hold one defect:
EXPECTED = {
    # the 2011 seed without its two title lines
    "no-title.txt": (1, "no report title found in the first lines: expected '<agency><year>年政府信息公开工作年度报告'"),
    # the 2011 seed titled '建国门街道政府信息公开工作年度报告'
    "no-year.txt": (1, "the title names no year: expected e.g. '建国门街道2019年政府信息公开工作年度报告'"),
    "future-year.txt": (1, "the report's year 2099 is in the future"),
    "year-too-early.txt": (1, "the report's year 2005 is before the regulation existed (2008)"),
    # the 2024 seed (docx-style) ending inside table 三's 不予公开 rows
    "truncated-table-3.txt": (170, "table 三 is cut off: the text ends before its last row (结转下年度继续办理) is complete"),
    # the 2019 seed (PDF-style) ending at table 三's 本机关不掌握 row
    "truncated-table-3-pdf.txt": (66, "table 三 is cut off: the text ends before its last row (结转下年度继续办理) is complete"),
    # the 2024 seed ending after four of the seven cells of 结转下年度继续办理
    "truncated-last-row.txt": (353, "table 三 is cut off: the text ends before its last row (结转下年度继续办理) is complete"),
    # the 2024 seed ending after eight of table 四's fifteen cells
    "truncated-table-4.txt": (409, "table 四 is cut off: the text ends before its 15 cells"),
    "empty.txt": (None, "the file is empty"),
    "blank.txt": (None, "the file is empty"),  # whitespace only
    "binary.txt": (None, "this is a binary file, not a text report (it contains NUL bytes)"),  # a PNG named .txt
}


def test_every_invalid_file_has_its_expected_error():
    assert sorted(p.name for p in INVALID.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_report_error(name):
    line, message = EXPECTED[name]
    cite = f"reports/{name}"
    with pytest.raises(ReportError) as exc:
        parse_document(read_document(INVALID / name, cite), today=TODAY)
    assert (exc.value.path, exc.value.line, exc.value.message) == (cite, line, message)
    location = f"{cite}:{line}" if line else cite
    assert str(exc.value) == f"{location}: {message}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_parse_command_prints_the_error_and_fails(capsys, name):
    line, message = EXPECTED[name]
    path = INVALID / name
    assert main(["parse", str(path)]) == 1
    captured = capsys.readouterr()
    location = f"{path}:{line}" if line else str(path)
    assert captured.err == f"error: {location}: {message}\n"
    assert captured.out == ""


def test_parse_command_goes_on_after_a_bad_file(capsys):
    code = main(["parse", str(INVALID / "no-year.txt"), str(CONTENT / "reports" / "jianguomen-2011.txt")])
    assert code == 1
    captured = capsys.readouterr()
    assert "no-year.txt:1: the title names no year" in captured.err
    assert "agency 建国门街道   year 2011   era pre2019" in captured.out


def content_with(tmp_path: Path, names: list[str]) -> Path:
    """A content folder with the five seed reports and the named invalid ones."""
    content = tmp_path / "content"
    (content / "reports").mkdir(parents=True)
    for name in SEEDS:
        shutil.copyfile(CONTENT / "reports" / name, content / "reports" / name)
    shutil.copyfile(CONTENT / "agencies.toml", content / "agencies.toml")
    for name in names:
        shutil.copyfile(INVALID / name, content / "reports" / name)
    return content


def test_load_keeps_every_seed_beside_every_broken_report(tmp_path):
    site = load_site(content_with(tmp_path, sorted(EXPECTED)))
    assert sorted((r.agency, r.year) for r in site.reports) == [
        ("东花市街道", 2019), ("建国门街道", 2011), ("建国门街道", 2024), ("新碶街道", 2013), ("陶然亭街道", 2017),
    ]
    assert sorted(str(e) for e in site.errors) == sorted(
        f"reports/{name}:{line}: {msg}" if line else f"reports/{name}: {msg}" for name, (line, msg) in EXPECTED.items()
    )


def test_build_with_a_broken_report_builds_the_seeds(tmp_path, capsys):
    content = content_with(tmp_path, ["truncated-table-3.txt"])
    out = tmp_path / "site"
    capsys.readouterr()
    assert main(["build", "--content", str(content), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert ("error: reports/truncated-table-3.txt:170: table 三 is cut off: the text ends before its last row "
            "(结转下年度继续办理) is complete") in err.splitlines()
    rows = list(csv.DictReader(io.StringIO((out / "data" / "records.csv").read_text(encoding="utf-8"))))
    assert sorted({(r["agency_slug"], r["year"]) for r in rows}) == [
        ("donghuashi", "2019"), ("jianguomen", "2011"), ("jianguomen", "2024"), ("taoranting", "2017"), ("xinqi", "2013"),
    ]
    assert not any("truncated" in r["source"] for r in rows)

    # --strict refuses to publish, names the problem, and leaves the site already built untouched
    before = (out / "data" / "records.csv").read_bytes()
    (content / "reports" / "future-year.txt").write_bytes((INVALID / "future-year.txt").read_bytes())
    assert main(["build", "--content", str(content), "--out", str(out), "--strict"]) != 0
    err = capsys.readouterr().err
    assert "reports/truncated-table-3.txt:170: table 三 is cut off" in err
    assert "reports/future-year.txt:1: the report's year 2099 is in the future" in err
    assert (out / "data" / "records.csv").read_bytes() == before


def test_the_seeds_alone_have_nothing_for_strict_to_refuse(tmp_path):
    """--strict fails because of the broken report, not because the seeds have warnings."""
    site = load_site(content_with(tmp_path, []))
    assert site.errors == [] and site.all_warnings == []
