"""Issue 15: never publish a wrong figure. The exact text shapes that published one, and the
refusals (the warning names the rows and the candidates).

1. a row's own numbering glued to its figures, set apart from the label by a space
   ("1.本机关不掌握相关政府信息 2900000292.没有现成信息…"): the row keeps its figures, and a row
   split from cells run together is published only when the column rules confirm it;
2. in the 2019/2021 templates a prose figure never stands in for a table row;
3. a total followed by 其中 items is the total.
Also the section numbers glued to a row's figures ("…数量 582000060二、上年结转…").
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_runtogether import D, flat_report, row  # noqa: E402

from site_builder.parser import parse_document# noqa: E402
from site_builder.parser.text import tokenize# noqa: E402
from site_builder.readers import Document# noqa: E402

TODAY = dt.date(2026, 1, 1)


def parse_lines(lines):
    return parse_document(Document("reports/flat.txt", list(lines), "utf-8"), today=TODAY)


def edited(doc, *pairs):
    lines = list(doc.lines if isinstance(doc, Document) else doc)
    for old, new in pairs:
        assert any(old in l for l in lines), old
        lines = [l.replace(old, new) for l in lines]
    return lines


# 58 natural persons and 2 companies new, 1 carried over; 30+2 disclosed, 29 not held; 0 carried forward
ISSUE = dict(new="582000060", disclosed="302000032", not_held="2900000029", total="592000061", forward="0000000")


def issue_report():
    """The issue's shapes: numbers set apart from their labels by a space, the next row's number
    or section number glued after them."""
    return edited(
        flat_report(**ISSUE),
        ("一、本年新收政府信息公开申请数量582000060二、", "一、本年新收政府信息公开申请数量 582000060二、"),
        ("二、上年结转政府信息公开申请数量0000000三、", "二、上年结转政府信息公开申请数量 1000001三、"),
        ("1.本机关不掌握相关政府信息2900000029", "1.本机关不掌握相关政府信息 290000029"),
        ("（七）总计592000061四、结转下年度继续办理0000000", "（七）总计 592000061四、结转下年度继续办理 0000000"),
    )


def test_the_issue_shapes_are_read_exactly():
    lines = issue_report()
    body = lines[4]
    assert "1.本机关不掌握相关政府信息 2900000292.没有现成信息需要另行制作0000000" in body
    assert "数量 582000060二、上年结转政府信息公开申请数量 1000001三、" in body
    r = parse_lines(lines)
    assert row(r, "requests.new") == D(58, 2, 0, 0, 0, 0, 60)
    assert row(r, "requests.carried_over") == D(1, 0, 0, 0, 0, 0, 1)
    assert row(r, "outcome.disclosed") == D(30, 2, 0, 0, 0, 0, 32)
    assert row(r, "outcome.unable.not_held") == D(29, 0, 0, 0, 0, 0, 29)
    assert row(r, "outcome.unable.needs_creation") == D(0, 0, 0, 0, 0, 0, 0)
    assert row(r, "outcome.total") == D(59, 2, 0, 0, 0, 0, 61)
    assert row(r, "requests.carried_forward") == D(0, 0, 0, 0, 0, 0, 0)
    assert r.quality == []
    assert not [w for w in r.warnings if "table 三" in w.message]


def test_a_row_number_set_apart_by_a_space_is_cut_from_the_figures_before_it():
    line = "（四）无法提供1.本机关不掌握相关政府信息 2900000292.没有现成信息需要另行制作 0000000"
    toks = [(t.kind, t.text) for t in tokenize([line], 0, 1)]
    assert toks == [("TEXT", "(四)无法提供1.本机关不掌握相关政府信息"), ("RUN", "290000029"),
                    ("TEXT", "2.没有现成信息需要另行制作"), ("RUN", "0000000")]


def test_a_row_never_takes_its_neighbours_figures_when_no_rule_can_confirm_it():
    """The neighbour row unreadable: 总计 = the sum of the outcome rows cannot be checked, so the
    rows split from run-together cells that it would confirm are not published, and say why."""
    lines = edited(issue_report(), ("2.没有现成信息需要另行制作0000000", "2.没有现成信息需要另行制作00x0000"))
    r = parse_lines(lines)
    assert r.figure("outcome.unable.not_held") is None
    assert r.figure("outcome.unable.needs_creation") is None
    assert r.figure("outcome.disclosed") is None and r.figure("outcome.total") is None
    # the rows the balance alone touches are confirmed by it
    assert row(r, "requests.new") == D(58, 2, 0, 0, 0, 0, 60)
    msg = next(w.message for w in r.warnings if w.metrics == ("outcome.unable.not_held",))
    assert msg == ('table 三 row outcome.unable.not_held: split from "290000029" by the row total gives '
                   "29,0,0,0,0,0,29, but t3.outcome_total (办理结果总计 = 各项办理结果之和) cannot be checked: "
                   "outcome.unable.needs_creation unreadable in column natural_person: a split no column rule "
                   "confirms is not published")


def test_a_rule_that_fails_rejects_a_cut_the_row_total_chose():
    # 新收 "1101000021" is 1,10,10,0,0,0,21 or 11,0,10,0,0,0,21 by its own total; the outcome rows
    # printed with spaces read 12,0,9,… so neither balances: nothing is published for it
    doc = flat_report(new="1101000021", disclosed=" 12 0 9 0 0 0 21 ", not_held="0000000",
                      total=" 12 0 9 0 0 0 21 ", forward="0000000")
    r = parse_document(doc, today=TODAY)
    assert r.figure("requests.new") is None
    w = next(w for w in r.warnings if w.metrics == ("requests.new",))
    assert w.code == "ambiguous_split" and "1,10,10,0,0,0,21" in w.message and "11,0,10,0,0,0,21" in w.message


def test_prose_never_stands_in_for_a_table_row_it_does_not_read():
    # 本年新收 unreadable (one digit too many to add up); the prose counts new + carried over
    lines = edited(issue_report(),
                   ("数量 582000060二、", "数量 5820000600二、"),
                   ("本县主动公开政府信息120条。", "本县主动公开政府信息120条。全区收到政府信息公开申请61件。"))
    r = parse_lines(lines)
    assert r.figure("requests.new") is None
    w = next(w for w in r.warnings if w.message.startswith("requests.new: the prose states"))
    assert w.line == 5 and w.metrics == ("requests.new",)
    assert w.message == ('requests.new: the prose states 61 ("…动公开政府信息120条。全区收到政府信息公开申请61件。"), but table 三\'s '
                         'row was not read ("一、本年新收政府信息公开申请数量5820000600"); in the 2019/2021 '
                         "templates the table is authoritative, so the prose figure is not used and the figure is missing")
    assert any("5820000600" in x.message and x.metrics == ("requests.new",) for x in r.warnings)


def test_prose_still_gives_what_no_table_prints():
    r = parse_lines(issue_report())
    assert r.figure("proactive.total").value == 120
    assert r.figure("proactive.total").origin == "prose"


def test_table_four_run_together_without_glue_is_split_not_read_as_one_number():
    doc = flat_report(t4=" 230053200500000 ", **{k: v for k, v in ISSUE.items()})
    r = parse_document(doc, today=TODAY)
    assert [r.figure(m).value for m in ("review.upheld", "review.corrected", "review.other", "review.pending",
                                        "review.total", "litigation.direct.total")] == list(D(2, 3, 0, 0, 5, 5))
    assert r.figure("review.upheld").recovered


def test_table_two_row_short_of_cells_is_never_guessed():
    """A table 二 row with fewer numbers than cells: cells run together, or cells left empty? Only
    digits that no fewer cells can hold ("007") are split; "307" (3,0,7 or one printed cell) and
    "3070" are refused with the readings, never read as the row's first cells."""
    cells = {k: v for k, v in ISSUE.items()}
    metrics = ("normative_docs.issued", "normative_docs.repealed", "normative_docs.in_force")

    def t2_row(numbers):
        t2 = f"行政规范性文件 {numbers}第二十条第（五）项信息内容本年处理决定数量行政许可1234"
        return parse_document(flat_report(t2=t2, **cells), today=TODAY)

    r = t2_row("007")
    assert [r.figure(m).value for m in metrics] == list(D(0, 0, 7))
    assert r.figure("normative_docs.in_force").recovered
    r = t2_row("307")
    assert [r.figure(m) for m in metrics] == [None, None, None]
    w = next(w for w in r.warnings if "normative_docs" in w.message)
    assert w.code == "ambiguous_split" and w.metrics == metrics
    assert w.message == ('table 二 row normative_docs.issued/normative_docs.repealed/normative_docs.in_force: cells run '
                         'together in "307" cut into 3 numbers only as 3,0,7, but the row may print fewer cells (the '
                         "others left empty: 307); none published")
    r = t2_row("3070")
    assert r.figure("normative_docs.issued") is None
    w = next(w for w in r.warnings if "normative_docs" in w.message)
    assert w.code == "ambiguous_split" and '"3070"' in w.message
    assert r.figure("licensing.decisions").value == Decimal(1234)


# --- 3. a breakdown's item is never the total --------------------------------------------------

PRE2019 = "某某县人民政府2014年政府信息公开工作年度报告\n一、概述\n{}\n"


def parse_text(text: str):
    from site_builder.readers.text import split_lines

    return parse_document(Document("reports/prose.txt", split_lines(text), "utf-8"), today=TODAY)


def test_the_total_before_its_items_is_the_total_and_approximate_where_it_says_so():
    r = parse_text(PRE2019.format("全年有约3800人次到现场或通过电话咨询政府信息公开事项，其中现场咨询1200人次。"))
    f = r.figure("consultations.total")
    assert (f.value, f.approximate) == (Decimal(3800), True)
    r = parse_text(PRE2019.format("全年受理咨询3800人次，其中现场咨询1200人次、电话咨询2600人次。"))
    f = r.figure("consultations.total")
    assert (f.value, f.approximate) == (Decimal(3800), False)


def test_items_without_their_total_give_no_total():
    for sentence in ("全年共接待群众咨询，其中现场咨询1200人次。", "现场和电话咨询分别为1200人次和800人次。",
                     "接待群众来访，包括咨询1200人次。", "现场咨询1200人次，电话咨询2600人次。"):
        r = parse_text(PRE2019.format("本年度主动公开政府信息12条。" + sentence))
        assert r.figure("consultations.total") is None, sentence


def test_table_two_row_with_too_few_numbers_is_not_read_by_position():
    # the 2019 form's 规章 row has three cells; one number printed: which cell it is cannot be told
    cells = {k: v for k, v in ISSUE.items()}
    r = parse_document(flat_report(t2="行政规范性文件 5 第二十条第（五）项信息内容本年处理决定数量行政许可1234", **cells),
                       today=TODAY)
    assert r.figure("normative_docs.issued") is None and r.figure("normative_docs.in_force") is None
    w = next(w for w in r.warnings if w.code == "missing_cell" and "normative_docs.issued" in w.metrics)
    assert w.metrics == ("normative_docs.issued", "normative_docs.repealed", "normative_docs.in_force")
    assert "has 1 number(s), the template has 3; which cells they are cannot be told" in w.message


def test_table_four_with_a_cell_dropped_is_not_read_by_position():
    # 14 numbers: a cell of 未经复议直接起诉 lost; read by position every later cell would shift
    cells = {k: v for k, v in ISSUE.items()}
    r = parse_document(flat_report(t4=" 1 0 2 0 3 12 0 0 12 0 0 0 0 0 ", **cells), today=TODAY)
    assert not [f for f in r.figures if f.metric.startswith(("review.", "litigation."))]
    w = next(w for w in r.warnings if w.message.startswith("table 四"))
    assert w.code == "missing_cell" and len(w.metrics) == 15
    assert w.message == "table 四 has 14 of its 15 numbers; which are missing cannot be told, so the table is left out"
