"""The consistency rules (勾稽关系): each with a passing and a breaking case built from seed text."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from site_builder.parser import parse_document
from site_builder.readers import Document
from site_builder.readers.text import split_lines

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "content" / "reports"
TODAY = dt.date(2026, 6, 1)
SEEDS = [REPORTS / n for n in ("donghuashi-2019.txt", "jianguomen-2011.txt", "jianguomen-2024.txt", "taoranting-2017.txt", "xinqi-2013.txt")]

D = Decimal


@pytest.fixture(scope="module")
def built(seed_site) -> Path:
    """The seed content built once for the whole session (conftest)."""
    return seed_site


def seed_lines(name: str) -> list[str]:
    return split_lines((REPORTS / name).read_text(encoding="utf-8"))


def set_line(lines: list[str], lineno: int, old: str, new: str) -> list[str]:
    """Replace line `lineno` (1-based), checking it is the line we mean to change."""
    assert lines[lineno - 1] == old, (lineno, lines[lineno - 1])
    out = list(lines)
    out[lineno - 1] = new
    return out


def parse_lines(lines: list[str]):
    return parse_document(Document(path="reports/variant.txt", lines=lines, encoding="utf-8"), today=TODAY)


def broken(report) -> list[tuple]:
    return sorted((c.rule, c.applicant, c.expected, c.printed, c.line) for c in report.quality)


def results(report, rule: str) -> list[tuple]:
    return sorted((c.rule, c.applicant, c.expected, c.printed, c.passed) for c in report.checks if c.rule == rule)


JG2024 = "jianguomen-2024.txt"  # 2021 template, one cell per line
DH2019 = "donghuashi-2019.txt"  # 2019 template, one row per line
TR2017 = "taoranting-2017.txt"  # pre-2019 with 统计表


# --- 2021 template (jianguomen-2024) ------------------------------------------------------------


def test_2021_seed_passes_every_rule():
    r = parse_lines(seed_lines(JG2024))
    assert broken(r) == []
    # 新收 17 + 结转 0 = 总计 17 + 结转下年度 0, per column
    assert results(r, "t3.balance")[-1] == ("t3.balance", "total", D(17), D(17), True)
    # (六) counted once, as its three sub-rows: 0+1+0+0+... natural person 0+0+1+1+9+5 = 16
    assert ("t3.outcome_total", "natural_person", D(16), D(16), True) in results(r, "t3.outcome_total")
    assert ("t3.outcome_total", "total", D(17), D(17), True) in results(r, "t3.outcome_total")
    assert len(results(r, "t3.outcome_total")) == 7
    # every one of the 25 rows of the 2021 table 三 has its 总计 checked
    assert len([c for c in r.checks if c.rule.startswith("t3.row_total:")]) == 25
    assert len([c for c in r.checks if c.rule.startswith("t4.total:")]) == 3


def test_2021_balance_broken():
    # 结转下年度继续办理, 自然人 (L350): 0 -> 1, so 16 + 0 != 16 + 1
    r = parse_lines(set_line(seed_lines(JG2024), 350, "\t0", "\t1"))
    assert broken(r) == [
        ("t3.balance", "natural_person", D(16), D(17), 341),
        ("t3.row_total:requests.carried_forward", "total", D(1), D(0), 356),
    ]


def test_2021_row_total_broken():
    # 本年新收 总计 (L99): 17 -> 18, the six columns still add to 17
    r = parse_lines(set_line(seed_lines(JG2024), 99, "\t17", "\t18"))
    assert broken(r) == [
        ("t3.balance", "total", D(18), D(17), 347),
        ("t3.row_total:requests.new", "total", D(17), D(18), 99),
    ]


def test_2021_outcome_total_broken_in_other_subrow():
    # (六)3.其他, 自然人 (L331): 5 -> 6; the outcomes now add to 17 against a printed 16
    r = parse_lines(set_line(seed_lines(JG2024), 331, "\t5", "\t6"))
    assert broken(r) == [
        ("t3.outcome_total", "natural_person", D(17), D(16), 341),
        ("t3.row_total:outcome.other.other", "total", D(6), D(5), 337),
    ]
    # the derived (六) total follows its sub-rows
    assert r.figure("outcome.other", "natural_person").value == 6


def test_2021_other_counted_once_not_twice():
    """If (六)'s own total were added beside its three sub-rows, a consistent table would break."""
    lines = seed_lines(JG2024)
    lines = set_line(lines, 309, "\t0", "\t2")  # (六)1 逾期不补正, 自然人
    lines = set_line(lines, 315, "\t0", "\t2")  # its 总计
    lines = set_line(lines, 341, "\t16", "\t18")  # (七)总计, 自然人
    lines = set_line(lines, 347, "\t17", "\t19")  # (七)总计, 总计
    lines = set_line(lines, 93, "\t16", "\t18")  # 本年新收, 自然人
    lines = set_line(lines, 99, "\t17", "\t19")  # 本年新收, 总计
    r = parse_lines(lines)
    assert broken(r) == []
    assert r.figure("outcome.other", "natural_person").value == 7


def test_2021_table_four_total_broken():
    # 行政复议 总计 (L406): 1 -> 2 beside 0 + 0 + 0 + 1
    r = parse_lines(set_line(seed_lines(JG2024), 406, "\t1", "\t2"))
    assert broken(r) == [("t4.total:review", "total", D(1), D(2), 406)]


def test_2021_table_four_litigation_total_broken():
    # 复议后起诉 结果维持 (L412): 0 -> 3 beside a 总计 of 0
    r = parse_lines(set_line(seed_lines(JG2024), 412, "\t0", "\t3"))
    assert broken(r) == [("t4.total:litigation.after_review", "total", D(3), D(0), 416)]


# --- 2019 template (donghuashi-2019) -----------------------------------------------------------

TOTAL_2019 = "(七) 总计\t0\t0\t0\t0\t0\t0\t0\t"
OTHER_2019 = "(六) 其他处理\t0\t0\t0\t0\t0\t0\t0\t"
NEW_2019 = "一、本年新收政府信息公开 申请数量\t2\t0\t0\t0\t0\t0\t2"


def test_2019_seed_break_is_found():
    """The seed prints an outcomes 总计 of 0 beside 2 requests answered 本机关不掌握."""
    r = parse_lines(seed_lines(DH2019))
    assert broken(r) == [
        ("t3.balance", "natural_person", D(2), D(0), 77),
        ("t3.balance", "total", D(2), D(0), 77),
        ("t3.outcome_total", "natural_person", D(2), D(0), 77),
        ("t3.outcome_total", "total", D(2), D(0), 77),
    ]
    # the printed figure is kept as printed
    assert r.figure("outcome.total", "total").value == 0
    assert ("t4.total:review", "total", D(1), D(1), True) in results(r, "t4.total:review")


def test_2019_corrected_total_passes():
    r = parse_lines(set_line(seed_lines(DH2019), 77, TOTAL_2019, "(七) 总计\t2\t0\t0\t0\t0\t0\t2\t"))
    assert broken(r) == []
    assert len([c for c in r.checks if c.rule.startswith("t3.row_total:")]) == 23
    assert len(results(r, "t3.balance")) == 7


def test_2019_other_counted_as_its_own_row():
    lines = seed_lines(DH2019)
    lines = set_line(lines, 53, NEW_2019, "一、本年新收政府信息公开 申请数量\t3\t0\t0\t0\t0\t0\t3")
    lines = set_line(lines, 76, OTHER_2019, "(六) 其他处理\t1\t0\t0\t0\t0\t0\t1\t")
    passing = set_line(lines, 77, TOTAL_2019, "(七) 总计\t3\t0\t0\t0\t0\t0\t3\t")
    assert broken(parse_lines(passing)) == []
    failing = set_line(lines, 77, TOTAL_2019, "(七) 总计\t2\t0\t0\t0\t0\t0\t2\t")
    assert broken(parse_lines(failing)) == [
        ("t3.balance", "natural_person", D(3), D(2), 77),
        ("t3.balance", "total", D(3), D(2), 77),
        ("t3.outcome_total", "natural_person", D(3), D(2), 77),
        ("t3.outcome_total", "total", D(3), D(2), 77),
    ]


def test_2019_row_total_broken():
    lines = set_line(seed_lines(DH2019), 77, TOTAL_2019, "(七) 总计\t2\t0\t0\t0\t0\t0\t2\t")
    lines = set_line(lines, 71, "(五) 不予处理\t1. 信访举报投诉类申请\t0\t0\t0\t0\t0\t0\t0",
                     "(五) 不予处理\t1. 信访举报投诉类申请\t0\t1\t0\t0\t0\t0\t0")
    r = parse_lines(lines)
    assert broken(r) == [
        ("t3.outcome_total", "commercial", D(1), D(0), 77),
        ("t3.row_total:outcome.not_processed.petition", "total", D(1), D(0), 71),
    ]


def test_2019_table_four_broken():
    lines = set_line(seed_lines(DH2019), 85, "1\t0\t0\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0",
                     "1\t0\t0\t0\t1\t0\t2\t0\t0\t2\t0\t0\t0\t1\t0")
    r = parse_lines(lines)
    assert [b for b in broken(r) if b[0].startswith("t4")] == [
        ("t4.total:litigation.after_review", "total", D(1), D(0), 85),
    ]
    assert r.figure("litigation.total").value == 2  # 2 direct + 0 after review, as printed


# --- pre-2019 统计表 (taoranting-2017) ---------------------------------------------------------


def test_stat_seed_passes():
    r = parse_lines(seed_lines(TR2017))
    assert sorted((c.rule, c.expected, c.printed, c.line, c.passed) for c in r.checks) == [
        ("stat.closed", D(2), D(2), 217, True),
        ("stat.litigation", D(0), D(0), 305, True),
        ("stat.replies", D(2), D(2), 229, True),
        ("stat.requests", D(3), D(3), 197, True),
        ("stat.review", D(0), D(0), 289, True),
    ]


@pytest.mark.parametrize(
    "lineno, old, new, expected",
    [
        (209, "\t2", "\t3", ("stat.requests", D(4), D(3), 197)),  # 网络申请数
        (221, "\t2", "\t1", ("stat.closed", D(1), D(2), 217)),  # 按时办结数
        (237, "\t0", "\t1", ("stat.replies", D(3), D(2), 229)),  # 同意公开答复数
        (285, "\t0", "\t4", ("stat.replies", D(6), D(2), 229)),  # 告知通过其他途径办理数
        (293, "\t0", "\t1", ("stat.review", D(1), D(0), 289)),  # 维持具体行政行为数
        (313, "\t0", "\t2", ("stat.litigation", D(2), D(0), 305)),  # 行政诉讼 被依法纠错数
    ],
)
def test_stat_rule_broken(lineno, old, new, expected):
    r = parse_lines(set_line(seed_lines(TR2017), lineno, old, new))
    assert [(c.rule, c.expected, c.printed, c.line) for c in r.quality] == [expected]


def test_stat_review_and_litigation_rows_not_confused():
    """行政复议 and 行政诉讼 have rows of the same names (被依法纠错数): each sums its own."""
    lines = set_line(seed_lines(TR2017), 297, "\t0", "\t1")  # 行政复议 被依法纠错数
    lines = set_line(lines, 289, "\t0", "\t1")  # 行政复议数量
    r = parse_lines(lines)
    assert r.quality == []
    assert r.figure("review.total").value == 1


# --- data/quality.csv --------------------------------------------------------------------------


def test_quality_csv_lists_the_2019_break(built):
    with open(built / "data" / "quality.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    seeds = {f"reports/{p.name}" for p in SEEDS}
    # the content folder may hold other reports too: these are the five seeds' rows
    assert rows[0] == ["agency_slug", "year", "rule", "applicant", "expected", "printed", "source"]
    assert [r for r in rows[1:] if r[6].rsplit(":", 1)[0] in seeds] == [
        ["donghuashi", "2019", "t3.balance", "natural_person", "2", "0", "reports/donghuashi-2019.txt:77"],
        ["donghuashi", "2019", "t3.balance", "total", "2", "0", "reports/donghuashi-2019.txt:77"],
        ["donghuashi", "2019", "t3.outcome_total", "natural_person", "2", "0", "reports/donghuashi-2019.txt:77"],
        ["donghuashi", "2019", "t3.outcome_total", "total", "2", "0", "reports/donghuashi-2019.txt:77"],
    ]
