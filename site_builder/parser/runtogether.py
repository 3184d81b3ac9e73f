"""Splitting table cells that extraction ran together ("640020470") — placeholder interface.

split_run(digits, width, table) returns a Split: the values when exactly one split satisfies
the template's identities, else None with a message naming the candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Split:
    values: tuple[Decimal, ...] | None
    recovered: bool
    message: str = ""


def split_run(digits: str, width: int, table: str) -> Split:
    if len(digits) == width:
        return Split(tuple(Decimal(d) for d in digits), True)
    return Split(None, False, f"cells run together in '{digits}': cannot split them into {width} numbers")
