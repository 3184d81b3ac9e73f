"""Splitting table cells that extraction ran together ("640020470").

Scraped web pages and some PDF conversions drop the separators between a row's cells, so
"64 0 0 2 0 4 70" arrives as "640020470". The digits alone do not say where one cell ends;
the template's own identities do:

- a row of table 三 is seven cells whose last (总计) is the sum of the first six;
- table 四 is three groups of five cells whose last (总计) is the sum of the other four.

split_run() enumerates every way to cut the digits into `width` numbers (no leading zeros
except "0" itself, at most MAX_CELL_DIGITS digits a cell) and keeps the cuts that satisfy the
identities. Exactly one left: it is the table as printed, and the figures are marked recovered.
Several left: the text does not settle it, so nothing is published and the message names the
candidates. Never guess.

Whitespace inside `digits` is a boundary the text did print ("230 000023"): no cell crosses it.
A table without identities (table 二) is split only when one cut is possible at all ("000").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator

# Counts of requests and cases: a cell of eight digits or more would be over 10 million,
# which the parser already flags as implausible.
MAX_CELL_DIGITS = 7
# Enough candidates to show a maintainer the ambiguity; enumeration stops here.
MAX_CANDIDATES = 50
SHOWN_CANDIDATES = 4

# table -> sizes of its groups; in each group the last cell is the sum of the others
IDENTITY_GROUPS: dict[str, tuple[int, ...]] = {"t3": (7,), "t4": (5, 5, 5)}

_CELL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")


@dataclass(frozen=True)
class Split:
    values: tuple[Decimal, ...] | None
    recovered: bool
    message: str = ""
    # "ambiguous_split" (several cuts fit) or "unsplittable" (none does); "" when split
    code: str = ""
    candidates: tuple[tuple[Decimal, ...], ...] = ()


def _identity_groups(width: int, table: str) -> tuple[tuple[int, ...], bool]:
    groups = IDENTITY_GROUPS.get(table)
    if groups and sum(groups) == width:
        return groups, True
    return (width,), False


def _cells_at(pieces: list[str], p: int, pos: int) -> Iterator[tuple[str, int, int]]:
    """Every number that can start at pieces[p][pos]: (text, next piece, next pos)."""
    piece = pieces[p]
    for end in range(pos + 1, len(piece) + 1):
        text = piece[pos:end]
        if len(text.lstrip("-").split(".")[0]) > MAX_CELL_DIGITS:
            break
        if not _CELL.fullmatch(text):
            continue
        if end < len(piece) and piece[end] == ".":
            continue  # a cell never ends just before a decimal point
        yield (text, p + 1, 0) if end == len(piece) else (text, p, end)


def enumerate_splits(digits: str, width: int, table: str) -> list[tuple[Decimal, ...]]:
    """Every cut of `digits` into `width` numbers that satisfies the table's identities
    (at most MAX_CANDIDATES of them, in a fixed order)."""
    pieces = digits.split()
    if not pieces:
        return []
    groups, has_identity = _identity_groups(width, table)
    out: list[tuple[Decimal, ...]] = []
    # characters left from the start of each piece: prunes cuts that leave too many or too few
    after = [sum(len(x) for x in pieces[i:]) for i in range(len(pieces) + 1)]

    def walk(p: int, pos: int, group: int, in_group: list[Decimal], done: list[Decimal]) -> None:
        if len(out) >= MAX_CANDIDATES:
            return
        cells_left = width - len(done) - len(in_group)
        chars_left = after[p] - pos
        if chars_left > cells_left * (MAX_CELL_DIGITS + 6) or len(pieces) - p > cells_left:
            return  # (a decimal cell may carry a point and up to five decimals more)
        if group == len(groups):
            if p == len(pieces):
                out.append(tuple(done))
            return
        if p == len(pieces):
            return
        size = groups[group]
        if has_identity and len(in_group) == size - 1:
            # the group's total is fixed by the cells before it: it must be printed next
            total = sum(in_group, Decimal(0))
            want = _format(total)
            piece = pieces[p]
            if piece.startswith(want, pos):
                end = pos + len(want)
                np_, npos = (p + 1, 0) if end == len(piece) else (p, end)
                walk(np_, npos, group + 1, [], done + in_group + [total])
            return
        for text, np_, npos in _cells_at(pieces, p, pos):
            cell = Decimal(text)
            if len(in_group) + 1 == size:  # last cell of a group without identity
                walk(np_, npos, group + 1, [], done + in_group + [cell])
            else:
                walk(np_, npos, group, in_group + [cell], done)

    walk(0, 0, 0, [], [])
    return out


def _format(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def _show(values: tuple[Decimal, ...]) -> str:
    return ",".join(_format(v) for v in values)


def split_run(digits: str, width: int, table: str) -> Split:
    """Split run-together cells with the template's identities (see the module docstring)."""
    found = enumerate_splits(digits, width, table)
    _, has_identity = _identity_groups(width, table)
    rule = {"t3": "the row total (总计 = the sum of the six columns)",
            "t4": "the totals (each 总计 = the sum of the four results beside it)"}.get(table, "the row")
    if len(found) == 1:
        return Split(found[0], True, "", "", tuple(found))
    if not found:
        return Split(None, False, f'cells run together in "{digits}": no split into {width} numbers satisfies '
                     f'{rule}; none published', "unsplittable")
    shown = " | ".join(_show(c) for c in found[:SHOWN_CANDIDATES])
    more = " ..." if len(found) > SHOWN_CANDIDATES else ""
    count = f"{len(found)}{'+' if len(found) >= MAX_CANDIDATES else ''}"
    verb = "satisfy " + rule if has_identity else f"are possible ({rule} has no total to check them against)"
    return Split(None, False, f'cells run together in "{digits}"; {count} splits into {width} numbers {verb}: '
                 f"{shown}{more}; none published", "ambiguous_split", tuple(found))
