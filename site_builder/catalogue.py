"""The metric catalogue: the one list of figures that parser, tables, charts and downloads read.

It is a copy of the data contract's ``metrics.csv``; its ``id`` column is public (downloads,
page anchors) and is never renamed.

Two kinds of rows. The figures a report prints (metrics(): what the parser reads and
data/records.csv holds); a few of them the 2019+ templates define as the sum of printed rows
(outcome.withheld, outcome.other in 2021, litigation.total), and their `formula` says so: the
parser derives them only when every row they add up is printed, so such a figure counts as
printed. And the derived rows (rates(): table "derived", unit %), ratios of printed figures
that load/indicators.py computes per report; they are never in data/records.csv.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Metric:
    id: str
    tables: tuple[str, ...]
    eras: tuple[str, ...]
    label_zh: str
    label_en: str
    unit: str
    notes: str
    # printed rows: the template's own sum, when it defines the row as one ("a + b", "prefix.*":
    # every row of the prefix in the report's era); derived rows: "numerator / denominator"
    formula: str = ""

    @property
    def derived(self) -> bool:
        """A rate computed from printed figures, never printed itself."""
        return self.tables == ("derived",)

    @property
    def has_columns(self) -> bool:
        """Table 三 figures are reported per applicant column."""
        return "t3" in self.tables

    @property
    def group(self) -> str:
        return self.id.split(".")[0]


@lru_cache(maxsize=1)
def metrics() -> tuple[Metric, ...]:
    """The figures a report prints, in catalogue order (what the parser, tables and
    data/records.csv read)."""
    return tuple(m for m in _rows() if not m.derived)


@lru_cache(maxsize=1)
def rates() -> tuple[Metric, ...]:
    """The derived rows (rate.*), in catalogue order."""
    return tuple(m for m in _rows() if m.derived)


@lru_cache(maxsize=1)
def _rows() -> tuple[Metric, ...]:
    text = resources.files("site_builder").joinpath("metrics.csv").read_text(encoding="utf-8")
    out = []
    for row in csv.DictReader(text.splitlines()):
        out.append(
            Metric(
                id=row["id"],
                tables=tuple(row["table"].split("|")),
                eras=tuple(row["eras"].split("|")),
                label_zh=row["label_zh"],
                label_en=row["label_en"],
                unit=row["unit"],
                notes=row["notes"],
                formula=row["formula"],
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def by_id() -> dict[str, Metric]:
    """Every row, printed and derived, by id."""
    return {m.id: m for m in _rows()}


def metric(metric_id: str) -> Metric:
    try:
        return by_id()[metric_id]
    except KeyError:
        raise KeyError(f"unknown metric id {metric_id!r}: not in metrics.csv") from None


def order(metric_id: str) -> int:
    """Catalogue order, used to sort tables and downloads the way the template reads."""
    return _order()[metric_id]


@lru_cache(maxsize=1)
def _order() -> dict[str, int]:
    return {m.id: i for i, m in enumerate(_rows())}
