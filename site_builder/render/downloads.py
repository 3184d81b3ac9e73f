"""The data contract's downloads: data/records.csv, records.json, quality.csv, notes.csv, and each
agency's records.csv.

A province is tens of thousands of reports and millions of rows (records.json alone is some
650 MB at 20,000 reports), so the record files are written report by report: each report's rows
are serialised into one chunk of text, and a file is the stream of its reports' chunks (see
report_bytes). Nothing holds a whole file or a list of every row. A chunk is joined from
pieces made once per distinct value, not by the csv and json modules row by row; the bytes are
the same as those modules write (tests/test_downloads.py compares them on awkward names).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from functools import cache, lru_cache
from itertools import compress, islice
from json.encoder import encode_basestring  # json.dumps(s, ensure_ascii=False) for one string
from operator import gt, itemgetter, ne
from typing import Iterable, Iterator

from site_builder.catalogue import by_id, metrics, order
from site_builder.model import APPLICANTS, Agency, CheckResult, Figure, Record, Report
from site_builder.numbers import format_number, format_number_cached as _number

RECORD_COLUMNS = ("agency", "agency_slug", "year", "metric", "applicant", "value", "approximate", "source")
QUALITY_COLUMNS = ("agency_slug", "year", "rule", "applicant", "expected", "printed", "source")
RECORDS_CSV_HEADER = ",".join(RECORD_COLUMNS) + "\n"


def _csv_line(fields) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(fields)
    return buf.getvalue()


def _csv_source(path: str) -> tuple[str, str]:
    """How the csv module writes the field "<path>:<line>", split around the line number: the
    path may need quoting (a comma in a file name), the digits never do."""
    if not any(map(path.__contains__, ',"\r\n')):  # nothing the csv module quotes
        return path + ":", ""
    field = _csv_line([path + ":"])[:-1]
    return (field[:-1], '"') if field.startswith('"') else (field, "")


# each distinct value formatted once (a corpus prints few distinct numbers); bounded: the values
# come from report text, and a `--serve` session sees ever new ones
@lru_cache(maxsize=100_000)
def _json_number(value) -> str:
    # as json.dumps writes int(text) or float(text): the number as printed, decimals as floats
    text = format_number(value)
    return text if "." not in text else repr(float(text))


@lru_cache(maxsize=1)
def _ranks() -> dict[tuple[str, str], int]:
    """(metric, applicant) -> place in the downloads' order: catalogue order, then column."""
    n = len(APPLICANTS)
    return {(m.id, a): i * n + j for i, m in enumerate(metrics()) for j, a in enumerate(APPLICANTS)}


# A Figure's fields, read in C (operator.itemgetter) by report_bytes
_FIGURE_KEY = itemgetter(*map(Figure._fields.index, ("metric", "applicant", "value", "approximate")))
_LINE = itemgetter(Figure._fields.index("line"))
_RANK, _CSV_PIECE, _JSON_PIECE = itemgetter(0), itemgetter(1), itemgetter(2)
_NOTED = itemgetter(*map(Figure._fields.index, ("recovered", "note")))
_RECOVERED, _NOTE = itemgetter(Figure._fields.index("recovered")), itemgetter(Figure._fields.index("note"))
_EXPECTED = itemgetter(CheckResult._fields.index("expected"))
_PRINTED = itemgetter(CheckResult._fields.index("printed"))


def report_csv(report: Report, agency: Agency) -> str:
    """The rows of records.csv for one report (no header)."""
    return report_bytes(report, agency)[0].decode("utf-8")


def report_json(report: Report, agency: Agency) -> str:
    """The objects of records.json for one report, one a line, each as json.dumps(obj,
    ensure_ascii=False, separators=(",", ":")) writes it, joined by ",\n" (empty for a report
    without figures). One compact object a line: the file is a JSON array a line-oriented tool
    can also read, and 3/4 of the size of json.dumps(indent=1) (230 bytes a row, not 270)."""
    return report_bytes(report, agency)[1].decode("utf-8")


class _Memo(dict):
    """key -> its bytes, made by `make` on first use. A dict subclass with __missing__: looked up
    through its C __getitem__ (in map()), no Python call but for a new key. (Not an lru_cache:
    report_bytes with lru_caches in its place, mapped over in C as well, measured 145-151 ms for
    2,000 reports against 121-130 ms: the lru bookkeeping on each of a report's hundreds of
    look-ups. A memo is cleared whole at its bound instead.)"""

    def __init__(self, make, bound: int | None = None) -> None:
        super().__init__()
        self.make, self.bound = make, bound

    def __missing__(self, key):
        if self.bound is not None and len(self) > self.bound:
            self.clear()  # a long-running dev server sees ever new values
        v = self[key] = self.make(key)
        return v


# a metric id or applicant column as a JSON string (the catalogue's names: a few hundred)
_json_id = cache(encode_basestring)


def _row(key: tuple) -> tuple[int, bytes, bytes, Decimal, bool]:
    """(metric, applicant, value, approximate) -> the figure's place in the downloads' order (see
    _ranks), what each of its rows holds between the report's fields and the source line: in
    records.csv from the metric to the approximate flag (and the comma after), in records.json
    from "metric" to the source's opening quote; and its value and flag (data/records.parquet's columns)."""
    metric, applicant, value, approximate = key
    flag = "true" if approximate else "false"
    return (_ranks()[metric, applicant],
            f",{metric},{applicant},{_number(value)},{flag},".encode("utf-8"),
            f',"metric":{_json_id(metric)},"applicant":{_json_id(applicant)},"value":{_json_number(value)},'
            f'"approximate":{flag},"source":'.encode("utf-8"),
            value, approximate)


# A corpus prints few distinct figures (~7,000 at 2,000 reports): each made once. Bounded: a
# long-running dev server sees ever new values.
_ROWS = _Memo(_row, bound=100_000)
# the ranks of a report's figures as the parser gives them -> the order that sorts them (stably):
# reports made from one template give their figures in the same order
_ORDERS = _Memo(lambda ranks: sorted(range(len(ranks)), key=ranks.__getitem__), bound=10_000)
_LINES = _Memo(lambda line: f"{line}".encode("utf-8"), bound=100_000)  # line number -> its digits
# agency -> the leading fields of its rows (the year to follow), in each file
_AGENCY_CSV = _Memo(lambda a: _csv_line([a.name, a.slug])[:-1].encode("utf-8"), bound=100_000)
_AGENCY_JSON = _Memo(lambda a: f'{{"agency":{encode_basestring(a.name)},"agency_slug":{encode_basestring(a.slug)},'
                               f'"year":'.encode("utf-8"), bound=100_000)


def report_rows(report: Report) -> tuple[list[tuple], list[bytes]]:
    """The report's rows in the downloads' order: each figure's _row (its pieces, rank, value and
    flag) and its line number's digits. Made once per report for all the record files: the CSV
    and JSON chunks (rows_bytes) and the Parquet columns (records_parquet)."""
    figures = report.figures
    rows = list(map(_ROWS.__getitem__, map(_FIGURE_KEY, figures)))
    lines = list(map(_LINES.__getitem__, map(_LINE, figures)))
    ranks = list(map(_RANK, rows))
    if any(map(gt, ranks, islice(ranks, 1, None))):  # the parser's order: put in the downloads'
        order = _ORDERS[tuple(ranks)]
        rows = list(map(rows.__getitem__, order))
        lines = list(map(lines.__getitem__, order))
    return rows, lines


def report_bytes(report: Report, agency: Agency) -> tuple[bytes, bytes]:
    """The report's rows of records.csv (see report_csv) and its objects of records.json (see
    report_json), UTF-8, made together so that the whole files are written in one pass."""
    if not report.figures:
        return b"", b""
    return rows_bytes(report, agency, *report_rows(report))


def rows_bytes(report: Report, agency: Agency, rows: list[tuple], lines: list[bytes]) -> tuple[bytes, bytes]:
    """report_bytes of the report's rows (report_rows; at least one).

    2.4 million rows at 20,000 reports, so no Python code runs per row: a row is its figure's
    pieces (_row: made once per distinct figure) and its line number's digits, looked up,
    put in order and joined with the report's own fields in C (map, slices, bytes.join)."""
    n = len(rows)
    # records.csv: agency,slug,year<row piece><source path>:<line><quote if the path has one>\n
    # (a flat list of every row's pieces, joined once: no object per row)
    prefix = _AGENCY_CSV[agency] + f",{report.year}".encode("utf-8")
    src_head, src_tail = _csv_source(report.path)
    src_head, end = src_head.encode("utf-8"), src_tail.encode("utf-8") + b"\n"
    flat = [b"", src_head, b"", end + prefix] * n
    flat[0::4] = map(_CSV_PIECE, rows)
    flat[2::4] = lines
    flat[-1] = end
    csv_text = prefix + b"".join(flat)
    # records.json: {"agency":..,"year":<year><row piece>"<source path>:<line>"}, joined by ",\n"
    head = _AGENCY_JSON[agency] + f"{int(report.year)}".encode("utf-8")
    flat[1::4] = [encode_basestring(report.path + ":")[:-1].encode("utf-8")] * n
    flat[3::4] = [b'"},\n' + head] * n
    flat[0::4] = map(_JSON_PIECE, rows)
    flat[-1] = b'"}'
    return csv_text, head + b"".join(flat)


_ROW_VALUE, _ROW_FLAG = itemgetter(3), itemgetter(4)


def row_columns(rows: list[tuple]) -> tuple[list[int], list[Decimal], list[bool]]:
    """The rank, value and approximate flag of each of a report's rows (report_rows), as
    columns (in C: map, itemgetter): data/records.parquet is made column by column."""
    return list(map(_RANK, rows)), list(map(_ROW_VALUE, rows)), list(map(_ROW_FLAG, rows))


def rank_names() -> tuple[list[str], tuple[str, ...]]:
    """The metric ids and applicant columns a rank (row_columns) is made of:
    rank = metric's index * len(applicants) + applicant's index."""
    return [m.id for m in metrics()], APPLICANTS


def _in_order(reports: Iterable[Report], agency_of: dict[str, Agency]) -> list[Report]:
    # agency slug, then year (a Site's reports already are; sorting a sorted list is cheap)
    return sorted(reports, key=lambda r: (agency_of[r.path].slug, r.year))


def records_csv_chunks(reports: Iterable[Report], agency_of: dict[str, Agency]) -> Iterator[str]:
    """records.csv as a stream: the header, then each report's rows (see records_of)."""
    yield RECORDS_CSV_HEADER
    for r in _in_order(reports, agency_of):
        yield report_csv(r, agency_of[r.path])


def records_json_chunks(reports: Iterable[Report], agency_of: dict[str, Agency]) -> Iterator[str]:
    """records.json as a stream: "[", one compact object a line (see report_json), "]"."""
    first = True
    for r in _in_order(reports, agency_of):
        chunk = report_json(r, agency_of[r.path])
        if chunk:
            yield ("[\n" if first else ",\n") + chunk
            first = False
    yield "[]\n" if first else "\n]\n"


def records_csv(records: list[Record]) -> str:
    """records.csv of rows already made (load.records_of); the build streams records_csv_chunks."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(RECORD_COLUMNS)
    for r in records:
        w.writerow([r.agency, r.agency_slug, r.year, r.metric, r.applicant, format_number(r.value),
                    "true" if r.approximate else "false", r.source])
    return buf.getvalue()


def records_json(records: list[Record]) -> str:
    """records.json of rows already made; the build streams records_json_chunks."""
    rows = [
        {
            "agency": r.agency,
            "agency_slug": r.agency_slug,
            "year": r.year,
            "metric": r.metric,
            "applicant": r.applicant,
            "value": json.loads(_json_number(r.value)),
            "approximate": r.approximate,
            "source": r.source,
        }
        for r in records
    ]
    if not rows:
        return "[]\n"
    return "[\n" + ",\n".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows) + "\n]\n"


def quality_rows(reports: list[Report], agency_of: dict[str, Agency]) -> list[tuple]:
    rows = []
    for rep in reports:
        slug = agency_of[rep.path].slug
        checks = rep.checks
        # rep.quality, with the comparison in C (tens of checks a report, most of them passed)
        for c in compress(checks, map(ne, map(_EXPECTED, checks), map(_PRINTED, checks))):
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
    known = by_id()
    rows = []
    for rep in reports:
        slug = agency_of[rep.path].slug
        figures = rep.figures
        # most reports have no such figure: told by two passes in C that make no tuple a figure,
        # as choosing them does (0.14 s of a 4,000-report build's downloads, now 0.06)
        if any(map(_RECOVERED, figures)) or any(map(_NOTE, figures)):
            for f in compress(figures, map(any, map(_NOTED, figures))):  # (recovered or noted: chosen in C)
                if f.recovered:
                    detail = f" ({f.note})" if f.note else ""
                    rows.append((slug, rep.year, f.metric, f.applicant,
                                 f"recovered: split by the template identities{detail}", rep.source(f.line)))
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


def agency_records_csv(reports: Iterable[Report], agency_of: dict[str, Agency]) -> str:
    """One agency's records.csv (its reports' rows, as in data/records.csv)."""
    return "".join(records_csv_chunks(reports, agency_of))
