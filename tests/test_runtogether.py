"""Cells run together with no separator: the template's identities split them, or nothing is published.

The reports here are written for the test (small variants of the template text, with numbers of
our own); the five real corpus reports are in test_corpus.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from site_builder.model import APPLICANTS
from site_builder.parser import parse_document
from site_builder.parser.runtogether import enumerate_splits, split_run
from site_builder.parser.text import tokenize
from site_builder.readers import Document
from site_builder.readers.text import split_lines

TODAY = dt.date(2026, 1, 1)


def D(*values) -> tuple[Decimal, ...]:
    return tuple(Decimal(str(v)) for v in values)


# --- split_run on its own ---------------------------------------------------------------------


def test_a_row_with_one_split_that_adds_up_is_recovered():
    s = split_run("640020470", 7, "t3")
    assert s.values == D(64, 0, 0, 2, 0, 4, 70)
    assert s.recovered and s.code == ""


@pytest.mark.parametrize(
    "digits, values",
    [
        ("0000000", (0, 0, 0, 0, 0, 0, 0)),
        ("7000007", (7, 0, 0, 0, 0, 0, 7)),
        ("630020469", (63, 0, 0, 2, 0, 4, 69)),
        ("120030015", (12, 0, 0, 3, 0, 0, 15)),  # invented: 12 + 3 = 15
        ("150000015", (15, 0, 0, 0, 0, 0, 15)),
        # a space the text did print is a boundary no cell crosses
        ("230 000023", (23, 0, 0, 0, 0, 0, 23)),
        ("23 0 00 0 023", (23, 0, 0, 0, 0, 0, 23)),
        ("500000 5", (5, 0, 0, 0, 0, 0, 5)),
    ],
)
def test_unique_row_splits(digits, values):
    assert split_run(digits, 7, "t3").values == D(*values)


def test_several_splits_publish_nothing_and_name_the_candidates():
    s = split_run("270020130", 7, "t3")
    assert s.values is None and not s.recovered
    assert s.code == "ambiguous_split"
    assert set(s.candidates) == {D(2, 7, 0, 0, 20, 1, 30), D(27, 0, 0, 2, 0, 1, 30)}
    assert '"270020130"' in s.message
    assert "2,7,0,0,20,1,30" in s.message and "27,0,0,2,0,1,30" in s.message
    assert "none published" in s.message


def test_no_split_that_adds_up_publishes_nothing():
    s = split_run("1111113", 7, "t3")
    assert s.values is None and s.code == "unsplittable" and s.candidates == ()
    assert "none published" in s.message


def test_no_cell_has_a_leading_zero():
    # "0023" cannot be 0,023; the only cells are 0,0,23 or 0,0,2,3
    assert all(not (str(v) != "0" and str(v).startswith("0")) for c in enumerate_splits("10023", 3, "x") for v in c)
    assert enumerate_splits("0023", 3, "x") == [D(0, 0, 23)]


def test_table_four_splits_three_groups_of_five():
    s = split_run("10203120001200000", 15, "t4")
    assert s.values == D(1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)
    # invented: review 2,1,0,0,3; direct 0,0,0,1,1; after review all 0
    assert split_run("21003000110000" + "0", 15, "t4").values == D(2, 1, 0, 0, 3, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0)


def test_table_two_without_identities_splits_only_when_one_cut_exists():
    assert split_run("000", 3, "t2").values == D(0, 0, 0)
    s = split_run("693665", 3, "t2")
    assert s.values is None and s.code == "ambiguous_split"


# --- the tokenizer: a row label's own numbering is not part of the figures --------------------


def test_row_numbering_glued_to_the_figures_before_it():
    line = "（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”1000001"
    toks = [(t.kind, t.text) for t in tokenize([line], 0, 1)]
    assert toks == [
        ("TEXT", "(三)不予公开1.属于国家秘密"),
        ("RUN", "0000000"),
        ("TEXT", "2.其他法律行政法规禁止公开"),
        ("RUN", "0000000"),
        ("TEXT", "3.危及“三安全一稳定”"),
        ("RUN", "1000001"),
    ]


def test_numbering_follows_the_sequence_even_past_nine():
    line = "9.甲0000000 10.乙400000411.丙000000012.丁"
    toks = [(t.kind, t.text) for t in tokenize([line], 0, 1)]
    assert toks == [("TEXT", "9.甲"), ("RUN", "0000000"), ("TEXT", "10.乙"), ("RUN", "4000004"), ("TEXT", "11.丙"),
                    ("RUN", "0000000"), ("TEXT", "12.丁")]


def test_page_footer_in_a_table_is_not_a_number():
    lines = ["| 6.属于四类过程性信息 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |", "— 4 —", "| — 5 — |", "第 6 页"]
    toks = tokenize(lines, 0, len(lines))
    assert [t.text for t in toks if t.kind != "TEXT"] == ["1", "0", "0", "0", "0", "0", "1"]


# --- whole reports ----------------------------------------------------------------------------

T3_2021_ROWS = [
    ("一、本年新收政府信息公开申请数量", "{new}"),
    ("二、上年结转政府信息公开申请数量", "0000000"),
    ("三、本年度办理结果（一）予以公开", "{disclosed}"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "0000000"),
    ("（三）不予公开1.属于国家秘密", "0000000"),
    ("2.其他法律行政法规禁止公开", "0000000"),
    ("3.危及“三安全一稳定”", "0000000"),
    ("4.保护第三方合法权益", "0000000"),
    ("5.属于三类内部事务信息", "0000000"),
    ("6.属于四类过程性信息", "0000000"),
    ("7.属于行政执法案卷", "0000000"),
    ("8.属于行政查询事项", "0000000"),
    ("（四）无法提供1.本机关不掌握相关政府信息", "{not_held}"),
    ("2.没有现成信息需要另行制作", "0000000"),
    ("3.补正后申请内容仍不明确", "0000000"),
    ("（五）不予处理1.信访举报投诉类申请", "0000000"),
    ("2.重复申请", "0000000"),
    ("3.要求提供公开出版物", "0000000"),
    ("4.无正当理由大量反复申请", "0000000"),
    ("5.要求行政机关确认或重新出具已获取信息", "0000000"),
    ("（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "0000000"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "0000000"),
    ("3.其他", "0000000"),
    ("（七）总计", "{total}"),
    ("四、结转下年度继续办理", "{forward}"),
]


def flat_report(agency="某某县人民政府", year=2022, t2="", t4="000000000000000", **cells) -> Document:
    """A 2021-template report scraped from a web page: header lines, then the body on one line."""
    t3 = "".join(label + value.format(**cells) for label, value in T3_2021_ROWS)
    body = (
        f"{agency}{year}年政府信息公开工作年度报告 一、总体情况{year}年，本县主动公开政府信息120条。"
        "二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章 000"
        f"{t2}"
        "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
        "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
        f"{t3}"
        " 四、政府信息公开行政复议、行政诉讼情况 行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
        f"{t4}"
        "五、存在的主要问题及改进情况 无。六、其他需要报告的事项 无。"
    )
    text = f"标题: {agency}{year}年政府信息公开工作年度报告\n发布时间: {year + 1}-01-20 10:00\n原文链接: https://example.gov.cn/{year}.htm\n==== 正文 ====\n{body}\n"
    return Document(path="reports/flat.txt", lines=split_lines(text), encoding="utf-8")


def row(report, metric):
    return tuple(report.figure(metric, a).value if report.figure(metric, a) else None for a in APPLICANTS)


def test_flat_report_rows_split_and_marked_recovered():
    # 18 natural persons, 2 companies, total 20; outcomes 15 disclosed + 4 not held; 1 carried forward
    doc = flat_report(new="182000020", disclosed="132000015", not_held="4000004", total="172000019", forward="1000001")
    r = parse_document(doc, today=TODAY)
    assert (r.agency, r.year, r.era) == ("某某县人民政府", 2022, "2021")
    assert row(r, "requests.new") == D(18, 2, 0, 0, 0, 0, 20)
    assert row(r, "outcome.disclosed") == D(13, 2, 0, 0, 0, 0, 15)
    assert row(r, "outcome.unable.not_held") == D(4, 0, 0, 0, 0, 0, 4)
    assert row(r, "outcome.total") == D(17, 2, 0, 0, 0, 0, 19)
    assert row(r, "requests.carried_forward") == D(1, 0, 0, 0, 0, 0, 1)
    assert all(f.recovered for f in r.figures if f.origin == "table")
    # the body is one line: every figure cites it, the file's own line 5
    assert {f.line for f in r.figures if f.origin == "table"} == {5}
    assert r.figure("proactive.total").value == 120
    assert r.quality == []
    assert not [w for w in r.warnings if w.code in ("ambiguous_split", "unsplittable")]


def test_ambiguous_row_settled_by_the_column_sums():
    # "1101000021" alone is 1,10,10,0,0,0,21 or 11,0,10,0,0,0,21; per column, 新收 + 结转 =
    # 总计 + 结转下年度 says which (the other rows kept their spaces).
    assert split_run("1101000021", 7, "t3").values is None
    doc = flat_report(new="1101000021", disclosed=" 11 0 10 0 0 0 21 ", not_held="0000000", total=" 11 0 10 0 0 0 21 ",
                      forward="0000000")
    r = parse_document(doc, today=TODAY)
    assert row(r, "requests.new") == D(11, 0, 10, 0, 0, 0, 21)
    assert row(r, "outcome.disclosed") == D(11, 0, 10, 0, 0, 0, 21)
    assert r.figure("requests.new", "research").recovered
    assert "column sums" in r.figure("requests.new", "research").note
    assert r.quality == []


def test_ambiguous_row_the_columns_cannot_settle_publishes_nothing_and_says_why():
    # Every row that could check it is the same ambiguous string: both readings balance.
    doc = flat_report(new="1101000021", disclosed="1101000021", not_held="0000000", total="1101000021",
                      forward="0000000").lines
    # drop the totals row's cells so no column rule can be evaluated
    doc = [l.replace("（七）总计1101000021", "（七）总计") for l in doc]
    r = parse_document(Document("reports/flat.txt", doc, "utf-8"), today=TODAY)
    assert r.figure("requests.new") is None and r.figure("outcome.disclosed") is None
    warns = [w for w in r.warnings if w.code == "ambiguous_split" and "cells run together" in w.message]
    assert {w.metrics for w in warns} == {("requests.new",), ("outcome.disclosed",)}
    # With 总计 unreadable no column rule can confirm any row split from cells run together:
    # even "0000000" is then not published (it could be a neighbour's; issue 15)
    assert not [f for f in r.figures if f.metric.startswith(("requests.", "outcome."))]
    unconfirmed = {w.metrics[0]: w.message for w in r.warnings if "no column rule confirms" in w.message}
    assert "outcome.unable.not_held" in unconfirmed and "requests.carried_forward" in unconfirmed
    assert "outcome.total unreadable" in unconfirmed["outcome.unable.not_held"]
    msg = next(w.message for w in warns if w.metrics == ("requests.new",))
    assert msg.startswith('table 三 row requests.new: cells run together in "1101000021"')
    assert "1,10,10,0,0,0,21" in msg and "11,0,10,0,0,0,21" in msg and "none published" in msg
    assert all(w.line == 5 for w in warns)


def test_label_numbering_touching_the_figures_in_a_report():
    # "3.要求提供…" glued after the duplicate row's "5000005": the 3 numbers the next row
    cells = dict(new="5000005", disclosed="0000000", not_held="0000000", total="5000005", forward="0000000")
    doc = flat_report(**cells)
    lines = [l.replace("2.重复申请00000003.要求", "2.重复申请50000053.要求") for l in doc.lines]
    r = parse_document(Document("reports/flat.txt", lines, "utf-8"), today=TODAY)
    assert row(r, "outcome.not_processed.duplicate") == D(5, 0, 0, 0, 0, 0, 5)
    assert row(r, "outcome.not_processed.publication") == D(0, 0, 0, 0, 0, 0, 0)
    assert r.quality == []


def test_table_four_run_together_in_a_report():
    cells = dict(new="0000000", disclosed="0000000", not_held="0000000", total="0000000", forward="0000000")
    r = parse_document(flat_report(t4="21003000110000" + "0", **cells), today=TODAY)
    assert tuple(r.figure(m).value for m in ("review.upheld", "review.corrected", "review.total", "litigation.direct.total")) == D(2, 1, 3, 1)
    assert r.figure("review.total").recovered


def test_table_two_glued_single_cells_need_no_split_and_many_cells_are_not_guessed():
    cells = dict(new="0000000", disclosed="0000000", not_held="0000000", total="0000000", forward="0000000")
    t2 = ("行政规范性文件693665第二十条第（五）项信息内容本年处理决定数量行政许可1234 "
          "第二十条第（六）项信息内容 本年处理决定数量行政处罚987行政强制42"
          "第二十条第（八）项信息内容 本年收费金额（单位：万元）行政事业性收费12.5")
    r = parse_document(flat_report(t2=t2, **cells), today=TODAY)
    assert tuple(r.figure(m).value for m in ("licensing.decisions", "penalty.decisions", "coercion.decisions")) == D(1234, 987, 42)
    assert r.figure("fees.amount_wan").value == Decimal("12.5")
    assert tuple(r.figure(m).value for m in ("rules.issued", "rules.repealed", "rules.in_force")) == D(0, 0, 0)
    assert r.figure("normative_docs.issued") is None
    w = next(w for w in r.warnings if "normative_docs" in w.message)
    assert w.code == "ambiguous_split" and '"693665"' in w.message


def test_a_stray_glued_number_in_a_table_does_not_take_a_row():
    """A page mark glued to text ("页码12") between rows is too short to be a row run together:
    it is ignored with a warning, and the rows after it keep their places."""
    seed = (Path(__file__).resolve().parents[1] / "content" / "reports" / "jianguomen-2024.txt").read_text(encoding="utf-8")
    lines = split_lines(seed)
    at = next(i for i, l in enumerate(lines) if "本年新收" in l) + 9
    base = parse_document(Document("reports/x.txt", list(lines), "utf-8"), today=TODAY)
    lines.insert(at, "页码12")
    r = parse_document(Document("reports/x.txt", lines, "utf-8"), today=TODAY)
    assert {(f.metric, f.applicant): f.value for f in r.figures} == {(f.metric, f.applicant): f.value for f in base.figures}
    assert [w.line for w in r.warnings if "no row of seven" in w.message] == [at + 1]
