"""Variants of the seed texts that a parser which memorised the seeds would get wrong.

Each test transforms a seed programmatically — other numbers, other spacing, other line breaks,
other numbering and brackets, a docx-style table turned PDF-style and back — and asserts the
exact numbers the transformed text prints. Random choices use seeded generators, so a failure
reproduces.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest

from site_builder.parser import parse_document
from site_builder.readers import Document
from site_builder.readers.text import split_lines

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "content" / "reports"
TODAY = dt.date(2026, 6, 1)

APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
WITHHELD = ("state_secret", "prohibited_by_law", "security_stability", "third_party", "internal_affairs",
            "process_info", "enforcement_file", "admin_query")
# The rows of table 三 in the order the templates print them (written from the templates, not the parser)
T3_HEAD = ["requests.new", "requests.carried_over", "outcome.disclosed", "outcome.partial"]
T3_MIDDLE = (
    [f"outcome.withheld.{w}" for w in WITHHELD]
    + ["outcome.unable.not_held", "outcome.unable.needs_creation", "outcome.unable.unclear"]
    + [f"outcome.not_processed.{p}" for p in ("petition", "duplicate", "publication", "vexatious", "confirm_existing")]
)
T3_ROWS_2019 = T3_HEAD + T3_MIDDLE + ["outcome.other", "outcome.total", "requests.carried_forward"]
T3_ROWS_2021 = T3_HEAD + T3_MIDDLE + [
    "outcome.other.no_correction", "outcome.other.unpaid_fee", "outcome.other.other",
    "outcome.total", "requests.carried_forward",
]
T4 = [f"{g}.{c}" for g in ("review", "litigation.direct", "litigation.after_review")
      for c in ("upheld", "corrected", "other", "pending", "total")]

DH2019 = "donghuashi-2019.txt"  # PDF-like: one table row per line
JG2024 = "jianguomen-2024.txt"  # docx-like: one cell per line

CJK = re.compile(r"[\u4e00-\u9fff]")
NUM_CELL = re.compile(r"^\t?-?\d+(?:\.\d+)?$")


def seed_lines(name: str) -> list[str]:
    return split_lines((REPORTS / name).read_text(encoding="utf-8"))


def parse_lines(lines: list[str]):
    return parse_document(Document(path="reports/variant.txt", lines=lines, encoding="utf-8"), today=TODAY)


def index_of(lines: list[str], needle: str, start: int = 0) -> int:
    for i in range(start, len(lines)):
        if needle in lines[i]:
            return i
    raise AssertionError(f"{needle!r} not found")


def t3_region(lines: list[str]) -> tuple[int, int]:
    """0-based [start, end) of table 三: from its first row to table 四's heading."""
    start = index_of(lines, "本年新收")
    return start, index_of(lines, "行政复议、行政诉讼情况", start)


def t4_region(lines: list[str]) -> tuple[int, int]:
    start = index_of(lines, "行政复议、行政诉讼情况")
    return start, index_of(lines, "存在的主要问题", start)


def table_values(report, rows: list[str]) -> list[list[Decimal | None]]:
    out = []
    for metric in rows:
        out.append([(f.value if (f := report.figure(metric, a)) else None) for a in APPLICANTS])
    return out


def as_decimals(rows: list[list[int]]) -> list[list[Decimal]]:
    return [[Decimal(v) for v in row] for row in rows]


# --- row structure of the two table styles --------------------------------------------------------


def pdf_row_cells(line: str) -> tuple[str, list[str]] | None:
    """('label', [numbers]) of a PDF-like row 'label<TAB>n<TAB>n...'; None for a line without numbers."""
    cells = [c for c in line.split("\t")]
    nums = [c.strip() for c in cells if NUM_CELL.match(c.strip() or "x")]
    if not nums:
        return None
    label = " ".join(c.strip() for c in cells if c.strip() and not NUM_CELL.match(c.strip()))
    return label, nums


def replace_pdf_numbers(lines: list[str], region: tuple[int, int], new_rows: list[list[int]], width: int) -> list[str]:
    """Write new numbers into the rows of a PDF-like table, keeping every label and tab."""
    out = list(lines)
    k = 0
    for i in range(*region):
        cells = out[i].split("\t")
        positions = [j for j, c in enumerate(cells) if NUM_CELL.match(c.strip() or "x")]
        if len(positions) != width:
            continue
        for j, v in zip(positions, new_rows[k]):
            cells[j] = str(v)
        out[i] = "\t".join(cells)
        k += 1
    assert k == len(new_rows), (k, len(new_rows))
    return out


def replace_docx_numbers(lines: list[str], region: tuple[int, int], values: list[int]) -> list[str]:
    """Write new numbers into the one-cell-per-line cells of a docx-like table, in order."""
    out = list(lines)
    cells = [i for i in range(*region) if NUM_CELL.match(out[i])]
    assert len(cells) == len(values), (len(cells), len(values))
    for i, v in zip(cells, values):
        out[i] = f"\t{v}"
    return out


def random_rows(rng: random.Random, n: int, width: int = 7) -> list[list[int]]:
    return [[rng.choice([0, 0, 1, 2, rng.randint(0, 999)]) for _ in range(width)] for _ in range(n)]


def consistent_rows(rng: random.Random, rows: list[str], other_rows: list[str]) -> list[list[int]]:
    """Values for table 三 that satisfy every rule: row totals, outcome total, balance."""
    cols: list[dict[str, int]] = []
    for _ in range(6):
        col = {}
        outcome_parts = [m for m in rows if m.startswith("outcome.") and m != "outcome.total"]
        for m in outcome_parts:
            col[m] = rng.choice([0, 0, 0, 1, rng.randint(0, 40)])
        col["outcome.total"] = sum(col[m] for m in outcome_parts)
        col["requests.carried_forward"] = rng.randint(0, 5)
        col["requests.carried_over"] = rng.randint(0, 5)
        new = col["outcome.total"] + col["requests.carried_forward"] - col["requests.carried_over"]
        if new < 0:
            col["requests.carried_over"] += new
            new = 0
        col["requests.new"] = new
        cols.append(col)
    out = []
    for m in rows:
        vals = [c[m] for c in cols]
        out.append(vals + [sum(vals)])
    return out


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_random_numbers_pdf_style_table_three(seed):
    rng = random.Random(1000 + seed)
    lines = seed_lines(DH2019)
    rows = random_rows(rng, len(T3_ROWS_2019))
    r = parse_lines(replace_pdf_numbers(lines, t3_region(lines), rows, 7))
    assert table_values(r, T3_ROWS_2019) == as_decimals(rows)


@pytest.mark.parametrize("seed", range(5))
def test_random_numbers_docx_style_table_three(seed):
    rng = random.Random(2000 + seed)
    lines = seed_lines(JG2024)
    rows = random_rows(rng, len(T3_ROWS_2021))
    r = parse_lines(replace_docx_numbers(lines, t3_region(lines), [v for row in rows for v in row]))
    assert table_values(r, T3_ROWS_2021) == as_decimals(rows)


@pytest.mark.parametrize("seed", range(3))
def test_consistent_random_tables_pass_every_check(seed):
    rng = random.Random(3000 + seed)
    lines = seed_lines(JG2024)
    rows = consistent_rows(rng, T3_ROWS_2021, [])
    r = parse_lines(replace_docx_numbers(lines, t3_region(lines), [v for row in rows for v in row]))
    assert table_values(r, T3_ROWS_2021) == as_decimals(rows)
    assert [c for c in r.quality if c.rule.startswith("t3.")] == []
    assert len([c for c in r.checks if c.rule.startswith("t3.")]) == 7 + 7 + 25

    lines = seed_lines(DH2019)
    rows = consistent_rows(rng, T3_ROWS_2019, [])
    r = parse_lines(replace_pdf_numbers(lines, t3_region(lines), rows, 7))
    assert table_values(r, T3_ROWS_2019) == as_decimals(rows)
    assert r.quality == []


@pytest.mark.parametrize("seed", range(3))
def test_inconsistent_random_table_keeps_printed_numbers(seed):
    """A broken rule is the report's own: the printed numbers are kept, the break recorded."""
    rng = random.Random(4000 + seed)
    lines = seed_lines(DH2019)
    rows = consistent_rows(rng, T3_ROWS_2019, [])
    row = rng.randrange(len(rows))
    col = rng.randrange(6)
    rows[row][col] += 1  # the printed 总计 of that row no longer adds up
    r = parse_lines(replace_pdf_numbers(lines, t3_region(lines), rows, 7))
    assert table_values(r, T3_ROWS_2019) == as_decimals(rows)
    assert f"t3.row_total:{T3_ROWS_2019[row]}" in {c.rule for c in r.quality}


@pytest.mark.parametrize("seed", range(3))
def test_random_numbers_table_four(seed):
    rng = random.Random(5000 + seed)
    values = [rng.randint(0, 30) for _ in range(15)]
    lines = seed_lines(JG2024)
    r = parse_lines(replace_docx_numbers(lines, t4_region(lines), values))
    assert [r.figure(m).value for m in T4] == values
    lines = seed_lines(DH2019)
    r = parse_lines(replace_pdf_numbers(lines, t4_region(lines), [values], 15))
    assert [r.figure(m).value for m in T4] == values
    assert r.figure("litigation.total").value == values[9] + values[14]


# --- spacing ------------------------------------------------------------------------------------


def space_out(text: str, rng: random.Random, p: float = 0.5) -> str:
    """Insert spaces between neighbouring CJK characters, as PDF extraction does."""
    out = []
    for a, b in zip(text, text[1:] + "\0"):
        out.append(a)
        if CJK.match(a) and CJK.match(b) and rng.random() < p:
            out.append(" " * rng.randint(1, 2))
    return "".join(out)


def map_labels(lines: list[str], region: tuple[int, int], fn) -> list[str]:
    """Apply fn to every non-number cell in the region."""
    out = list(lines)
    for i in range(*region):
        cells = out[i].split("\t")
        out[i] = "\t".join(c if NUM_CELL.match(c.strip() or "0") else fn(c) for c in cells)
    return out


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", [DH2019, JG2024])
def test_spaces_inside_labels(seed, name):
    rng = random.Random(6000 + seed)
    lines = seed_lines(name)
    rows_metric = T3_ROWS_2019 if name == DH2019 else T3_ROWS_2021
    expected = table_values(parse_lines(lines), rows_metric)
    t4_expected = [parse_lines(lines).figure(m).value for m in T4]
    for region in (t3_region(lines), t4_region(lines)):
        lines = map_labels(lines, region, lambda c: space_out(c, rng))
    r = parse_lines(lines)
    assert table_values(r, rows_metric) == expected
    assert [r.figure(m).value for m in T4] == t4_expected
    assert r.era == ("2019" if name == DH2019 else "2021")


def test_spaces_removed_from_labels():
    """'结 果 维 持' written '结果维持', '商 业 企 业' as '商业企业': the same table."""
    lines = seed_lines(DH2019)
    squeezed = [re.sub(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])", "", l) for l in lines]
    assert squeezed != lines
    a, b = parse_lines(lines), parse_lines(squeezed)
    assert {(f.metric, f.applicant, f.value, f.line) for f in a.figures} == {(f.metric, f.applicant, f.value, f.line) for f in b.figures}


# --- line breaks --------------------------------------------------------------------------------


def split_docx_labels(lines: list[str], region: tuple[int, int], rng: random.Random) -> list[str]:
    """Break label cells over two lines, as Word wraps them ('\t商业' / '企业')."""
    out = lines[: region[0]]
    for line in lines[region[0] : region[1]]:
        text = line.lstrip("\t")
        cjk_positions = [k for k in range(1, len(text)) if CJK.match(text[k - 1]) and CJK.match(text[k])]
        if not NUM_CELL.match(line) and cjk_positions and rng.random() < 0.7:
            k = rng.choice(cjk_positions)
            out += [line[: len(line) - len(text) + k], text[k:]]
        else:
            out.append(line)
    return out + lines[region[1] :]


@pytest.mark.parametrize("seed", range(3))
def test_labels_broken_over_lines_docx(seed):
    rng = random.Random(7000 + seed)
    lines = seed_lines(JG2024)
    numbers = random_rows(rng, len(T3_ROWS_2021))
    lines = replace_docx_numbers(lines, t3_region(lines), [v for row in numbers for v in row])
    lines = split_docx_labels(lines, t3_region(lines), rng)
    lines = split_docx_labels(lines, t4_region(lines), rng)
    r = parse_lines(lines)
    assert table_values(r, T3_ROWS_2021) == as_decimals(numbers)
    for f in r.figures:
        if f.origin == "table":
            assert lines[f.line - 1].strip() == str(f.value), f


@pytest.mark.parametrize("seed", range(3))
def test_labels_broken_before_numbers_pdf(seed):
    """PDF text often puts the start of a long row label on its own line above the numbers."""
    rng = random.Random(8000 + seed)
    lines = seed_lines(DH2019)
    numbers = random_rows(rng, len(T3_ROWS_2019))
    lines = replace_pdf_numbers(lines, t3_region(lines), numbers, 7)
    start, end = t3_region(lines)
    out = lines[:start]
    for line in lines[start:end]:
        cells = line.split("\t")
        label_idx = [j for j, c in enumerate(cells) if c.strip() and not NUM_CELL.match(c.strip())]
        if label_idx and rng.random() < 0.6:
            j = label_idx[-1]
            text = cells[j]
            cut = [k for k in range(1, len(text)) if CJK.match(text[k - 1]) and CJK.match(text[k])]
            if cut:
                k = rng.choice(cut)
                out.append("\t".join(cells[:j] + [text[:k]]))
                cells[j] = text[k:]
                line = "\t".join(cells[j:])
        out.append(line)
    lines = out + lines[end:]
    r = parse_lines(lines)
    assert table_values(r, T3_ROWS_2019) == as_decimals(numbers)


@pytest.mark.parametrize(
    "name, old, new, agency, year",
    [
        ("jianguomen-2011.txt", "建国门街道2011年政府信息公开工作\n\n年度报告", "建国门街道2011年政府信息公开工作年度报告", "建国门街道", 2011),
        ("jianguomen-2011.txt", "建国门街道2011年政府信息公开工作\n\n年度报告", "建国门\n街道2011\n年政府信息公开工作年度报告", "建国门街道", 2011),
        ("donghuashi-2019.txt", "东花市街道\n\n2019 年政府信息公开工作年度报告", "东花市街道2019年政府信息公开工作年度报告", "东花市街道", 2019),
        ("donghuashi-2019.txt", "东花市街道\n\n2019 年政府信息公开工作年度报告", "东 花 市 街 道\n2019\n年政府信息公开工作年度报告", "东花市街道", 2019),
        ("jianguomen-2024.txt", "建国门街道办事处2024年政府信息公开\n工作年度报告", "建国门街道办事处\n\n2024年政府信息公开工作年度报告", "建国门街道", 2024),
        ("xinqi-2013.txt", "新碶街道2013年度政府信息公开工作年度报告", "新碶街道\n2013年度政府信息\n公开工作年度报告", "新碶街道", 2013),
    ],
)
def test_title_line_breaks(name, old, new, agency, year):
    text = (REPORTS / name).read_text(encoding="utf-8")
    assert text.count(old) == 1
    r = parse_lines(split_lines(text.replace(old, new)))
    assert (r.agency, r.year) == (agency, year)
    base = parse_lines(split_lines(text))
    # the same figures, wherever the title's lines fell
    shift = new.count("\n") - old.count("\n")
    assert sorted((f.metric, f.applicant, f.value, f.line) for f in r.figures) == sorted(
        (f.metric, f.applicant, f.value, f.line + shift) for f in base.figures
    )


# --- numbering and brackets ---------------------------------------------------------------------

CN = "一二三四五六七八"


@pytest.mark.parametrize(
    "style",
    [
        lambda k: f"({CN[k]})",  # half-width brackets
        lambda k: f"（{CN[k]}）",  # full-width brackets
        lambda k: f"{CN[k]}、",  # 一、
        lambda k: f"{k + 1}.",  # 1.
        lambda k: "",  # no numbering at all
    ],
    ids=["half", "full", "dun", "arabic", "none"],
)
@pytest.mark.parametrize("name", [DH2019, JG2024])
def test_numbering_styles_of_outcome_groups(style, name):
    rng = random.Random(9000)
    lines = seed_lines(name)
    rows = T3_ROWS_2019 if name == DH2019 else T3_ROWS_2021
    numbers = random_rows(rng, len(rows))
    if name == DH2019:
        lines = replace_pdf_numbers(lines, t3_region(lines), numbers, 7)
    else:
        lines = replace_docx_numbers(lines, t3_region(lines), [v for row in numbers for v in row])
    group = re.compile(r"[(（]\s*([一二三四五六七])\s*[)）]")
    start, end = t3_region(lines)
    lines = lines[:start] + [group.sub(lambda m: style(CN.index(m.group(1))), l) for l in lines[start:end]] + lines[end:]
    r = parse_lines(lines)
    assert table_values(r, rows) == as_decimals(numbers)


@pytest.mark.parametrize("style", ["（{n}）", "{n}、", "{n}．", "({n})", "{n} . "])
def test_numbering_styles_of_sub_rows(style):
    rng = random.Random(9100)
    lines = seed_lines(DH2019)
    numbers = random_rows(rng, len(T3_ROWS_2019))
    lines = replace_pdf_numbers(lines, t3_region(lines), numbers, 7)
    start, end = t3_region(lines)
    sub = re.compile(r"(?<![\d])([1-8])\.\s*(?=[\u4e00-\u9fff])")
    lines = lines[:start] + [sub.sub(lambda m: style.format(n=m.group(1)), l) for l in lines[start:end]] + lines[end:]
    r = parse_lines(lines)
    assert table_values(r, T3_ROWS_2019) == as_decimals(numbers)


# --- docx-style <-> PDF-style --------------------------------------------------------------------


def docx_to_pdf(lines: list[str], regions: list[tuple[int, int]]) -> list[str]:
    """One cell per line -> one row per line: the label, then its numbers separated by spaces."""
    out = lines[: regions[0][0]]
    for start, end in regions:
        label: list[str] = []
        nums: list[str] = []
        for line in lines[start:end]:
            cell = line.strip()
            if NUM_CELL.match(cell or "x"):
                nums.append(cell)
                continue
            if nums:
                out.append((" ".join(label) + " " + " ".join(nums)).strip())
                label, nums = [], []
            if cell:
                label.append(cell)
        if nums:
            out.append((" ".join(label) + " " + " ".join(nums)).strip())
        elif label:
            out.append(" ".join(label))
    return out + lines[regions[-1][1] :]


def pdf_to_docx(lines: list[str], regions: list[tuple[int, int]]) -> list[str]:
    """One row per line -> one cell per line, as text extracted from a Word table."""
    out = lines[: regions[0][0]]
    for start, end in regions:
        for line in lines[start:end]:
            for cell in line.split("\t"):
                if cell.strip():
                    out.append("\t" + cell.strip())
            out.append("")
    return out + lines[regions[-1][1] :]


def tables(lines: list[str]) -> list[tuple[int, int]]:
    t2 = index_of(lines, "主动公开政府信息情况")
    return [(t2 + 1, t3_region(lines)[0] - 1), t3_region(lines), t4_region(lines)]


def table_figures(report) -> dict:
    return {(f.metric, f.applicant): f.value for f in report.figures if f.origin != "prose"}


def test_docx_table_converted_to_pdf_style():
    lines = seed_lines(JG2024)
    rng = random.Random(9200)
    numbers = random_rows(rng, len(T3_ROWS_2021))
    lines = replace_docx_numbers(lines, t3_region(lines), [v for row in numbers for v in row])
    base = parse_lines(lines)
    converted = docx_to_pdf(lines, [(index_of(lines, "主动公开政府信息情况") + 1, t4_region(lines)[1])])
    assert len(converted) < len(lines) - 200  # really one row per line now
    assert not any("\t" in l for l in converted[index_of(converted, "第二十条") : index_of(converted, "存在的主要问题")])
    r = parse_lines(converted)
    assert r.era == "2021"
    assert table_values(r, T3_ROWS_2021) == as_decimals(numbers)
    assert table_figures(r) == table_figures(base)
    assert r.figure("penalty.decisions").value == 139


def test_pdf_table_converted_to_docx_style():
    lines = seed_lines(DH2019)
    rng = random.Random(9300)
    numbers = random_rows(rng, len(T3_ROWS_2019))
    lines = replace_pdf_numbers(lines, t3_region(lines), numbers, 7)
    base = parse_lines(lines)
    converted = pdf_to_docx(lines, [(index_of(lines, "主动公开政府信息情况") + 1, t4_region(lines)[1])])
    assert len(converted) > len(lines) + 200
    r = parse_lines(converted)
    assert r.era == "2019"
    assert table_values(r, T3_ROWS_2019) == as_decimals(numbers)
    assert table_figures(r) == table_figures(base)
    assert r.figure("procurement.amount_wan").value == Decimal("184.8083")
    for f in r.figures:
        if f.origin == "table":
            assert converted[f.line - 1].strip() == str(f.value)


# --- rows matched by meaning, not position -------------------------------------------------------


def test_missing_row_does_not_shift_the_others():
    """A table that leaves out one row: the rows after it keep their own labels' numbers."""
    lines = seed_lines(DH2019)
    rng = random.Random(9400)
    numbers = random_rows(rng, len(T3_ROWS_2019))
    lines = replace_pdf_numbers(lines, t3_region(lines), numbers, 7)
    drop = index_of(lines, "其他法律行政法规禁止公开")
    lines = lines[:drop] + lines[drop + 1 :]
    r = parse_lines(lines)
    expected = as_decimals(numbers)
    k = T3_ROWS_2019.index("outcome.withheld.prohibited_by_law")
    got = table_values(r, T3_ROWS_2019)
    assert got[k] == [None] * 7
    assert got[:k] + got[k + 1 :] == expected[:k] + expected[k + 1 :]


def test_prose_numbers_changed():
    text = (REPORTS / DH2019).read_text(encoding="utf-8")
    text = text.replace("全年主动公开政府信息 282 条", "全年主动公开政府信息 1,024 条")
    text = text.replace("在政府网站公开信息 282 条", "在政府网站公开信息 777 条")
    text = text.replace("分别为 340 条和 300 条", "分别为 12 条和 0 条")
    r = parse_lines(split_lines(text))
    assert [r.figure(m).value for m in ("proactive.total", "proactive.website", "proactive.weibo", "proactive.wechat")] == [1024, 777, 12, 0]


# --- prose phrasings ------------------------------------------------------------------------------

# (sentence, metric, value): ways reports state the prose figures, written into the 2011 report
PHRASINGS = [
    ("主动公开各类政府信息共计303条", "proactive.total", "303"),
    ("主动公开政府信息数为303条", "proactive.total", "303"),
    ("本年度共主动公开信息303条", "proactive.total", "303"),
    ("全年主动公开政府信息共1，303条", "proactive.total", "1303"),
    ("全年累计主动公开政府信息三百零三条", "proactive.total", "303"),
    ("通过门户网站公开政府信息120条", "proactive.website", "120"),
    ("在区政府网站发布信息120条", "proactive.website", "120"),
    ("政务微博发布信息50条", "proactive.weibo", "50"),
    ("微信公众号发布信息80条", "proactive.wechat", "80"),
    ("通过政务微信公开政府信息80条", "proactive.wechat", "80"),
    ("全文电子化率达到100％", "proactive.e_rate", "100"),
    ("全文电子化率为98.5%", "proactive.e_rate", "98.5"),
    ("接待咨询约500人次", "consultations.total", "500"),
    ("受理咨询500余人次", "consultations.total", "500"),
    ("提供政府信息公开咨询服务近500人次", "consultations.total", "500"),
    ("接受公众咨询共计500人次", "consultations.total", "500"),
    ("共受理政府信息公开申请5件", "requests.new", "5"),
    ("全年共收到5件政府信息公开申请", "requests.new", "5"),
    ("共收到各类政府信息公开申请五件", "requests.new", "5"),
    ("收到政府信息公开申请共计5件", "requests.new", "5"),
    ("本年度共收到依申请公开申请5件", "requests.new", "5"),
    ("全年共受理依申请公开5件", "requests.new", "5"),
    ("本年度未收到政府信息公开申请", "requests.new", "0"),
    ("没有收到政府信息公开申请", "requests.new", "0"),
    ("本年度未受理依申请公开事项", "requests.new", "0"),
    ("发生行政复议案件2起，行政诉讼案件1起", "review.total", "2"),
    ("发生行政复议案件2起，行政诉讼案件1起", "litigation.total", "1"),
    ("未发生因政府信息公开引起的行政复议和行政诉讼", "review.total", "0"),
    ("未发生因政府信息公开引起的行政复议和行政诉讼", "litigation.total", "0"),
    ("因政府信息公开申请提起行政复议2件", "review.total", "2"),
    ("行政复议申请1件，行政诉讼0件", "litigation.total", "0"),
    ("涉及政府信息公开的行政诉讼案件3件", "litigation.total", "3"),
    ("本机关被申请行政复议1件", "review.total", "1"),
    ("全年没有发生行政复议、行政诉讼案件", "litigation.total", "0"),
]


@pytest.mark.parametrize("sentence, metric, expected", PHRASINGS)
def test_prose_phrasings(sentence, metric, expected):
    lines = seed_lines("jianguomen-2011.txt")
    # the report's own statements of these figures are on L62 (主动公开, 电子化率) and L66
    target = 62 if metric.startswith("proactive.") else 66
    lines[target - 1] = f"2011年，{sentence}。"
    f = parse_lines(lines).figure(metric)
    assert f is not None and (str(f.value), f.line) == (expected, target)
    assert f.approximate == any(m in sentence for m in ("余", "约", "近"))


@pytest.mark.parametrize(
    "sentence",
    [
        "无正当理由大量反复申请的，不予处理",
        "组织依法行政复议的程序规定学习培训2次",
        "收到区长信箱信件13件，办结13件",
        "接待来访群众300人次",
        "公开栏访问量近千次",
        "行政复议决定书公开3件",
        "编制公开指南2册，发放宣传材料500份",
    ],
)
def test_prose_sentences_without_a_contract_figure(sentence):
    """Sentences with numbers that are not the contract's figures add nothing."""
    lines = seed_lines("jianguomen-2011.txt")
    base = {(f.metric, f.value, f.line) for f in parse_lines(lines).figures}
    lines[63] = sentence + "。"  # L64 lists 主动公开 categories, none of them a contract figure
    assert {(f.metric, f.value, f.line) for f in parse_lines(lines).figures} == base


# --- the pre-2019 统计表 -----------------------------------------------------------------------------

TR2017 = "taoranting-2017.txt"
# row label (as the 统计表 prints it) -> metric, written from the 2017 report's 统计表
STAT_ROWS = {
    "（一）主动公开政府信息数": "proactive.total",
    "2.政府网站公开政府信息数": "proactive.website",
    "3.政务微博公开政府信息数": "proactive.weibo",
    "4.政务微信公开政府信息数": "proactive.wechat",
    "（一）收到申请数": "requests.new",
    "2.同意公开答复数": "outcome.disclosed",
    "3.同意部分公开答复数": "outcome.partial",
    "4.不同意公开答复数": "outcome.withheld",
    "5.不属于本行政机关公开数": "outcome.unable.not_held",
    "6.申请信息不存在数": "outcome.unable.not_exist",
    "四、行政复议数量": "review.total",
    "五、行政诉讼数量": "litigation.total",
}


def stat_start(lines: list[str]) -> int:
    return next(i for i, l in enumerate(lines) if "统计指标" in re.sub(r"\s", "", l))


def stat_rows_one_per_line(lines: list[str], sep: str) -> list[str]:
    """The 统计表 with one cell per line (blank line between rows) rewritten one row per line."""
    start = stat_start(lines)
    out, row = lines[:start], []
    for line in lines[start:] + [""]:
        if line.strip():
            row.append(line.strip())
        elif row:
            out.append(sep.join(row))
            row = []
    return out


def stat_figures(report) -> dict[str, Decimal]:
    return {f.metric: f.value for f in report.figures if f.origin == "stat"}


@pytest.mark.parametrize("sep", [" ", "\t", "   ", " | "], ids=["space", "tab", "spaces", "pipes"])
def test_stat_table_one_row_per_line(sep):
    base = parse_lines(seed_lines(TR2017))
    lines = stat_rows_one_per_line(seed_lines(TR2017), sep)
    if sep == " | ":
        start = stat_start(lines)
        lines = lines[:start] + [f"| {l} |" for l in lines[start:]]
    r = parse_lines(lines)
    assert r.has_stat_table
    assert stat_figures(r) == stat_figures(base)
    assert len(stat_figures(r)) == 12
    assert [(c.rule, c.passed) for c in r.checks] == [(c.rule, c.passed) for c in base.checks]
    for f in r.figures:
        if f.origin == "stat":
            assert lines[f.line - 1].rstrip(" |").endswith(str(f.value)), (f, lines[f.line - 1])


@pytest.mark.parametrize("seed", range(3))
def test_stat_table_random_numbers(seed):
    rng = random.Random(9500 + seed)
    lines = seed_lines(TR2017)
    start = stat_start(lines)
    expected: dict[str, int] = {}
    label = ""
    for i in range(start, len(lines)):
        cell = lines[i].strip()
        if re.fullmatch(r"\d+", cell):
            v = rng.randint(0, 5000)
            lines[i] = f"\t{v}"
            for printed, metric in STAT_ROWS.items():
                if label.startswith(printed) or label == printed:
                    expected[metric] = v
        elif cell and cell not in ("条", "件", "次", "篇", "个", "人", "人次", "元"):
            label = re.sub(r"\s", "", cell).replace("其中：", "")
    assert len(expected) == 12
    r = parse_lines(lines)
    assert stat_figures(r) == {m: Decimal(v) for m, v in expected.items()}


def test_stat_table_without_unit_column():
    units = {"条", "件", "次", "篇", "个", "人", "人次", "元"}
    lines = seed_lines(TR2017)
    start = stat_start(lines)
    stripped = lines[:start] + [l for l in lines[start:] if l.strip() not in units and l.strip() != "单位"]
    base = parse_lines(seed_lines(TR2017))
    r = parse_lines(stripped)
    assert {m: v for m, v in stat_figures(r).items()} == stat_figures(base)


# --- PDF rows whose label and numbers fall on different lines -----------------------------------


def relayout_pdf_rows(lines: list[str], mode: str, rng: random.Random) -> list[str]:
    """Rewrite each row of table 三 ('label<TAB>n…n') as PDF text extraction may lay it out:
    'separate' label line then a numbers line; 'middle' the label wrapped around its numbers
    (vertically centred cells); 'after' the numbers line first, the label below it."""
    start, end = t3_region(lines)
    out = lines[:start]
    for line in lines[start:end]:
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        nums = [c for c in cells if NUM_CELL.match(c)]
        if len(nums) != 7:
            out.append(line)
            continue
        label = "".join(c for c in cells if not NUM_CELL.match(c))
        row = " ".join(nums)
        if mode == "separate":
            out += [label, row]
        elif mode == "middle":
            cut = [k for k in range(1, len(label)) if CJK.match(label[k - 1]) and CJK.match(label[k])]
            k = rng.choice(cut) if len(label) > 4 and cut else len(label)
            out += [label[:k], row] + ([label[k:]] if label[k:] else [])
        else:
            out += [row, label]
    return out + lines[end:]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("mode", ["separate", "middle", "after"])
def test_pdf_row_label_and_numbers_on_different_lines(mode, seed):
    rng = random.Random(9600 + seed)
    lines = seed_lines(DH2019)
    numbers = random_rows(rng, len(T3_ROWS_2019))
    lines = replace_pdf_numbers(lines, t3_region(lines), numbers, 7)
    r = parse_lines(relayout_pdf_rows(lines, mode, rng))
    assert table_values(r, T3_ROWS_2019) == as_decimals(numbers)
    assert r.warnings == []


@pytest.mark.parametrize("split_at", [5, 10, 3])
def test_pdf_table_four_over_two_lines(split_at):
    values = list(range(1, 16))
    lines = seed_lines(DH2019)
    start, end = t4_region(lines)
    row = index_of(lines, "1\t0\t0\t0\t1\t0", start)
    lines[row : row + 1] = [" ".join(map(str, values[:split_at])), " ".join(map(str, values[split_at:]))]
    r = parse_lines(lines)
    assert [r.figure(m).value for m in T4] == values
    assert [r.figure(m).line for m in T4] == [row + 1] * split_at + [row + 2] * (15 - split_at)


# --- a row with one cell too few or too many: left out, never shifted ------------------------------


def _row_cells(lines: list[str], metric_row: int) -> list[int]:
    """0-based indices of the seven cell lines of table 三's row number `metric_row` (docx text)."""
    start, end = t3_region(lines)
    cells = [i for i in range(start, end) if NUM_CELL.match(lines[i])]
    return cells[7 * metric_row : 7 * metric_row + 7]


@pytest.mark.parametrize("row", [0, 5, 13, 24])
@pytest.mark.parametrize("change", ["drop", "extra"])
def test_docx_row_with_a_cell_too_few_or_too_many(row, change):
    rng = random.Random(9700 + row)
    lines = seed_lines(JG2024)
    numbers = [[rng.randint(1, 99) for _ in range(7)] for _ in T3_ROWS_2021]
    lines = replace_docx_numbers(lines, t3_region(lines), [v for r in numbers for v in r])
    cells = _row_cells(lines, row)
    col = rng.randrange(7)
    if change == "drop":
        del lines[cells[col]]
    else:
        lines.insert(cells[col], "\t77")
    r = parse_lines(lines)
    got = table_values(r, T3_ROWS_2021)
    metric = T3_ROWS_2021[row]
    # left out: its cells cannot be placed (the prose may still state a total: 新收申请 17 件)
    assert [f for f in r.figures if f.metric == metric and f.origin != "prose"] == []
    assert got[:row] + got[row + 1 :] == as_decimals(numbers[:row] + numbers[row + 1 :])
    n = 6 if change == "drop" else 8
    assert any(
        w.message == f"table 三 row {metric}: {n} numbers for its 7 cells; which one is missing or extra cannot be told, "
        "so the row is left out" for w in r.warnings
    ), [str(w) for w in r.warnings]


@pytest.mark.parametrize("change", ["drop", "extra"])
def test_pdf_row_with_a_cell_too_few_or_too_many(change):
    lines = seed_lines(DH2019)
    row = index_of(lines, "本机关不掌握相关政府信")
    assert lines[row].endswith("\t2\t0\t0\t0\t0\t0\t2")
    lines[row] = lines[row].replace("\t2\t0\t0\t0\t0\t0\t2", "\t2\t0\t0\t0\t0\t2" if change == "drop" else "\t2\t0\t0\t9\t0\t0\t0\t2")
    r = parse_lines(lines)
    assert table_values(r, ["outcome.unable.not_held"]) == [[None] * 7]
    assert r.figure("outcome.unable.needs_creation", "total").value == 0
    assert r.figure("outcome.withheld.admin_query", "total").value == 0
    assert [w.line for w in r.warnings if "cannot be told" in w.message] == [row + 1]


def test_pdf_stray_number_after_a_row_is_not_an_extra_cell():
    """A page number printed on its own line after a row does not unsettle that row."""
    lines = seed_lines(DH2019)
    row = index_of(lines, "本机关不掌握相关政府信")
    lines.insert(row + 1, "12")
    r = parse_lines(lines)
    assert table_values(r, ["outcome.unable.not_held"]) == [as_decimals([[2, 0, 0, 0, 0, 0, 2]])[0]]
    assert not [w for w in r.warnings if "cannot be told" in w.message]


# --- table 二 ----------------------------------------------------------------------------------------

# row label -> the metric of each printed number (None: a column without a metric), from the templates
T2_2021 = {
    "规章": ["rules.issued", "rules.repealed", "rules.in_force"],
    "行政规范性文件": ["normative_docs.issued", "normative_docs.repealed", "normative_docs.in_force"],
    "行政许可": ["licensing.decisions"],
    "行政处罚": ["penalty.decisions"],
    "行政强制": ["coercion.decisions"],
    "行政事业性收费": ["fees.amount_wan"],
}
T2_2019 = {
    "规章": ["rules.made_2019", "rules.published_2019", "rules.public_total_2019"],
    "规范性文件": ["normative_docs.made_2019", "normative_docs.published_2019", "normative_docs.public_total_2019"],
    "行政许可": [None, None, "licensing.decisions"],  # 上一年项目数量, 本年增/减, 处理决定数量
    "行政 检查": [None, None],
    "行政 确认": [None, None],
    "行政处罚": [None, None, "penalty.decisions"],
    "行政强制": [None, None, "coercion.decisions"],
    "行政事业性收费": [None, None],  # the 2019 form counts fee items, not amounts
    "政府集中采购": ["procurement.projects", "procurement.amount_wan"],
}


def t2_region(lines: list[str]) -> tuple[int, int]:
    return index_of(lines, "主动公开政府信息情况"), t3_region(lines)[0]


def random_amount(rng: random.Random) -> str:
    return rng.choice(["0", str(rng.randint(1, 500)), f"{rng.randint(0, 999)}.{rng.randint(0, 9999):04d}"])


@pytest.mark.parametrize("seed", range(4))
def test_table_two_random_numbers_docx(seed):
    rng = random.Random(9800 + seed)
    lines = seed_lines(JG2024)
    start, end = t2_region(lines)
    expected: dict[str, str] = {}
    label, k = None, 0
    for i in range(start, end):
        cell = lines[i].strip()
        if cell in T2_2021:
            label, k = cell, 0
        elif NUM_CELL.match(cell) and label:
            metric = T2_2021[label][k]
            v = random_amount(rng) if metric == "fees.amount_wan" else str(rng.randint(0, 300))
            lines[i] = f"\t{v}"
            expected[metric] = v
            k += 1
    assert len(expected) == 10
    r = parse_lines(lines)
    assert {m: str(r.figure(m).value) for m in expected} == expected


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("layout", ["tabs", "spaces"])
def test_table_two_random_numbers_pdf(seed, layout):
    rng = random.Random(9900 + seed)
    lines = seed_lines(DH2019)
    start, end = t2_region(lines)
    expected: dict[str, str] = {}
    for i in range(start, end):
        cells = lines[i].split("\t")
        label = next((c.strip() for c in cells if c.strip() in T2_2019), None)
        if label is None:
            continue
        metrics = T2_2019[label]
        k = 0
        for j, c in enumerate(cells):
            if NUM_CELL.match(c.strip() or "x"):
                metric = metrics[k]
                if metric == "procurement.amount_wan":
                    v = random_amount(rng)
                elif metric is None and k == 1 and "增" not in label:
                    v = str(rng.randint(-20, 20))  # 本年增/减 may be negative
                else:
                    v = str(rng.randint(0, 300))
                cells[j] = v
                if metric:
                    expected[metric] = v
                k += 1
        lines[i] = "\t".join(cells) if layout == "tabs" else " ".join(c for c in cells if c.strip())
    assert len(expected) == 11
    r = parse_lines(lines)
    assert {m: str(r.figure(m).value) for m in expected} == expected


# --- rows printed out of the template's order ---------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_rows_out_of_template_order_follow_their_labels(seed):
    """The eight 不予公开 rows shuffled: each row's numbers still go to the row its label names,
    and the rows after them are not shifted."""
    rng = random.Random(10_000 + seed)
    lines = seed_lines(DH2019)
    numbers = [[rng.randint(1, 99) for _ in range(7)] for _ in T3_ROWS_2019]
    lines = replace_pdf_numbers(lines, t3_region(lines), numbers, 7)
    a, b = index_of(lines, "1.属于国家秘密"), index_of(lines, "8.属于行政查询事项")
    block = ["\t".join(c for c in l.split("\t") if c.strip()).replace("(三) 不 予 公 开\t", "") for l in lines[a : b + 1]]
    order = list(range(len(block)))
    while order == sorted(order):
        rng.shuffle(order)
    lines[a : b + 1] = [block[k] for k in order]
    r = parse_lines(lines)
    assert table_values(r, T3_ROWS_2019) == as_decimals(numbers)


@pytest.mark.parametrize("name", [DH2019, JG2024])
def test_table_two_found_by_its_column_headers(name):
    """Another heading ("二、主动公开情况") and no 第二十条 labels: the column headers anchor the table."""
    lines = seed_lines(name)
    base = parse_lines(lines)
    lines = ["二、主动公开情况" if l.strip() == "二、主动公开政府信息情况" else l for l in lines]
    lines = [re.sub(r"第二十条第（[一二三四五六七八九]）项", "", l) for l in lines]
    r = parse_lines(lines)
    assert sorted((f.metric, f.applicant, f.value, f.line) for f in r.figures) == sorted(
        (f.metric, f.applicant, f.value, f.line) for f in base.figures
    )
    assert r.warnings == []


def test_missing_table_two_is_a_warning():
    lines = seed_lines(JG2024)
    start, end = index_of(lines, "二、主动公开政府信息情况"), t3_region(lines)[0]
    r = parse_lines(lines[:start] + lines[end - 1 :])
    assert [str(w) for w in r.warnings] == ["reports/variant.txt: table 二 (主动公开政府信息情况) was not found"]
    assert r.figure("penalty.decisions") is None
    assert r.figure("requests.new", "total").value == 17


# --- subtotal rows the template does not have ---------------------------------------------------


@pytest.mark.parametrize(
    "heading, before",
    [
        ("(三) 不予公开", "1.属于国家秘密"),
        ("(三)不予公开小计", "1.属于国家秘密"),
        ("(四) 无法提供", "1.本机关不掌握"),
        ("(五) 不予处理", "1. 信访举报投诉类申请"),
    ],
)
def test_pdf_subtotal_row_is_ignored_not_shifted(heading, before):
    """Some agencies print a subtotal beside a group heading: it is no row of the template, and
    the rows under the heading keep their own numbers."""
    rng = random.Random(10_100)
    lines = seed_lines(DH2019)
    numbers = [[rng.randint(1, 9) for _ in range(7)] for _ in T3_ROWS_2019]
    lines = replace_pdf_numbers(lines, t3_region(lines), numbers, 7)
    at = index_of(lines, before)
    lines.insert(at, heading + "\t55\t0\t0\t0\t0\t0\t55")
    r = parse_lines(lines)
    assert table_values(r, T3_ROWS_2019) == as_decimals(numbers)
    name = re.sub(r"[()\s\d三四五小计]", "", heading)
    assert [str(w) for w in r.warnings] == [
        f"reports/variant.txt:{at + 1}: table 三: a subtotal row ({name}) that the template does not have; ignored"
    ]


def test_docx_2021_other_subtotal_is_ignored():
    """A 2021 table that prints numbers beside (六)其他处理 as well as its three rows."""
    rng = random.Random(10_200)
    lines = seed_lines(JG2024)
    numbers = [[rng.randint(1, 9) for _ in range(7)] for _ in T3_ROWS_2021]
    lines = replace_docx_numbers(lines, t3_region(lines), [v for row in numbers for v in row])
    at = index_of(lines, "（六）其他处理")
    lines[at : at + 1] = ["\t（六）其他处理"] + ["\t55"] * 7 + ["", "\t"]
    r = parse_lines(lines)
    assert table_values(r, T3_ROWS_2021) == as_decimals(numbers)
    # (六)'s total is still the sum of its three rows
    assert r.figure("outcome.other", "natural_person").value == sum(numbers[k][0] for k in range(20, 23))
    assert [w.message for w in r.warnings] == ["table 三: a subtotal row (其他处理) that the template does not have; ignored"]


def test_2019_other_row_is_a_row_not_a_subtotal():
    """In the 2019 form (六)其他处理 is a row of its own: read, not ignored."""
    r = parse_lines(seed_lines(DH2019))
    assert r.figure("outcome.other", "total").origin == "table"
    assert not [w for w in r.warnings if "subtotal" in w.message]


@pytest.mark.parametrize("form", ["full-width", "padded", "ideographic-space"])
def test_docx_cells_in_other_number_forms(form):
    rng = random.Random(10_300)
    lines = seed_lines(JG2024)
    numbers = random_rows(rng, len(T3_ROWS_2021))
    lines = replace_docx_numbers(lines, t3_region(lines), [v for row in numbers for v in row])
    start, end = t3_region(lines)
    full = str.maketrans("0123456789", "０１２３４５６７８９")
    cell = {
        "full-width": lambda v: "\t" + v.translate(full),
        "padded": lambda v: f"\t  {v}  ",
        "ideographic-space": lambda v: "\u3000" + v,
    }[form]
    lines = lines[:start] + [cell(l.strip()) if NUM_CELL.match(l) else l for l in lines[start:end]] + lines[end:]
    assert table_values(parse_lines(lines), T3_ROWS_2021) == as_decimals(numbers)
