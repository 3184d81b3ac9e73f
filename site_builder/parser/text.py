"""Normalising report text for matching by meaning, and cutting table regions into tokens.

Labels are matched after normalisation (NFKC, no whitespace), so "结 果 维 持", "结果\n维持"
and "结果维持" are one label. Table text is cut into tokens: TEXT (a label or header) and NUM
(one number); a NUM that was glued to other digits with no separator ("640020470") is a RUN,
whose cells the template's identities must split.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from site_builder.numbers import parse_number

_WS = re.compile(r"\s+")
_HTML_COMMENT = re.compile(r"<!--.*?-->|-->|<!--")


def norm(text: str) -> str:
    """Normalise for label matching: NFKC (full-width to ASCII), no whitespace, no HTML comments."""
    text = unicodedata.normalize("NFKC", text)
    text = _HTML_COMMENT.sub("", text)
    return _WS.sub("", text)


@dataclass(frozen=True)
class Token:
    kind: str  # "TEXT", "NUM" or "RUN"
    text: str
    line: int
    value: Decimal | None = None
    # True when the line holding this number holds two or more numbers (a row printed on one line)
    row_line: bool = False
    # True when the cell sits in a Markdown table row ("| 规章 | 22 |")
    markdown: bool = False


# A number in a table cell. Digits followed by a unit (2019年, 计1条) are text, not a cell;
# digits followed by "." or "、" and a label are a row's own numbering (1.属于国家秘密).
_NUM_IN_CELL = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")
_UNIT_AFTER = re.compile(r"\s*(?:年|月|日|号|条|件|项|次|个|人|万|元|%|周|期|批|位|小时|天|篇)")
_NUMBERING_AFTER = re.compile(r"\s*[.、]\s*(?=[^\d\s])")
_MD_SEPARATOR = re.compile(r"^:?-{2,}:?$")


def cells_of_line(line: str) -> tuple[list[str], bool]:
    """Split a line into cells: tab-separated (docx), pipe-separated (Markdown)."""
    stripped = line.strip()
    markdown = stripped.startswith("|") and stripped.count("|") >= 2
    if markdown:
        parts = stripped.strip("|").split("|")
    else:
        parts = line.split("\t")
    cells = [p.strip() for p in parts]
    cells = [c for c in cells if c and not _MD_SEPARATOR.match(c)]
    return cells, markdown


def tokenize(lines: list[str], start: int, end: int) -> list[Token]:
    """Tokens of lines[start:end] (0-based indices; Token.line is 1-based)."""
    out: list[Token] = []
    for idx in range(start, min(end, len(lines))):
        raw = unicodedata.normalize("NFKC", _HTML_COMMENT.sub(" ", lines[idx]))
        cells, markdown = cells_of_line(raw)
        line_tokens: list[Token] = []
        for cell in cells:
            line_tokens.extend(_tokenize_cell(cell, idx + 1, markdown))
        nums = sum(1 for t in line_tokens if t.kind != "TEXT")
        if nums >= 2:
            line_tokens = [
                Token(t.kind, t.text, t.line, t.value, True, t.markdown) if t.kind != "TEXT" else t
                for t in line_tokens
            ]
        out.extend(line_tokens)
    return out


def _tokenize_cell(cell: str, line: int, markdown: bool) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    text_buf = []
    for m in _NUM_IN_CELL.finditer(cell):
        after = cell[m.end():]
        before = cell[: m.start()]
        if _UNIT_AFTER.match(after) or _NUMBERING_AFTER.match(after) or (before and before[-1] in "第（(" and not before.endswith("（)")):
            continue  # part of the label
        if m.start() > 0 and cell[m.start() - 1] in ".":
            continue
        text_buf.append(cell[pos : m.start()])
        label = "".join(text_buf).strip()
        if label:
            tokens.append(Token("TEXT", label, line, markdown=markdown))
        text_buf = []
        digits = m.group(0)
        glued = (
            m.start() > 0 and not cell[m.start() - 1].isspace()
        ) or (m.end() < len(cell) and not cell[m.end()].isspace())
        plain = digits.lstrip("-")
        if glued and plain.isdigit() and len(plain) > 1:
            tokens.append(Token("RUN", digits, line, None, markdown=markdown))
        else:
            tokens.append(Token("NUM", digits, line, parse_number(digits), markdown=markdown))
        pos = m.end()
    rest = (("".join(text_buf)) + cell[pos:]).strip()
    if rest:
        tokens.append(Token("TEXT", rest, line, markdown=markdown))
    return tokens


def find_line(lines: list[str], pattern: re.Pattern[str], start: int = 0, end: int | None = None) -> int | None:
    """Index of the first line from start whose normalised text matches pattern."""
    end = len(lines) if end is None else end
    for i in range(start, min(end, len(lines))):
        if pattern.search(norm(lines[i])):
            return i
    return None
