"""Issue 15: a 统计表 whose year and cumulative cells run together ("受理依申请公开信息总数 1515
其中：1.当面申请数 1212 …"), solved jointly: each row alone has two splits, but the channels add up
to the requests, and the kinds of answer to the answers, in both columns. Only a unique solution
is published; otherwise the rows are refused with their candidates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from site_builder.parser import parse_document
from site_builder.readers import Document
from site_builder.readers.text import split_lines

TODAY = dt.date(2026, 1, 1)

HEAD = ("标题: 某某县人民政府2012年政府信息公开工作年度报告\n发布时间: 2013-01-10\n==== 正文 ====\n"
        "一、概述 本县政府信息公开工作有序开展。二、主动公开情况 全年公开信息一批。"
        "附件：某某县政府信息公开情况统计表 指标名称 计量单位 2012年度 历年累计 ")


def parse(table: str):
    return parse_document(Document("reports/stat.txt", split_lines(HEAD + table + "\n"), "utf-8"), today=TODAY)


REQUESTS = ("受理依申请公开信息总数 条 {total} 其中：1.当面申请数 条 {face} 2.传真申请数 条 00 3.电子邮件申请数 条 33 "
            "4.网上申请数 条 00 5.信函申请数 条 00 ")
ANSWERS = ("对申请的答复总数 条 1515 其中：1.同意公开答复数 条 1111 2.同意部分公开答复数 条 22 3.否决公开答复数 条 22 "
           "行政复议数 件 00 行政诉讼数 件 00")


def test_rows_that_add_up_in_both_columns_only_one_way_are_published():
    r = parse(REQUESTS.format(total="1515", face="1212") + ANSWERS)
    got = {f.metric: f.value for f in r.figures}
    # 1515 alone is 1|515 or 15|15, 1212 is 1|212 or 12|12, 1111 is 1|111 or 11|11: only 15|15 = 12 + 0 + 3 + 0 + 0
    # (and 15|15 = 11 + 2 + 2) adds up in both columns
    assert got == {"requests.new": 15, "outcome.disclosed": 11, "outcome.partial": 2, "outcome.withheld": 2,
                   "review.total": 0, "litigation.total": 0}
    f = r.figure("requests.new")
    assert f.recovered and "add up in both columns only so" in f.note and '"1515"' in f.note
    assert not [w for w in r.warnings if w.code == "ambiguous_split"]


def test_rows_that_add_up_two_ways_are_refused_with_their_candidates():
    # the channels: 1515 = 1515 + 0 + 0 + 0 + 0 fits as 1|515 and as 15|15 (电子邮件 now 00)
    table = REQUESTS.format(total="1515", face="1515").replace("电子邮件申请数 条 33", "电子邮件申请数 条 00") + ANSWERS
    r = parse(table)
    assert r.figure("requests.new") is None
    w = next(w for w in r.warnings if w.metrics == ("requests.new",))
    assert w.code == "ambiguous_split"
    assert w.message == ('统计表 row 受理依申请公开信息总数: cells run together in "1515" (the year\'s cell is never above '
                         "the cumulative one); 2 splits fit: 1,515 | 15,15; 2 choices of the splits of 受理依申请公开信息总数 "
                         "and its 其中 rows add up in both columns; none published")
    # the answers' breakdown still settles its own rows
    assert r.figure("outcome.disclosed").value == Decimal(11)


def test_a_table_that_prints_its_two_cells_apart_is_not_read_as_run_together():
    table = ("受理依申请公开信息总数 条 15 15 其中：1.当面申请数 条 12 12 2.传真申请数 条 0 0 3.电子邮件申请数 条 3 3 "
             "4.网上申请数 条 0 0 5.信函申请数 条 0 0 行政复议数 件 1")
    r = parse(table)
    assert {f.metric: f.value for f in r.figures} == {"requests.new": 15}
    assert not any(f.recovered for f in r.figures)
    # 行政复议数's one number: which column it is cannot be told
    assert any("行政复议数" in w.message and w.code == "missing_cell" for w in r.warnings)


def test_a_cumulative_column_left_empty_is_not_read_as_cells_run_together():
    # every row prints one number and none is certainly two cells (no "00"): the 历年累计 column
    # may be empty, so "120" is not split into 1|20
    table = ("主动公开信息数 条 120 受理依申请公开信息总数 条 15 其中：1.当面申请数 条 12 2.传真申请数 条 0 "
             "3.电子邮件申请数 条 3 行政复议数 件 1")
    r = parse(table)
    assert r.figures == [] or all(f.origin != "stat" for f in r.figures)
    assert any("主动公开信息数" in w.message and w.code == "missing_cell" for w in r.warnings)
