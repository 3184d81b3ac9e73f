"""The template's own consistency rules (勾稽关系), evaluated on every report.

A broken rule is the report's own inconsistency: the printed figures are kept, and the break
is recorded so pages and data/quality.csv can show it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import repeat
from operator import itemgetter
from typing import Iterable

from site_builder.model import APPLICANTS, CheckResult, Figure
from site_builder.parser.stat import StatRow
from site_builder.parser.template import OTHER_ROWS_2021, T3_ROWS, WITHHELD_ROWS

COLUMNS = APPLICANTS[:-1]

OUTCOME_ROWS_2019 = (
    ("outcome.disclosed", "outcome.partial") + WITHHELD_ROWS
    + ("outcome.unable.not_held", "outcome.unable.needs_creation", "outcome.unable.unclear")
    + tuple(r.metric for r in T3_ROWS if r.metric.startswith("outcome.not_processed."))
)

RULE_TEXT = {
    "t3.balance": "本年新收 + 上年结转 = 办理结果总计 + 结转下年度继续办理",
    "t3.row_total": "总计 = 六类申请人之和",
    "t3.outcome_total": "办理结果总计 = 各项办理结果之和",
    "t4.total": "总计 = 维持 + 纠正 + 其他 + 尚未审结",
    "stat.requests": "收到申请数 = 当面 + 传真 + 网络 + 信函",
    "stat.closed": "申请办结数 = 按时办结数 + 延期办结数",
    "stat.replies": "申请答复数 = 各类答复之和",
    "stat.review": "行政复议数量 = 维持 + 纠错 + 其他情形",
    "stat.litigation": "行政诉讼数量 = 维持 + 纠错 + 其他情形",
}


_new = tuple.__new__  # a named tuple from its fields, without its Python-level __new__
_METRIC = itemgetter(0)  # Figure.metric
_VALUE = itemgetter(1)  # Figure.value
_APPLICANT = itemgetter(3)  # Figure.applicant


class _Index:
    def __init__(self, figures: Iterable[Figure]):
        # the first figure of a (metric, applicant) wins: built from the last one back, so the
        # earlier ones overwrite the later (one dict build, its keys and values made in C)
        back = list(figures)[::-1]
        self.map: dict[tuple[str, str], Figure] = dict(zip(zip(map(_METRIC, back), map(_APPLICANT, back)), back))

    def add(self, figures: Iterable[Figure]) -> None:
        """Index figures that come after those indexed (an earlier one of a key still wins)."""
        setdefault = self.map.setdefault
        for f in figures:
            setdefault((f.metric, f.applicant), f)

    def get(self, metric: str, applicant: str = "total") -> Figure | None:
        return self.map.get((metric, applicant))

    def figures(self, metrics: Iterable[str], applicant: str) -> list[Figure] | None:
        """The figure of each metric for the applicant, or None if one is missing. (Lookups made
        in C; `None in` compares tuples with None, which is cheap, unlike Decimals with None.)"""
        found = list(map(self.map.get, zip(metrics, repeat(applicant))))
        return None if None in found else found

    def values(self, metrics: Iterable[str], applicant: str) -> list[Decimal] | None:
        found = self.figures(metrics, applicant)
        return None if found is None else list(map(_VALUE, found))


def derive(figures: list[Figure], era: str, idx: _Index | None = None) -> list[Figure]:
    """Totals the catalogue defines as sums of printed rows (outcome.withheld, outcome.other in 2021,
    litigation.total), per column, when every row they add up is present. `idx`: the figures'
    index, when the caller has it."""
    idx = idx if idx is not None else _Index(figures)
    out: list[Figure] = []
    sums = [("outcome.withheld", WITHHELD_ROWS)]
    if era == "2021":
        sums.append(("outcome.other", OTHER_ROWS_2021))
    for metric, parts in sums:
        for applicant in APPLICANTS:
            if idx.get(metric, applicant):
                continue
            found = idx.figures(parts, applicant)
            if found is None:
                continue
            out.append(Figure(metric, sum(map(_VALUE, found), Decimal(0)), found[0].line, applicant, origin="derived",
                              recovered=any(f.recovered for f in found)))
    if not idx.get("litigation.total"):
        found = idx.figures(("litigation.direct.total", "litigation.after_review.total"), "total")
        if found is not None:
            first = found[0]
            out.append(Figure("litigation.total", sum(map(_VALUE, found), Decimal(0)), first.line, origin="derived",
                              recovered=first.recovered or found[1].recovered))
    return out


def derive_and_check(figures: list[Figure], era: str) -> tuple[list[Figure], list[CheckResult]]:
    """(derive(figures, era), check_template(figures + derived, era)), indexing the figures once."""
    idx = _Index(figures)
    derived = derive(figures, era, idx)
    idx.add(derived)
    return derived, check_template(figures, era, idx)  # (the index holds the derived ones too)


def check_template(figures: list[Figure], era: str, idx: _Index | None = None) -> list[CheckResult]:
    """The template's rules on the figures. `idx`: their index, when the caller has it (then
    `figures` is not read)."""
    idx = idx if idx is not None else _Index(figures)
    results: list[CheckResult] = []
    outcome_rows = OUTCOME_ROWS_2019 + (OTHER_ROWS_2021 if era == "2021" else ("outcome.other",))
    get = idx.map.get
    for applicant in APPLICANTS:
        new = idx.values(("requests.new", "requests.carried_over"), applicant)
        out = idx.values(("outcome.total", "requests.carried_forward"), applicant)
        if new is not None and out is not None:
            results.append(_new(CheckResult, ("t3.balance", applicant, sum(new, Decimal(0)), sum(out, Decimal(0)),
                                              get(("outcome.total", applicant)).line, RULE_TEXT["t3.balance"])))
        parts = idx.values(outcome_rows, applicant)
        total = get(("outcome.total", applicant))
        if parts is not None and total is not None:
            results.append(_new(CheckResult, ("t3.outcome_total", applicant, sum(parts, Decimal(0)), total.value,
                                              total.line, RULE_TEXT["t3.outcome_total"])))
    for spec in T3_ROWS:
        if era not in spec.eras:
            continue
        total = get((spec.metric, "total"))
        if total is None:
            continue
        cols = _row_cells(get, spec.metric)
        if cols is None:
            continue
        results.append(_new(CheckResult, (f"t3.row_total:{spec.metric}", "total", sum(map(_VALUE, cols), Decimal(0)),
                                          total.value, total.line, RULE_TEXT["t3.row_total"])))
    for group in ("review", "litigation.direct", "litigation.after_review"):
        parts = idx.values(_T4_PARTS[group], "total")
        total = get((f"{group}.total", "total"))
        if parts is not None and total is not None:
            results.append(_new(CheckResult, (f"t4.total:{group}", "total", sum(parts, Decimal(0)), total.value,
                                              total.line, RULE_TEXT["t4.total"])))
    return results


_T4_PARTS = {group: tuple(f"{group}.{c}" for c in ("upheld", "corrected", "other", "pending"))
             for group in ("review", "litigation.direct", "litigation.after_review")}


def _row_cells(get, metric: str) -> list[Figure] | None:
    """The six applicant columns' figures of a table 三 row, or None if one is missing."""
    cols = list(map(get, zip(repeat(metric), COLUMNS)))
    return None if None in cols else cols


# 统计表 rows that add up (the rows are labelled the same in every 统计表 we have seen)
_STAT_SUMS = (
    ("stat.requests", r"^收到申请数", (r"^当面申请数", r"^传真申请数", r"^网络申请数", r"^信函申请数"), ""),
    ("stat.closed", r"^申请办结数", (r"^按时办结数", r"^延期办结数"), ""),
    (
        "stat.replies",
        r"^申请答复数",
        (r"^属于已主动公开范围数", r"^同意公开答复数", r"^同意部分公开答复数", r"^不同意公开答复数",
         r"^不属于本行政机关公开数", r"^申请信息不存在数", r"^告知作出更改补充数", r"^告知通过其他途径办理数"),
        "",
    ),
    ("stat.review", r"^行政复议数量", (r"^维持具体行政行为数", r"^被依法纠错数", r"^其他情形数"), "行政复议"),
    ("stat.litigation", r"^行政诉讼数量", (r"^维持具体行政行为或者驳回原告诉讼请求数|^维持具体行政行为数", r"^被依法纠错数", r"^其他情形数"), "行政诉讼"),
)


# Every pattern above is "^" and literal text (or two such, "|"): a label matches when it
# starts with one of them, which str.startswith tells several times faster than a regex search
# (each rule looks through the table's rows for its total and then for each part).
_LITERAL = re.compile(r"\^[^\\^$.|?*+()\[\]{}]+")


def _prefixes(expr: str) -> tuple[str, ...]:
    alternatives = expr.split("|")
    if not all(_LITERAL.fullmatch(a) for a in alternatives):
        raise ValueError(f"not a prefix pattern: {expr}")
    return tuple(a[1:] for a in alternatives)


_STAT_SUMS_PREFIXES = tuple((rule, _prefixes(total), tuple(map(_prefixes, parts)), section)
                            for rule, total, parts, section in _STAT_SUMS)


def check_stat(rows: list[StatRow]) -> list[CheckResult]:
    results = []
    for rule, total_prefixes, part_prefixes, section in _STAT_SUMS_PREFIXES:
        for total in rows:
            if total.label.startswith(total_prefixes):
                break
        else:
            continue
        parts = []
        after = total.line
        for prefixes in part_prefixes:
            for row in rows:
                if row.label.startswith(prefixes) and row.line > after and (not section or section in row.section):
                    parts.append(row.value)
                    break
            else:
                break
        else:
            results.append(CheckResult(rule, "total", sum(parts, Decimal(0)), total.value, total.line, RULE_TEXT[rule]))
    return results
