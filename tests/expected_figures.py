"""Figures keyed by hand, as the corpus tests write them: (metric, applicant column) -> value,
and the parser's figures in the same shape. Shared by tests/test_corpus.py (the seeds' real
reports) and tests/test_archive.py (the public archive's reports)."""

from __future__ import annotations

from decimal import Decimal

from site_builder.model import APPLICANTS

T4 = tuple(
    f"{group}.{col}"
    for group in ("review", "litigation.direct", "litigation.after_review")
    for col in ("upheld", "corrected", "other", "pending", "total")
)
WITHHELD = ("state_secret", "prohibited_by_law", "security_stability", "third_party", "internal_affairs",
            "process_info", "enforcement_file", "admin_query")
UNABLE = ("not_held", "needs_creation", "unclear")
NOT_PROCESSED = ("petition", "duplicate", "publication", "vexatious", "confirm_existing")
OTHER_2021 = ("no_correction", "unpaid_fee", "other")

Expected = dict[tuple[str, str], Decimal]


def one(metric: str, value) -> Expected:
    return {(metric, "total"): Decimal(str(value))}


def row(metric: str, *values) -> Expected:
    """A table 三 row: six applicant columns and 总计 (None where the report leaves a cell empty)."""
    assert len(values) == 7
    return {(metric, a): Decimal(str(v)) for a, v in zip(APPLICANTS, values) if v is not None}


def t4(*values) -> Expected:
    assert len(values) == 15
    return {(m, "total"): Decimal(str(v)) for m, v in zip(T4, values)}


def merge(*parts: dict) -> dict:
    """The parts as one dict; a key given twice is a mistake in the test, not a later value."""
    out: dict = {}
    for p in parts:
        assert not set(p) & set(out), set(p) & set(out)
        out.update(p)
    return out


def figures(report) -> Expected:
    return {(f.metric, f.applicant): f.value for f in report.figures}
