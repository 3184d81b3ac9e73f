"""Finding the agency and the year reported on from a report's title, wherever its line breaks fall."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from site_builder.exceptions import ReportError
from site_builder.parser.text import norm

# The title ends with some form of "政府信息公开工作年度报告"; agencies write it many ways.
_TAIL = r"(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:年度)?(?:报告|年报|工作报告)"
_YEAR = r"(?P<year>(?:19|20)\d{2})年度?"
_AGENCY_FIRST = re.compile(r"(?P<agency>[^\d《》<>]{2,40}?)" + _YEAR + _TAIL)
# An agency's name may hold a number ("北京市12345市民服务热线"), never a date: it starts with
# a character that is no digit (nor the 年/月/日/号 closing a date), and a run of digits in it is
# followed by none of 年/月/日/号 or a date's separators. (After the year, where the search is
# cheap: the patterns that find the name before the year take its digits in _with_number.)
_AGENCY = r"(?P<agency>[^\d《》<>年月日号](?:[^\d《》<>]|\d+(?![\d年月日号.:：/\-])){1,39}?)"
_YEAR_FIRST = re.compile(_YEAR + _AGENCY + _TAIL)
# "…政府信息公开工作年度报告（2019年度）": the year in brackets after the title
_YEAR_AFTER = re.compile(r"(?P<agency>[^\d《》<>]{2,40}?)" + _TAIL + r"[(（]" + _YEAR + r"[)）]")
# The part of a name before a number in it, and the number, ending where the name found after it starts
_NAME_AND_NUMBER = re.compile(r"[^\d《》<>年月日号][^\d《》<>]*\d+$")
_NOT_AFTER_NAME_NUMBER = "年月日号.:：/-"
_BRACKETED_YEAR = re.compile(r"^[(（](?:19|20)\d{2}年度?[)）]")
# A year written in Chinese numerals (二〇一九年) is read as digits
_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_CN_DIGIT = {c: str(d) for d, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_SCRAPED_TITLE = re.compile(r"^\s*(?:标题|题目|title)\s*[:：]\s*(?P<title>.+)$", re.I)
# Lines that head a scraped page or a converted file but are not the title
_NOISE = re.compile(r"^(?:正文|当前位置|首页|来源|发布时间|发布机构|文号|栏目|原文链接|本地目录|页面链接|={3,}|附件[\d一二三四五六七八九十]*[:：]?$)")

MAX_TITLE_LINES = 4
SEARCH_LINES = 40


@dataclass(frozen=True)
class Title:
    agency: str
    year: int
    line: int  # 1-based


def _digits(m: re.Match[str]) -> str:
    return "".join(_CN_DIGIT[c] for c in m.group(0))


_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_NOT_CJK_AT_ENDS = re.compile(r"^[^\u4e00-\u9fff]+|[^\u4e00-\u9fff)）]+$")
_ABOUT = re.compile(r"^(?:关于)")
_OFFICE = re.compile(r"(街道|乡|镇)办事处$")
_ABOUT_OF = re.compile(r"(?:关于|的)$")


def clean_agency(name: str) -> str:
    # Word bookmarks and Markdown or quotation marks around a title are not part of the name
    name = _BOOKMARK.sub("", name)
    name = _NOT_CJK_AT_ENDS.sub("", name)
    name = name.strip(" ：:，,、\u3000")
    name = _ABOUT.sub("", name)
    # "建国门街道办事处" and "建国门街道" are one agency: the office is how the 街道 reports.
    name = _OFFICE.sub(r"\1", name)
    name = _ABOUT_OF.sub("", name)
    return name


def _candidates(lines: list[str], nonempty: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """(0-based line, normalised text) that may hold the title, in the order they are tried."""
    # A scraped page states its title in a header line: trust it first.
    for i, line in enumerate(lines[:SEARCH_LINES]):
        # (the regex only where it can match: after the leading whitespace, 标题, 题目 or title,
        # whose t only t and T match case-insensitively)
        bare = line.lstrip()
        if not bare or bare[0] not in "标题tT":
            continue
        m = _SCRAPED_TITLE.match(line)
        if m:
            yield i, norm(m.group("title"))
            break
    for k, (i, text) in enumerate(nonempty):
        if _NOISE.match(text):
            # a breadcrumb ("当前位置：首页 … <title> 来源：…") holds the title as one of its pieces
            for piece in lines[i].split()[1:]:
                yield i, norm(piece)
            continue
        joined = ""
        for n, (_, piece) in enumerate(nonempty[k : k + MAX_TITLE_LINES]):
            joined += piece
            yield i, joined
            if "报告" in piece or "年报" in piece:
                following = nonempty[k + n + 1][1] if k + n + 1 < len(nonempty) else ""
                if _BRACKETED_YEAR.match(following):
                    yield i, joined + following
                break


def _with_number(text: str, m: re.Match[str]) -> str:
    """The agency's name as matched, with the words and number before it when the name holds a
    number (the pattern's name has no digits: "北京市12345市民服务热线" matched as 市民服务热线)."""
    start = m.start("agency")
    if start == 0 or not text[start - 1].isdigit():
        return m.group("agency")
    if text[start] in _NOT_AFTER_NAME_NUMBER:
        # the end of a date before the title ("2023年3月1日 某某区…"), no part of the name
        return m.group("agency")[1:] if text[start] in "年月日号" else m.group("agency")
    before = _NAME_AND_NUMBER.search(text, max(0, start - 40), start)
    return text[before.start():m.end("agency")] if before else m.group("agency")


def find_title(lines: list[str], path: str, normed: list[str] | None = None) -> Title:
    """The agency and year of a report. Raises ReportError when no title can be found.
    `normed`: the lines' norm(), when the caller has them."""
    # (Chinese-numeral years only where a 年 follows: the substitution is skipped elsewhere)
    first = normed[:SEARCH_LINES] if normed is not None else map(norm, lines[:SEARCH_LINES])
    nonempty = [(i, _CN_YEAR.sub(_digits, t) if "年" in t else t) for i, t in enumerate(first) if t]
    # Candidates are made one at a time, in order, and the first that reads as a title wins:
    # the title is nearly always among the first few, so the rest are never joined.
    for i, text in _candidates(lines, nonempty):
        for pattern in (_AGENCY_FIRST, _YEAR_FIRST, _YEAR_AFTER):
            m = pattern.search(text)
            if m:
                agency = clean_agency(_with_number(text, m) if pattern is not _YEAR_FIRST else m.group("agency"))
                if len(agency) >= 2:
                    return Title(agency=agency, year=int(m.group("year")), line=i + 1)
    first = nonempty[0][0] + 1 if nonempty else 1
    if any(re.search(_TAIL, t) for _, t in nonempty[:10]):
        raise ReportError(path, first, "the title names no year: expected e.g. '建国门街道2019年政府信息公开工作年度报告'")
    raise ReportError(
        path,
        first,
        "no report title found in the first lines: expected '<agency><year>年政府信息公开工作年度报告'",
    )
