"""The parser applies its rules as they are written, whatever shortcut it takes: a heading is
found on the first line its pattern matches (in the range asked), a 统计表 rule adds up the rows
its patterns name, the prose gives each metric's first statement in the text's order, and a
report read back from the parse cache has every line it had."""

from __future__ import annotations

import re
import sys
from decimal import Decimal

from site_builder.load.cache import _SHORT_LINE, _entry, decode, encode
from site_builder.model import Report
from site_builder.parser.checks import _STAT_SUMS, _STAT_SUMS_PREFIXES, check_stat
from site_builder.parser.prose import _statements, parse_prose
from site_builder.parser.stat import StatRow
from site_builder.parser.text import find_line, norm_lines


def _find_line_loop(normed, pattern, start=0, end=None):
    end = len(normed) if end is None else end
    for i in range(start, min(end, len(normed))):
        if pattern.search(normed[i]):
            return i
    return None


def test_a_heading_is_found_on_the_first_line_its_pattern_matches():
    lines = ["一、总体情况", "", "本年新收政府信息公开申请", "行政复议", "结转下年度继续办理", "本年新收"]
    normed = norm_lines(lines)
    for pattern in (re.compile("本年新收"), re.compile("行政复议$"), re.compile("^$"), re.compile("不存在")):
        for start in (-3, -1, 0, 1, 2, 5, 6, 9):
            for end in (None, 0, 2, 4, 6, 10):
                assert find_line(lines, pattern, start, end, normed=normed) == _find_line_loop(normed, pattern, start, end)


def _report(lines):
    return Report(path="reports/x.txt", agency="某局", year=2020, era="2019", has_stat_table=False,
                  encoding="utf-8", lines=lines, title_line=1)


def test_a_cached_report_has_every_line_short_ones_shared():
    short = "".join(["\t", "7", "0"])  # made at run time: not interned by the compiler
    long_line = "　　" + "依据条例" * 5 + "".join(["x"])
    lines = [short, long_line, "", short[:2], "a" * _SHORT_LINE, "b" * (_SHORT_LINE + 1)]
    got = _entry(_report(list(lines)))[9]
    assert got == tuple(lines)
    for text in got:
        if len(text) <= _SHORT_LINE:
            assert text is sys.intern(text)
    assert decode(encode(_report(list(lines)))).lines == lines


def test_a_stat_rule_adds_up_the_rows_its_patterns_name():
    rows = [StatRow(label, "二、依申请公开情况" if k < 8 else "四、行政复议数量", Decimal(k), k + 1)
            for k, label in enumerate(["收到申请数", "当面申请数x", "传真申请数", "网络申请数", "信函申请数",
                                         "申请办结数", "按时办结数", "延期办结数", "行政复议数量",
                                         "维持具体行政行为数", "被依法纠错数", "其他情形数"])]
    by_regex = []
    for rule, total_pat, part_pats, section in _STAT_SUMS:
        total = next((r for r in rows if re.search(total_pat, r.label)), None)
        if total is None:
            continue
        parts = []
        for pat in part_pats:
            row = next((r for r in rows if re.search(pat, r.label) and r.line > total.line
                        and (not section or section in r.section)), None)
            if row is None:
                break
            parts.append(row.value)
        else:
            by_regex.append((rule, sum(parts, Decimal(0)), total.value))
    got = [(c.rule.split(":")[0], c.expected, c.printed) for c in check_stat(rows)]
    assert got == by_regex and len(got) == 3
    assert len(_STAT_SUMS_PREFIXES) == len(_STAT_SUMS)


def _prose_loop(lines, skip):
    """parse_prose as a plain loop over every sentence of every line (what it was)."""
    found = {}
    for i, text in enumerate(norm_lines(lines)):
        if i in skip or not text:
            continue
        for piece in text.replace("；", "。").replace(";", "。").split("。"):
            if piece:
                for metric, value, approximate in _statements(piece):
                    if metric not in found:
                        found[metric] = (metric, value, i + 1, approximate)
    return list(found.values())


def test_prose_gives_each_metrics_first_statement_sentence_by_sentence():
    lines = ["本年共收到政府信息公开申请12件；共受理申请20件，办结18件。", "表格", "本年收到政府信息公开申请99件。",
             "", "全年未发生行政复议。", "行政复议3件", "政务微博和微信公开信息分别为 340 条和 300 条;网站发布信息约1200余条"]
    for skip in (set(), {1}, {0}, {0, 4}, set(range(7))):
        got = [(f.metric, f.value, f.line, f.approximate) for f in parse_prose(lines, skip=skip)]
        assert got == _prose_loop(lines, skip)
    assert len(parse_prose(lines, skip={1})) >= 4
