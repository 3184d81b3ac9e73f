"""Every figure of the five seed reports, with its value, applicant column and source line.

The expected tables below were written by reading the report text (content/reports/*.txt), not
by copying the parser's output: each entry names the line of the report where the number is
printed. The whole set of figures must match, so a figure the parser invents also fails.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from site_builder.load.loader import load_site, parse_file
from site_builder.model import APPLICANTS

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"

T4 = tuple(
    f"{group}.{col}"
    for group in ("review", "litigation.direct", "litigation.after_review")
    for col in ("upheld", "corrected", "other", "pending", "total")
)
WITHHELD = (
    "outcome.withheld.state_secret",
    "outcome.withheld.prohibited_by_law",
    "outcome.withheld.security_stability",
    "outcome.withheld.third_party",
    "outcome.withheld.internal_affairs",
    "outcome.withheld.process_info",
    "outcome.withheld.enforcement_file",
    "outcome.withheld.admin_query",
)

Expected = dict[tuple[str, str], tuple[Decimal, int, bool]]


def one(metric: str, value, line: int, approximate: bool = False) -> Expected:
    return {(metric, "total"): (Decimal(str(value)), line, approximate)}


def row_on_one_line(metric: str, line: int, values: list[int]) -> Expected:
    """A table 三 row printed on one line (PDF-style or tab-separated on one line)."""
    assert len(values) == 7
    return {(metric, a): (Decimal(v), line, False) for a, v in zip(APPLICANTS, values)}


def row_one_cell_per_line(metric: str, first: int, values: list[int]) -> Expected:
    """A table 三 row of a docx extraction: seven cells on seven consecutive lines from `first`."""
    assert len(values) == 7
    return {(metric, a): (Decimal(v), first + k, False) for k, (a, v) in enumerate(zip(APPLICANTS, values))}


def merge(*parts: Expected) -> Expected:
    out: Expected = {}
    for p in parts:
        assert not set(p) & set(out), set(p) & set(out)
        out.update(p)
    return out


ZERO7 = [0] * 7

# --- jianguomen-2011.txt: prose only ---------------------------------------------------------
# L62 "2011年街道共主动公开政府信息303条，全文电子化率100%。"
# L66 "街道收到政府信息公开申请0件。…咨询23000余人次。政务公开栏访问量近千次。" (访问量: no metric)
JIANGUOMEN_2011 = merge(
    one("proactive.total", 303, 62),
    one("proactive.e_rate", 100, 62),
    one("requests.new", 0, 66),
    one("consultations.total", 23000, 66, approximate=True),
)

# --- xinqi-2013.txt: prose only ----------------------------------------------------------------
# L47 "主动公开政府信息589条，其中政策法规类信息…共96条；业务类信息…共493条" (categories: no metric)
# L49 "我街道未收到政府信息公开的申请。"  -> 0
# L52 "无公民或法人因政府信息公开工作申请行政复议、提起行政诉讼或申诉的情况发生" -> 0 and 0
XINQI_2013 = merge(
    one("proactive.total", 589, 47),
    one("requests.new", 0, 49),
    one("review.total", 0, 52),
    one("litigation.total", 0, 52),
)

# --- taoranting-2017.txt: prose + 统计表 (one cell per line) ------------------------------------
# 统计表 rows (the number is on the line after the unit): 主动公开政府信息数 975 L65, 政府网站 534
# L137, 政务微博 0 L141, 政务微信 170 L145, 收到申请数 3 L197, 同意公开答复数 0 L237, 同意部分公开
# 答复数 1 L241, 不同意公开答复数 0 L245, 不属于本行政机关公开数 1 L273, 申请信息不存在数 0 L277,
# 行政复议数量 0 L289, 行政诉讼数量 0 L305.
# Prose fills what the 统计表 lacks: L22 "全文电子化率达100%", L32 "咨询964人次".
# (L26 申请3件 and L28 答复 figures repeat the 统计表, which wins; "申请内容不明确"1件 is a 2019+ row.)
TAORANTING_2017 = merge(
    one("proactive.total", 975, 65),
    one("proactive.website", 534, 137),
    one("proactive.weibo", 0, 141),
    one("proactive.wechat", 170, 145),
    one("proactive.e_rate", 100, 22),
    one("consultations.total", 964, 32),
    one("requests.new", 3, 197),
    one("outcome.disclosed", 0, 237),
    one("outcome.partial", 1, 241),
    one("outcome.withheld", 0, 245),
    one("outcome.unable.not_held", 1, 273),
    one("outcome.unable.not_exist", 0, 277),
    one("review.total", 0, 289),
    one("litigation.total", 0, 305),
)

# --- donghuashi-2019.txt: 2019 template, PDF-style rows (one row per line) -------------------
# L11 "全年主动公开政府信息 282 条…在政府网站公开信息 282 条。在街道政务微博和微信公开信息分别为
# 340 条和 300 条" (重点领域 23 条, 舆情 260 次, 督办 79 件, 信箱 13 件: no metric)
# Table 二: L29 规章 0 0 0; L30 规范性文件 0 0 0; L33 行政许可 0 0 0 (处理决定数 is the third);
# L38 行政处罚 0 0 0; L39 行政强制 0 0 0; L43 行政事业性收费 0 0 (2019 form: no metric);
# L46 政府集中采购 38 184.8083.
# Table 三: L53..L78, one row per line; (四)1 本机关不掌握 is 2 for 自然人 on L66; (七)总计 prints 0.
# Table 四: L85 "1 0 0 0 1 0 0 0 0 0 0 0 0 0 0".
DONGHUASHI_2019 = merge(
    one("proactive.total", 282, 11),
    one("proactive.website", 282, 11),
    one("proactive.weibo", 340, 11),
    one("proactive.wechat", 300, 11),
    one("rules.made_2019", 0, 29),
    one("rules.published_2019", 0, 29),
    one("rules.public_total_2019", 0, 29),
    one("normative_docs.made_2019", 0, 30),
    one("normative_docs.published_2019", 0, 30),
    one("normative_docs.public_total_2019", 0, 30),
    one("licensing.decisions", 0, 33),
    one("penalty.decisions", 0, 38),
    one("coercion.decisions", 0, 39),
    one("procurement.projects", 38, 46),
    one("procurement.amount_wan", "184.8083", 46),
    row_on_one_line("requests.new", 53, [2, 0, 0, 0, 0, 0, 2]),
    row_on_one_line("requests.carried_over", 54, ZERO7),
    row_on_one_line("outcome.disclosed", 55, ZERO7),
    row_on_one_line("outcome.partial", 57, ZERO7),
    *[row_on_one_line(m, 58 + k, ZERO7) for k, m in enumerate(WITHHELD)],
    # 不予公开 = the sum of its eight rows, cited at its first row
    row_on_one_line("outcome.withheld", 58, ZERO7),
    row_on_one_line("outcome.unable.not_held", 66, [2, 0, 0, 0, 0, 0, 2]),
    row_on_one_line("outcome.unable.needs_creation", 69, ZERO7),
    row_on_one_line("outcome.unable.unclear", 70, ZERO7),
    row_on_one_line("outcome.not_processed.petition", 71, ZERO7),
    row_on_one_line("outcome.not_processed.duplicate", 72, ZERO7),
    row_on_one_line("outcome.not_processed.publication", 73, ZERO7),
    row_on_one_line("outcome.not_processed.vexatious", 74, ZERO7),
    row_on_one_line("outcome.not_processed.confirm_existing", 75, ZERO7),
    row_on_one_line("outcome.other", 76, ZERO7),
    row_on_one_line("outcome.total", 77, ZERO7),
    row_on_one_line("requests.carried_forward", 78, ZERO7),
    *[one(m, v, 85) for m, v in zip(T4, [1, 0, 0, 0, 1] + [0] * 10)],
    # 行政诉讼 = 未经复议直接起诉总计 + 复议后起诉总计
    one("litigation.total", 0, 85),
)

# --- jianguomen-2024.txt: 2021 template, docx-style (one cell per line) ---------------------
# L11 "在数字东城网站上公开信息269条，微信公众号公开信息574条，原创抖音视频30条" (抖音: no metric)
# L13 新收申请 17 件 and L14 复议 1 次 / 诉讼 0 次 repeat the tables, which win.
# Table 二: 规章 L31-33, 行政规范性文件 L36-38, 行政许可 L46, 行政处罚 139 L54, 行政强制 L57,
# 行政事业性收费 L65.
JIANGUOMEN_2024 = merge(
    one("proactive.website", 269, 11),
    one("proactive.wechat", 574, 11),
    one("rules.issued", 0, 31),
    one("rules.repealed", 0, 32),
    one("rules.in_force", 0, 33),
    one("normative_docs.issued", 0, 36),
    one("normative_docs.repealed", 0, 37),
    one("normative_docs.in_force", 0, 38),
    one("licensing.decisions", 0, 46),
    one("penalty.decisions", 139, 54),
    one("coercion.decisions", 0, 57),
    one("fees.amount_wan", 0, 65),
    row_one_cell_per_line("requests.new", 93, [16, 1, 0, 0, 0, 0, 17]),
    row_one_cell_per_line("requests.carried_over", 102, ZERO7),
    row_one_cell_per_line("outcome.disclosed", 112, [0, 1, 0, 0, 0, 0, 1]),
    row_one_cell_per_line("outcome.partial", 122, ZERO7),
    row_one_cell_per_line("outcome.withheld.state_secret", 133, ZERO7),
    row_one_cell_per_line("outcome.withheld.prohibited_by_law", 144, ZERO7),
    row_one_cell_per_line("outcome.withheld.security_stability", 155, ZERO7),
    row_one_cell_per_line("outcome.withheld.third_party", 166, [1, 0, 0, 0, 0, 0, 1]),
    row_one_cell_per_line("outcome.withheld.internal_affairs", 177, [1, 0, 0, 0, 0, 0, 1]),
    row_one_cell_per_line("outcome.withheld.process_info", 188, ZERO7),
    row_one_cell_per_line("outcome.withheld.enforcement_file", 199, ZERO7),
    row_one_cell_per_line("outcome.withheld.admin_query", 210, ZERO7),
    row_one_cell_per_line("outcome.withheld", 133, [2, 0, 0, 0, 0, 0, 2]),  # derived: the eight rows
    row_one_cell_per_line("outcome.unable.not_held", 221, [9, 0, 0, 0, 0, 0, 9]),
    row_one_cell_per_line("outcome.unable.needs_creation", 232, ZERO7),
    row_one_cell_per_line("outcome.unable.unclear", 243, ZERO7),
    row_one_cell_per_line("outcome.not_processed.petition", 254, ZERO7),
    row_one_cell_per_line("outcome.not_processed.duplicate", 265, ZERO7),
    row_one_cell_per_line("outcome.not_processed.publication", 276, ZERO7),
    row_one_cell_per_line("outcome.not_processed.vexatious", 287, ZERO7),
    row_one_cell_per_line("outcome.not_processed.confirm_existing", 298, ZERO7),
    row_one_cell_per_line("outcome.other.no_correction", 309, ZERO7),
    row_one_cell_per_line("outcome.other.unpaid_fee", 320, ZERO7),
    row_one_cell_per_line("outcome.other.other", 331, [5, 0, 0, 0, 0, 0, 5]),
    row_one_cell_per_line("outcome.other", 309, [5, 0, 0, 0, 0, 0, 5]),  # derived: (六)'s three rows
    row_one_cell_per_line("outcome.total", 341, [16, 1, 0, 0, 0, 0, 17]),
    row_one_cell_per_line("requests.carried_forward", 350, ZERO7),
    # Table 四: fifteen cells on L402..L416; 复议 尚未审结 1, 总计 1
    *[one(m, v, 402 + k) for k, (m, v) in enumerate(zip(T4, [0, 0, 0, 1, 1] + [0] * 10))],
    one("litigation.total", 0, 411),  # derived from 未经复议直接起诉 总计 (L411) + 复议后起诉 总计
)

SEEDS = {
    "jianguomen-2011.txt": ("建国门街道", 2011, "pre2019", False, 1, JIANGUOMEN_2011),
    "xinqi-2013.txt": ("新碶街道", 2013, "pre2019", False, 2, XINQI_2013),
    "taoranting-2017.txt": ("陶然亭街道", 2017, "pre2019", True, 1, TAORANTING_2017),
    "donghuashi-2019.txt": ("东花市街道", 2019, "2019", False, 3, DONGHUASHI_2019),
    "jianguomen-2024.txt": ("建国门街道", 2024, "2021", False, 2, JIANGUOMEN_2024),
}


@pytest.fixture(scope="module")
def reports():
    return {name: parse_file(CONTENT / "reports" / name, CONTENT) for name in SEEDS}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_identity(reports, name):
    agency, year, era, has_stat, title_line, _ = SEEDS[name]
    r = reports[name]
    assert (r.agency, r.year, r.era, r.has_stat_table, r.title_line) == (agency, year, era, has_stat, title_line)
    assert r.path == f"reports/{name}"
    assert r.encoding == "utf-8"


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_figure_of_the_seed(reports, name):
    expected = SEEDS[name][-1]
    r = reports[name]
    got = {(f.metric, f.applicant): (f.value, f.line, f.approximate) for f in r.figures}
    assert len(got) == len(r.figures), "a (metric, applicant) pair was read twice"
    missing = {k: v for k, v in expected.items() if k not in got}
    extra = {k: v for k, v in got.items() if k not in expected}
    wrong = {k: (expected[k], got[k]) for k in expected if k in got and got[k] != expected[k]}
    assert not missing, f"figures not read: {missing}"
    assert not extra, f"figures the report does not print: {extra}"
    assert not wrong, f"(expected, got): {wrong}"


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_figures_point_at_a_line_that_prints_the_number(reports, name):
    """Independent of the tables above: every figure's line holds its number (derived totals
    excepted), so a source link always lands on the printed figure."""
    r = reports[name]
    for f in r.figures:
        if f.origin == "derived":
            continue
        if f.origin == "prose" and f.value == 0:
            continue  # negative statements ("未收到…申请") print no digit
        text = r.lines[f.line - 1].replace(" ", "")
        assert str(f.value) in text, (f, r.lines[f.line - 1])


def test_seed_checks(reports):
    broken = {
        name: sorted((c.rule, c.applicant, c.expected, c.printed, c.line) for c in r.quality)
        for name, r in reports.items()
    }
    assert broken == {
        "jianguomen-2011.txt": [],
        "xinqi-2013.txt": [],
        "taoranting-2017.txt": [],
        # 新收 2 + 结转 0 = 2, but (七)总计 prints 0 (L77); the outcome rows add up to 2 (本机关不掌握)
        "donghuashi-2019.txt": [
            ("t3.balance", "natural_person", Decimal(2), Decimal(0), 77),
            ("t3.balance", "total", Decimal(2), Decimal(0), 77),
            ("t3.outcome_total", "natural_person", Decimal(2), Decimal(0), 77),
            ("t3.outcome_total", "total", Decimal(2), Decimal(0), 77),
        ],
        "jianguomen-2024.txt": [],
    }
    # The rules ran (passed), not just found nothing to check.
    rules = {name: {c.rule.split(":")[0] for c in r.checks} for name, r in reports.items()}
    assert rules["taoranting-2017.txt"] == {"stat.requests", "stat.closed", "stat.replies", "stat.review", "stat.litigation"}
    for name in ("donghuashi-2019.txt", "jianguomen-2024.txt"):
        assert rules[name] == {"t3.balance", "t3.outcome_total", "t3.row_total", "t4.total"}
        # balance and outcome total per applicant column, row totals for every row of table 三
        assert sum(1 for c in reports[name].checks if c.rule == "t3.balance") == 7
        assert sum(1 for c in reports[name].checks if c.rule.startswith("t4.total:")) == 3


def test_seed_warnings(reports):
    """The seeds are clean: nothing for a maintainer to look at."""
    assert {name: [str(w) for w in r.warnings] for name, r in reports.items()} == {name: [] for name in SEEDS}


def test_records_carry_file_and_line(tmp_path):
    """data/records.csv cites each figure as reports/<file>:<line>, across all five seeds."""
    site = load_site(CONTENT)
    assert not [e for e in site.errors if e.path.split("/")[-1] in SEEDS]
    slug = {"jianguomen-2011.txt": "jianguomen", "xinqi-2013.txt": "xinqi", "taoranting-2017.txt": "taoranting",
            "donghuashi-2019.txt": "donghuashi", "jianguomen-2024.txt": "jianguomen"}
    expected = {
        (slug[name], SEEDS[name][1], metric, applicant): (value, f"reports/{name}:{line}", approx)
        for name in SEEDS
        for (metric, applicant), (value, line, approx) in SEEDS[name][-1].items()
    }
    # the content folder may hold more reports than the five seeds: compare the seeds' records
    seeds = {f"reports/{name}" for name in SEEDS}
    got = {
        (r.agency_slug, r.year, r.metric, r.applicant): (r.value, r.source, r.approximate)
        for r in site.records()
        if r.source.rsplit(":", 1)[0] in seeds
    }
    assert got == expected
