"""The pre-2019 attached 统计表 (统计指标 / 单位 / 统计数): one row per indicator."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from site_builder.model import Diagnostic, Figure
from site_builder.parser.text import find_line, norm, tokenize

_START = re.compile(r"统计指标|指标名称|政府信息公开情况统计表")
_UNITS = {"条", "件", "次", "篇", "个", "人", "人次", "元", "万元", "项", "件次"}
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、])")


@dataclass(frozen=True)
class StatRow:
    label: str  # normalised, numbering and "其中:" removed
    section: str  # the top-level heading it sits under (一、主动公开情况 ...)
    value: Decimal
    line: int


# (pattern on the row's label, required section keyword or "", metric id)
_MAP: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^主动公开政府信息数"), "", "proactive.total"),
    (re.compile(r"政府网站公开政府信息数"), "", "proactive.website"),
    (re.compile(r"政务微博公开政府信息数"), "", "proactive.weibo"),
    (re.compile(r"政务微信公开政府信息数"), "", "proactive.wechat"),
    (re.compile(r"^收到申请数|^收到政府信息公开申请数|^申请总数"), "", "requests.new"),
    (re.compile(r"^同意公开答复数"), "", "outcome.disclosed"),
    (re.compile(r"^同意部分公开答复数|^部分公开答复数"), "", "outcome.partial"),
    (re.compile(r"^不同意公开答复数|^不予公开答复数"), "", "outcome.withheld"),
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


def _clean(label: str) -> str:
    label = norm(label)
    label = re.sub(r"^其中[:：]", "", label)
    label = _NUMBERING.sub("", label)
    label = re.sub(r"^其中[:：]", "", label)
    return label


def parse_stat_table(lines: list[str], path: str) -> StatResult:
    result = StatResult()
    start = find_line(lines, _START)
    if start is None:
        return result
    tokens = tokenize(lines, start, len(lines))
    texts: list[str] = []
    section = ""
    # With columns <year>年度 / 历年累计 the year's own figure comes first; never the cumulative one.
    value_column = 0
    row_numbers: list = []
    pending_label = ""
    for tok in tokens + [None]:
        if tok is None or tok.kind == "TEXT":
            if row_numbers:
                value = row_numbers[min(value_column, len(row_numbers) - 1)]
                if value.kind == "NUM":
                    result.rows.append(StatRow(_clean(pending_label), section, value.value, value.line))
                row_numbers = []
            if tok is None:
                break
            text = norm(tok.text)
            if text in _UNITS:
                continue
            if re.match(r"^[一二三四五六七八九十]+、", text):
                section = text
            pending_label = tok.text
            continue
        row_numbers.append(tok)
    seen: set[str] = set()
    for row in result.rows:
        for pattern, sec, metric in _MAP:
            if metric in seen:
                continue
            if pattern.search(row.label) and (not sec or sec in row.section):
                seen.add(metric)
                result.figures.append(Figure(metric, row.value, row.line, origin="stat"))
                break
    return result
