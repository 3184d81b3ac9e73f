"""data/records.csv and data/records.json, written so that the next render in this process can
rewrite them around the reports that changed.

Both files are a header, one chunk per report in (agency slug, year) order (downloads.py makes
each chunk: report_bytes) and, for the JSON, a closing bracket; the bytes are those
of downloads.records_csv_chunks / records_json_chunks (a test compares them). While a file is
written, the byte span of each report's chunk is noted (a Layout). The dev server's next render
formats only the chunks of the reports that changed, and copies every other span from the live
file, in runs: at a province's size (hundreds of MB) formatting is most of these files' cost.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.render.downloads import RECORDS_CSV_HEADER, report_bytes
from site_builder.load.loader import Site

CSV, JSON = "data/records.csv", "data/records.json"
_BLOCK = 8 << 20  # copied from the live file this many bytes at a time


@dataclass
class Layout:
    """Where each report's chunk lies in each file: (slug, year) -> (offset, length); and the
    size of each file (a live file of another size is not the one described)."""

    spans: dict[str, dict[tuple[str, int], tuple[int, int]]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)


def write(site: Site, out, previous: Layout | None = None, changed: set | None = None, agency_records=None) -> Layout:
    """Write both files into `out` (output.Output). With the Layout of the live files (out.base)
    and the (slug, year) of the reports that changed since, reuse every other report's bytes.

    Written whole (no previous Layout), with `agency_records` (a function taking an agency's slug
    and the bytes of its records.csv, as a list of parts: Output.write takes them), each agency's
    records.csv is made in the same pass: its rows are a run of data/records.csv's, already
    formatted, and are not copied into one piece."""
    ordered = sorted(site.reports, key=lambda r: (site.agency_of[r.path].slug, r.year))
    if previous is None or changed is None or out.base is None:
        return _write_whole(site, out, ordered, agency_records)
    layout = Layout()
    for relpath in (CSV, JSON):
        source = _open_live(Path(out.base) / relpath, previous.sizes.get(relpath))
        try:
            spans: dict = {}
            old = previous.spans.get(relpath, {}) if source is not None else {}
            pieces = _pieces(relpath, site, ordered, old, changed, source, spans)
            sized = _Counted(pieces)
            out.write_chunks(relpath, sized)
        finally:
            if source is not None:
                os.close(source)
        layout.spans[relpath], layout.sizes[relpath] = spans, sized.size
    return layout


def _write_whole(site: Site, out, ordered, agency_records=None) -> Layout:
    """Both files (and the agencies' files) in one pass over the reports: each report's figures
    put in order once, its CSV rows formatted once for data/records.csv and its agency's file.
    The bytes and spans are those _pieces gives with nothing to reuse (a test compares them)."""
    agency_of = site.agency_of
    csv_spans: dict = {}
    json_spans: dict = {}
    head = RECORDS_CSV_HEADER.encode("utf-8")
    with out.stream(CSV) as put_csv, out.stream(JSON) as put_json:
        put_csv(head)
        at_csv, at_json = len(head), 0
        slug, rows = None, []  # the agency whose rows are being gathered, and its rows so far
        for r in ordered:
            agency = agency_of[r.path]
            key = (agency.slug, r.year)
            chunk, json_chunk = report_bytes(r, agency)
            put_csv(chunk)
            csv_spans[key] = (at_csv, len(chunk))
            at_csv += len(chunk)
            if agency_records is not None:
                if agency.slug != slug:
                    if slug is not None:
                        agency_records(slug, rows)
                    slug, rows = agency.slug, [head]
                rows.append(chunk)
            if json_chunk:
                chunk = json_chunk
                opening = b",\n" if at_json else b"[\n"
                put_json(opening)
                at_json += len(opening)
                put_json(chunk)
                json_spans[key] = (at_json, len(chunk))
                at_json += len(chunk)
        closing = b"\n]\n" if at_json else b"[]\n"
        put_json(closing)
        at_json += len(closing)
        if slug is not None:
            agency_records(slug, rows)
    return Layout(spans={CSV: csv_spans, JSON: json_spans}, sizes={CSV: at_csv, JSON: at_json})


class _Counted:
    """The pieces, as bytes, counted on their way to the file."""

    def __init__(self, pieces):
        self.pieces, self.size = pieces, 0

    def __iter__(self):
        for piece in self.pieces:
            self.size += len(piece)
            yield piece


def _open_live(path: Path, size: int | None) -> int | None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    if size is None or os.fstat(fd).st_size != size:
        os.close(fd)
        return None  # not the file the layout describes: format every chunk
    return fd


def _pieces(relpath: str, site: Site, ordered, old: dict, changed: set, source: int | None, spans: dict):
    """The file's bytes, in pieces: new chunks formatted, runs of unchanged ones copied."""
    is_json = relpath == JSON
    sep = b",\n" if is_json else b""
    offset = 0
    run: list = []  # unchanged reports whose old chunks lie next to each other: (key, old offset, length)

    def flush():
        nonlocal offset
        first, last = run[0], run[-1]
        start, end = first[1], last[1] + last[2]
        for key, off, length in run:
            spans[key] = (offset + off - start, length)
        at = start
        while at < end:
            block = os.pread(source, min(_BLOCK, end - at), at)
            if not block:
                raise OSError(f"{relpath}: the live file ended early")
            at += len(block)
            yield block
        offset += end - start
        run.clear()

    if not is_json:
        head = RECORDS_CSV_HEADER.encode("utf-8")
        offset += len(head)
        yield head
    wrote_any = False
    for r in ordered:
        key = (site.agency_of[r.path].slug, r.year)
        span = old.get(key) if key not in changed else None
        if span is not None and source is not None:
            if run and span[0] != run[-1][1] + run[-1][2] + len(sep):
                yield from flush()
            if not run and is_json:
                opening = b",\n" if wrote_any else b"[\n"
                offset += len(opening)
                yield opening
            run.append((key, span[0], span[1]))
            wrote_any = True
            continue
        if key not in changed and source is not None and is_json:
            continue  # unchanged and no chunk before: a report without figures
        chunk = report_bytes(r, site.agency_of[r.path])[is_json]
        if is_json and not chunk:
            continue
        if run:
            yield from flush()
        if is_json:
            opening = b",\n" if wrote_any else b"[\n"
            offset += len(opening)
            yield opening
        spans[key] = (offset, len(chunk))
        offset += len(chunk)
        wrote_any = True
        yield chunk
    if run:
        yield from flush()
    if is_json:
        yield b"\n]\n" if wrote_any else b"[]\n"
