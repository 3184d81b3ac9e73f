"""The template's own consistency rules (勾稽关系), evaluated on every report.

A broken rule is the report's own inconsistency: the printed figures are kept, and the break
is recorded so pages and data/quality.csv can show it.
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from operator import itemgetter
from typing import Iterable

from site_builder.model import APPLICANTS, CheckResult, Figure
from site_builder.parser.layouts import OTHER_ROWS_2021, T3_ROWS, WITHHELD_ROWS
from site_builder.parser.stat import StatRow

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
_KEY = itemgetter(0, 3)  # (Figure.metric, Figure.applicant): the index's key, made in one C call
_VALUE = itemgetter(1)  # Figure.value
_RECOVERED = itemgetter(6)  # Figure.recovered


class _Index:
    def __init__(self, figures: Iterable[Figure]):
        # the first figure of a (metric, applicant) wins: built from the last one back, so the
        # earlier ones overwrite the later (one dict build, its keys and values made in C)
        back = list(figures)[::-1]
        self.map: dict[tuple[str, str], Figure] = dict(zip(map(_KEY, back), back))

    def add(self, figures: Iterable[Figure]) -> None:
        """Index figures that come after those indexed (an earlier one of a key still wins)."""
        setdefault = self.map.setdefault
        for f in figures:
            setdefault((f.metric, f.applicant), f)


def _keys(metrics: Iterable[str], applicant: str) -> tuple[tuple[str, str], ...]:
    return tuple((m, applicant) for m in metrics)


def _getter(keys: tuple[tuple[str, str], ...]) -> itemgetter:
    """The figures of every key, as a tuple, from the index's map in one C call (a KeyError
    when one is missing): a report's rules are ~400 look-ups, and a map() of dict.get over the
    keys with a test for a None after it took three times as long. (Two keys or more: one
    key's itemgetter gives the item, not a tuple.)"""
    if len(keys) < 2:
        raise ValueError("a rule adds up two figures or more")
    return itemgetter(*keys)


# The index's look-ups of each rule, made once.
_WITHHELD = {a: _getter(_keys(WITHHELD_ROWS, a)) for a in APPLICANTS}
_OTHER = {a: _getter(_keys(OTHER_ROWS_2021, a)) for a in APPLICANTS}
_LITIGATION = _getter(_keys(("litigation.direct.total", "litigation.after_review.total"), "total"))
_BALANCE = tuple((a, _getter(_keys(("requests.new", "requests.carried_over"), a)),
                  _getter(_keys(("outcome.total", "requests.carried_forward"), a)), ("outcome.total", a))
                 for a in APPLICANTS)
_OUTCOME = {
    era: {a: _getter(_keys(OUTCOME_ROWS_2019 + (OTHER_ROWS_2021 if era == "2021" else ("outcome.other",)), a))
          for a in APPLICANTS}
    for era in ("2019", "2021")
}
_ROW_TOTALS: dict[str, tuple] = {}  # era -> (rule, the look-up of the row's total and six cells) per row: set below


def _found(getter: itemgetter, figures: dict) -> tuple[Figure, ...] | None:
    """The figures a rule looks up, or None if one is missing."""
    try:
        return getter(figures)
    except KeyError:
        return None


def derive(figures: list[Figure], era: str, idx: _Index | None = None) -> list[Figure]:
    """Totals the catalogue defines as sums of printed rows (outcome.withheld, outcome.other in 2021,
    litigation.total), per column, when every row they add up is present. `idx`: the figures'
    index, when the caller has it."""
    idx = idx if idx is not None else _Index(figures)
    index = idx.map
    get = index.get
    out: list[Figure] = []
    sums = [("outcome.withheld", _WITHHELD)]
    if era == "2021":
        sums.append(("outcome.other", _OTHER))
    for metric, getters in sums:
        for applicant in APPLICANTS:
            if get((metric, applicant)):
                continue
            found = _found(getters[applicant], index)
            if found is None:
                continue
            out.append(_new(Figure, (metric, sum(map(_VALUE, found), Decimal(0)), found[0].line, applicant, False,
                                     "derived", any(map(_RECOVERED, found)), "")))
    if not get(("litigation.total", "total")):
        found = _found(_LITIGATION, index)
        if found is not None:
            first = found[0]
            out.append(_new(Figure, ("litigation.total", sum(map(_VALUE, found), Decimal(0)), first.line, "total",
                                     False, "derived", first.recovered or found[1].recovered, "")))
    return out


def derive_and_check(figures: list[Figure], era: str) -> tuple[list[Figure], list[CheckResult], dict]:
    """(derive(figures, era), check_template(figures + derived, era), the index), indexing the
    figures once. The index (its keys: every (metric, applicant) of figures + derived) is the
    caller's to keep or change."""
    idx = _Index(figures)
    derived = derive(figures, era, idx)
    idx.add(derived)
    return derived, check_template(figures, era, idx), idx.map  # (the index holds the derived ones too)


def check_template(figures: list[Figure], era: str, idx: _Index | None = None) -> list[CheckResult]:
    """The template's rules on the figures. `idx`: their index, when the caller has it (then
    `figures` is not read)."""
    idx = idx if idx is not None else _Index(figures)
    results: list[CheckResult] = []
    append = results.append
    outcome = _OUTCOME["2021" if era == "2021" else "2019"]
    index = idx.map
    get = index.get
    zero = Decimal(0)
    for applicant, new_of, out_of, total_key in _BALANCE:
        new = _found(new_of, index)
        out = _found(out_of, index) if new is not None else None
        total = get(total_key)
        if out is not None:
            append(_new(CheckResult, ("t3.balance", applicant, sum(map(_VALUE, new), zero), sum(map(_VALUE, out), zero),
                                      total.line, _BALANCE_TEXT)))
        if total is not None:
            parts = _found(outcome[applicant], index)
            if parts is not None:
                append(_new(CheckResult, ("t3.outcome_total", applicant, sum(map(_VALUE, parts), zero), total.value,
                                          total.line, _OUTCOME_TEXT)))
    rows = _ROW_TOTALS.get(era)
    for rule, total_and_cells in rows if rows is not None else _row_totals(era):
        found = _found(total_and_cells, index)  # (a row lacking its total or a cell has no rule)
        if found is None:
            continue
        total = found[0]
        append(_new(CheckResult, (rule, "total", sum(map(_VALUE, found[1:]), zero), total.value, total.line,
                                  _ROW_TEXT)))
    for rule, parts_of, total_key in _T4:
        parts = _found(parts_of, index)
        total = get(total_key)
        if parts is not None and total is not None:
            append(_new(CheckResult, (rule, "total", sum(map(_VALUE, parts), zero), total.value, total.line, _T4_TEXT)))
    return results


def _row_totals(era: str) -> tuple:
    """(rule, the look-up of the row's total and then its six cells) for each table 三 row of the era."""
    return tuple((sys.intern(f"t3.row_total:{spec.metric}"),
                  _getter(((spec.metric, "total"), *((spec.metric, c) for c in COLUMNS))))
                 for spec in T3_ROWS if era in spec.eras)


_ROW_TOTALS.update((era, _row_totals(era)) for era in ("2019", "2021"))
_T4_PARTS = {group: tuple(f"{group}.{c}" for c in ("upheld", "corrected", "other", "pending"))
             for group in ("review", "litigation.direct", "litigation.after_review")}
_T4 = tuple((f"t4.total:{group}", _getter(_keys(_T4_PARTS[group], "total")), (f"{group}.total", "total"))
            for group in ("review", "litigation.direct", "litigation.after_review"))
_BALANCE_TEXT, _OUTCOME_TEXT = RULE_TEXT["t3.balance"], RULE_TEXT["t3.outcome_total"]
_ROW_TEXT, _T4_TEXT = RULE_TEXT["t3.row_total"], RULE_TEXT["t4.total"]


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
