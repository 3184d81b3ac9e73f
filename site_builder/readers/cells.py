"""Turning table cells from .docx/.pdf/.html into the tab-separated row lines the parser reads.

Every binary reader emits one table row per line, cells joined by tabs, and the cell covered by a
merge (vertical or horizontal) appears once: its other grid positions are empty cells, never a
copy of its text, so a merged label cannot pose as a second row and a merged number cannot
shift the numbers after it.
"""

from __future__ import annotations

import re
from typing import Iterable

_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u2002\u2003\u2009\u200b\u3000]+")


def _is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\uf900" <= ch <= "\ufaff"


def join_wrapped(parts: Iterable[str]) -> str:
    """Join the lines of one wrapped cell or paragraph: Chinese text wraps anywhere, so two
    Chinese characters meet with nothing between them; anything else gets a space."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not (_is_cjk(out[-1]) and _is_cjk(part[0])):
            out += " "
        out += part
    return out


def clean_cell(text: str) -> str:
    """One cell's text on one line: its own line breaks and tabs would split the row."""
    return join_wrapped(_WS.sub(" ", piece).strip() for piece in text.replace("\r", "\n").split("\n"))


def row_line(cells: list[str]) -> str:
    """A table row as the parser reads it; empty cells keep their place (merges, blanks)."""
    return "\t".join(clean_cell(c) for c in cells).rstrip("\t")


def collapse_spaces(text: str) -> str:
    """Prose text: runs of layout whitespace to one space (full-width indents are kept)."""
    return re.sub(r"[ \t\r\n\f\v\u00a0]+", " ", text).strip(" ")
