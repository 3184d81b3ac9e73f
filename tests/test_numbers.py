"""Number forms as reports print them: unit tests of numbers.py, then the same forms through the
parser, written into the seed texts."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from site_builder.numbers import format_number, is_approximate, parse_chinese_numeral, parse_number
from site_builder.parser import parse_document
from site_builder.readers import Document
from site_builder.readers.text import split_lines

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "content" / "reports"
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def built(seed_site) -> Path:
    """The seed content built once for the whole session (conftest)."""
    return seed_site


def seed(name: str) -> str:
    return (REPORTS / name).read_text(encoding="utf-8")


def parse_text(text: str, name: str = "reports/variant.txt"):
    return parse_document(Document(path=name, lines=split_lines(text), encoding="utf-8"), today=TODAY)


def value(report, metric: str, applicant: str = "total"):
    f = report.figure(metric, applicant)
    assert f is not None, f"{metric}/{applicant} not read"
    return f.value


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


# --- numbers.py ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("17", "17"),
        ("１７", "17"),  # full-width digits
        ("０", "0"),
        ("1,234", "1234"),
        ("1，234", "1234"),  # full-width comma as thousands separator
        ("12,345,678", "12345678"),
        ("184.8083", "184.8083"),
        ("１８４．８０８３", "184.8083"),
        ("0.50", "0.50"),
        ("-3", "-3"),
        ("－3", "-3"),  # full-width minus
        ("十七", "17"),
        ("两", "2"),
        ("十", "10"),
        ("二十", "20"),
        ("一百零五", "105"),
        ("三万二千", "32000"),
        ("一千零一", "1001"),
        ("零", "0"),
        ("2.3万", "23000"),  # digits scaled by 万 / 亿
        ("2万", "20000"),
        ("1.25万", "12500"),
        ("0.5亿", "50000000"),
    ],
)
def test_parse_number(printed, expected):
    got = parse_number(printed)
    assert got == Decimal(expected)
    assert str(got) == expected  # decimals kept as printed, not rounded or floated


@pytest.mark.parametrize("text", ["", "件", "abc", "1.2.3", "12a", "1,23", "十七件"])
def test_parse_number_rejects_non_numbers(text):
    assert parse_number(text) is None


def test_parse_chinese_numeral_only_numerals():
    assert parse_chinese_numeral("一百零五") == 105
    assert parse_chinese_numeral("两") == 2
    assert parse_chinese_numeral("十七件") is None
    assert parse_chinese_numeral("") is None


@pytest.mark.parametrize(
    "value, printed",
    [("184.8083", "184.8083"), ("17", "17"), ("0", "0"), ("-2", "-2"), ("100.0", "100"), ("1234", "1234")],
)
def test_format_number(value, printed):
    assert format_number(Decimal(value)) == printed


@pytest.mark.parametrize(
    "before, after, approximate",
    [
        ("咨询", "余人次", True),
        ("咨询", "多人次", True),
        ("咨询近", "人次", True),
        ("咨询约", "人次", True),
        ("咨询", "人次", False),
        ("咨询", "人次以上", False),  # 以上 must follow the number directly
        ("咨询", "以上人次", True),
    ],
)
def test_is_approximate(before, after, approximate):
    assert is_approximate(before, after) is approximate


# --- through the parser -------------------------------------------------------------------------

JG2011 = "jianguomen-2011.txt"
REQ_2011 = "街道收到政府信息公开申请0件"


@pytest.mark.parametrize(
    "printed, expected",
    [("17", 17), ("１７", 17), ("十七", 17), ("两", 2), ("一百零五", 105), ("1,234", 1234), ("1，234", 1234)],
)
def test_requests_in_prose_number_forms(printed, expected):
    text = replace_once(seed(JG2011), REQ_2011, f"街道收到政府信息公开申请{printed}件")
    r = parse_text(text)
    f = r.figure("requests.new")
    assert (f.value, f.line, f.approximate) == (Decimal(expected), 66, False)


def test_requests_in_prose_taoranting_without_stat_table():
    """The 2017 report states its requests in prose too; without the 统计表 the prose is read."""
    text = seed("taoranting-2017.txt")
    text = text[: text.index("附件1")]
    assert parse_text(text).figure("requests.new").value == 3
    text = replace_once(text, "收到政府信息公开申请3件", "收到政府信息公开申请十七件")
    r = parse_text(text)
    assert (r.figure("requests.new").value, r.figure("requests.new").line) == (17, 26)
    assert r.has_stat_table is False


@pytest.mark.parametrize(
    "printed, expected, approximate",
    [
        ("咨询23000余人次", 23000, True),
        ("咨询23000多人次", 23000, True),
        ("咨询近23000人次", 23000, True),
        ("咨询约23000人次", 23000, True),
        ("咨询23000人次", 23000, False),
        ("咨询23,000人次", 23000, False),
        ("咨询２３０００余人次", 23000, True),
        ("咨询2.3万人次", 23000, False),
        ("咨询2.3万余人次", 23000, True),
        ("咨询两万余人次", 20000, True),
        ("咨询约2万人次", 20000, True),
    ],
)
def test_consultations_approximate_markers(printed, expected, approximate):
    text = replace_once(seed(JG2011), "咨询23000余人次", printed)
    f = parse_text(text).figure("consultations.total")
    assert (f.value, f.approximate, f.line) == (Decimal(expected), approximate, 66)


def test_proactive_total_full_width_and_thousands():
    text = replace_once(seed(JG2011), "主动公开政府信息303条", "主动公开政府信息１,３０３条")
    assert parse_text(text).figure("proactive.total").value == 1303


DH2019 = "donghuashi-2019.txt"


def test_full_width_digits_in_table_three():
    """A table 三 row typed with full-width digits reads as the same numbers."""
    old = "一、本年新收政府信息公开 申请数量\t2\t0\t0\t0\t0\t0\t2"
    new = "一、本年新收政府信息公开 申请数量\t１２\t０\t３\t０\t０\t０\t１５"
    r = parse_text(replace_once(seed(DH2019), old, new))
    assert [value(r, "requests.new", a) for a in ("natural_person", "commercial", "research", "total")] == [12, 0, 3, 15]


def test_thousands_separator_in_table_three():
    old = "一、本年新收政府信息公开 申请数量\t2\t0\t0\t0\t0\t0\t2"
    new = "一、本年新收政府信息公开 申请数量\t1,234\t0\t0\t0\t0\t0\t1,234"
    r = parse_text(replace_once(seed(DH2019), old, new))
    assert value(r, "requests.new", "natural_person") == 1234
    assert value(r, "requests.new", "total") == 1234
    assert value(r, "requests.carried_over", "total") == 0  # the next row is not shifted


def test_decimal_procurement_amount_kept_exactly():
    r = parse_text(seed(DH2019))
    assert value(r, "procurement.amount_wan") == Decimal("184.8083")
    assert str(value(r, "procurement.amount_wan")) == "184.8083"
    changed = replace_once(seed(DH2019), "政府集中采购\t38\t184.8083", "政府集中采购\t40\t１２.０５００")
    r = parse_text(changed)
    assert (value(r, "procurement.projects"), value(r, "procurement.amount_wan")) == (40, Decimal("12.0500"))


def test_decimal_printed_as_is_in_records_csv(built):
    with open(built / "data" / "records.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    amount = [r for r in rows if r["metric"] == "procurement.amount_wan" and r["agency_slug"] == "donghuashi"]
    assert amount == [
        {"agency": "东花市街道", "agency_slug": "donghuashi", "year": "2019", "metric": "procurement.amount_wan",
         "applicant": "total", "value": "184.8083", "approximate": "false", "source": "reports/donghuashi-2019.txt:46"}
    ]
    consult = [r for r in rows if r["metric"] == "consultations.total" and r["agency_slug"] == "jianguomen" and r["year"] == "2011"]
    assert [(r["value"], r["approximate"], r["source"]) for r in consult] == [("23000", "true", "reports/jianguomen-2011.txt:66")]


def test_negative_change_in_table_two_does_not_shift_cells():
    """本年增/减 may be negative (items dropped); the 处理决定数量 beside it is still the third cell."""
    text = replace_once(seed(DH2019), "行政许可\t0\t0\t0", "行政许可\t12\t-2\t7")
    text = replace_once(text, "行政处罚\t0\t0\t0", "行政处罚\t5\t－3\t4")
    r = parse_text(text)
    assert value(r, "licensing.decisions") == 7
    assert value(r, "penalty.decisions") == 4
    # no figure is negative, so nothing to warn about
    assert not [w for w in r.warnings if "negative" in w.message]


def test_negative_figure_is_kept_and_warned():
    text = replace_once(seed(DH2019), "政府集中采购\t38\t184.8083", "政府集中采购\t-38\t184.8083")
    r = parse_text(text)
    assert value(r, "procurement.projects") == -38
    assert [str(w) for w in r.warnings if "negative" in w.message] == [
        "reports/variant.txt:46: procurement.projects (total) is negative: -38"
    ]
