"""The five reports from other agencies and archives (content/reports/pingtan-*.txt and
shanghai-kewei-2024.txt): scraped web text with the body on one line, cells run together,
a pre-2019 统计表 with a cumulative column, a PDF converted to Markdown tables.

Every expected figure below was worked out by reading the report text, not copied from the
parser's output; the whole set must match, so an invented figure fails too. Where the report's
own prose restates a figure, the comment says so: it is how the table was read.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from site_builder.render.downloads import NOTES_COLUMNS, notes_csv, records_csv
from site_builder.load.loader import load_site, parse_file
from site_builder.parser import parse_document
from site_builder.readers import Document
from site_builder.readers.text import split_lines

from expected_figures import NOT_PROCESSED, UNABLE, WITHHELD, Expected, figures, merge, one, row, t4

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
REPORTS = CONTENT / "reports"


def zeros(prefix: str, names) -> Expected:
    out: Expected = {}
    for n in names:
        out.update(row(f"{prefix}.{n}", 0, 0, 0, 0, 0, 0, 0))
    return out


@pytest.fixture(scope="module")
def reports():
    return {p.name: parse_file(p, CONTENT) for p in sorted(REPORTS.glob("*.txt")) if p.name.startswith(("pingtan-", "shanghai-"))}


# --- 平潭综合实验区 2011: prose + 统计表 (指标名称 / 计量单位 / 2011年度 / 历年累计) -------------------

PT2011 = merge(
    # 统计表: 主动公开信息数 条 425 1516; 其中：1.网站公开 条 418 1509 — the year's column, not 1516/1509
    one("proactive.total", 425),  # the prose agrees: 其中主动公开政府信息425条
    one("proactive.website", 418),
    one("requests.new", 0),  # 受理依申请公开信息总数 0 (prose: 未收到有关政府信息公开的申请)
    one("outcome.disclosed", 0),
    one("outcome.partial", 0),
    one("outcome.withheld", 0),  # 否决公开答复数
    one("review.total", 0),
    one("litigation.total", 0),
)

# --- 2016: the same 统计表 with every row's cells run together ("主动公开文件数条346085376") -----

PT2016 = merge(
    # 346085376 is 3460 | 85376: the year's cell is never above the cumulative one, and the prose
    # states 2016年全区主动公开政府信息3460条; 政府网站公开数 is a 其中 row of it, so not above it either
    one("proactive.total", 3460),
    one("proactive.website", 3460),
    one("requests.new", 0),
    one("outcome.disclosed", 0),
    one("outcome.partial", 0),
    one("outcome.withheld", 0),  # 不予公开答复数
    one("review.total", 0),
    one("litigation.total", 0),
)

# --- 2019: the 2019 template, one line, cells run together ----------------------------------

PT2019 = merge(
    one("proactive.total", 2599),  # 我区政府信息公开单位共公布政府信息2599条 (not 其他应主动公开…856条)
    one("rules.made_2019", 0), one("rules.published_2019", 0), one("rules.public_total_2019", 0),  # 规章000
    row("requests.new", 23, 0, 0, 0, 0, 0, 23),  # "230 000023"
    row("requests.carried_over", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.disclosed", 7, 0, 0, 0, 0, 0, 7),
    row("outcome.partial", 1, 0, 0, 0, 0, 0, 1),
    zeros("outcome.withheld", WITHHELD),
    row("outcome.withheld", 0, 0, 0, 0, 0, 0, 0),  # the sum of the eight grounds
    row("outcome.unable.not_held", 7, 0, 0, 0, 0, 0, 7),  # "70000072.没有…": 7000007, then row 2.
    row("outcome.unable.needs_creation", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.unable.unclear", 5, 0, 0, 0, 0, 0, 5),
    row("outcome.not_processed.petition", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.not_processed.duplicate", 3, 0, 0, 0, 0, 0, 3),  # "30000033.要求…"
    row("outcome.not_processed.publication", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.not_processed.vexatious", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.not_processed.confirm_existing", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.other", 0, 0, 0, 0, 0, 0, 0),  # "0 0 0 0 0 00"
    row("outcome.total", 23, 0, 0, 0, 0, 0, 23),  # "23 0 00 0 023"
    row("requests.carried_forward", 0, 0, 0, 0, 0, 0, 0),  # " 0 0 00 00 0 "
    t4(*"000000000000000"),
    one("litigation.total", 0),
)

# --- 2021: the 2021 template, one line, cells run together ----------------------------------

PT2021 = merge(
    one("proactive.total", 2645),  # 全年主动公开我区各级单位政府信息2645条
    one("rules.issued", 0), one("rules.repealed", 0), one("rules.in_force", 0),  # 规章 000
    one("licensing.decisions", 2293), one("penalty.decisions", 1282), one("coercion.decisions", 42),
    one("fees.amount_wan", "24252.311082"),  # (单位：万元) 行政事业性收费24252.311082
    row("requests.new", 64, 0, 0, 2, 0, 4, 70),  # 640020470; the prose: 共收到70件申请
    row("requests.carried_over", 0, 0, 0, 0, 0, 0, 0),
    # 270020130 is 27,0,0,2,0,1,30 or 2,7,0,0,20,1,30 by its row total; the columns decide it:
    # 总计 63,0,0,2,0,4,69 = the outcome rows, column by column, only with 27 … 30
    row("outcome.disclosed", 27, 0, 0, 2, 0, 1, 30),
    row("outcome.partial", 5, 0, 0, 0, 0, 0, 5),  # "500000 5"
    row("outcome.withheld.state_secret", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.withheld.prohibited_by_law", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.withheld.security_stability", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.withheld.third_party", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.withheld.internal_affairs", 1, 0, 0, 0, 0, 0, 1),  # "10000016.属于…"
    row("outcome.withheld.process_info", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.withheld.enforcement_file", 6, 0, 0, 0, 0, 0, 6),  # "60000068.属于…"
    row("outcome.withheld.admin_query", 1, 0, 0, 0, 0, 0, 1),
    row("outcome.withheld", 8, 0, 0, 0, 0, 0, 8),
    # "2200003252.没有…": 220000325 is 22,0,0,0,0,3,25 (or 2,20,… which the columns rule out)
    row("outcome.unable.not_held", 22, 0, 0, 0, 0, 3, 25),
    row("outcome.unable.needs_creation", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.unable.unclear", 0, 0, 0, 0, 0, 0, 0),
    zeros("outcome.not_processed", NOT_PROCESSED),
    row("outcome.other.no_correction", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.other.unpaid_fee", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.other.other", 1, 0, 0, 0, 0, 0, 1),
    row("outcome.other", 1, 0, 0, 0, 0, 0, 1),
    row("outcome.total", 63, 0, 0, 2, 0, 4, 69),  # 630020469; the prose: 办结69件
    row("requests.carried_forward", 1, 0, 0, 0, 0, 0, 1),  # the prose: 1件结转下年度继续办理
    # 10203120001200000: review 1,0,2,0,3; direct suits 12,0,0,0,12; after review 0,0,0,0,0
    t4(1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0),
    one("litigation.total", 12),
)

# --- 上海市科委 2024: PDF converted to Markdown, labels broken, rows displaced ----------------
# The prose (lines 42-46) gives the totals the table must add up to: 34 new, 2 carried over,
# 9 disclosed, 0 partial, 2 withheld, 10 unable, 0 not processed, 14 other, 1 carried forward.

KEWEI = merge(
    one("proactive.website", 393),  # 通过部门网站当年发布政府信息 393 件
    one("licensing.decisions", 97), one("penalty.decisions", 0), one("coercion.decisions", 0),
    one("fees.amount_wan", 0),
    one("rules.issued", 0), one("rules.repealed", 0), one("rules.in_force", 0),
    one("normative_docs.issued", 13), one("normative_docs.repealed", 0), one("normative_docs.in_force", 55),
    row("requests.new", 32, 2, 0, 0, 0, 0, 34),
    row("requests.carried_over", 2, 0, 0, 0, 0, 0, 2),
    row("outcome.disclosed", 9, 0, 0, 0, 0, 0, 9),
    row("outcome.partial", 0, 0, 0, 0, 0, 0, 0),  # line 105: the row before its label (line 108)
    row("outcome.withheld.state_secret", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.withheld.prohibited_by_law", 0, 0, 0, 0, 0, 0, 0),  # line 116, label on line 112
    row("outcome.withheld.security_stability", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.withheld.third_party", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.withheld.internal_affairs", 1, 0, 0, 0, 0, 0, 1),  # line 128, label on 124-125
    row("outcome.withheld.process_info", 1, 0, 0, 0, 0, 0, 1),
    row("outcome.withheld.enforcement_file", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.withheld.admin_query", 0, 0, 0, 0, 0, 0, 0),
    row("outcome.withheld", 2, 0, 0, 0, 0, 0, 2),  # prose: 不予公开答复 2 件
    row("outcome.unable.not_held", 4, 0, 0, 0, 0, 0, 4),  # line 134
    row("outcome.unable.needs_creation", 6, 0, 0, 0, 0, 0, 6),  # line 141
    row("outcome.unable.unclear", 0, 0, 0, 0, 0, 0, 0),  # 4 + 6 + 0 = 10: prose 无法提供的 10 件
    zeros("outcome.not_processed", NOT_PROCESSED),  # prose: 不予处理 0 件
    row("outcome.other.no_correction", 8, 2, 0, 0, 0, 0, 10),  # line 163
    row("outcome.other.unpaid_fee", 0, 0, 0, 0, 0, 0, 0),  # line 173 (the lone "1" on 172 is no row)
    row("outcome.other.other", 4, 0, 0, 0, 0, 0, 4),
    row("outcome.other", 12, 2, 0, 0, 0, 0, 14),  # prose: 其他处理 14 件
    row("outcome.total", 33, 2, 0, 0, 0, 0, 35),
    row("requests.carried_forward", 1, 0, 0, 0, 0, 0, None),  # six numbers: the 总计 is missing
    t4(1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),  # prose: 1 件行政复议, 行政诉讼 0 件
    one("litigation.total", 0),
)

EXPECTED = {
    "pingtan-2011.txt": ("平潭综合实验区", 2011, "pre2019", PT2011),
    "pingtan-2016.txt": ("平潭综合实验区", 2016, "pre2019", PT2016),
    "pingtan-2019.txt": ("平潭综合实验区", 2019, "2019", PT2019),
    "pingtan-2021.txt": ("平潭综合实验区", 2021, "2021", PT2021),
    "shanghai-kewei-2024.txt": ("上海市科委", 2024, "2021", KEWEI),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_report_figures(reports, name):
    agency, year, era, expected = EXPECTED[name]
    r = reports[name]
    assert (r.agency, r.year, r.era) == (agency, year, era)
    got = figures(r)
    assert {k: v for k, v in got.items() if k not in expected} == {}, "figures the report does not have"
    assert {k: v for k, v in expected.items() if got.get(k) != v} == {}, "figures read wrong or missed"


def test_the_prose_totals_of_the_kewei_report_match_its_table(reports):
    r = reports["shanghai-kewei-2024.txt"]
    total = lambda m: r.figure(m).value  # noqa: E731
    assert [total(m) for m in ("requests.new", "requests.carried_over", "outcome.disclosed", "outcome.partial",
                               "outcome.withheld")] == [34, 2, 9, 0, 2]
    assert sum(total(f"outcome.unable.{n}") for n in UNABLE) == 10
    assert sum(total(f"outcome.not_processed.{n}") for n in NOT_PROCESSED) == 0
    assert total("outcome.other") == 14
    assert r.figure("requests.carried_forward", "natural_person").value == 1
    assert r.quality == []


def test_kewei_missing_cell_stays_missing_and_is_reported(reports):
    r = reports["shanghai-kewei-2024.txt"]
    assert r.figure("requests.carried_forward", "total") is None
    missing = [w for w in r.warnings if w.code == "missing_cell"]
    assert [(w.line, w.metrics, w.applicants) for w in missing] == [(178, ("requests.carried_forward",), ("total",))]
    # the stray "1" on line 172 is not a row, and is said to be ignored
    assert any(w.line == 172 and "ignored" in w.message for w in r.warnings)


def test_sources_are_file_and_line(reports):
    """The scraped bodies are one long line (line 10): every figure cites it; the Markdown
    report cites each row's own line."""
    for name in ("pingtan-2011.txt", "pingtan-2016.txt", "pingtan-2019.txt", "pingtan-2021.txt"):
        r = reports[name]
        assert {f.line for f in r.figures} == {10}, name
        assert r.title_line == 1 and len(r.lines) == 11
    k = reports["shanghai-kewei-2024.txt"]
    lines = {(f.metric, f.applicant): f.line for f in k.figures}
    assert lines[("requests.new", "total")] == 102
    assert lines[("outcome.partial", "total")] == 105
    assert lines[("outcome.other.other", "total")] == 175
    assert lines[("review.upheld", "total")] == 189
    assert lines[("proactive.website", "total")] == 32
    assert k.title_line == 2


def test_run_together_figures_are_marked_recovered(reports):
    r = reports["pingtan-2021.txt"]
    assert all(f.recovered for f in r.figures if f.origin in ("table", "derived") and not f.metric.startswith(
        ("licensing", "penalty", "coercion", "fees")))
    assert not r.figure("licensing.decisions").recovered  # one glued cell: nothing to split
    assert "column sums" in r.figure("outcome.disclosed").note
    assert not any(f.recovered for f in reports["shanghai-kewei-2024.txt"].figures)
    assert all(f.recovered for f in reports["pingtan-2016.txt"].figures)
    assert not any(f.recovered for f in reports["pingtan-2011.txt"].figures)


def test_ambiguous_table_two_rows_are_not_published_and_the_warning_names_candidates(reports):
    r = reports["pingtan-2019.txt"]
    amb = {w.metrics: w.message for w in r.warnings if w.code == "ambiguous_split"}
    assert set(amb) == {
        ("normative_docs.made_2019", "normative_docs.published_2019", "normative_docs.public_total_2019"),
        ("licensing.decisions",), ("penalty.decisions",), ("coercion.decisions",),
        ("procurement.projects", "procurement.amount_wan"),
    }
    assert '"3960181"' in amb[("licensing.decisions",)] and "3,960,181" in amb[("licensing.decisions",)]
    assert all(r.figure(m[0]) is None for m in amb)
    r21 = reports["pingtan-2021.txt"]
    assert [w.metrics for w in r21.warnings] == [("normative_docs.issued", "normative_docs.repealed", "normative_docs.in_force")]


def test_notes_csv_lists_recovered_and_missing_figures():
    site = load_site(CONTENT)
    text = notes_csv(site.reports, site.agency_of)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(text.splitlines()[0].split(",")) == NOTES_COLUMNS
    by_key = {(r["agency_slug"], r["year"], r["metric"], r["applicant"]): r for r in rows}
    rec = by_key[("pingtan", "2021", "requests.new", "natural_person")]
    assert rec["note"].startswith("recovered: split by the template identities")
    assert rec["source"] == "reports/pingtan-2021.txt:10"
    miss = by_key[("shanghai-kewei", "2024", "requests.carried_forward", "total")]
    assert miss["note"].startswith("missing_cell:") and miss["source"] == "reports/shanghai-kewei-2024.txt:178"
    amb = by_key[("pingtan", "2019", "licensing.decisions", "")]
    assert amb["note"].startswith("ambiguous_split:")
    # the seeds read without recovery: no notes for them
    assert {r["agency_slug"] for r in rows} == {"pingtan", "shanghai-kewei"}
    # every recovered figure of the site is listed
    recovered = {(r.agency_slug, str(r.year), r.metric, r.applicant) for r in site.records() if r.recovered}
    assert recovered and recovered <= set(by_key)
    # deterministic
    assert notes_csv(site.reports, site.agency_of) == text


def test_corpus_agencies_and_records():
    site = load_site(CONTENT)
    assert not site.errors
    agencies = {a.slug: a for a in site.agencies}
    p = agencies["pingtan"]
    assert (p.name, p.province, p.city, p.level, p.place_source) == ("平潭综合实验区", "福建省", "福州市", "功能区", "entry")
    k = agencies["shanghai-kewei"]
    assert (k.name, k.province, k.city, k.level, k.known) == ("上海市科学技术委员会", "上海市", "上海市", "省级部门", True)
    assert [r.year for r in site.reports_of("pingtan")] == [2011, 2016, 2019, 2021]
    text = records_csv(site.records())
    assert "平潭综合实验区,pingtan,2021,requests.new,total,70,false,reports/pingtan-2021.txt:10" in text


# --- 统计表 columns: the year's, never the cumulative one ------------------------------------

STAT = ("某某县人民政府2012年政府信息公开工作年度报告\n"
        "一、概述\n本县2012年政府信息公开工作有序开展。\n"
        "附件：政府信息公开情况统计表\n"
        "{header}\n"
        "主动公开信息数\t条\t{a}\n"
        "其中：1.网站公开\t条\t{b}\n"
        "受理依申请公开信息总数\t条\t{c}\n"
        "行政复议数\t条\t{d}\n")


def parse_text(text: str):
    import datetime as dt

    return parse_document(Document("reports/variant.txt", split_lines(text), "utf-8"), today=dt.date(2026, 1, 1))


@pytest.mark.parametrize(
    "header, cells",
    [
        ("指标名称\t计量单位\t2012年度\t历年累计", ("120\t950", "100\t800", "7\t31", "1\t2")),
        ("指标名称\t计量单位\t历年累计\t2012年度", ("950\t120", "800\t100", "31\t7", "2\t1")),
        ("指标名称\t计量单位\t统计数", ("120", "100", "7", "1")),
    ],
)
def test_stat_table_takes_the_years_column_from_the_header(header, cells):
    a, b, c, d = cells
    r = parse_text(STAT.format(header=header, a=a, b=b, c=c, d=d))
    got = {f.metric: f.value for f in r.figures}
    assert got == {"proactive.total": 120, "proactive.website": 100, "requests.new": 7, "review.total": 1}


def test_stat_table_cells_run_together_are_split_by_the_columns_and_the_prose():
    # invented, one line as a scraped page prints it: 120|950, 100|800, 7|31, 1|2
    line = ("本县2012年主动公开政府信息120条。附件：统计表 指标名称计量单位2012年度历年累计主动公开信息数条120950"
            "其中：1、网站公开数条1008002、政府公报公开数条00受理依申请公开信息总数条731行政复议数件12")
    r = parse_text("某某县人民政府2012年政府信息公开工作年度报告\n一、概述\n" + line + "\n")
    got = {f.metric: f.value for f in r.figures}
    # 120950 alone could be 1|20950, 12|0950 (no: leading zero), 120|950 …; the prose says 120.
    # 100800 is bounded by its parent row (100 ≤ 120, 800 ≤ 950); 731 is 7|31; 12 is 1|2
    assert got == {"proactive.total": 120, "proactive.website": 100, "requests.new": 7, "review.total": 1}
    assert all(f.recovered for f in r.figures if f.origin == "stat")
    assert not any(v in (950, 800, 31, 2) for v in got.values())


# --- amounts printed in 元 where the template asks for 万元 ---------------------------------


def seed(name: str) -> str:
    return (REPORTS / name).read_text(encoding="utf-8")


def test_procurement_amount_printed_in_yuan_is_converted():
    text = seed("donghuashi-2019.txt").replace("政府集中采购\t38\t184.8083", "政府集中采购\t38\t1848083元", 1)
    r = parse_text(text)
    f = r.figure("procurement.amount_wan")
    assert f.value == Decimal("184.8083")
    assert f.note == "printed 1848083元"
    assert r.figure("procurement.projects").value == 38


def test_fee_column_headed_in_yuan_is_converted():
    lines = split_lines(seed("jianguomen-2024.txt"))
    at = next(i for i, l in enumerate(lines) if "本年收费金额（单位：万元）" in l)
    lines[at] = lines[at].replace("（单位：万元）", "（单位：元）")
    fee = next(i for i in range(at, at + 6) if lines[i].strip() == "0")
    lines[fee] = "\t123456"
    r = parse_text("\n".join(lines))
    f = r.figure("fees.amount_wan")
    assert (f.value, f.note, f.line) == (Decimal("12.3456"), "printed 123456元", fee + 1)


def test_amount_in_wan_is_kept_as_printed():
    r = parse_text(seed("donghuashi-2019.txt"))
    f = r.figure("procurement.amount_wan")
    assert (f.value, f.note) == (Decimal("184.8083"), "")


# --- prose stating several facts in one sentence ---------------------------------------------


def test_prose_requests_and_outcomes_in_one_sentence():
    r = parse_text("某某区人民政府2012年政府信息公开工作年度报告\n一、概述\n"
                   "2012年，全区共受理政府信息公开申请 1295 件，办结 1191 件（含上年结转 189 件），其中按时办结1180件。\n")
    assert {f.metric: f.value for f in r.figures} == {"requests.new": 1295, "outcome.total": 1191}


@pytest.mark.parametrize(
    "title, agency, year",
    [
        ("2025 年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", 2025),
        ("平潭县人民政府2021年度政府信息公开工作年度报告", "平潭县人民政府", 2021),
        ("上海市财政局2020年信息公开年度报告", "上海市财政局", 2020),
        ("当前位置： 首页政务公开 福州市生态环境局2020年政府信息公开工作年度报告 来源：福州市生态环境局", "福州市生态环境局", 2020),
        ("北京市东城区人民政府\n2022年政府信息公开工作年度报告", "北京市东城区人民政府", 2022),
    ],
)
def test_titles_of_every_kind_of_agency(title, agency, year):
    r = parse_text(title + "\n一、概述\n本年度主动公开政府信息12条。\n")
    assert (r.agency, r.year) == (agency, year)


def test_the_build_writes_notes_csv(tmp_path):
    from site_builder.cli import main

    out = tmp_path / "site"
    assert main(["build", "--content", str(CONTENT), "--out", str(out)]) == 0
    text = (out / "data" / "notes.csv").read_text(encoding="utf-8")
    site = load_site(CONTENT)
    assert text == notes_csv(site.reports, site.agency_of)
    assert 'pingtan,2021,requests.new,natural_person,"recovered: split by the template identities' in text


def test_scraped_2019_form_with_spaces_kept_negative_change_and_amount_in_yuan():
    """The 2019 page as another archive might have kept it: spaces between some cells, a negative
    本年增/减, the procurement amount in 元 (the template asks for 万元)."""
    text = seed("pingtan-2019.txt")
    text = text.replace("行政许可3960181", "行政许可396 -2 181", 1)
    text = text.replace("政府集中采购13575394432.52元", "政府集中采购135 75394432.52元", 1)
    r = parse_text(text)
    assert r.figure("licensing.decisions").value == 181
    assert r.figure("procurement.projects").value == 135
    f = r.figure("procurement.amount_wan")
    assert (f.value, f.note) == (Decimal("7539.443252"), "printed 75394432.52元")
    assert not [w for w in r.warnings if "negative" in w.message]


@pytest.mark.parametrize("footer", ["— 4 —", "- 5 -", "第 6 页", "| — 7 — |"])
def test_page_footer_inside_the_markdown_table_changes_nothing(reports, footer):
    lines = split_lines(seed("shanghai-kewei-2024.txt"))
    # between 4.保护第三方合法权益 (line 120) and the rows after it, and inside table 四
    lines[120:120] = ["", footer, ""]
    lines[188:188] = [footer]
    r = parse_text("\n".join(lines))
    assert figures(r) == figures(reports["shanghai-kewei-2024.txt"])


def test_stat_table_run_together_with_the_cumulative_column_first():
    # invented: the header puts 历年累计 before the year; each row prints cumulative then year
    line = ("本县2012年主动公开政府信息120条。附件：统计表 指标名称计量单位历年累计2012年度主动公开信息数条950120"
            "其中：1、网站公开数条8001002、政府公报公开数条00受理依申请公开信息总数条317行政复议数件21")
    r = parse_text("某某县人民政府2012年政府信息公开工作年度报告\n一、概述\n" + line + "\n")
    assert {f.metric: f.value for f in r.figures} == {"proactive.total": 120, "proactive.website": 100,
                                                       "requests.new": 7, "review.total": 1}
