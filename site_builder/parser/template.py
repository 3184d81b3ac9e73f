"""Tables 二, 三 and 四 of the 2019 and 2021 templates.

Rows are found by the meaning of their labels, not by position: the text between two runs of
numbers is the label of the numbers that follow it. Where extraction displaced a row's label
(PDF converted to Markdown), an unlabelled row takes the next row of the template's fixed
order, so the template itself settles what the text left unsaid.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import product, repeat

from site_builder.model import APPLICANTS, Diagnostic, Figure
from site_builder.numbers import format_number
from site_builder.parser.checks import OUTCOME_ROWS_2019, RULE_TEXT, check_template
from site_builder.parser.layouts import OTHER_ROWS_2021, T3_ROWS, T3_ROWS_OF, RowSpec
from site_builder.parser.runtogether import MAX_CELL_DIGITS, enumerate_splits, split_run
from site_builder.parser.text import Token, find_line, line_segments, norm, tokenize

T3_WIDTH = len(APPLICANTS)  # six applicant columns and 总计
_new = tuple.__new__  # a Figure (named tuple) from its fields, without its Python-level __new__
_is = operator.is_
_NONES = (None,) * T3_WIDTH
_FALSES = (False,) * T3_WIDTH
_TABLE = ("table",) * T3_WIDTH
_VALUE = operator.itemgetter(2)  # a part's value (text.line_parts: kind, text, value, row_line, markdown, unit)
_RECOVERED = operator.itemgetter(6)  # Figure.recovered
T4_WIDTH = 15


def _p(expr: str) -> re.Pattern[str]:
    return re.compile(expr)


T4_METRICS = tuple(
    f"{group}.{col}"
    for group in ("review", "litigation.direct", "litigation.after_review")
    for col in ("upheld", "corrected", "other", "pending", "total")
)


@dataclass(frozen=True)
class T2Row:
    pattern: re.Pattern[str]
    # metric per printed column, None where the column has no metric
    columns_2019: tuple[str | None, ...]
    columns_2021: tuple[str | None, ...]


T2_ROWS: tuple[T2Row, ...] = (
    T2Row(_p(r"规章"), ("rules.made_2019", "rules.published_2019", "rules.public_total_2019"), ("rules.issued", "rules.repealed", "rules.in_force")),
    T2Row(_p(r"规范性文件"), ("normative_docs.made_2019", "normative_docs.published_2019", "normative_docs.public_total_2019"), ("normative_docs.issued", "normative_docs.repealed", "normative_docs.in_force")),
    T2Row(_p(r"行政许可"), (None, None, "licensing.decisions"), ("licensing.decisions",)),
    T2Row(_p(r"行政处罚"), (None, None, "penalty.decisions"), ("penalty.decisions",)),
    T2Row(_p(r"行政强制"), (None, None, "coercion.decisions"), ("coercion.decisions",)),
    T2Row(_p(r"行政事业性收费"), (None, None), ("fees.amount_wan",)),
    T2Row(_p(r"政府集中采购|集中采购"), ("procurement.projects", "procurement.amount_wan"), ()),
)

_T2_START = re.compile(r"主动公开政府信息(?:情况)?$|主动公开政府信息情况|第二十条第\(一\)项")
_T2_HEADER = re.compile(r"本年制发件数|本年新制作数量|本年新公开数量|对外公开总数量")
_T3_START = re.compile(r"收到和处理政府信息公开申请")
_T3_FIRST_ROW = re.compile(r"本年新收")
_T4_START = re.compile(r"行政复议.*行政诉讼|政府信息公开行政复议|行政复议$")
_AFTER_TABLES = re.compile(r"存在的主要问题|主要问题及改进|其他需要报告")


class Group:
    """Numbers that stand together after one label.

    Kept as the lines' memoised parts (text.line_parts: kind, text, value, row_line, markdown,
    unit) and the 1-based line of each, not as Tokens: a report's tables are ~200 numbers, and
    the common reading needs only their values and lines; `tokens` is made when asked for."""

    __slots__ = ("label", "parts", "lines", "runs", "markdown", "_tokens")

    def __init__(self, label: str, parts: list[tuple], lines: list[int], runs: bool | None = None,
                 markdown: bool | None = None):
        self.label = label  # normalised text before the numbers
        self.parts = parts
        self.lines = lines
        self._tokens: list[Token] | None = None
        # whether a token is a RUN (cells run together) / sits in a Markdown row; None: not known
        self.runs = runs
        self.markdown = markdown

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = [Token(kind, text, line, value, row_line, md, unit)
                            for (kind, text, value, row_line, md, unit), line in zip(self.parts, self.lines)]
        return self._tokens

    @property
    def line(self) -> int:
        return self.lines[0]

    def has_runs(self) -> bool:
        return self.runs if self.runs is not None else any(p[0] == "RUN" for p in self.parts)


@dataclass
class TableResult:
    figures: list[Figure] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # metric -> line, rows found in order
    truncated_at: int | None = None  # 1-based line where the text ends inside the table


def token_groups(lines: list[str], start: int, end: int, width: int) -> list[Group]:
    """The numbers of lines[start:end] (0-based) in label + numbers groups of at most `width`.

    A new group starts at a label, when a group is full, and at a line that holds a whole row
    of numbers (PDF text and Markdown print one row per line), so a stray number on its own
    line does not shift the next row. Made in one pass over the lines' memoised runs of numbers
    (text.line_segments: a table line is a label and its row, read as a whole), whose parts the
    groups keep: no token is built.
    """
    groups: list[Group] = []
    label: list[str] = []
    current: list[tuple] | None = None  # the open group's parts
    at_lines: list[int] = []  # and their lines
    head = ""  # its label
    runs = markdown = False
    last: int | None = None
    append = groups.append
    for idx in range(start, min(end, len(lines))):
        segments, last = line_segments(lines[idx], last)
        line = idx + 1
        for text, numbers, row_line, md, has_run in segments:
            if text is not None:
                if current is not None:
                    append(Group(head, current, at_lines, runs, markdown))
                    current = None
                label.append(text)
            k = len(numbers)
            if not k:
                continue
            if k == 1 and current is not None and not row_line and len(current) < width:
                # one number joining the open group (a cell per line, as Word tables extract)
                current.append(numbers[0])
                at_lines.append(line)
                runs = runs or has_run
                markdown = markdown or md
                continue
            i = 0
            if current is not None:
                # (the group's last number is on an earlier line: a label between would have closed it)
                if row_line or len(current) >= width:
                    append(Group(head, current, at_lines, runs, markdown))
                    current = None
                else:
                    i = min(width - len(current), k)
                    current += numbers[:i]
                    at_lines += [line] * i
                    runs = runs or (has_run and any(p[0] == "RUN" for p in numbers[:i]))
                    markdown = markdown or md
            while i < k:
                if current is not None:  # full
                    append(Group(head, current, at_lines, runs, markdown))
                head = "".join(label)
                label = []
                j = min(i + width, k)
                current = list(numbers[i:j])
                at_lines = [line] * (j - i)
                runs = has_run and any(p[0] == "RUN" for p in current)
                markdown = md
                i = j
    if current is not None:
        append(Group(head, current, at_lines, runs, markdown))
    return groups


def locate_tables(lines: list[str], normed: list[str] | None = None) -> dict[str, tuple[int, int]]:
    """0-based [start, end) line ranges of tables 二, 三 and 四 where the text has them.
    `normed`: the lines' norm(), when the caller has them."""
    if normed is None:
        normed = list(map(norm, lines))
    regions: dict[str, tuple[int, int]] = {}
    first_row = find_line(lines, _T3_FIRST_ROW, normed=normed)
    if first_row is None:
        # PDF text may break the first row's label over two lines ("一、本" / "年新收…")
        first_row = _find_across_break(lines, _T3_FIRST_ROW, normed)
    if first_row is None:
        # ... or wrap it around its own numbers: the table's heading still anchors it
        first_row = find_line(lines, _T3_START, normed=normed)
    if first_row is None:
        return regions
    t3_start = first_row
    for i in range(first_row, -1, -1):
        if _T3_START.search(normed[i]):
            t3_start = i
            break
    t4_start = find_line(lines, _T4_START, first_row + 1, normed=normed)
    after = find_line(lines, _AFTER_TABLES, (t4_start or first_row) + 1, normed=normed)
    t3_end = t4_start if t4_start is not None else (after if after is not None else len(lines))
    regions["t3"] = (t3_start, t3_end)
    if t4_start is not None:
        regions["t4"] = (t4_start, after if after is not None else len(lines))
    # Table 二 sits before table 三, after the last "主动公开政府信息情况" heading that precedes it.
    t2_start = None
    for i in range(t3_start - 1, -1, -1):
        if _T2_START.search(normed[i]):
            t2_start = i
            if "第二十条" not in normed[i]:
                break
    if t2_start is None:
        # no heading the parser knows ("二、主动公开情况"): the table's own column headers anchor it
        t2_start = next((i for i in range(t3_start - 1, -1, -1) if _T2_HEADER.search(normed[i])), None)
    if t2_start is not None:
        regions["t2"] = (_t2_rows_above(normed, t2_start), t3_start)
    return regions


# Lines that only table 二 prints: its row-group headers, column headers and row labels
_T2_LINE = re.compile(r"^(?:第二十条|信息内容|规章|(?:行政)?规范性文件|行政许可|行政处罚|行政强制|行政事业性收费|政府集中采购|其他对外管理服务事项)")


def _t2_rows_above(normed: list[str], start: int) -> int:
    """A converted PDF may repeat the table's heading in its middle ("## 表二：主动公开政府信息情况"
    below the 第二十条 rows): rows above it, up to the heading before them, are the table's too.
    `normed`: the report's lines, normalised."""
    for i in range(start - 1, -1, -1):
        text = normed[i]
        if not text or _T2_LINE.search(text):
            continue
        return i if _T2_START.search(text) and i < start - 1 else start
    return start


def _find_across_break(lines: list[str], pattern: re.Pattern[str], normed: list[str]) -> int | None:
    """Index of the line where a label that matches only across a line break begins."""
    for i in range(len(lines) - 1):
        head = normed[i]
        if not head:
            continue
        j = next((k for k in range(i + 1, min(i + 3, len(lines))) if normed[k]), None)
        if j is not None and pattern.search(head + normed[j]):
            return i
    return None


def parse_t3(lines: list[str], region: tuple[int, int], era: str, path: str, split_run) -> TableResult:
    result = TableResult()
    layout = era if era in T3_ROWS_OF else None  # (the era whose rows these are, for _pick_row)
    rows = T3_ROWS_OF[era] if layout is not None else tuple(r for r in T3_ROWS if era in r.eras)
    groups = token_groups(lines, region[0], region[1], T3_WIDTH)
    cursor = 0
    pending: list[_Pending] = []
    misfits = _misfit_rows(groups)
    text_cells = _text_in_number_cells(groups)
    subtotals = _subtotal_rows(groups, rows)
    for group in groups:
        if len(group.lines) == 1 and _cut_from_next_row(group, rows):
            group.runs = True
    for group in groups:
        # (the tests of _needs_split and _group_values inline: a report's table is ~25 groups,
        # nearly all a whole row of numbers apart)
        whole = len(group.lines) >= T3_WIDTH
        if split_run is not None and not whole and group.has_runs():
            digits = " ".join(t.text for t in group.tokens)
            if sum(ch.isdigit() for ch in digits) < T3_WIDTH:
                # too few digits for seven cells: a stray number, not a row run together
                result.warnings.append(Diagnostic(path, group.line, f"table 三: {digits} is no row of seven numbers; ignored"))
                continue
            target = _pick_row(group.label, rows, cursor, result.rows, layout)
            where = f"table 三 row {rows[target].metric}" if target is not None else "table 三"
            split = split_run(digits, T3_WIDTH, "t3")
            if split.values is None:
                if target is not None:
                    cursor = target + 1
                    result.rows[rows[target].metric] = group.line
                    if split.candidates:
                        # the columns' own sums may still settle it once every row is read
                        pending.append(_Pending(rows[target].metric, group.line, digits, split, where))
                        continue
                result.warnings.append(Diagnostic(path, group.line, f"{where}: {split.message}", code=split.code,
                                                  metrics=(rows[target].metric,) if target is not None else ()))
                continue
            values = _Values(split.values)
            values.recovered = True
            values.note = f'split from "{digits}" by the row total'
        elif whole and not group.has_runs():
            values = _Values(map(_VALUE, group.parts))
        else:
            values = _group_values(group, T3_WIDTH, "t3", path, result, split_run)
        if values is None:
            continue
        if id(group) in subtotals:
            result.warnings.append(Diagnostic(
                path, group.line, f"table 三: a subtotal row ({subtotals[id(group)]}) that the template does not have; ignored"))
            continue
        if id(group) in misfits and not values.recovered:
            # One cell too few or too many: which one cannot be told, and a guess would shift the row.
            target = _pick_row(group.label, rows, cursor, result.rows, layout)
            name = rows[target].metric if target is not None else "?"
            if target is not None:
                cursor = target + 1
                result.rows[name] = group.line
            result.warnings.append(Diagnostic(
                path, group.line, f"table 三 row {name}: {misfits[id(group)]} numbers for its {T3_WIDTH} cells; "
                "which one is missing or extra cannot be told, so the row is left out", code="missing_cell"))
            continue
        if len(values) < T3_WIDTH - 1:
            if text_cells.get(id(group)) is not None:
                # The row's other half follows the text: said once, on the first half.
                text, after = text_cells[id(group)]
                target = _pick_row(group.label, rows, cursor, result.rows, layout)
                name = rows[target].metric if target is not None else "?"
                result.warnings.append(Diagnostic(
                    path, group.line, f"table 三 row {name}: '{text}' stands where a number belongs (lines "
                    f"{group.line}-{after.tokens[-1].line}); the row is left out", code="missing_cell"))
                text_cells[id(after)] = None
                continue
            if id(group) in text_cells:  # the half after the text, already reported
                continue
            if len(values) > 0:
                result.warnings.append(Diagnostic(path, group.line, f"table 三: {len(values)} number(s) with no row of seven to belong to ({' '.join(t.text for t in group.tokens)}); ignored"))
            continue
        target = _pick_row(group.label, rows, cursor, result.rows, layout)
        if target is None:
            result.warnings.append(Diagnostic(path, group.line, "table 三: a row of numbers past the template's last row; ignored"))
            continue
        cursor = target + 1
        spec = rows[target]
        result.rows[spec.metric] = group.line
        missing = []
        # (per cell, the hottest loop of the parser: lengths taken once, the Figure built as a
        # tuple in field order: metric, value, line, applicant, approximate, origin, recovered, note)
        lines_of, n_values = group.lines, len(values)
        if n_values == T3_WIDTH and len(lines_of) == T3_WIDTH and not any(map(_is, values, _NONES)):
            # The whole row, a token per cell (the common case): its seven Figures made in C
            # (zip builds each field tuple, map the Figure), no Python code per cell. (The None
            # test by identity: `None in values` would ask each Decimal, whose == with a
            # non-number goes through the numbers ABCs.)
            result.figures += map(_new, repeat(Figure), zip(
                repeat(spec.metric), values, lines_of, APPLICANTS, _FALSES, _TABLE,
                repeat(values.recovered), repeat(values.note)))
            continue
        last_token = len(lines_of) - 1
        for col, applicant in enumerate(APPLICANTS):
            value = values[col] if col < n_values else None
            if value is None:
                missing.append(applicant)
                continue
            line = lines_of[col if col < last_token else last_token]
            result.figures.append(_new(Figure, (spec.metric, value, line, applicant, False, "table",
                                                values.recovered, values.note)))
        if missing:
            result.warnings.append(
                Diagnostic(path, group.line, f"table 三 row {spec.metric}: cell(s) missing for {', '.join(missing)} (left out, not counted as 0)",
                           code="missing_cell", metrics=(spec.metric,), applicants=tuple(missing))
            )
    if pending:
        _resolve_by_columns(pending, result, era, path)
    _confirm_recovered(result, era, path)
    last = rows[-1].metric
    text_ends = region[1] >= len(lines) or not any(l.strip() for l in lines[region[1]:])
    # The text ends inside the table: before its last row, or within it (cells missing)
    if text_ends and (last not in result.rows or sum(1 for f in result.figures if f.metric == last) < T3_WIDTH):
        result.truncated_at = _last_nonempty(lines, region)
    return result


# Group headings of table 三 whose rows are listed under them; some agencies print a subtotal
_SUBTOTAL = re.compile(r"(?P<head>不予公开|无法提供|不予处理|其他处理)(?:小计|合计)?$")


def _subtotal_rows(groups: list[Group], rows: list[RowSpec]) -> dict[int, str]:
    """id(group) -> heading, for numbers printed beside a group heading ("(三)不予公开") that names
    no row of the template, when the next numbers belong to exactly one row: the heading's first
    (a label wrapped around its numbers would name two rows in the text that follows)."""
    out: dict[int, str] = {}
    for group, nxt in zip(groups, groups[1:]):
        m = _SUBTOTAL.search(group.label)
        if not m or any(r.pattern.search(group.label) for r in rows):
            continue
        if sum(1 for r in rows if r.pattern.search(nxt.label)) == 1:
            out[id(group)] = m.group("head")
    return out


_CJK = re.compile(r"[\u3400-\u9fff]")


def _text_in_number_cells(groups: list[Group]) -> dict[int, tuple[str, Group] | None]:
    """id(first half) -> (text, second half) for a row of seven cells split by a cell that holds
    text instead of a number ("abc", "N/A"): the numbers before and after it add up to six, and
    the text is short and no Chinese label."""
    out: dict[int, tuple[str, Group] | None] = {}
    for k in range(len(groups) - 1):
        first, after = groups[k], groups[k + 1]
        text = after.label
        if not (0 < len(first.lines) < T3_WIDTH - 1 and text and len(text) <= 12 and not _CJK.search(text)):
            continue
        if len(first.lines) + len(after.lines) == T3_WIDTH - 1 and after.lines[0] - first.lines[-1] <= 3:
            out[id(first)] = (text, after)
    return out


def _misfit_rows(groups: list[Group]) -> dict[int, int]:
    """id(group) -> how many numbers its row really has, for rows one cell short (six numbers)
    or with extra numbers that spill into an unlabelled scrap right after it (on the same line,
    or, for one-cell-per-line text, the next lines)."""
    out: dict[int, int] = {}
    for k, group in enumerate(groups):
        n = len(group.lines)
        nxt = groups[k + 1] if k + 1 < len(groups) else None
        # (the counts first: a whole row followed by the next row's label, the common group, is no misfit)
        if n != T3_WIDTH - 1 and not (n == T3_WIDTH and nxt is not None and not nxt.label
                                      and len(nxt.lines) < T3_WIDTH - 1):
            continue
        # Markdown rows mark their empty cells ("| 1 | 0 |  |"): left to the Markdown reading
        if group.has_runs() or (group.markdown if group.markdown is not None else any(p[4] for p in group.parts)):
            continue
        if n == T3_WIDTH - 1:
            out[id(group)] = T3_WIDTH - 1
        if n == T3_WIDTH and nxt is not None and not nxt.label and len(nxt.lines) < T3_WIDTH - 1:
            last, first = group.lines[-1], nxt.lines[0]  # (the lines of the row's last number and the scrap's first)
            same_line = first == last
            next_cells = not group.parts[-1][3] and not nxt.parts[0][3] and first - last <= 2
            if (same_line or next_cells) and not nxt.has_runs():
                out[id(group)] = T3_WIDTH + len(nxt.lines)
    return out


class _Values(list):
    recovered = False
    note = ""


@dataclass(frozen=True)
class _Pending:
    """A table 三 row whose run-together cells the row total alone did not settle."""

    metric: str
    line: int
    digits: str
    split: object  # runtogether.Split with its candidates
    where: str


def _cut_from_next_row(group: Group, rows) -> bool:
    """A labelled row whose seven cells ran together and then into the next row's section number
    ("一、本年新收…数量 713000074二、上年结转…"): cut at that heading (parser/flat.py), the digits
    stand alone and read as one number. No cell of table 三 has seven digits (a million
    requests), so a lone number that long is a row run together."""
    if len(group.lines) != 1 or not group.label:
        return False
    kind, text = group.parts[0][:2]
    return (kind == "NUM" and text.isdigit() and len(text) >= T3_WIDTH
            and any(r.pattern.search(group.label) for r in rows))


def _cells_run_together(tok: Token) -> bool:
    """A glued number, or one too long to be a single count ("230053200500000": table 四's
    fifteen cells with no separator and nothing glued to them)."""
    return tok.kind == "RUN" or (tok.text.isdigit() and len(tok.text) > MAX_CELL_DIGITS)


def _as_fewer_cells(digits: str, width: int) -> tuple[Decimal, ...] | None:
    """A reading of the digits as fewer than `width` numbers (the first found), or None when
    only `width` cells can hold them ("007", "000": no number starts with a 0)."""
    for k in range(1, width):
        found = enumerate_splits(digits, k, "t2")
        if found:
            return found[0]
    return None


def _short_of_cells(group: Group, width: int) -> bool:
    """A table 二 row printed with fewer numbers than its cells, whose digits could hold them
    all ("规范性文件 307" in a row of three): cells run together as much as cells left empty,
    so it is read only where one cut is possible, never as its first cells."""
    return 0 < len(group.lines) < width and sum(ch.isdigit() for p in group.parts for ch in p[1]) >= width


def _needs_split(group: Group, width: int) -> bool:
    """Cells run together: a glued number in a group short of the row's cells."""
    # (the count first: a full row, the common case, needs no look at its tokens)
    return len(group.lines) < width and group.has_runs()


# Column rules (勾稽关系) a row takes part in: its candidates are checked against these.
_BALANCE_ROWS = {"requests.new", "requests.carried_over", "outcome.total", "requests.carried_forward"}
MAX_COMBINATIONS = 4096


def _resolve_by_columns(pending: list[_Pending], result: TableResult, era: str, path: str) -> None:
    """Rows the row total left ambiguous, settled by the columns: per applicant column,
    新收 + 结转 = 总计 + 结转下年度 and 总计 = the sum of the outcome rows. Only a combination of
    candidates for which every such rule is checked and holds, and which is the only one, is used."""
    def rules_of(metric: str) -> tuple[str, ...]:
        rules = ("t3.balance",) if metric in _BALANCE_ROWS else ()
        if metric.startswith("outcome."):
            rules += ("t3.outcome_total",)
        return rules

    fitting = []
    combos = product(*[p.split.candidates for p in pending])
    for n, combo in enumerate(combos):
        if n >= MAX_COMBINATIONS:
            fitting = []
            break
        figures = list(result.figures)
        for p, values in zip(pending, combo):
            figures += [Figure(p.metric, v, p.line, a, origin="table") for a, v in zip(APPLICANTS, values)]
        checks = [c for c in check_template(figures, era) if c.rule.startswith("t3.")]
        if not all(c.passed for c in checks):
            continue
        checked = {(c.rule, c.applicant) for c in checks}
        if all(any(all((r, a) in checked for a in APPLICANTS) for r in rules_of(p.metric)) for p in pending):
            fitting.append(combo)
    if len(fitting) == 1:
        for p, values in zip(pending, fitting[0]):
            for applicant, value in zip(APPLICANTS, values):
                result.figures.append(Figure(p.metric, value, p.line, applicant, origin="table", recovered=True,
                                             note=f'split from "{p.digits}" by the row total and the column sums'))
        return
    why = "the column sums do not settle it either" if not fitting else f"{len(fitting)} combinations fit the column sums"
    for p in pending:
        result.warnings.append(Diagnostic(path, p.line, f"{p.where}: {p.split.message} ({why})", code=p.split.code,
                                          metrics=(p.metric,)))


_RULE_ROWS = {"t3.balance": ("requests.new", "requests.carried_over", "outcome.total", "requests.carried_forward")}


def _confirm_recovered(result: TableResult, era: str, path: str) -> None:
    """A row split from cells run together is published only when every column rule that
    touches it (新收 + 结转 = 总计 + 结转下年度; 总计 = the sum of the outcome rows) can be
    checked in every column and holds: the row total alone cannot tell a row that took its
    neighbour's figures (a label that swallowed the row before it) from its own. A rule left
    unchecked because a row it needs is unreadable confirms nothing: the row is left out, and
    the warning names the rule, the rows it lacks or the column where it fails. A rule that
    fails is the report's own break (shown as such) where the digits allow one cut at all
    ("1000001": a digit a cell) or where the row's other rule holds in every column; else,
    where the row total chose among cuts, it rejects the cut."""

    if not any(map(_RECOVERED, result.figures)):  # (nearly every table: no loop over its figures)
        return
    recovered: dict[str, str] = {}
    for f in result.figures:
        if f.recovered and f.metric not in recovered:
            recovered[f.metric] = f.note
    if not recovered:
        return
    outcome_rows = OUTCOME_ROWS_2019 + (OTHER_ROWS_2021 if era == "2021" else ("outcome.other",))
    rule_rows = dict(_RULE_ROWS, **{"t3.outcome_total": outcome_rows + ("outcome.total",)})
    checks = {(c.rule, c.applicant): c for c in check_template(result.figures, era) if c.rule in rule_rows}
    have = {(f.metric, f.applicant) for f in result.figures}
    drop: dict[str, str] = {}
    for metric in recovered:
        unreadable = broken = ""
        holds = False  # a rule that touches the row checked and held in every column
        for rule, needs in rule_rows.items():
            if metric not in needs:
                continue
            failed = ""
            for applicant in APPLICANTS:
                check = checks.get((rule, applicant))
                if check is None:
                    lacking = [m for m in needs if (m, applicant) not in have]
                    unreadable = unreadable or (f"{rule} ({RULE_TEXT[rule]}) cannot be checked: "
                                                f"{', '.join(lacking)} unreadable in column {applicant}")
                    failed = "unreadable"
                    break
                if not check.passed:
                    failed = failed or (f"{rule} ({RULE_TEXT[rule]}) does not hold in column {applicant} "
                                        f"({check.expected} vs {check.printed})")
            if not failed:
                holds = True
            elif failed != "unreadable":
                broken = broken or failed
        if unreadable:
            drop[metric] = unreadable
        elif broken and not holds and not _forced(recovered[metric]):
            drop[metric] = broken
    if not drop:
        return
    values = {}
    for f in result.figures:
        if f.metric in drop:
            values.setdefault(f.metric, []).append(f)
    result.figures[:] = [f for f in result.figures if f.metric not in drop]
    for metric, why in drop.items():
        figs = values[metric]
        shown = ",".join(str(f.value) for f in figs)
        result.warnings.append(Diagnostic(
            path, figs[0].line, f"table 三 row {metric}: {recovered[metric]} gives {shown}, but {why}: "
            "a split no column rule confirms is not published", code="ambiguous_split", metrics=(metric,)))


_SPLIT_FROM = re.compile(r'split from "([^"]*)"')


def _forced(note: str) -> bool:
    """Whether the digits a row was split from can be cut into its seven cells one way only,
    whatever the totals (as many digits as cells)."""
    m = _SPLIT_FROM.search(note)
    return m is not None and len(enumerate_splits(m.group(1), T3_WIDTH, "")) == 1


def _group_values(group: Group, width: int, table: str, path: str, result: TableResult, split_run) -> _Values | None:
    vals = _Values()
    if group.has_runs():
        if _needs_split(group, width) and split_run is not None:
            digits = " ".join(t.text for t in group.tokens)
            split = split_run(digits, width, table)
            if split.values is None:
                result.warnings.append(Diagnostic(path, group.line, split.message, code=split.code))
                return None
            vals.extend(split.values)
            vals.recovered = split.recovered
            vals.note = f'split from "{digits}" by the template identities'
            return vals
        for t in group.tokens:
            if t.kind == "RUN":
                vals.extend(Decimal(d) for d in [t.text])  # a glued number that needs no split
            else:
                vals.append(t.value)
        return vals
    vals.extend(map(_VALUE, group.parts))
    return vals


@lru_cache(maxsize=1 << 12)
def _rows_named(label: str, era: str) -> tuple[int, ...]:
    """Indices of the rows of T3_ROWS_OF[era] whose pattern the label matches, in order. A pure
    function of the label: memoised (every report prints the same few dozen labels)."""
    return tuple(i for i, r in enumerate(T3_ROWS_OF[era]) if r.pattern.search(label))


def _pick_row(label: str, rows: tuple[RowSpec, ...] | list[RowSpec], cursor: int, taken=(),
              era: str | None = None) -> int | None:
    """The row a group of numbers belongs to: the first row not yet read (`taken`) that its label
    names, from the cursor on and then before it (a report may print rows out of the template's
    order); else (no label, or a label naming no row) the next unread row in the template's order.
    `era`: given when `rows` are T3_ROWS_OF[era], whose labels are looked up in _rows_named's memo."""
    if label:
        if era is not None:
            named = _rows_named(label, era)
            for i in named:
                if i >= cursor and rows[i].metric not in taken:
                    return i
            for i in named:
                if i < cursor and rows[i].metric not in taken:
                    return i
        else:
            for i in [*range(cursor, len(rows)), *range(cursor)]:
                if rows[i].metric not in taken and rows[i].pattern.search(label):
                    return i
    while cursor < len(rows) and rows[cursor].metric in taken:
        cursor += 1
    return cursor if cursor < len(rows) else None


def _last_nonempty(lines: list[str], region: tuple[int, int]) -> int:
    for i in range(min(region[1], len(lines)) - 1, region[0] - 1, -1):
        if lines[i].strip():
            return i + 1
    return region[0] + 1


def parse_t4(lines: list[str], region: tuple[int, int], path: str, split_run) -> TableResult:
    result = TableResult()
    tokens = tokenize(lines, *region)
    nums = [t for t in tokens if t.kind != "TEXT"]
    values: list[Decimal | None]
    recovered = False
    note = ""
    if split_run is not None and len(nums) < T4_WIDTH and any(map(_cells_run_together, nums)):
        digits = " ".join(t.text for t in nums)
        split = split_run(digits, T4_WIDTH, "t4")
        if split.values is None:
            result.warnings.append(Diagnostic(path, nums[0].line, f"table 四: {split.message}", code=split.code,
                                              metrics=T4_METRICS))
            return result
        values = list(split.values)
        recovered = split.recovered
        toks = [nums[0]] * T4_WIDTH
        note = f'split from "{digits}" by the totals'
    else:
        values = [t.value if t.kind == "NUM" else Decimal(t.text) for t in nums[:T4_WIDTH]]
        toks = nums[:T4_WIDTH]
    if len(values) < T4_WIDTH:
        if region[1] >= len(lines) or not any(l.strip() for l in lines[region[1]:]):
            result.truncated_at = _last_nonempty(lines, region)
        if result.truncated_at is None and values:
            # A cell dropped inside the table: which one cannot be told, and every cell after
            # it would shift into its neighbour's place. (Cut off at the end, the parse fails.)
            result.warnings.append(Diagnostic(
                path, toks[-1].line, f"table 四 has {len(values)} of its 15 numbers; which are missing cannot be told, "
                "so the table is left out", code="missing_cell", metrics=T4_METRICS))
            return result
        result.warnings.append(
            Diagnostic(path, toks[-1].line if toks else region[0] + 1, f"table 四 has {len(values)} of its 15 numbers; the missing cells are left out",
                       code="missing_cell", metrics=T4_METRICS[len(values):])
        )
    for metric, value, tok in zip(T4_METRICS, values, toks):
        if value is not None:
            result.figures.append(_new(Figure, (metric, value, tok.line, "total", False, "table", recovered,
                                                note if recovered else "")))
            result.rows.setdefault(metric, tok.line)
    return result


def parse_t2(lines: list[str], region: tuple[int, int], era: str, path: str) -> TableResult:
    result = TableResult()
    read: set[str] = set()  # the metrics of result.figures (a row printed twice: the first wins)
    for group in token_groups(lines, region[0], region[1], 4):
        row = _t2_row(group.label)
        if row is None:
            continue
        columns = row.columns_2021 if era == "2021" else row.columns_2019
        values = [p[2] if p[0] == "NUM" else Decimal(p[1]) for p in group.parts]
        cells = list(zip(group.parts, group.lines))  # each number's part (its text and unit) and line
        recovered, note = False, ""
        if _needs_split(group, len(columns)) or _short_of_cells(group, len(columns)):
            if not any(columns):
                continue  # cells the data contract has no figure for
            digits = " ".join(p[1] for p in group.parts)
            split = split_run(digits, len(columns), "t2")
            if split.values is None:
                name = "/".join(m for m in columns if m)
                message = split.message
                if not group.has_runs():
                    # numbers printed apart, too few of them: cells left empty, or run together
                    shown = " | ".join(",".join(map(format_number, c)) for c in split.candidates[:4])
                    message = (f'{len(group.lines)} number(s) "{digits}" for its {len(columns)} cells: cells left '
                               f"empty or run together ({shown or 'no split fits'}), which cannot be told; none published")
                result.warnings.append(Diagnostic(path, group.line, f"table 二 row {name}: {message}",
                                                  code=split.code if group.has_runs() else "ambiguous_split",
                                                  metrics=tuple(m for m in columns if m)))
                continue
            fewer = _as_fewer_cells(digits, len(columns))
            if fewer is not None:
                # Table 二 has no total to check a row against, and a scraped page drops the
                # cells a report left empty: "181" may be 1,8,1 or one printed cell of three.
                name = "/".join(m for m in columns if m)
                result.warnings.append(Diagnostic(
                    path, group.line, f'table 二 row {name}: cells run together in "{digits}" cut into {len(columns)} '
                    f"numbers only as {','.join(map(format_number, split.values))}, but the row may print fewer cells "
                    f"(the others left empty: {','.join(map(format_number, fewer))}); none published",
                    code="ambiguous_split", metrics=tuple(m for m in columns if m)))
                continue
            values = list(split.values)
            cells = [cells[-1]] * len(values)
            recovered, note = True, f'split from "{digits}": the only way to cut it'
        if len(values) != len(columns):
            if len(values) < len(columns):
                # Which cells the printed numbers are cannot be told (a row printed as text, or a
                # scraped one, drops its empty cells): none is read by its position.
                result.warnings.append(
                    Diagnostic(path, group.line, f"table 二: row '{group.label[-12:]}' has {len(values)} number(s), the template has {len(columns)}; which cells they are cannot be told, so the row is left out",
                               code="missing_cell", metrics=tuple(m for m in columns if m))
                )
                continue
            else:
                result.warnings.append(
                    Diagnostic(path, group.line, f"table 二: row '{group.label[-12:]}' has {len(values)} numbers, the template has {len(columns)}; the extra ones are ignored")
                )
        for metric, value, (part, line) in zip(columns, values, cells):
            if metric is None or value is None:
                continue
            if metric in read:
                continue
            read.add(metric)
            fig_note = note
            if metric in AMOUNT_WAN and _in_yuan(part[5], group.label):
                # the template asks for 万元; this one is printed in 元
                fig_note = "; ".join(x for x in (f"printed {part[1]}元", note) if x)
                value = value.scaleb(-4)
            result.figures.append(_new(Figure, (metric, value, line, "total", False, "table", recovered, fig_note)))
    return result


AMOUNT_WAN = ("fees.amount_wan", "procurement.amount_wan")
# a column header "(单位：元)" / "（元）" / "金额(元)"; "（单位：万元）" is the template's own
_YUAN_HEADER = re.compile(r"单位[:：]?元|[（(]元[）)]")


def _in_yuan(unit: str, label: str) -> bool:
    """An amount printed in 元: its own unit (the cell's) says so, or, printed bare, its column
    header does."""
    if unit:
        return unit == "元"
    return bool(_YUAN_HEADER.search(label))


@lru_cache(maxsize=1 << 12)
def _t2_row(label: str) -> T2Row | None:
    """The row named last in the label (headers come before it in the same text). A pure
    function of the label: memoised (every report prints the same few labels)."""
    best: tuple[int, T2Row] | None = None
    for row in T2_ROWS:
        for m in row.pattern.finditer(label):
            if best is None or m.end() > best[0] or (m.end() == best[0] and m.start() < 0):
                best = (m.end(), row)
    if best is None:
        return None
    # "规范性文件" also ends in the text "行政规范性文件"; "规章" must be the whole tail
    return best[1]
