"""The agency and year from the title, however it is written; the era from the tables, never the year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.exceptions import ReportError
from site_builder.parser import parse_document
from site_builder.parser.era import detect_era
from site_builder.parser.title import find_title
from site_builder.readers import Document
from site_builder.readers.text import split_lines

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "content" / "reports"
TODAY = dt.date(2026, 6, 1)


def seed(name: str) -> str:
    return (REPORTS / name).read_text(encoding="utf-8")


def parse_text(text: str):
    return parse_document(Document(path="reports/t.txt", lines=split_lines(text), encoding="utf-8"), today=TODAY)


BODY = "\n一、总体情况\n本年度主动公开政府信息12条。\n"


@pytest.mark.parametrize(
    "title, agency, year, line",
    [
        ("2025 年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", 2025, 1),
        ("2025年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", 2025, 1),
        ("新碶街道2021年度政府信息公开工作年度报告", "新碶街道", 2021, 1),
        ("2021年度新碶街道政府信息公开工作年度报告", "新碶街道", 2021, 1),
        ("陶然亭街道2018年信息公开年度报告", "陶然亭街道", 2018, 1),
        ("陶然亭街道2018年政府信息公开年度报告", "陶然亭街道", 2018, 1),
        ("陶然亭街道2018年政务公开工作年度报告", "陶然亭街道", 2018, 1),
        ("建国门街道办事处2022年政府信息公开工作年度报告", "建国门街道", 2022, 1),
        ("建国门街道办事处\n2022年政府信息公开工作年度报告", "建国门街道", 2022, 1),
        ("建国门街道2022年政府信息公开\n工作年度报告", "建国门街道", 2022, 1),
        ("东花市街道\n\n2019 年政府信息公开工作年度报告", "东花市街道", 2019, 1),
        ("\n\n东花市街道\n\n2019 年政府信息公开工作年度报告", "东花市街道", 2019, 3),
        ("东 花 市 街 道 2019 年 政 府 信 息 公 开 工 作 年 度 报 告", "东花市街道", 2019, 1),
        ("东花市街道２０１９年政府信息公开工作年度报告", "东花市街道", 2019, 1),
        ("某某镇2020年政府信息公开工作年度报告", "某某镇", 2020, 1),
        ("某某镇人民政府2020年政府信息公开工作年度报告", "某某镇人民政府", 2020, 1),
        # the year after the title, in brackets, on the title's line or the next
        ("建国门街道政府信息公开工作年度报告（2019年度）", "建国门街道", 2019, 1),
        ("建国门街道政府信息公开工作年度报告\n（2019年）", "建国门街道", 2019, 1),
        # a year in Chinese numerals
        ("建国门街道二〇一九年政府信息公开工作年度报告", "建国门街道", 2019, 1),
        ("建国门街道二零二一年度政府信息公开工作年度报告", "建国门街道", 2021, 1),
        # an attachment label above the title is not part of the agency's name
        ("附件\n建国门街道2019年政府信息公开工作年度报告", "建国门街道", 2019, 2),
        ("附件2：\n建国门街道2019年政府信息公开工作年度报告", "建国门街道", 2019, 2),
        # extraction and markup around the title (a Word bookmark, Markdown, quotation marks)
        ("[bookmark: _GoBack]建国门街道2019年政府信息公开工作年度报告", "建国门街道", 2019, 1),
        ("# 建国门街道2019年政府信息公开工作年度报告", "建国门街道", 2019, 1),
        ("**建国门街道2019年政府信息公开工作年度报告**", "建国门街道", 2019, 1),
        ("“建国门街道2019年政府信息公开工作年度报告”", "建国门街道", 2019, 1),
        ("建国门街道：2019年政府信息公开工作年度报告", "建国门街道", 2019, 1),
        ("北京市东城区人民政府（区政府办公室）2019年政府信息公开工作年度报告", "北京市东城区人民政府(区政府办公室)", 2019, 1),
    ],
)
def test_title_forms(title, agency, year, line):
    t = find_title(split_lines(title + BODY), "reports/t.txt")
    assert (t.agency, t.year, t.line) == (agency, year, line)


def test_title_after_a_blank_preamble_names_its_own_line():
    text = seed("xinqi-2013.txt")
    t = find_title(split_lines(text), "reports/xinqi-2013.txt")
    assert (t.agency, t.year, t.line) == ("新碶街道", 2013, 2)


def test_year_in_body_is_not_the_title_year():
    """The year reported on is the title's, not a date printed above or below it."""
    text = "建国门街道2011年政府信息公开工作年度报告\n2012年1月15日\n" + BODY
    t = find_title(split_lines(text), "reports/t.txt")
    assert (t.agency, t.year) == ("建国门街道", 2011)


# --- era -----------------------------------------------------------------------------------------


def retitle(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1
    return text.replace(old, new)


def test_2020_report_in_the_2021_form_is_2021():
    text = retitle(seed("jianguomen-2024.txt"), "建国门街道办事处2024年", "建国门街道办事处2020年")
    r = parse_text(text)
    assert (r.year, r.era, r.has_stat_table) == (2020, "2021", False)
    assert r.figure("outcome.other.other", "natural_person").value == 5  # the 2021 rows are read
    assert r.figure("rules.issued") is not None and r.figure("rules.made_2019") is None


def test_2021_report_in_the_2019_form_is_2019():
    text = retitle(seed("donghuashi-2019.txt"), "2019 年政府信息公开工作年度报告", "2021 年政府信息公开工作年度报告")
    r = parse_text(text)
    assert (r.year, r.era) == (2021, "2019")
    assert r.figure("outcome.other", "total").origin == "table"  # (六) is one printed row
    assert r.figure("outcome.other.other") is None
    assert r.figure("procurement.amount_wan") is not None


def test_2019_report_with_2019_headers_is_2019():
    r = parse_text(seed("donghuashi-2019.txt"))
    assert (r.year, r.era, r.has_stat_table) == (2019, "2019", False)


def test_2019_headers_with_2021_other_rows_is_2021():
    """The markers of the revised template win: a report that has (六)'s three rows is 2021."""
    lines = split_lines(seed("donghuashi-2019.txt"))
    assert detect_era(lines) == ("2019", False)
    lines.append("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")
    assert detect_era(lines) == ("2021", False)


@pytest.mark.parametrize("name", ["jianguomen-2011.txt", "xinqi-2013.txt"])
def test_prose_only_is_pre2019(name):
    r = parse_text(seed(name))
    assert (r.era, r.has_stat_table) == ("pre2019", False)


def test_prose_with_stat_table():
    r = parse_text(seed("taoranting-2017.txt"))
    assert (r.era, r.has_stat_table) == ("pre2019", True)
    text = seed("taoranting-2017.txt")
    prose_only = text[: text.index("附件1")]
    r = parse_text(prose_only)
    assert (r.era, r.has_stat_table) == ("pre2019", False)
    assert r.figure("proactive.total").line == 22  # from the prose now


def test_era_ignores_the_year_of_a_prose_report():
    """A late report in free prose (no template tables) is not forced into a template by its year."""
    text = retitle(seed("xinqi-2013.txt"), "新碶街道2013年度", "新碶街道2020年度")
    r = parse_text(text)
    assert (r.year, r.era) == (2020, "pre2019")
    assert r.figure("proactive.total").value == 589


def test_template_without_table_three_is_an_error():
    """The 2021 template's headers without its table 三: named, with the file."""
    text = seed("jianguomen-2024.txt")
    start = text.index("三、收到和处理政府信息公开申请情况")
    end = text.index("四、政府信息公开行政复议")
    with pytest.raises(ReportError) as exc:
        parse_text(text[:start] + text[end:])
    assert str(exc.value) == "reports/t.txt: the 2021 template's table 三 (收到和处理政府信息公开申请情况) was not found"


@pytest.mark.parametrize(
    "title, agency, year",
    [
        # issue 15: a name that holds digits keeps them, and what precedes them
        ("北京市12345市民服务热线2022年政府信息公开工作年度报告", "北京市12345市民服务热线", 2022),
        ("标题: 北京市12345市民服务热线2022年政府信息公开工作年度报告", "北京市12345市民服务热线", 2022),
        ("2023年度上海市第一人民医院政府信息公开工作年度报告", "上海市第一人民医院", 2023),
        ("上海市第一人民医院2023年度政府信息公开工作年度报告", "上海市第一人民医院", 2023),
        # a date before the title is no part of the name
        ("2023年3月1日 某某区人民政府2022年政府信息公开工作年度报告", "某某区人民政府", 2022),
    ],
)
def test_names_with_digits_and_year_first_titles(title, agency, year):
    r = parse_text(title + BODY)
    assert (r.agency, r.year) == (agency, year)
