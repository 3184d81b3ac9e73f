"""The pre-2019 attached 统计表 (统计指标 / 单位 / 统计数): one row per indicator."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import product
from typing import NamedTuple

from site_builder.model import Diagnostic, Figure
from site_builder.numbers import format_number
from site_builder.parser.runtogether import enumerate_splits
from site_builder.parser.text import Token, find_line, norm, tokenize

_new = tuple.__new__  # a Figure (named tuple) from its fields in order, without its Python-level __new__

_START = re.compile(r"统计指标|指标名称|政府信息公开情况统计表")
_HEADER_START = re.compile(r"统计指标|指标名称")
_UNITS = {"条", "件", "次", "篇", "个", "人", "人次", "元", "万元", "项", "件次"}
_ROW_START = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、]|其中)")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、])")


class StatRow(NamedTuple):
    # a named tuple, not a frozen dataclass: built several times faster, read alike
    label: str  # normalised, numbering and "其中:" removed
    section: str  # the top-level heading it sits under (一、主动公开情况 ...)
    value: Decimal
    line: int
    recovered: bool = False  # the year's cell was split from cells run together
    note: str = ""
    cumulative: Decimal | None = None  # the 历年累计 cell beside it, where the table has one
    child: bool = False  # a "其中" row: bounded by the row above it


# The header's columns: the year's own (2011年度 / 本年 / 统计数) and the cumulative one.
_YEAR_COLUMN = re.compile(r"(?:19|20)\d{2}年度?|本年度?|当年|统计数")
_CUMULATIVE_COLUMN = re.compile(r"历年累计|累计")
_HEADER_WORDS = re.compile(r"历年累计|累计数?|统计数|(?:19|20)\d{2}年度?|本年度?|计量单位|单位")
_TRAILING_UNIT = re.compile(r"(?<=[数额量开])(?:人次|件次|万元|条|件|次|篇|个|人|元|项)$")
_CHILD = re.compile(r"^(?:其中[:：]?)?\d+[.、]|^其中")


@dataclass
class _Columns:
    """Which printed cell of a row is the year's: decided from the header's own order."""

    count: int  # value cells a row has: 1, or 2 with 历年累计
    year: int  # index of the year's cell
    hints: dict[str, Decimal]
    parent: StatRow | None = None
    # no row of the table prints its two cells apart: each row's one number is both run together
    glued: bool = False

    @classmethod
    def of(cls, tokens: list[Token], hints: dict[str, Decimal]) -> "_Columns":
        header = ""
        for tok in tokens:
            if tok.kind != "TEXT":
                break
            header += norm(tok.text)
        year = _YEAR_COLUMN.search(header)
        cumulative = _CUMULATIVE_COLUMN.search(header)
        if not cumulative:
            return cls(1, 0, hints)
        year_first = year is None or year.start() < cumulative.start()
        return cls(2, 0 if year_first else 1, hints)

    def row(self, raw_label: str, section: str, numbers: list[Token], result: "StatResult", path: str) -> StatRow | None:
        label = _clean(raw_label)
        child = _is_child(raw_label)
        row = self._read(label, section, numbers, child, result, path)
        if not child:
            # None when unread or open: its 其中 rows then have no bound
            self.parent = row if isinstance(row, StatRow) else None
        return row

    def _read(self, label, section, numbers, child, result, path) -> StatRow | None:
        if self.count == 1:
            value = numbers[0]
            if value.kind != "NUM":
                return None
            return StatRow(label, section, value.value, value.line, child=child)
        runs = any(t.kind == "RUN" for t in numbers) or (self.glued and len(numbers) == 1)
        if not runs or len(numbers) >= self.count:
            if len(numbers) < self.count:
                result.warnings.append(Diagnostic(path, numbers[0].line, f"统计表 row {label}: one number where the table has a year's and a cumulative column; which one it is cannot be told, so it is left out", code="missing_cell",
                                                  metrics=_metrics_of(label, section)))
                return None
            cells = [t.value if t.kind == "NUM" else Decimal(t.text) for t in numbers]
            return StatRow(label, section, cells[self.year], numbers[0].line, cumulative=cells[1 - self.year], child=child)
        # cells run together ("346085376" for 3460 / 85376): the year's never exceeds the
        # cumulative figure, a "其中" row never exceeds the row above it
        digits = " ".join(t.text for t in numbers)
        found = []
        for cand in enumerate_splits(digits, self.count, "stat"):
            year, cum = cand[self.year], cand[1 - self.year]
            if year > cum:
                continue
            if child and self.parent is not None and self.parent.cumulative is not None:
                if year > self.parent.value or cum > self.parent.cumulative:
                    continue
            found.append((year, cum))
        how = "the year's cell is never above the cumulative one" + (", nor a 其中 row above its parent" if child else "")
        if len(found) > 1:
            metric = _metric_of(label, section)
            stated = self.hints.get(metric) if metric else None
            same = [c for c in found if stated is not None and c[0] == stated]
            if len(same) == 1:
                found = same
                how += f"; the text states {format_number(stated)}"
        if len(found) == 1:
            year, cum = found[0]
            return StatRow(label, section, year, numbers[0].line, True, f'split from "{digits}": {how}', cum, child)
        if found:
            # the rows of its breakdown may settle it (_solve_open), once the table is read
            return _Open(label, section, numbers[0].line, child, tuple(found), digits, how)
        shown = " | ".join(f"{format_number(y)},{format_number(c)}" for y, c in found[:4])
        why = f"{len(found)} splits fit: {shown}" if found else "no split fits"
        result.warnings.append(Diagnostic(path, numbers[0].line, f'统计表 row {label}: cells run together in "{digits}" ({how}); {why}; none published',
                                          code="ambiguous_split" if found else "unsplittable",
                                          metrics=_metrics_of(label, section)))
        return None


class _Open(NamedTuple):
    """A row whose year and cumulative cells ran together and that its own bounds left with
    several splits (its candidates, (year, cumulative) each)."""

    label: str
    section: str
    line: int
    child: bool
    found: tuple[tuple[Decimal, Decimal], ...]
    digits: str
    how: str


# Rows whose 其中 rows are a whole breakdown of them, in both columns: the channels a request
# came by add up to the requests, the kinds of answer to the answers. (Not 主动公开: one item is
# published on several channels.)
_BREAKDOWN = re.compile(r"^(?:受理(?:依申请公开信息|政府信息依申请公开|政府信息公开申请|申请)总?数|收到(?:政府信息公开)?申请数|申请总数"
                        r"|对申请的答复总?数|申请答复总?数|答复总数)")
MAX_COMBINATIONS = 4096


def _solve_open(rows: list, result: "StatResult", path: str) -> list[StatRow]:
    """The rows with every open row settled where its breakdown settles it: a parent row and
    its 其中 rows add up in both columns (year and cumulative) for exactly one choice of the open
    rows' candidates. Open rows left unsettled are warned of, with their candidates, and left out."""
    settled: dict[int, StatRow] = {}
    why: dict[int, str] = {}
    for k, parent in enumerate(rows):
        if parent.child or not _BREAKDOWN.match(parent.label):
            continue
        members = [k]
        for j in range(k + 1, len(rows)):
            if not rows[j].child:
                break
            members.append(j)
        open_ = [j for j in members if isinstance(rows[j], _Open)]
        if len(members) < 2 or not open_:
            continue
        choices = [rows[j].found if isinstance(rows[j], _Open) else ((rows[j].value, rows[j].cumulative),)
                   for j in members]
        if any(c[1] is None for choice in choices for c in choice):
            continue  # a row without its cumulative cell: one column only, not both
        fitting = []
        for n, combo in enumerate(product(*choices)):
            if n >= MAX_COMBINATIONS:
                fitting = []
                break
            (year, cum), parts = combo[0], combo[1:]
            if sum(p[0] for p in parts) == year and sum(p[1] for p in parts) == cum:
                fitting.append(combo)
        if len(fitting) == 1:
            for j, (year, cum) in zip(members, fitting[0]):
                r = rows[j]
                if isinstance(r, _Open):
                    settled[j] = StatRow(r.label, r.section, year, r.line, True,
                                         f'split from "{r.digits}": {r.how}; {parent.label} and its 其中 rows add up in '
                                         "both columns only so", cum, r.child)
        else:
            reason = (f"{len(fitting)} choices" if fitting else "no choice") + \
                f" of the splits of {parent.label} and its 其中 rows add up in both columns"
            for j in open_:
                why[j] = reason
    out = []
    for j, r in enumerate(rows):
        if not isinstance(r, _Open):
            out.append(r)
        elif j in settled:
            out.append(settled[j])
        else:
            shown = " | ".join(f"{format_number(y)},{format_number(c)}" for y, c in r.found[:4])
            more = f"; {why[j]}" if j in why else ""
            result.warnings.append(Diagnostic(
                path, r.line, f'统计表 row {r.label}: cells run together in "{r.digits}" ({r.how}); {len(r.found)} splits '
                f"fit: {shown}{more}; none published", code="ambiguous_split", metrics=_metrics_of(r.label, r.section)))
    return out


def _metrics_of(label: str, section: str) -> tuple[str, ...]:
    metric = _metric_of(label, section)
    return (metric,) if metric else ()


def _metric_of(label: str, section: str) -> str | None:
    found = _metrics_matching(label, section)
    return found[0] if found else None


# (pattern on the row's label, required section keyword or "", metric id)
_MAP: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^主动公开政府信息数|^主动公开(?:信息|文件)数"), "", "proactive.total"),
    (re.compile(r"政府网站公开政府信息数|^(?:政府)?网站公开(?:政府信息|信息)?数?$"), "", "proactive.website"),
    (re.compile(r"政务微博公开政府信息数"), "", "proactive.weibo"),
    (re.compile(r"政务微信公开政府信息数"), "", "proactive.wechat"),
    (re.compile(r"^收到申请数|^收到政府信息公开申请数|^申请总数|^受理(?:依申请公开信息|政府信息依申请公开|政府信息公开申请|申请)总?数"), "", "requests.new"),
    (re.compile(r"^同意公开答复数"), "", "outcome.disclosed"),
    (re.compile(r"^同意部分公开答复数|^部分公开答复数"), "", "outcome.partial"),
    (re.compile(r"^不同意公开答复数|^不予公开答复数|^否决公开答复数"), "", "outcome.withheld"),
    (re.compile(r"^不属于本行政机关公开数|^不属于本机关公开"), "", "outcome.unable.not_held"),
    (re.compile(r"^申请信息不存在数"), "", "outcome.unable.not_exist"),
    (re.compile(r"^行政复议数量|^因政府信息公开申请行政复议数|^行政复议"), "", "review.total"),
    (re.compile(r"^行政诉讼数量|^因政府信息公开申请行政诉讼数|^行政诉讼"), "", "litigation.total"),
)


@dataclass
class StatResult:
    rows: list[StatRow] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)


def _header_removed(label: str) -> str:
    if "指标名称" in label or "统计指标" in label:
        # the header and the first row's label arrive as one text: keep what follows the header
        ends = [m.end() for m in _HEADER_WORDS.finditer(label)]
        if ends:
            label = label[max(ends):]
    # the header's last cells ("2012年度 历年累计") joined to the first label on the next line
    return _LEADING_HEADER.sub("", label)


_LEADING_HEADER = re.compile(r"^(?:历年累计|累计数?|统计数|(?:19|20)\d{2}年度?|本年度?|计量单位|单位)+")


_OF_WHICH = re.compile(r"^其中[:：]")
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")


@lru_cache(maxsize=1 << 12)
def _is_child(raw_label: str) -> bool:
    """A "其中" row (or one numbered under the row above it). Memoised like _clean()."""
    return bool(_CHILD.match(_header_removed(norm(raw_label))))


@lru_cache(maxsize=1 << 12)
def _clean(label: str) -> str:
    # memoised: a pure function of the label, and every 统计表 prints the same few dozen
    label = _header_removed(norm(label))
    label = _TRAILING_UNIT.sub("", label)
    label = _OF_WHICH.sub("", label)
    label = _NUMBERING.sub("", label)
    label = _OF_WHICH.sub("", label)
    return label


@lru_cache(maxsize=1 << 12)
def _metrics_matching(label: str, section: str) -> tuple[str, ...]:
    """Every metric of _MAP whose pattern (and section) the row fits, in _MAP's order."""
    return tuple(metric for pattern, sec, metric in _MAP if pattern.search(label) and (not sec or sec in section))


def table_start(lines: list[str], normed: list[str] | None = None) -> int | None:
    """0-based line where the 统计表 starts: its header row, else its title. `normed`: the
    lines' norm(), when the caller has them."""
    start = find_line(lines, _HEADER_START, normed=normed)
    return start if start is not None else find_line(lines, _START, normed=normed)


_UNKNOWN = -1  # (parse_stat_table's start when the caller has not looked for it)


def parse_stat_table(lines: list[str], path: str, hints: dict[str, Decimal] | None = None,
                     normed: list[str] | None = None, start: int | None = _UNKNOWN) -> StatResult:
    """`hints`: figures the report's prose states (metric -> value), which settle a row whose
    year and cumulative cells ran together when the column order alone does not. `normed`: the
    lines' norm(), when the caller has them. `start`: table_start(lines, normed), when the
    caller has it."""
    result = StatResult()
    # The header row ("指标名称 … 统计数") starts the table; "政府信息公开情况统计表" may also
    # be named in the report's opening sentence, long before it.
    if start == _UNKNOWN:
        start = table_start(lines, normed)
    if start is None:
        return result
    tokens = tokenize(lines, start, len(lines))
    section = ""
    # With columns <year>年度 / 历年累计 the year's own figure is read, never the cumulative one.
    columns = _Columns.of(tokens, hints or {})
    row_numbers: list = []
    pending_label = ""
    last_text_line = -1
    raw: list[tuple[str, str, list]] = []  # (label, section, numbers) per row, read below
    for tok in tokens + [None]:
        if tok is None or tok.kind == "TEXT":
            if row_numbers:
                raw.append((pending_label, section, row_numbers))
                row_numbers = []
            if tok is None:
                break
            text = norm(tok.text)
            if text in _UNITS:
                continue
            if _SECTION.match(text):
                section = text
            # A label that PDF text wrapped onto the next line continues the one before it
            # (a new row starts with its numbering, "其中", or follows the previous row's numbers).
            if pending_label and last_text_line == tok.line - 1 and not _ROW_START.match(text):
                pending_label += tok.text
            else:
                pending_label = tok.text
            last_text_line = tok.line
            continue
        last_text_line = -1
        row_numbers.append(tok)
    # Scraped text that runs a row's two cells together runs every row's: a table none of whose
    # rows prints two numbers apart, and some of whose rows are cells run together for certain
    # ("00"), has each row's one number as both cells. (Without a certain one, the 历年累计
    # column may just be left empty: then each number is the year's or the cumulative one.)
    columns.glued = (columns.count == 2 and len(raw) > 1 and all(len(nums) == 1 for _, _, nums in raw)
                     and any(nums[0].kind == "RUN" for _, _, nums in raw))
    rows = []
    for label, sec, nums in raw:
        row = columns.row(label, sec, nums, result, path)
        if row is not None:
            rows.append(row)
    result.rows = _solve_open(rows, result, path) if any(isinstance(r, _Open) for r in rows) else rows
    seen: set[str] = set()
    for row in result.rows:
        # the first metric the row fits that no earlier row took
        for metric in _metrics_matching(row.label, row.section):
            if metric not in seen:
                seen.add(metric)
                result.figures.append(_new(Figure, (metric, row.value, row.line, "total", False, "stat", row.recovered,
                                                    row.note)))
                break
    return result
