"""Plain records that flow from the load phase to the render phase.

Figure, Diagnostic, CheckResult and Record are named tuples, not dataclasses: a province is
tens of thousands of reports and millions of figures, and a named tuple is built several times
faster (the parse cache rebuilds every figure of every report on each build) and takes a third
of the memory of a dataclass instance with its __dict__. They are read by attribute like the
dataclasses they were, are immutable like them, and `._replace()` stands for dataclasses.replace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress
from operator import itemgetter, ne
from typing import NamedTuple

APPLICANTS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
)

ERAS = ("pre2019", "2019", "2021")


class EraLabel(NamedTuple):
    """How the site names a template era: short on the pages (tables, headings), and in full
    where a chart says which template a point or a break comes from."""

    zh: str
    en: str
    zh_full: str
    en_full: str


ERA_LABELS: dict[str, EraLabel] = {  # in ERAS order
    "pre2019": EraLabel("2019年前", "pre-2019", "2019年前（2008年条例）", "before 2019 (2008 regulation)"),
    "2019": EraLabel("2019年模板", "2019 template", "2019年模板", "2019 template"),
    "2021": EraLabel("2021年模板", "2021 template", "2021年模板", "2021 template"),
}


class Figure(NamedTuple):
    """One number read from a report."""

    metric: str
    value: Decimal
    line: int  # 1-based line in the report's text (for PDFs, the line of the extracted text)
    applicant: str = "total"
    approximate: bool = False
    # "table" (t2/t3/t4), "stat" (pre-2019 统计表), "prose", or "derived" (computed from other rows);
    # "rate": a rate (load/indicators.py) in the indexes of figures, never in a report
    origin: str = "table"
    # set when a run-together cell was split with the template's own identities
    recovered: bool = False
    note: str = ""


class Diagnostic(NamedTuple):
    """A warning about a report: something the parser noticed but could still handle."""

    path: str
    line: int | None
    message: str
    code: str = "warning"
    # the figures it concerns ("missing_cell", "ambiguous_split": data/notes.csv lists them);
    # applicants empty = every column of the row
    metrics: tuple[str, ...] = ()
    applicants: tuple[str, ...] = ()

    def __str__(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line else self.path
        return f"{loc}: {self.message}"


@dataclass(frozen=True)
class QualityIssue:
    """A consistency rule (勾稽关系) that the report's own figures break."""

    rule: str
    applicant: str
    expected: Decimal
    printed: Decimal
    line: int
    description: str = ""


class CheckResult(NamedTuple):
    """Every consistency rule evaluated on a report, passed or broken (pages show both)."""

    rule: str
    applicant: str
    expected: Decimal
    printed: Decimal
    line: int
    description: str

    @property
    def passed(self) -> bool:
        return self.expected == self.printed


_EXPECTED, _PRINTED = itemgetter(2), itemgetter(3)  # CheckResult.expected, .printed


@dataclass
class Report:
    """Everything read from one report file."""

    path: str  # relative to the content folder, e.g. "reports/jianguomen-2024.txt"
    agency: str
    year: int
    era: str  # one of ERAS
    has_stat_table: bool
    encoding: str
    lines: list[str]
    title_line: int
    figures: list[Figure] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    original: str | None = None  # the original file (docx/pdf/html) when the text was extracted
    line_labels: dict[int, str] | None = None  # e.g. {12: "p.2 l.5"} for PDFs

    @property
    def quality(self) -> list[CheckResult]:
        """The checks broken. (Compared in C, not check by check through `passed`: a report has
        tens of checks, and the /quality/ page, which the dev server renders again after an edit
        that breaks or mends one, asks every report of a province's 20,000.)"""
        checks = self.checks
        return list(compress(checks, map(ne, map(_EXPECTED, checks), map(_PRINTED, checks))))

    def figure(self, metric: str, applicant: str = "total") -> Figure | None:
        for f in self.figures:
            if f.metric == metric and f.applicant == applicant:
                return f
        return None

    def source(self, line: int) -> str:
        return f"{self.path}:{line}"


class Level(NamedTuple):
    """A tier of government an agency belongs to: agencies are compared with their peers of one
    level (a 街道 with 街道, not with a city's bureau)."""

    zh: str
    en: str


# The levels an agencies.toml entry may name, from the top down (region pages list them in this order).
LEVELS: tuple[Level, ...] = (
    Level("省级政府", "provincial government"),
    Level("省级部门", "provincial department"),
    Level("市级政府", "city government"),
    Level("市级部门", "city department"),
    Level("区县政府", "county or district government"),
    Level("区县部门", "county or district department"),
    Level("街道", "subdistrict"),
    Level("乡镇", "township"),
    Level("功能区", "development zone"),
)

# How an agency's place (province, city, district) was decided: its agencies.toml entry, the
# folder its reports are in (content/reports/<province>/<city>/<district>/...), inferred from its
# name or report text by a gazetteer (shown as "inferred"), or not at all ("": unplaced).
PLACE_SOURCES = ("entry", "folder", "inferred", "")


@dataclass(frozen=True)
class Agency:
    name: str
    slug: str
    district: str = ""
    city: str = ""
    level: str = ""  # one of LEVELS' zh, or "" (unknown)
    website: str = ""
    known: bool = True  # False when derived from a report alone (no agencies.toml entry)
    # a 直辖市 is its own province (北京市); "" when unplaced
    province: str = ""
    place_source: str = ""  # one of PLACE_SOURCES
    aliases: tuple[str, ...] = ()  # other names its reports print (its agencies.toml entry's)


class Record(NamedTuple):
    """One row of data/records.csv."""

    agency: str
    agency_slug: str
    year: int
    metric: str
    applicant: str
    value: Decimal
    approximate: bool
    source: str
    recovered: bool = False
