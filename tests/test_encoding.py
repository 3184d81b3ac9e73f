"""Text encodings and line endings: the same report in any of them gives the same figures and lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.exceptions import ReportError
from site_builder.parser import parse_document
from site_builder.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "content" / "reports"
SEEDS = ["donghuashi-2019.txt", "jianguomen-2011.txt", "jianguomen-2024.txt", "taoranting-2017.txt", "xinqi-2013.txt"]
TODAY = dt.date(2026, 6, 1)


def gbk_safe(name: str) -> str:
    # A GBK file cannot hold U+00A0 (no-break space); Word writes a plain space there.
    return (REPORTS / name).read_text(encoding="utf-8").replace("\xa0", " ")


def parse_bytes(tmp_path: Path, data: bytes, name: str = "report.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return parse_document(read_document(path, f"reports/{name}"), today=TODAY)


def figures(report) -> list[tuple]:
    return sorted((f.metric, f.applicant, f.value, f.line, f.approximate) for f in report.figures)


@pytest.fixture(scope="module")
def utf8_reports(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("utf8")
    return {name: parse_bytes(tmp, gbk_safe(name).encode("utf-8")) for name in SEEDS}


@pytest.mark.parametrize("name", SEEDS)
def test_utf8_with_bom(tmp_path, utf8_reports, name):
    r = parse_bytes(tmp_path, b"\xef\xbb\xbf" + gbk_safe(name).encode("utf-8"))
    assert r.encoding == "utf-8-sig"
    assert figures(r) == figures(utf8_reports[name])
    assert (r.agency, r.year, r.title_line) == (utf8_reports[name].agency, utf8_reports[name].year, utf8_reports[name].title_line)


@pytest.mark.parametrize("name", SEEDS)
@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
def test_gbk_and_gb18030(tmp_path, utf8_reports, name, codec):
    data = gbk_safe(name).encode(codec)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test really feeds a non-UTF-8 file
    r = parse_bytes(tmp_path, data)
    assert r.encoding == "gb18030"
    assert figures(r) == figures(utf8_reports[name])
    assert r.agency == utf8_reports[name].agency


def test_gb18030_only_characters(tmp_path):
    """新碶街道: 碶 is outside GB2312, and the reader still decodes it (GB18030 is GBK's superset)."""
    r = parse_bytes(tmp_path, gbk_safe("xinqi-2013.txt").encode("gb18030"))
    assert (r.agency, r.encoding) == ("新碶街道", "gb18030")


@pytest.mark.parametrize("name", SEEDS)
@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_bom(tmp_path, utf8_reports, name, codec):
    text = gbk_safe(name)
    data = text.encode("utf-16") if codec == "utf-16" else b"\xfe\xff" + text.encode("utf-16-be")
    r = parse_bytes(tmp_path, data)
    assert r.encoding == "utf-16"
    assert figures(r) == figures(utf8_reports[name])


@pytest.mark.parametrize("name", SEEDS)
@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings(tmp_path, utf8_reports, name, ending):
    text = gbk_safe(name).replace("\n", ending)
    r = parse_bytes(tmp_path, text.encode("utf-8"))
    assert figures(r) == figures(utf8_reports[name])  # same line numbers too
    assert len(r.lines) == len(utf8_reports[name].lines)
    assert not any("\r" in line for line in r.lines)


def test_gbk_with_crlf(tmp_path, utf8_reports):
    """Windows Notepad's classic output: GBK with CRLF."""
    name = "donghuashi-2019.txt"
    r = parse_bytes(tmp_path, gbk_safe(name).replace("\n", "\r\n").encode("gbk"))
    assert r.encoding == "gb18030"
    assert figures(r) == figures(utf8_reports[name])


def test_undecodable_bytes_name_the_line(tmp_path):
    """Latin-1 bytes that are neither UTF-8 nor GB18030: the error names the file and line."""
    data = "建国门街道2011年政府信息公开工作年度报告\n第二行\n".encode("utf-8") + b"caf\xe9 \xff\xfe\xfd\n"
    with pytest.raises(ReportError) as exc:
        parse_bytes(tmp_path, data)
    assert str(exc.value) == "reports/report.txt:3: the text is neither UTF-8 nor GB18030/GBK; save it as UTF-8"


@pytest.mark.parametrize(
    "codec, data_of, shown",
    [
        ("utf-8", lambda t: t.encode("utf-8"), "utf-8"),
        ("bom", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "utf-8-sig"),
        ("gbk", lambda t: t.encode("gbk"), "gb18030"),
        ("utf-16", lambda t: t.encode("utf-16"), "utf-16"),
    ],
)
def test_parse_command_prints_the_encoding(tmp_path, capsys, codec, data_of, shown):
    path = tmp_path / f"donghuashi-{codec}.txt"
    path.write_bytes(data_of(gbk_safe("donghuashi-2019.txt")))
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"encoding {shown} " in out
    assert "agency 东花市街道" in out
