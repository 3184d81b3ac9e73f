"""data/records.csv, data/records.json and data/quality.csv: the data contract's downloads."""

from __future__ import annotations

import csv
import io
import json

from site_builder.model import Agency, Record, Report
from site_builder.numbers import format_number

RECORD_COLUMNS = ("agency", "agency_slug", "year", "metric", "applicant", "value", "approximate", "source")
QUALITY_COLUMNS = ("agency_slug", "year", "rule", "applicant", "expected", "printed", "source")


def records_csv(records: list[Record]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(RECORD_COLUMNS)
    for r in records:
        w.writerow([r.agency, r.agency_slug, r.year, r.metric, r.applicant, format_number(r.value),
                    "true" if r.approximate else "false", r.source])
    return buf.getvalue()


def _json_number(value):
    text = format_number(value)
    return int(text) if "." not in text else float(text)


def records_json(records: list[Record]) -> str:
    rows = [
        {
            "agency": r.agency,
            "agency_slug": r.agency_slug,
            "year": r.year,
            "metric": r.metric,
            "applicant": r.applicant,
            "value": _json_number(r.value),
            "approximate": r.approximate,
            "source": r.source,
        }
        for r in records
    ]
    return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"


def quality_rows(reports: list[Report], agency_of: dict[str, Agency]) -> list[tuple]:
    rows = []
    for rep in reports:
        slug = agency_of[rep.path].slug
        for c in rep.quality:
            rows.append((slug, rep.year, c.rule, c.applicant, format_number(c.expected), format_number(c.printed), rep.source(c.line)))
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    return rows


def _csv(columns: tuple[str, ...], rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows(rows)
    return buf.getvalue()


def quality_csv(reports: list[Report], agency_of: dict[str, Agency]) -> str:
    return _csv(QUALITY_COLUMNS, quality_rows(reports, agency_of))


NOTES_COLUMNS = ("agency_slug", "year", "metric", "applicant", "note", "source")
# Warnings about figures the data leaves out or holds with a caveat (model.Diagnostic.code)
NOTE_CODES = ("ambiguous_split", "unsplittable", "missing_cell")


def notes_rows(reports: list[Report], agency_of: dict[str, Agency]) -> list[tuple]:
    """data/notes.csv: what a figure's value alone does not say. Every figure recovered from
    cells run together, every amount converted to the template's unit, and every cell left
    out (missing, or run together past telling). An empty applicant means the whole row."""
    from site_builder.catalogue import by_id, order
    from site_builder.model import APPLICANTS

    known = by_id()
    rows = []
    for rep in reports:
        slug = agency_of[rep.path].slug
        for f in rep.figures:
            if f.recovered:
                detail = f" ({f.note})" if f.note else ""
                rows.append((slug, rep.year, f.metric, f.applicant, f"recovered: split by the template identities{detail}",
                             rep.source(f.line)))
            elif f.note:
                rows.append((slug, rep.year, f.metric, f.applicant, f.note, rep.source(f.line)))
        for w in rep.warnings:
            if w.code not in NOTE_CODES:
                continue
            source = rep.source(w.line) if w.line else rep.path
            for metric in w.metrics or ("",):
                for applicant in w.applicants or ("",):
                    rows.append((slug, rep.year, metric, applicant, f"{w.code}: {w.message}", source))

    def key(r: tuple) -> tuple:
        metric_rank = order(r[2]) if r[2] in known else len(known)
        applicant_rank = APPLICANTS.index(r[3]) if r[3] in APPLICANTS else -1
        return (r[0], r[1], metric_rank, r[2], applicant_rank, r[4], r[5])

    rows.sort(key=key)
    return rows


def notes_csv(reports: list[Report], agency_of: dict[str, Agency]) -> str:
    return _csv(NOTES_COLUMNS, notes_rows(reports, agency_of))
