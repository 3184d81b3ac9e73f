"""Scraped web text: the whole body of a report on one line.

Archived web pages lose their paragraphs: the report's sections, its tables and its 统计表
arrive as one line of thousands of characters. The parser finds tables by the lines their
headings start, so such a line is cut into "virtual lines" before each section heading
("三、收到和处理…", "第二十条第（一）项", "附件1：", "指标名称"), the parser reads those, and
every line number it reports is mapped back to the physical line: a figure's source stays
file:line of the file as it is.

Only lines holding two or more headings are cut: a report with paragraphs has one heading a
line at most, and reads exactly as before.
"""

from __future__ import annotations

import re

from site_builder.model import Report

# A heading inside run-on text: 一、 … 十九、 (not the tail of 二十一、), the table 二 row groups,
# an attachment, the 统计表's header.
_HEADING = re.compile(
    r"(?<![一二三四五六七八九十])[一二三四五六七八九十]{1,2}、"
    r"|第二十条第[（(][一二三四五六七八九十]+[）)]项"
    r"|附件\s*\d*\s*[:：]"
    r"|指标名称"
)


# Where _HEADING can start, for one C-level scan of the whole text: each of its matches begins
# with a match of this (the numeral's lookbehind left out), which starts with a character class so
# that the regex engine skips every other character fast.
_N = "一二三四五六七八九十"
_HEADING_START = f"[{_N}第附指](?:(?<=[{_N}])[{_N}]?、|(?<=第)二十条第|(?<=附)件|(?<=指)标名称)"
# Two of them on one line: a line holding two headings matches this (a match may be more, so it
# only rules the cutting out, in one search instead of two per line).
_TWO_HEADINGS = re.compile(f"{_HEADING_START}[^\n]*?{_HEADING_START}")


def cut_positions(line: str) -> list[int]:
    """Where a run-on line is cut: before every heading but the first, if it has two or more."""
    starts = [m.start() for m in _HEADING.finditer(line)]
    if len(starts) < 2:
        return []
    return [s for s in starts if s > 0]


def virtual_lines(lines: list[str]) -> tuple[list[str], list[int]] | None:
    """(virtual lines, the 1-based physical line of each) or None when no line needs cutting."""
    # Nearly every report has paragraphs: find out first whether any line may hold two headings
    # (one search of the whole text; lines holding no line break), then, if one may, with two
    # searches a line whether one does, before building the copy (search(line, pos) sees the
    # text before pos, as finditer does, so the lookbehind reads the same).
    text = "\n".join(lines)
    if text.count("\n") == len(lines) - 1 and _TWO_HEADINGS.search(text) is None:
        return None
    search = _HEADING.search
    for line in lines:
        m = search(line)
        if m is not None and search(line, m.end()) is not None:
            break
    else:
        return None
    out: list[str] = []
    physical: list[int] = []
    cut_any = False
    for number, line in enumerate(lines, start=1):
        cuts = cut_positions(line)
        if cuts:
            cut_any = True
        bounds = [0] + cuts + [len(line)]
        for a, b in zip(bounds, bounds[1:]):
            out.append(line[a:b])
            physical.append(number)
    return (out, physical) if cut_any else None


def to_physical(report: Report, lines: list[str], physical: list[int]) -> Report:
    """The report as read from virtual lines, with every line number mapped to the file's own."""

    def at(line: int | None) -> int | None:
        if line is None or line < 1:
            return line
        return physical[min(line, len(physical)) - 1]

    report.figures = [f._replace(line=at(f.line)) for f in report.figures]
    report.warnings = [w._replace(line=at(w.line)) for w in report.warnings]
    report.checks = [c._replace(line=at(c.line)) for c in report.checks]
    report.title_line = at(report.title_line)
    report.lines = lines
    return report


def physical_line(physical: list[int], line: int | None) -> int | None:
    if line is None or line < 1:
        return line
    return physical[min(line, len(physical)) - 1]
