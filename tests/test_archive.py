"""Real reports from a public archive the parser was never fitted to (tests/data/archive/, sources
in its README): scraped web pages, the body on one line, table cells run together, row numbers
and section numbers glued to the figures.

Every expected figure below was keyed by hand from the report's text; the whole set must match,
so a figure read wrong, or one invented, fails. Figures the text does not settle are expected
missing, with the warning that says why.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from site_builder.parser import parse_document
from site_builder.readers import Document
from site_builder.readers.text import split_lines

from expected_figures import NOT_PROCESSED, WITHHELD, Expected, figures, merge, one, row, t4

DATA = Path(__file__).resolve().parent / "data" / "archive"
TODAY = dt.date(2026, 6, 1)


def only(metric: str, n) -> Expected:
    """A row of table 三 with n in the natural-person column and the total, 0 elsewhere."""
    return row(metric, n, 0, 0, 0, 0, 0, n)


def zeros(*metrics: str) -> Expected:
    out: Expected = {}
    for m in metrics:
        out.update(only(m, 0))
    return out


def parse(name: str, text: str | None = None):
    text = text if text is not None else (DATA / name).read_text(encoding="utf-8")
    return parse_document(Document(f"reports/{name}", split_lines(text), "utf-8"), today=TODAY)


# --- 2022: section numbers glued to the rows' figures, row numbers set apart by a space --------
# "一、本年新收政府信息公开申请数量 713000074二、上年结转…数量 1000001三、…",
# "5.属于三类内部事务信息 10000016.属于四类过程性信息 20000027.属于行政执法案卷 10000018.…",
# "1.本机关不掌握相关政府信息 3700000372.没有现成信息…", "（七）总计 723000075四、结转下年度继续办理 0000000"

PT2022 = merge(
    one("proactive.total", 14571),  # 2022年全区共主动公开政府信息14571条
    one("rules.issued", 0), one("rules.repealed", 0), one("rules.in_force", 0),  # 规章000
    # 行政规范性文件8855698: 88 | 55 | 698 by the prose (制发88件, 现行有效698件), not by the table: none
    one("licensing.decisions", 10690), one("penalty.decisions", 2113), one("coercion.decisions", 0),
    one("fees.amount_wan", "9116.36"),
    row("requests.new", 71, 3, 0, 0, 0, 0, 74),  # the prose's 收到…申请75件 is 74 new + 1 carried over
    only("requests.carried_over", 1),
    only("outcome.disclosed", 21),
    row("outcome.partial", 8, 1, 0, 0, 0, 0, 9),
    zeros(*(f"outcome.withheld.{w}" for w in ("state_secret", "prohibited_by_law", "security_stability",
                                               "third_party", "admin_query"))),
    only("outcome.withheld.internal_affairs", 1), only("outcome.withheld.process_info", 2),
    only("outcome.withheld.enforcement_file", 1),
    only("outcome.withheld", 4),  # the sum of the eight grounds
    only("outcome.unable.not_held", 37),
    zeros("outcome.unable.needs_creation", "outcome.unable.unclear"),
    zeros(*(f"outcome.not_processed.{n}" for n in NOT_PROCESSED)),
    only("outcome.other.no_correction", 2), zeros("outcome.other.unpaid_fee"),
    row("outcome.other.other", 0, 2, 0, 0, 0, 0, 2),
    row("outcome.other", 2, 2, 0, 0, 0, 0, 4),
    row("outcome.total", 72, 3, 0, 0, 0, 0, 75),
    zeros("requests.carried_forward"),
    t4(0, 1, 1, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0),  # printed with spaces
    one("litigation.total", 1),  # the prose: 行政诉讼案件1件、行政复议案件2件
)

# --- 2024: every cell run together; row numbers glued ("3200000326.属于四类…") ------------------

PT2024 = merge(
    one("proactive.total", 10407),
    one("rules.issued", 0), one("rules.repealed", 0), one("rules.in_force", 0),
    one("licensing.decisions", 4529), one("penalty.decisions", 1100), one("coercion.decisions", 65),
    one("fees.amount_wan", "18651.06"),
    row("requests.new", 217, 1, 0, 0, 0, 0, 218),
    zeros("requests.carried_over"),
    only("outcome.disclosed", 71), only("outcome.partial", 29),
    only("outcome.withheld.state_secret", 4), only("outcome.withheld.third_party", 3),
    only("outcome.withheld.internal_affairs", 32),
    zeros(*(f"outcome.withheld.{w}" for w in ("prohibited_by_law", "security_stability", "process_info",
                                               "enforcement_file", "admin_query"))),
    only("outcome.withheld", 39),
    only("outcome.unable.not_held", 75), zeros("outcome.unable.needs_creation", "outcome.unable.unclear"),
    only("outcome.not_processed.duplicate", 1),
    zeros(*(f"outcome.not_processed.{n}" for n in ("petition", "publication", "vexatious", "confirm_existing"))),
    only("outcome.other.no_correction", 1), zeros("outcome.other.unpaid_fee"),
    row("outcome.other.other", 1, 1, 0, 0, 0, 0, 2),
    row("outcome.other", 2, 1, 0, 0, 0, 0, 3),
    row("outcome.total", 217, 1, 0, 0, 0, 0, 218),
    zeros("requests.carried_forward"),
    t4(2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19),  # 21317000001324019
    one("litigation.total", 19),
)

# --- 2023: every cell run together, row numbers glued to the figures before them ----------------

PT2023 = merge(
    one("proactive.total", 13561),
    one("rules.issued", 0), one("rules.repealed", 0), one("rules.in_force", 0),
    # 行政规范性文件77132470: 77 | 13? | 2470? — the prose gives 制发77件 and 现行有效393件, which the
    # digits do not hold as 393: left out
    one("licensing.decisions", 2629), one("penalty.decisions", 1330), one("coercion.decisions", 54),
    one("fees.amount_wan", "5949.088667"),
    row("requests.new", 80, 1, 0, 0, 0, 0, 81),  # the prose: 共计81件，涉及自然人80件、商业企业1件
    zeros("requests.carried_over"),
    only("outcome.disclosed", 22), row("outcome.partial", 19, 1, 0, 0, 0, 0, 20),  # 予以公开及部分公开42件
    only("outcome.withheld.third_party", 1), only("outcome.withheld.process_info", 1),
    only("outcome.withheld.enforcement_file", 1), only("outcome.withheld.admin_query", 2),
    zeros(*(f"outcome.withheld.{w}" for w in ("state_secret", "prohibited_by_law", "security_stability",
                                               "internal_affairs"))),
    only("outcome.withheld", 5),  # 不予公开5件
    only("outcome.unable.not_held", 31), zeros("outcome.unable.needs_creation", "outcome.unable.unclear"),
    only("outcome.not_processed.duplicate", 1),
    zeros(*(f"outcome.not_processed.{n}" for n in ("petition", "publication", "vexatious", "confirm_existing"))),
    only("outcome.other.no_correction", 1), zeros("outcome.other.unpaid_fee"), only("outcome.other.other", 1),
    only("outcome.other", 2),  # 其他处理2件
    row("outcome.total", 80, 1, 0, 0, 0, 0, 81),
    zeros("requests.carried_forward"),
    t4(1, 1, 0, 0, 2, 4, 0, 0, 1, 5, 1, 0, 1, 0, 2),  # 行政复议案件2件、行政诉讼案件7件
    one("litigation.total", 7),
)

# --- 2025: a row that only the column sums settle ("330000033": 33 or 3,30) ----------------------

PT2025 = merge(
    {("proactive.total", "total"): Decimal(7700)},  # 7700余条: approximate
    one("rules.issued", 0), one("rules.repealed", 0), one("rules.in_force", 0),
    one("licensing.decisions", 2418), one("penalty.decisions", 644), one("coercion.decisions", 64),
    one("fees.amount_wan", "4166.241619"),
    row("requests.new", 151, 3, 0, 0, 0, 0, 154),  # the prose: 共收到政府信息公开申请154件
    zeros("requests.carried_over"),
    only("outcome.disclosed", 33), only("outcome.partial", 38),
    zeros(*(f"outcome.withheld.{w}" for w in ("state_secret", "prohibited_by_law", "security_stability", "third_party"))),
    only("outcome.withheld.internal_affairs", 3), only("outcome.withheld.process_info", 2),
    only("outcome.withheld.enforcement_file", 3), only("outcome.withheld.admin_query", 3),
    only("outcome.withheld", 11),
    row("outcome.unable.not_held", 49, 1, 0, 0, 0, 0, 50),  # "4910000502.没有…"
    only("outcome.unable.needs_creation", 3), zeros("outcome.unable.unclear"),
    only("outcome.not_processed.petition", 2),
    zeros(*(f"outcome.not_processed.{n}" for n in ("duplicate", "publication", "vexatious", "confirm_existing"))),
    only("outcome.other.no_correction", 8),  # "…申请 80000082.申请人逾期…": the space before 8000008
    only("outcome.other.unpaid_fee", 2), only("outcome.other.other", 1),
    only("outcome.other", 11),
    row("outcome.total", 147, 1, 0, 0, 0, 0, 148),  # the prose: 共办结148件
    row("requests.carried_forward", 4, 2, 0, 0, 0, 0, 6),  # the prose: 结转至2026年6件
    t4(25, 3, 8, 0, 36, 3, 3, 0, 0, 6, 3, 0, 0, 0, 3),  # the prose: 行政复议36起，行政诉讼9起
    one("litigation.total", 9),
)

# --- 2020: the 2019 template; the report's own outcome rows do not add up to its 总计 ------------

PT2020 = merge(
    one("proactive.total", 2602),  # 共公布政府信息2602条
    one("rules.made_2019", 0), one("rules.published_2019", 0), one("rules.public_total_2019", 7),  # 规章007
    row("requests.new", 20, 0, 0, 0, 0, 1, 21),  # "200 000121"; the prose: 共受理政府信息公开申请21件
    zeros("requests.carried_over"),
    row("outcome.disclosed", 6, 0, 0, 0, 0, 1, 7),
    only("outcome.partial", 6),
    zeros(*(f"outcome.withheld.{w}" for w in WITHHELD)), zeros("outcome.withheld"),
    only("outcome.unable.not_held", 4), zeros("outcome.unable.needs_creation"), only("outcome.unable.unclear", 3),
    only("outcome.not_processed.duplicate", 3),
    zeros(*(f"outcome.not_processed.{n}" for n in ("petition", "publication", "vexatious", "confirm_existing"))),
    only("outcome.other", 4),  # "4 0 0 0 0 0 4"
    # "20 0 00 0 121": 20,0,0,0,0,1,21, confirmed by 新收 + 结转 = 总计 + 结转下年度 in every column
    # (the outcome rows add up to 27, not 21: the report's own break, shown as such)
    row("outcome.total", 20, 0, 0, 0, 0, 1, 21),
    zeros("requests.carried_forward"),
    t4(*([0] * 15)),
    one("litigation.total", 0),
)

# --- 2017: a 统计表 (指标名称 / 计量单位 / 2017年度 / 历年累计) whose two cells run together -----------

PT2017 = merge(
    # 主动公开文件数条212210037: 21|2210037, 212|210037 or 2122|10037 by the columns alone; the prose
    # (2017年全区主动公开政府信息2122条) says 2122; 政府网站公开数 "2122100372、…" is a 其中 row of it
    one("proactive.total", 2122), one("proactive.website", 2122),
    one("requests.new", 0),  # 受理政府信息依申请公开总数条00 (the prose: 未收到有关政府信息公开申请)
    one("outcome.disclosed", 0), one("outcome.partial", 0), one("outcome.withheld", 0),  # 不予公开答复数条00
    one("review.total", 0), one("litigation.total", 0),
)

# --- 上海市人民政府办公厅 2025: a PDF converted to Markdown, labels broken off their rows ----------

SH2025 = merge(
    # table 二 is left out: the 规章 row's cells are scattered ("22 （其中修订 16 件） 55 …" above the
    # table, "| 规章 | 22 | 235 |" in it) and "| 行政规范性文件 | 34 | 189 |" has two numbers for three cells
    row("requests.new", 1259, 36, 0, 0, 0, 0, 1295),
    row("requests.carried_over", 170, 15, 0, 0, 4, 0, 189),
    row("outcome.disclosed", 201, 5, 0, 0, 0, 0, 206),
    only("outcome.partial", 2),  # the row's numbers on the line below its broken label
    only("outcome.withheld.state_secret", 4), zeros("outcome.withheld.prohibited_by_law"),
    only("outcome.withheld.security_stability", 1), zeros("outcome.withheld.third_party"),
    row("outcome.withheld.internal_affairs", 8, 0, 0, 0, 1, 0, 9), only("outcome.withheld.process_info", 1),
    zeros("outcome.withheld.enforcement_file"), only("outcome.withheld.admin_query", 5),
    row("outcome.withheld", 19, 0, 0, 0, 1, 0, 20),  # the prose: 不予公开 20 件
    row("outcome.unable.not_held", 484, 28, 0, 0, 1, 0, 513),
    row("outcome.unable.needs_creation", 47, 1, 0, 0, 0, 0, 48), only("outcome.unable.unclear", 3),
    row("outcome.not_processed.petition", 61, 1, 0, 0, 0, 0, 62), only("outcome.not_processed.duplicate", 16),
    only("outcome.not_processed.publication", 1), only("outcome.not_processed.vexatious", 1),
    zeros("outcome.not_processed.confirm_existing"),  # "| 0 | … |": its label (5.要求…) printed above
    row("outcome.other.no_correction", 40, 1, 0, 0, 2, 0, 43), zeros("outcome.other.unpaid_fee"),
    row("outcome.other.other", 264, 12, 0, 0, 0, 0, 276),
    row("outcome.other", 304, 13, 0, 0, 2, 0, 319),  # the prose: 其他处理 319 件
    row("outcome.total", 1139, 48, 0, 0, 4, 0, 1191),  # the prose: 办结 1191 件
    row("requests.carried_forward", 290, 3, 0, 0, 0, 0, 293),
    t4(40, 0, 10, 5, 55, 2, 0, 4, 6, 12, 6, 0, 9, 7, 22),
    one("litigation.total", 34),
)

# --- 平潭县人民政府 2012: the 统计表's two columns run together; rows settled jointly ---------------

COUNTY2012 = merge(
    # 主动公开信息数条20263542: 2026 | 3542 (the prose: 其中主动公开政府信息2026条); 网站公开条17953304 is
    # 1795 | 3304, the only split not above its parent row in either column
    one("proactive.total", 2026), one("proactive.website", 1795),
    # 受理依申请公开信息总数条2121 is 2|121 or 21|21, 当面申请数 1818 is 1|818 or 18|18: only 21|21 =
    # 18 + 0 + 3 + 0 + 0 + 0 in both columns (the prose: 共收到…申请21条，其中当面申请数18条，电子邮件申请数3条)
    one("requests.new", 21),
    # 对申请的答复数条2121 = 同意公开 1717 + 同意部分公开 22 + 否决公开 22 in both columns only as 21|21,
    # 17|17, 2|2, 2|2 (the prose: 同意公开答复数17条)
    one("outcome.disclosed", 17), one("outcome.partial", 2), one("outcome.withheld", 2),
    one("review.total", 0), one("litigation.total", 0),
)

EXPECTED = {
    "pingtan-county-2012.txt": ("平潭县人民政府", 2012, "pre2019", COUNTY2012),
    "shanghai-office-2025.md": ("上海市人民政府办公厅", 2025, "2021", SH2025),
    "pingtan-2017.txt": ("平潭综合实验区", 2017, "pre2019", PT2017),
    "pingtan-2020.txt": ("平潭综合实验区", 2020, "2019", PT2020),
    "pingtan-2022.txt": ("平潭综合实验区", 2022, "2021", PT2022),
    "pingtan-2023.txt": ("平潭综合实验区", 2023, "2021", PT2023),
    "pingtan-2024.txt": ("平潭综合实验区", 2024, "2021", PT2024),
    "pingtan-2025.txt": ("平潭综合实验区", 2025, "2021", PT2025),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_archive_report_figures(name):
    agency, year, era, expected = EXPECTED[name]
    r = parse(name)
    assert (r.agency, r.year, r.era) == (agency, year, era)
    got = figures(r)
    assert {k: v for k, v in got.items() if k not in expected} == {}, "figures the report does not have"
    assert {k: v for k, v in expected.items() if got.get(k) != v} == {}, "figures read wrong or missed"


def test_archive_reports_cite_the_body_line_and_break_only_their_own_rules():
    for name in (n for n in EXPECTED if n.startswith("pingtan-")):
        r = parse(name)
        assert {f.line for f in r.figures} == {10}, name
        broken = {(c.rule, c.applicant) for c in r.quality}
        assert broken == ({("t3.outcome_total", "natural_person"), ("t3.outcome_total", "total")}
                          if name == "pingtan-2020.txt" else set()), name


def test_approximate_and_ambiguous_table_two_rows_of_the_archive():
    r = parse("pingtan-2025.txt")
    assert r.figure("proactive.total").approximate
    amb = [w for w in r.warnings if w.code == "ambiguous_split"]
    assert [w.metrics for w in amb] == [("normative_docs.issued", "normative_docs.repealed", "normative_docs.in_force")]
    assert '"5845546"' in amb[0].message and "none published" in amb[0].message
    assert "column sums" in r.figure("outcome.disclosed").note


def test_a_markdown_table_two_row_short_of_cells_is_refused_not_read_by_position():
    r = parse("shanghai-office-2025.md")
    assert r.quality == []
    w = next(w for w in r.warnings if w.metrics and w.metrics[0].startswith("normative_docs."))
    assert (w.line, w.code) == (100, "ambiguous_split")
    assert w.message.endswith('2 number(s) "34 189" for its 3 cells: cells left empty or run together '
                              "(3,4,189 | 34,1,89 | 34,18,9), which cannot be told; none published")


def test_the_county_statistics_table_is_settled_by_its_breakdowns():
    r = parse("pingtan-county-2012.txt")
    assert "add up in both columns only so" in r.figure("requests.new").note
    assert "add up in both columns only so" in r.figure("outcome.disclosed").note
    assert not [w for w in r.warnings if w.code == "ambiguous_split"]
