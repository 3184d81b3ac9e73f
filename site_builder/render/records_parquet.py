"""data/records.parquet: every record in one file, the format journalists load in pandas, R or
DuckDB, and small enough for a static host at a province's size (the CSV of 20,000 reports is
hundreds of MB; see README, Data contract).

The columns and row order are data/records.csv's. Types: agency, agency_slug, metric and
applicant are dictionary-encoded strings (pandas reads them as categoricals; metric's and
applicant's categories are the catalogue's order), year int16, value decimal128(38, s) with s the
most decimals any figure of the site prints (exact: 184.8083 stays 184.8083; never a float),
approximate bool, source string ("<path>:<line>", as in the CSV).

Built with pyarrow (pandas' parquet engine) column by column from the reports' rows (made once for
every record file), a row group at a time, not row by row through a DataFrame: pandas has no
exact decimal column. Written with zstd, no timestamps and no pandas metadata: the same records give the same bytes (for one pyarrow
version, which the file names in created_by).
"""

from __future__ import annotations

from decimal import Decimal
from operator import itemgetter

from site_builder.load.site import Site
from site_builder.numbers import format_number
from site_builder.render.downloads import RECORD_COLUMNS, rank_names, report_rows, row_columns
from site_builder.model import Figure

PARQUET = "data/records.parquet"
_DICTIONARY = ("agency", "agency_slug", "metric", "applicant")
# rows per row group: a reader filtering by agency or year skips the others (the file is sorted)
ROW_GROUP = 256 * 1024


_VALUE = itemgetter(Figure._fields.index("value"))


def _scale(value: Decimal) -> int:
    text = format_number(value)
    return len(text) - text.index(".") - 1 if "." in text else 0


def records_parquet(site: Site) -> bytes:
    """The file's bytes, every report's rows made here (a full build makes them once for all the
    record files instead: see RecordsTable)."""
    table = RecordsTable(site)
    table.add_all()
    return table.close()


class RecordsTable:
    """data/records.parquet being made, from each report's rows (downloads.report_rows) in the
    files' order (agency slug, then year), a row group at a time (a province's 4 million rows
    held whole as Python lists would take some 700 MB): records_files makes each report's rows
    once and hands them here as well as to the CSV and JSON (add), or add_all() makes them.
    The value's scale, which every row group shares, first, from the distinct values."""

    def __init__(self, site: Site) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.site = site
        distinct: set = set()
        for r in site.reports:
            distinct.update(map(_VALUE, r.figures))
        self.scale = max(map(_scale, distinct), default=0)
        del distinct
        self.sink = pa.BufferOutputStream()
        types = {"year": pa.int16(), "value": pa.decimal128(38, self.scale), "approximate": pa.bool_(),
                 "source": pa.string()}
        self.schema = pa.schema([(name, pa.dictionary(pa.int32(), pa.string()) if name in _DICTIONARY else types[name])
                                 for name in RECORD_COLUMNS])
        self.writer = pq.ParquetWriter(self.sink, self.schema, compression="zstd", use_dictionary=True,
                                       write_statistics=True, store_schema=True)
        self.batch: list = []  # (report, agency, rows, lines) of the row group being gathered
        self.rows = 0
        self.groups = 0  # row groups written

    def add(self, report, agency, rows: list, lines: list) -> None:
        """One report's rows and their lines' digits (downloads.report_rows), in the files' order."""
        if not rows:
            return
        self.batch.append((report, agency, rows, lines))
        self.rows += len(rows)
        if self.rows >= ROW_GROUP:
            self._flush()

    def add_all(self) -> None:
        """Every report of the site, its rows made here."""
        agency_of = self.site.agency_of
        for r in sorted(self.site.reports, key=lambda r: (agency_of[r.path].slug, r.year)):
            if r.figures:
                self.add(r, agency_of[r.path], *report_rows(r))

    def close(self) -> bytes:
        """The file's bytes (a site without a figure: the schema and one empty row group)."""
        if self.batch or not self.groups:
            self._flush()
        self.writer.close()
        return self.sink.getvalue().to_pybytes()

    def _flush(self) -> None:
        self.writer.write_table(_table(self.batch, self.scale, self.schema), row_group_size=max(self.rows, 1))
        self.batch, self.rows = [], 0
        self.groups += 1


def _table(batch: list, scale: int, schema):
    """The rows of the reports of `batch` ((report, agency, rows, lines), in order) as a table of
    `schema`."""
    import numpy as np
    import pyarrow as pa

    names: dict[str, int] = {}
    slugs: dict[str, int] = {}
    # per report: its agency's name and slug, its year, its rows, the length of "<path>:"
    name_codes: list[int] = []
    slug_codes: list[int] = []
    years: list[int] = []
    counts: list[int] = []
    heads: list[int] = []
    # per row
    kept: list[tuple] = []  # its row (downloads.report_rows: its figure's pieces, rank, value and flag)
    digits: list[bytes] = []  # the line number of the source
    sources: list[bytes] = []  # per report: "<path>:<line>" of each row, joined
    for r, agency, rows, lines in batch:
        name_codes.append(names.setdefault(agency.name, len(names)))
        slug_codes.append(slugs.setdefault(agency.slug, len(slugs)))
        years.append(r.year)
        counts.append(len(rows))
        kept += rows
        head = f"{r.path}:".encode("utf-8")
        heads.append(len(head))
        digits += lines
        sources.append(head + head.join(lines))
    counts_ = np.array(counts, dtype=np.int64)
    metric_ids, applicants = rank_names()
    # A row is one of few (a figure's metric, applicant, value and flag: made once each, and
    # shared, by downloads.report_rows): the distinct rows numbered in one pass in C, and the
    # rank, value and flag columns read from theirs (not three lists a report, joined).
    distinct = _Places()
    row_codes = np.fromiter(map(distinct.__getitem__, kept), dtype=np.int32, count=len(kept))
    ranks, values, flags = row_columns(list(distinct))
    rank = np.array(ranks, dtype=np.int32)[row_codes]
    places = _Places()  # value -> its place among the distinct values
    value_codes = np.fromiter(map(places.__getitem__, values), dtype=np.int32, count=len(values))
    unscaled = np.array([int(Decimal(format_number(v)).scaleb(scale)) for v in places], dtype=np.int64)
    flag = np.array(flags, dtype=bool)[row_codes]
    source_lengths = (np.fromiter(map(len, digits), dtype=np.int64, count=len(digits))
                      + np.repeat(np.array(heads, dtype=np.int64), counts_))
    # (pyarrow's own conversions of Python lists, numpy arrays and its compute functions import
    # pandas, 0.4 s of a small site's build: every column is made from its buffers)
    columns = [
        _dictionary(np.repeat(np.array(name_codes, dtype=np.int32), counts_), list(names)),
        _dictionary(np.repeat(np.array(slug_codes, dtype=np.int32), counts_), list(slugs)),
        _plain(pa.int16(), np.repeat(np.array(years, dtype=np.int16), counts_)),
        _dictionary(rank // len(applicants), metric_ids),
        _dictionary(rank % len(applicants), list(applicants)),
        _decimals(unscaled[value_codes][row_codes], scale),
        pa.Array.from_buffers(pa.bool_(), len(flag), [None, pa.py_buffer(np.packbits(flag, bitorder="little"))]),
        _strings(source_lengths, b"".join(sources)),
    ]
    return pa.Table.from_arrays(columns, schema=schema)


class _Places(dict):
    """value -> its place among the values seen so far, given on first sight (in that order)."""

    def __missing__(self, value) -> int:
        v = self[value] = len(self)
        return v


def _plain(type_, values):
    import pyarrow as pa

    return pa.Array.from_buffers(type_, len(values), [None, pa.py_buffer(values)])


def _strings(lengths, data: bytes):
    """A string array of the UTF-8 `data` cut at `lengths`."""
    import numpy as np
    import pyarrow as pa

    offsets = np.zeros(len(lengths) + 1, dtype=np.int32)  # (a string array holds at most 2 GB)
    np.cumsum(lengths, out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), len(lengths), [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _dictionary(codes, words: list[str]):
    import numpy as np
    import pyarrow as pa

    encoded = [w.encode("utf-8") for w in words]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    return pa.DictionaryArray.from_arrays(_plain(pa.int32(), np.ascontiguousarray(codes, dtype=np.int32)),
                                          _strings(lengths, b"".join(encoded)))


def _decimals(unscaled, scale: int):
    """decimal128(38, scale) from the values times 10**scale (int64): each value's 16 bytes made
    in numpy (low word the value, high word its sign), not a Decimal object per row."""
    import numpy as np
    import pyarrow as pa

    words = np.empty((len(unscaled), 2), dtype=np.int64)
    words[:, 0] = unscaled
    words[:, 1] = unscaled >> 63
    return pa.Array.from_buffers(pa.decimal128(38, scale), len(unscaled), [None, pa.py_buffer(words)])
