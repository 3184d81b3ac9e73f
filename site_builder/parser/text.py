"""Normalising report text for matching by meaning, and cutting table regions into tokens.

Labels are matched after normalisation (NFKC, no whitespace), so "结 果 维 持", "结果\n维持"
and "结果维持" are one label. Table text is cut into tokens: TEXT (a label or header) and NUM
(one number); a NUM that was glued to other digits with no separator ("640020470") is a RUN,
whose cells the template's identities must split.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from itertools import compress, count, islice
from operator import itemgetter
from typing import NamedTuple

from site_builder.numbers import parse_number

_HTML_COMMENT = re.compile(r"<!--.*?-->|-->|<!--")

# Memo sizes: the parser asks for the same lines and labels many times per report (each table
# search, the title, the era, the prose), and template labels repeat from report to report.
# Bounded so a long `--serve` session does not grow without end.
_MEMO = 1 << 16


# Full-width ASCII (，（）：０-９ …) and the ideographic space: what most Chinese lines need NFKC for.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_FULL_WIDTH_AS = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in [*range(0xFF01, 0xFF5F), 0x3000]}
assert all(len(v) == 1 for v in _FULL_WIDTH_AS.values())  # (see _half_width)


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), several times faster on Chinese report lines.

    NFKC decomposes every character (compatibility mappings included), reorders combining marks
    and composes again; a character replaced beforehand by its own full decomposition (",", "("
    for "，", "（") leaves that decomposed form, and so the result, unchanged. Replacing the
    full-width characters with str.replace and then normalising, which returns at once once the
    text passes NFKC's quick check, gives the same string without NFKC's slow path through
    every character of the line."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", _half_width(text))


def _half_width(text: str) -> str:
    """The text with every full-width character replaced by its decomposition (_FULL_WIDTH_AS):
    each distinct one replaced at once, found from where the last one was (each maps to one
    character, so positions do not move), without a list of every occurrence as findall makes."""
    search = _FULL_WIDTH.search
    m = search(text)
    while m is not None:
        ch = m.group()
        text = text.replace(ch, _FULL_WIDTH_AS[ch])
        m = search(text, m.start())
    return text


@lru_cache(maxsize=_MEMO)
def norm(text: str) -> str:
    """Normalise for label matching: NFKC (full-width to ASCII), no whitespace, no HTML comments."""
    return _norm(text)


def _norm(text: str) -> str:
    text = nfkc(text)
    if "-->" in text or "<!--" in text:  # the only strings _HTML_COMMENT can match
        text = _HTML_COMMENT.sub("", text)
    # split() drops every whitespace character (str.isspace(): what the regex \s matches), a few
    # times faster than re.sub(r"\s+", "", text)
    return "".join(text.split())


def norm_lines(lines: list[str]) -> list[str]:
    """[norm(line) for line in lines], made on the whole text at once rather than line by line
    (a report's hundred-odd lines cost a hundred-odd calls of NFKC and of split and join).

    The lines are joined with NUL, which no report line holds (checked: else line by line):
    NFKC maps no character to a NUL (tested over every code point), and a NUL is a starter
    that composes with nothing, so NFKC neither reorders nor composes across it; it is no
    whitespace, so str.split() keeps it. An HTML comment could span a NUL (its "." matches
    one): a text holding "<!--" or "-->" once normalised is normalised line by line. Not memoised: most lines
    of a province's reports are their own."""
    text = "\0".join(lines)
    if text.count("\0") != len(lines) - 1 or not lines:
        return list(map(_norm, lines))
    if not unicodedata.is_normalized("NFKC", text):
        text = _half_width(text)  # as nfkc() does (see there)
        if not unicodedata.is_normalized("NFKC", text):
            # NFKC's slow path only for the lines that need it (a Kangxi radical, a "…")
            text = "\0".join([p if unicodedata.is_normalized("NFKC", p) else unicodedata.normalize("NFKC", p)
                               for p in text.split("\0")])
    if "<!--" in text or "-->" in text:
        return list(map(_norm, lines))
    # whitespace dropped: nearly always spaces and tabs only (the ideographic space is a space
    # by now), which str.replace drops faster than split() and join() cut and glue every word;
    # split() then finds any other (a line break in a cell, a no-break space): one scan of the
    # text, and in most texts one piece, nothing to join
    words = text.replace(" ", "").replace("\t", "").split()
    return (words[0] if len(words) == 1 else "".join(words)).split("\0")


class Token(NamedTuple):
    # A named tuple, not a dataclass: a report has hundreds of tokens, and a tuple is built
    # several times faster than a frozen dataclass.
    kind: str  # "TEXT", "NUM" or "RUN"
    text: str
    line: int
    value: Decimal | None = None
    # True when the line holding this number holds two or more numbers (a row printed on one line)
    row_line: bool = False
    # True when the cell sits in a Markdown table row ("| 规章 | 22 |")
    markdown: bool = False
    # "元" or "万元" when the number is printed with its unit ("1848083元"); amounts only
    unit: str = ""


# A number in a table cell. Digits followed by a unit (2019年, 计1条) are text, not a cell;
# digits followed by "." or "、" and a label are a row's own numbering (1.属于国家秘密).
_NUM_IN_CELL = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")
_UNIT_AFTER = re.compile(r"\s*(?:年|月|日|号|条|件|项|次|个|人|万|元|%|周|期|批|位|小时|天|篇)")
_NUMBERING_AFTER = re.compile(r"\s*[.、]\s*(?=[^\d\s])")
# "1." or "2、" closing a cell: PDF text often wraps right after a row's numbering
_NUMBERING_AT_END = re.compile(r"\s*[.、]\s*$")
_MD_SEPARATOR = re.compile(r"^:?-{2,}:?$")
# digits that may hold several cells run together (a decimal can close the run: "13575394432.52")
_RUNNABLE = re.compile(r"\d+(?:\.\d+)?")
# An amount printed with its unit: a cell, not a label (table 二's 收费金额 / 采购总金额)
_AMOUNT_AFTER = re.compile(r"\s*(万元|元)")
# A page footer that PDF conversion left inside a table: "— 4 —", "- 12 -", "第 3 页", "3/12"
_PAGE_FOOTER = re.compile(r"^(?:[—–\-－―]+\s*\d{1,3}\s*[—–\-－―]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})$")


def cells_of_line(line: str) -> tuple[list[str], bool]:
    """Split a line into cells: tab-separated (docx), pipe-separated (Markdown)."""
    stripped = line.strip()
    markdown = stripped.startswith("|") and stripped.count("|") >= 2
    if markdown:
        parts = stripped.strip("|").split("|")
    else:
        parts = line.split("\t")
    cells = [p.strip() for p in parts]
    # (a separator holds "-": the regex only for such cells)
    cells = [c for c in cells if c and ("-" not in c or not _MD_SEPARATOR.match(c))]
    return cells, markdown


def tokenize(lines: list[str], start: int, end: int) -> list[Token]:
    """Tokens of lines[start:end] (0-based indices; Token.line is 1-based)."""
    out: list[Token] = []
    last: int | None = None  # the last row numbering seen (see _Numbering)
    new = tuple.__new__  # a Token from its fields, without the named tuple's Python-level __new__
    for idx in range(start, min(end, len(lines))):
        parts, last = line_parts(lines[idx], last)
        line = idx + 1
        for kind, text, value, row_line, markdown, unit in parts:
            out.append(new(Token, (kind, text, line, value, row_line, markdown, unit)))
    return out


# Memoised: table lines ("\t0", a row's label) repeat within and across reports.
@lru_cache(maxsize=_MEMO * 2)
def line_parts(line: str, last: int | None) -> tuple[tuple[tuple, ...], int | None]:
    """The tokens of one line without their line number ((kind, text, value, row_line,
    markdown, unit) each), and the row numbering seen after it. A pure function of the line and
    the numbering before it."""
    bare = line.strip()
    if not bare:
        return (), last
    if bare.isdigit() and bare.isascii():
        # One bare number on its line (a cell per line, as Word tables extract): what the
        # general path below gives, without cutting cells (no tab, no pipe, no footer in it).
        if len(bare) > 1 and bare[0] == "0":
            return (("RUN", bare, None, False, False, ""),), last
        return (("NUM", bare, parse_number(bare), False, False, ""),), last
    cells, markdown = _line_cells(line)
    # Two passes: the cells' pieces first (the memoised tokens of a label, the numbers standing
    # apart), counting the numbers; then every token built once, whether the line holds a whole
    # row (two or more numbers: see template.token_groups) known by then.
    pieces: list[tuple[tuple, list[str] | tuple[str, ...]]] = []
    numbers = 0
    for cell in cells:
        if cell.isdigit() and cell.isascii():
            # the common cell, a bare number: what _cell_parts would say, without its regexes
            pieces.append(((), (cell,)))
            numbers += 1
            continue
        # A row printed as text ("（七）总计   22   0   3 …", PDF text): its label is memoised
        # and its numbers, each standing apart, are read as bare numbers (see _number_tail).
        head, tail = _number_tail(cell)
        got = ()
        if head:
            got, last, counted = _cell_parts(head, last)
            numbers += counted
        pieces.append((got, tail))
        numbers += len(tail)
    row_line = numbers >= 2
    out = []
    append = out.append
    for got, words in pieces:
        for kind, text, value, unit in got:
            append((kind, text, value, row_line and kind != "TEXT", markdown, unit))
        for word in words:
            append(("RUN", word, None, row_line, markdown, "") if len(word) > 1 and word[0] == "0"
                   else ("NUM", word, parse_number(word), row_line, markdown, ""))
    return tuple(out), last


# Memoised as line_parts is, for the table readers' groups (template.token_groups), which need a
# line's parts only as runs: made from line_parts' own function (not its memo: a line read here is
# seldom read by tokenize() too, and each memo keeps what it was asked for).
@lru_cache(maxsize=_MEMO * 2)
def line_segments(line: str, last: int | None) -> tuple[tuple[tuple, ...], int | None]:
    """line_parts() of one line as runs, for reading it a run at a time rather than a part at a
    time: (text, numbers, row_line, markdown, runs) per run of numbers, where `text` is the
    norm() of the TEXT parts just before them, joined (None when there are none) and `numbers`
    the parts of the numbers (maybe none, after the line's last text); `row_line` and `markdown`
    are the first number's (a line's numbers share both), `runs` whether any is a RUN. Then the
    row numbering seen after the line, as line_parts gives it."""
    parts, last = _LINE_PARTS(line, last)
    # (the common lines told apart in C, by their parts' kinds: numbers alone, or one label and
    # then its numbers, as a row printed on one line; a line is read here once, when first seen)
    kinds = list(map(_KIND, parts))
    texts = kinds.count("TEXT")
    if texts == 0:
        return ((None, parts, parts[0][3], parts[0][4], "RUN" in kinds),) if parts else (), last
    if texts == 1 and kinds[0] == "TEXT":
        label = norm(parts[0][1])
        if len(parts) == 1:
            return ((label, (), False, False, False),), last
        return ((label, parts[1:], parts[1][3], parts[1][4], "RUN" in kinds),), last
    out = []
    text: str | None = None
    numbers: list[tuple] = []
    for part in parts:
        if part[0] == "TEXT":
            if numbers:
                out.append(_segment(text, numbers))
                text, numbers = None, []
            text = norm(part[1]) if text is None else text + norm(part[1])
        else:
            numbers.append(part)
    if numbers or text is not None:
        out.append(_segment(text, numbers))
    return tuple(out), last


def _segment(text: str | None, numbers: list[tuple]) -> tuple:
    if not numbers:
        return (text, (), False, False, False)
    first = numbers[0]
    return (text, tuple(numbers), first[3], first[4], any(p[0] == "RUN" for p in numbers))


_LINE_PARTS = line_parts.__wrapped__  # (line_segments' source, unmemoised)
_KIND = itemgetter(0)  # a part's kind


def _number_tail(cell: str) -> tuple[str, list[str]]:
    """(head, tail): the cell's closing run of bare ASCII numbers, each set apart by whitespace,
    and the text before it; (cell, []) when the cell has no such run.

    _tokenize_cell reads the tail's numbers as bare cells (no unit, numbering or glue can touch
    a number with whitespace on both sides and only digits after it) and the head as it would
    alone, so the cell's tokens are the head's and then the tail's. One case differs: a head
    ending in "." or "、" (a number before it is a row's numbering only at the cell's end), so
    such a cell is left whole. Rows printed as text have unique cells (their numbers differ
    from report to report) but a few hundred labels: the head is what gets memoised.
    """
    words = cell.split()
    n = len(words)
    k = n
    while k and words[k - 1].isdigit() and words[k - 1].isascii():
        k -= 1
    if k == n:
        return cell, []
    if k == 0:
        return "", words
    head = cell.rsplit(None, n - k)[0]
    if head[-1] in ".、":
        return cell, []
    return head, words[k:]


def _line_cells(line: str) -> tuple[tuple[str, ...], bool]:
    """The cells of one line as tokenize() reads them (page footers dropped), and whether it is
    a Markdown row. Not memoised: only line_parts() calls it, for a line (and row numbering
    before it) its own memo has not seen, so a memo of this by the line found nothing (no hit
    in 4,000 reports), and cost a look-up and an entry a line."""
    if "-->" in line or "<!--" in line:
        line = _HTML_COMMENT.sub(" ", line)
    cells, markdown = cells_of_line(nfkc(line))
    # a page's number, not the table's (a footer holds a dash, 第 or "/": never a cell of digits alone)
    return tuple([c for c in cells if c.isdigit() or not _PAGE_FOOTER.match(c)]), markdown


@lru_cache(maxsize=_MEMO)
def _cell_parts(cell: str, last: int | None) -> tuple[tuple[tuple, ...], int | None, int]:
    """((kind, text, value, unit) per token of one cell, the row numbering seen after it, how
    many of the tokens are numbers).
    A pure function of the cell and the numbering before it, so it is memoised."""
    state = _Numbering()
    state.last = last
    tokens = _tokenize_cell(cell, 0, False, state)
    return tuple((t.kind, t.text, t.value, t.unit) for t in tokens), state.last, sum(t.kind != "TEXT" for t in tokens)


class _Numbering:
    """The last row numbering seen ("2.重复申请" -> 2), to tell the next one from the figures
    glued before it ("00000003.要求提供…" is 0000000 then 3.)."""

    def __init__(self) -> None:
        self.last: int | None = None

    def split(self, digits: str, glued: bool) -> int:
        """How many trailing digits of `digits` (followed by "." or "、" and a label) number the row.
        `glued`: the digits follow other text with no space, as cells run together do."""
        if not digits.isdigit():
            return len(digits)
        expected = [str(self.last + 1)] if self.last is not None else []
        expected.append("1")
        # A row is numbered with one or two digits: three or more before "2." hold the figures
        # of the row before it, whether or not a space sets them off from its label
        # ("1.本机关不掌握相关政府信息 2900000292.没有…" is 2900000 29, then row 2.)
        glued = glued or len(digits) > 2
        for want in expected:
            if digits == want or (glued and digits.endswith(want)):
                return len(want)
        # Out of sequence: glued to text, a list numbers its rows with one digit far more often
        # than with two; standing alone, the whole number is the label's.
        return 1 if glued else len(digits)


def _tokenize_cell(cell: str, line: int, markdown: bool, state: _Numbering | None = None) -> list[Token]:
    state = state if state is not None else _Numbering()
    tokens: list[Token] = []
    pos = 0
    text_buf = []
    for m in _NUM_IN_CELL.finditer(cell):
        after = cell[m.end():]
        before = cell[: m.start()]
        start, end = m.start(), m.end()
        digits = m.group(0)
        unit = ""
        amount = _AMOUNT_AFTER.match(after)
        if _NUMBERING_AT_END.match(after) and digits.isdigit() and len(digits) <= 2:
            continue  # the numbering of a label that goes on in the next cell or line
        if _NUMBERING_AFTER.match(after) and "," not in digits and "." not in digits:
            # "1.属于国家秘密" is a label; in "00000002.其他…" only the 2 is (see _Numbering)
            plain = digits.lstrip("-")
            k = state.split(plain, (start > 0 and not cell[start - 1].isspace()) or (len(plain) > 1 and plain[0] == "0"))
            state.last = int(digits[len(digits) - k:])
            end = end - k
            if end <= start or digits[: end - start] in ("", "-"):
                continue  # the whole number is the row's numbering: part of the label
            digits = digits[: end - start]
        elif amount and not before.rstrip().endswith(("第", "（", "(")):
            unit = amount.group(1)  # the unit is part of the cell, not the next label
        elif _UNIT_AFTER.match(after) or _NUMBERING_AFTER.match(after) or (before and before[-1] in "第（(" and not before.endswith("（)")):
            continue  # part of the label
        if start > 0 and cell[start - 1] in ".":
            continue
        text_buf.append(cell[pos:start])
        label = "".join(text_buf).strip()
        if label:
            tokens.append(Token("TEXT", label, line, markdown=markdown))
        text_buf = []
        stop = end + (amount.end() if unit else 0)  # a unit printed with the cell is no glue
        glued = (start > 0 and not cell[start - 1].isspace()) or (stop < len(cell) and not cell[stop].isspace())
        plain = digits.lstrip("-")
        # "00" or "023" cannot be one cell: a number never starts with 0 unless it is 0
        leading_zero = len(plain) > 1 and plain[0] == "0" and plain.isdigit()
        if (glued or leading_zero) and _RUNNABLE.fullmatch(plain) and len(plain) > 1:
            tokens.append(Token("RUN", digits, line, None, markdown=markdown, unit=unit))
        else:
            tokens.append(Token("NUM", digits, line, parse_number(digits), markdown=markdown, unit=unit))
        pos = stop
    rest = (("".join(text_buf)) + cell[pos:]).strip()
    if rest:
        tokens.append(Token("TEXT", rest, line, markdown=markdown))
    return tokens


def find_line(lines: list[str], pattern: re.Pattern[str], start: int = 0, end: int | None = None,
              normed: list[str] | None = None) -> int | None:
    """Index of the first line from start whose normalised text matches pattern. `normed`: the
    lines' norm(), when the caller has them."""
    end = len(lines) if end is None else end
    stop = min(end, len(lines))
    if normed is not None and 0 <= start:
        # the searches made and the first hit picked in C (map, compress): lazily, so no line
        # past the first match is searched, as in the loop below
        return next(compress(count(start), map(pattern.search, islice(normed, start, stop))), None)
    if normed is not None:
        for i in range(start, stop):
            if pattern.search(normed[i]):
                return i
        return None
    for i in range(start, min(end, len(lines))):
        if pattern.search(norm(lines[i])):
            return i
    return None
