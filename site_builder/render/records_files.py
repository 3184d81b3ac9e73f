"""The record files under data/, written so that the next render in this process can rewrite them
around the reports that changed:

- data/records-<year>.csv and .json: that year's records, by agency slug. A year whose CSV or
  JSON would pass `Limits.part` is split into numbered parts of whole reports (so whole agencies:
  an agency has one report a year), data/records-<year>-1.csv, -2.csv, ..., the CSV and JSON
  parts holding the same agencies; an unsplit year has the plain name only.
- data/records.csv and .json (the data contract's files: every record, by agency slug then
  year), each written only while it fits `Limits.whole` (a static host's cap on one file): every
  small site has them, a province's site has the year files (and data/records.parquet) instead.

A file is a header (CSV) or "[" (JSON), one chunk per report (downloads.report_bytes) and, for
the JSON, a closing bracket. While a file is written, the byte span of each report's chunk is
noted (a Layout). The dev server's next render formats only the chunks of the reports that
changed and copies every other from the live files, in runs; a file whose reports are those it
held and none changed is kept as it is, not read (Output.keep): an edit rewrites its year's files.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.render.downloads import RECORDS_CSV_HEADER, report_bytes, report_rows, rows_bytes
from site_builder.load.loader import Site

CSV, JSON = "data/records.csv", "data/records.json"
_BLOCK = 8 << 20  # copied from a live file this many bytes at a time
_HEAD = RECORDS_CSV_HEADER.encode("utf-8")


@dataclass(frozen=True)
class Limits:
    """File sizes in bytes (a parameter so that tests can force splitting on a small corpus)."""

    whole: int = 25 << 20  # data/records.csv / .json are written only while they fit (25 MiB)
    part: int = 20 << 20  # a year's file past this is split into parts (well inside the cap)


LIMITS = Limits()


# the data files listed first (the home page, every footer, datapackage.json), then the years'
_FIRST = ("data/records.csv", "data/records.json", "data/records.parquet", "data/datapackage.json")


def file_order(relpath: str) -> tuple:
    """Sort key of data files: _FIRST, the year files, the others; numbers by value
    (records-2024-2.csv before records-2024-10.csv)."""
    rank = _FIRST.index(relpath) if relpath in _FIRST else len(_FIRST) + (not relpath.startswith("data/records-"))
    return (rank,) + tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", relpath))


def year_file(year: int, part: int | None, ext: str) -> str:
    """data/records-<year>.<ext>, or of a split year data/records-<year>-<part>.<ext>."""
    return f"data/records-{year}.{ext}" if part is None else f"data/records-{year}-{part}.{ext}"


@dataclass
class Layout:
    """What the record files hold: each report's chunk lengths ((slug, year) -> (csv, json)),
    each file's reports in order, where each report's chunk lies in it ((slug, year) ->
    (offset, length), non-empty chunks only), and each file's size and hash (a live file of
    another size is not the one described)."""

    lengths: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)
    files: dict[str, tuple] = field(default_factory=dict)
    spans: dict[str, dict[tuple[str, int], tuple[int, int]]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)


def _json_size(count: int, total: int) -> int:
    # "[\n" chunk (",\n" chunk)* "\n]\n", or "[]\n" without any
    return 2 + total + 2 * (count - 1) + 3 if count else 3


class _Part:
    """One part of a year's record files (its CSV and JSON), written as its reports come
    (out.stream): not held until the year ends, which named its first part (records-<year>.csv,
    or records-<year>-1.csv when another follows: `number`, set before close()). Notes where each
    report's chunk lies (a Layout's spans)."""

    def __init__(self, out, year: int, number: int | None) -> None:
        self.out, self.year, self.number = out, year, number
        self.keys: list = []
        self.csv_size, self.json_size, self.json_count = len(_HEAD), 0, 0
        self.csv_spans: dict = {}
        self.json_spans: dict = {}
        self.open: list = []  # the streams' context managers, while open
        try:
            self.csv = self._stream(out, "csv")
            self.json = self._stream(out, "json")
            self.csv(_HEAD)
        except BaseException as exc:
            self.drop(exc)
            raise

    def _stream(self, out, ext: str):
        cm = out.stream(year_file(self.year, self.number or 1, ext),
                        named=lambda: year_file(self.year, self.number, ext))
        put = cm.__enter__()
        self.open.append(cm)
        return put

    def fits(self, csv_len: int, json_len: int, limit: int) -> bool:
        if not self.keys:
            return True  # a report larger than a part gets a part of its own
        count = self.json_count + (json_len > 0)
        return self.csv_size + csv_len <= limit and _json_size(count, self.json_size + json_len) <= limit

    def add(self, key, csv_chunk, json_chunk, csv_len: int, json_len: int) -> None:
        self.keys.append(key)
        if csv_len:
            self.csv_spans[key] = (self.csv_size, csv_len)
            self.csv(csv_chunk)
            self.csv_size += csv_len
        if json_len:
            self.json(b",\n" if self.json_count else b"[\n")
            at = 2 + self.json_size + 2 * self.json_count  # (every chunk before has its opening)
            self.json_spans[key] = (at, json_len)
            self.json(json_chunk)
            self.json_size += json_len
            self.json_count += 1

    def close(self, layout: "Layout") -> None:
        """The part's files in place under their names (self.number: None for a year's only part)."""
        self.json(b"\n]\n" if self.json_count else b"[]\n")
        keys = tuple(self.keys)
        for ext, spans, size in (("csv", self.csv_spans, self.csv_size),
                                 ("json", self.json_spans, _json_size(self.json_count, self.json_size))):
            self.open.pop(0).__exit__(None, None, None)
            relpath = year_file(self.year, self.number, ext)
            layout.files[relpath], layout.spans[relpath] = keys, spans
            layout.sizes[relpath], layout.digests[relpath] = size, self.out.hashes[relpath]

    def drop(self, exc: BaseException) -> None:
        while self.open:
            self.open.pop().__exit__(type(exc), exc, exc.__traceback__)  # (removes the .part file)


def plan(keys: list, lengths: dict, limits: Limits = LIMITS) -> list[tuple[str, tuple]]:
    """Every record file and its reports' keys, in order, from the reports' (slug, year) keys
    sorted and their chunks' lengths: the rule _write_whole applies as it streams."""
    return _plan_whole(keys, lengths, limits) + _plan_years(keys, lengths, limits)


def _plan_whole(keys: list, lengths: dict, limits: Limits) -> list[tuple[str, tuple]]:
    """data/records.csv and .json, those that fit Limits.whole."""
    files: list[tuple[str, tuple]] = []
    csv_size = len(_HEAD) + sum(lengths[k][0] for k in keys)
    json_lens = [lengths[k][1] for k in keys if lengths[k][1]]
    if csv_size <= limits.whole:
        files.append((CSV, tuple(keys)))
    if _json_size(len(json_lens), sum(json_lens)) <= limits.whole:
        files.append((JSON, tuple(keys)))
    return files


def _plan_years(keys: list, lengths: dict, limits: Limits) -> list[tuple[str, tuple]]:
    """Each year's files (its parts, when split), a year's from its own reports alone: _Part's
    rule, in plain numbers (a province's year is 20,000 reports, planned again at each edit)."""
    files: list[tuple[str, tuple]] = []
    parts: dict[int, list[list]] = {}  # year -> its parts' keys
    sizes: dict[int, list[int]] = {}  # year -> the last part's [CSV size, JSON chunks, their bytes]
    limit, head = limits.part, len(_HEAD)
    for key in keys:
        c, j = lengths[key]
        year = parts.get(key[1])
        if year is None:
            year = parts[key[1]] = [[]]
            size = sizes[key[1]] = [head, 0, 0]
        else:
            size = sizes[key[1]]
        count = size[1] + (j > 0)
        if year[-1] and not (size[0] + c <= limit and _json_size(count, size[2] + j) <= limit):
            year.append([])
            size[:] = head, 0, 0
            count = j > 0
        year[-1].append(key)
        size[0], size[1], size[2] = size[0] + c, count, size[2] + j
    for year in sorted(parts):
        split = len(parts[year]) > 1
        for i, part in enumerate(parts[year], 1):
            for ext in ("csv", "json"):
                files.append((year_file(year, i if split else None, ext), tuple(part)))
    return files


def expected_files(site: Site, limits: Limits = LIMITS) -> list[str]:
    """The record files a full write of `site` is expected to give, from each report's rows
    estimated, not formatted (the pages are rendered meanwhile, naming the downloads: a wrong
    guess costs the pages that list them a second render, see render.render_site)."""
    lengths = {}
    keys = []
    for r in sorted(site.reports, key=lambda r: (site.agency_of[r.path].slug, r.year)):
        agency = site.agency_of[r.path]
        key = (agency.slug, r.year)
        n = len(r.figures)
        fixed = len(agency.name.encode("utf-8")) + len(agency.slug) + len(r.path.encode("utf-8"))
        keys.append(key)
        lengths[key] = (n * (fixed + _CSV_ROW), n * (fixed + _JSON_ROW) + 2 * max(n - 1, 0))
    return sorted((relpath for relpath, _ in plan(keys, lengths, limits)), key=file_order)


def planned_files(site: Site, previous: Layout, changed: set, limits: Limits = LIMITS) -> list[str]:
    """The record files write(site, out, previous, changed) will give: the changed reports'
    rows formatted, the others' lengths those of `previous` (the dev server names the downloads
    on its pages before it writes them). `changed`: every (slug, year) whose report differs
    from the one `previous` describes (edited, added or removed)."""
    lengths = _edited_lengths(site, previous, changed)
    if lengths is None:  # reports came or went: planned again in full
        lengths = {}
        for r in sorted(site.reports, key=lambda r: (site.agency_of[r.path].slug, r.year)):
            key = (site.agency_of[r.path].slug, r.year)
            if key in changed or key not in previous.lengths:
                lengths[key] = tuple(map(len, report_bytes(r, site.agency_of[r.path])))
            else:
                lengths[key] = previous.lengths[key]
        return sorted((relpath for relpath, _ in plan(list(lengths), lengths, limits)), key=file_order)
    # Only edited reports: the same keys in the same order, so a year without an edited report
    # keeps its files (a year's parts depend on its own reports alone); the edited years are
    # planned again, and the whole files from the sums (a province's 20,000 reports are not
    # sorted and planned again for one edit).
    names = _kept_parts(previous, lengths, changed, limits)
    if names is not None:
        return names
    years = {year for _, year in changed}
    names = [relpath for relpath in previous.files if _year_of(relpath) not in years | {None}]
    names += [relpath for relpath, _ in _plan_whole(list(lengths), lengths, limits)]
    for year in sorted(years):
        names += [relpath for relpath, _ in _plan_years([k for k in lengths if k[1] == year], lengths, limits)]
    return sorted(names, key=file_order)


def _kept_parts(previous: Layout, lengths: dict, changed: set, limits: Limits) -> list[str] | None:
    """planned_files() of an edit whose reports each still fit the part of their year's file
    they are in, each part's first report still not fitting in the part before: then every year
    has the parts it had, each file's size is the last one's plus its reports' chunks'
    differences, and the whole files' are the sums of the year files' (the edited year's 20,000
    reports of a province are not planned again for one edit). None when a part's bounds may
    move: the year is planned again."""
    head = len(_HEAD)
    sizes = dict(previous.sizes)
    firsts: dict[tuple, str] = {}  # the first report's key of each year's CSV part -> the part
    for relpath, keys in previous.files.items():
        if relpath.endswith(".csv") and _year_of(relpath) is not None and keys:
            firsts[keys[0]] = relpath
    parts = {}  # year -> its CSV files' (first key, relpath), in order
    for first, relpath in firsts.items():
        parts.setdefault(first[1], []).append((first, relpath))
    for year in parts:
        parts[year].sort()
    moved: dict[str, list[int]] = {}  # the CSV part -> [CSV size, JSON size without its "[]" and "\n"]
    for key in changed:
        runs = parts.get(key[1])
        if not runs or key not in previous.lengths or key not in lengths:
            return None
        at = bisect_right(runs, (key, "\uffff")) - 1
        if at < 0:
            return None
        relpath = runs[at][1]
        got = moved.get(relpath)
        if got is None:
            json_path = relpath[:-4] + ".json"
            if relpath not in sizes or json_path not in sizes:
                return None
            got = moved[relpath] = [sizes[relpath], sizes[json_path] - 3]
        (c0, j0), (c1, j1) = previous.lengths[key], lengths[key]
        got[0] += c1 - c0
        got[1] += (j1 + 2 * (j1 > 0)) - (j0 + 2 * (j0 > 0))
    for relpath, (csv_size, json_body) in moved.items():
        if len(previous.files[relpath]) > 1 and (csv_size > limits.part or json_body + 3 > limits.part):
            return None  # (a part of one report holds it whatever its size)
        sizes[relpath], sizes[relpath[:-4] + ".json"] = csv_size, json_body + 3
    # each part's first report must still not fit in the part before it, where either changed
    for year in {_year_of(relpath) for relpath in moved}:
        runs = parts[year]
        for (_, before), (first, after) in zip(runs, runs[1:]):
            if before in moved or after in moved:
                c, j = lengths[first]
                body = sizes[before[:-4] + ".json"] - 3 + j + 2 * (j > 0)
                if sizes[before] + c <= limits.part and body + 3 <= limits.part:
                    return None
    whole_csv = head + sum(size - head for relpath, size in sizes.items()
                           if relpath.endswith(".csv") and _year_of(relpath) is not None)
    whole_json = 3 + sum(size - 3 for relpath, size in sizes.items()
                         if relpath.endswith(".json") and _year_of(relpath) is not None)
    names = [relpath for relpath in previous.files if _year_of(relpath) is not None]
    names += [name for name, size in ((CSV, whole_csv), (JSON, whole_json)) if size <= limits.whole]
    return sorted(names, key=file_order)


def _edited_lengths(site: Site, previous: Layout, changed: set) -> dict | None:
    """previous.lengths with the changed reports' chunks measured again, when every changed
    report is in both (an edit, no report added or removed); else None."""
    if len(site.reports) != len(previous.lengths):
        return None
    by_year = site.reports_by_year
    lengths = dict(previous.lengths)
    for key in changed:
        r = by_year.get(key[0], {}).get(key[1])
        if r is None or key not in lengths:
            return None
        lengths[key] = tuple(map(len, report_bytes(r, site.agency_of[r.path])))
    return lengths


_YEAR_FILE = re.compile(r"data/records-(\d+)(?:-\d+)?\.(?:csv|json)")


def _year_of(relpath: str) -> int | None:
    """The year of a year's record file (data/records-2024-2.csv: 2024), None for another file."""
    m = _YEAR_FILE.fullmatch(relpath)
    return int(m.group(1)) if m else None


# the bytes of a row besides its agency's name and slug and its report's path, on average
# (measured: 55.2-55.8 in the CSV, 148.2-148.8 in the JSON, on the seeds and two synthetic
# corpora of 2,000 reports, one report per agency and eleven years per agency)
_CSV_ROW, _JSON_ROW = 56, 148


def write(site: Site, out, previous: Layout | None = None, changed: set | None = None, agency_records=None,
          limits: Limits = LIMITS, rows_to=None) -> Layout:
    """Write the record files into `out` (output.Output). With the Layout of the live files
    (out.base) and the (slug, year) of the reports that changed since, reuse every other report's
    bytes.

    Written whole (no previous Layout: writes_whole), with `agency_records` (a function taking an
    agency's slug and the bytes of its records.csv, as a list of parts: Output.write takes them),
    each agency's records.csv is made in the same pass: its rows are a run of the year files'
    rows, already formatted, and are not copied into one piece; and `rows_to` (a function taking
    a report, its agency, its rows and lines: records_parquet.RecordsTable.add) is handed each
    report's rows as they are made, in the files' order."""
    ordered = sorted(site.reports, key=lambda r: (site.agency_of[r.path].slug, r.year))
    if writes_whole(out, previous, changed):
        return _write_whole(site, out, ordered, agency_records, limits, rows_to)
    return _rewrite(site, out, ordered, previous, changed, limits)


def writes_whole(out, previous: Layout | None, changed: set | None) -> bool:
    """Whether write() makes every report's rows (no live files to reuse any from)."""
    return previous is None or changed is None or out.base is None


class _TooBig(Exception):
    """A whole file passed Limits.whole: its stream is dropped."""


class _Capped:
    """A stream into `relpath` (out.stream) dropped, .part file and all, once it passes `limit`."""

    def __init__(self, out, relpath: str, limit: int) -> None:
        self.out, self.relpath, self.limit, self.size = out, relpath, limit, 0
        self.cm = out.stream(relpath)
        self.put = self.cm.__enter__()
        self.spans: dict = {}
        self.open = True

    def add(self, data: bytes, key=None) -> None:
        if not self.open:
            return
        if key is not None:
            self.spans[key] = (self.size, len(data))
        self.size += len(data)
        if self.size > self.limit:
            self.drop(_TooBig(self.relpath))
            self.spans = {}
            return
        self.put(data)

    def drop(self, exc: BaseException) -> None:
        if self.open:
            self.open = False
            self.cm.__exit__(type(exc), exc, exc.__traceback__)  # (removes the .part file)

    def close(self, layout: "Layout", keys: tuple) -> None:
        if self.open:
            self.open = False
            self.cm.__exit__(None, None, None)
            layout.files[self.relpath], layout.spans[self.relpath] = keys, self.spans
            layout.sizes[self.relpath], layout.digests[self.relpath] = self.size, self.out.hashes[self.relpath]


def _write_whole(site: Site, out, ordered, agency_records, limits: Limits, rows_to=None) -> Layout:
    """Every record file (and the agencies' files) in one pass over the reports: each report's
    figures put in order once, its rows formatted once for every file they are in, and written
    at once into each (a year's part too: see _Part). The bytes and spans are those _rewrite
    gives with nothing to reuse (a test compares them)."""
    agency_of = site.agency_of
    layout = Layout()
    whole_csv, whole_json = _Capped(out, CSV, limits.whole), _Capped(out, JSON, limits.whole)
    years: dict[int, _Part] = {}  # year -> its part being written
    try:
        whole_csv.add(_HEAD)
        slug, rows = None, []  # the agency whose rows are being gathered, and its rows so far
        for r in ordered:
            agency = agency_of[r.path]
            key = (agency.slug, r.year)
            if r.figures:
                figures, lines = report_rows(r)
                chunk, json_chunk = rows_bytes(r, agency, figures, lines)
                if rows_to is not None:
                    rows_to(r, agency, figures, lines)
            else:
                chunk = json_chunk = b""
            c, j = layout.lengths[key] = (len(chunk), len(json_chunk))
            if c:
                whole_csv.add(chunk, key)
            if j:
                whole_json.add(b",\n" if whole_json.size else b"[\n")
                whole_json.add(json_chunk, key)
            part = years.get(r.year)
            if part is None:
                part = years[r.year] = _Part(out, r.year, None)
            elif not part.fits(c, j, limits.part):
                part.number = part.number or 1  # (a year's first part, now that another follows)
                part.close(layout)
                part = years[r.year] = _Part(out, r.year, part.number + 1)
            part.add(key, chunk, json_chunk, c, j)
            if agency_records is not None:
                if agency.slug != slug:
                    if slug is not None:
                        agency_records(slug, rows)
                    slug, rows = agency.slug, [_HEAD]
                rows.append(chunk)
        whole_json.add(b"\n]\n" if whole_json.size else b"[]\n")
        if agency_records is not None and slug is not None:
            agency_records(slug, rows)
        for year in sorted(years):
            years[year].close(layout)
        keys = tuple(layout.lengths)
        whole_csv.close(layout, keys)
        whole_json.close(layout, keys)
    except BaseException as exc:
        whole_csv.drop(exc)
        whole_json.drop(exc)
        for part in years.values():
            part.drop(exc)
        raise
    layout.files = dict(sorted(layout.files.items()))
    return layout


def _rewrite(site: Site, out, ordered, previous: Layout, changed: set, limits: Limits) -> Layout:
    """The record files after an edit: the changed reports' chunks formatted, every other copied
    from wherever the live files hold it, and a file that holds the same unchanged reports as
    before kept without being read."""
    layout = Layout()
    reports: dict = {}  # key -> report
    fresh: dict = {}  # key -> (csv chunk, json chunk), formatted now
    for r in ordered:
        key = (site.agency_of[r.path].slug, r.year)
        reports[key] = r
        if key in changed or key not in previous.lengths:
            fresh[key] = report_bytes(r, site.agency_of[r.path])
            layout.lengths[key] = (len(fresh[key][0]), len(fresh[key][1]))
        else:
            layout.lengths[key] = previous.lengths[key]
    # where the live files hold each unchanged report's chunk, per format
    located: tuple[dict, dict] = ({}, {})
    for relpath, spans in previous.spans.items():
        held = located[relpath.endswith(".json")]
        for key, span in spans.items():
            held.setdefault(key, (relpath, span))
    live = _Live(Path(out.base), previous.sizes)
    try:
        for relpath, keys in plan(list(layout.lengths), layout.lengths, limits):
            layout.files[relpath] = keys
            if (previous.files.get(relpath) == keys and not any(map(fresh.__contains__, keys))
                    and out.keep(relpath, previous.digests[relpath])):
                layout.spans[relpath] = previous.spans[relpath]
                layout.sizes[relpath], layout.digests[relpath] = previous.sizes[relpath], previous.digests[relpath]
                continue
            is_json = relpath.endswith(".json")

            def chunk_of(key):
                if key not in fresh:
                    fresh[key] = report_bytes(reports[key], site.agency_of[reports[key].path])
                return fresh[key][is_json]

            spans: dict = {}
            sized = _Counted(_pieces(is_json, keys, layout.lengths, fresh, located[is_json], live, chunk_of, spans))
            out.write_chunks(relpath, sized)
            layout.spans[relpath], layout.sizes[relpath], layout.digests[relpath] = spans, sized.size, out.hashes[relpath]
    finally:
        live.close()
    return layout


class _Live:
    """The live site's record files, opened once each when first read from; a file of another
    size than the layout says is not used (its reports' chunks are formatted again)."""

    def __init__(self, base: Path, sizes: dict[str, int]) -> None:
        self.base, self.sizes, self.fds = base, sizes, {}

    def fd(self, relpath: str) -> int | None:
        if relpath not in self.fds:
            self.fds[relpath] = _open_live(self.base / relpath, self.sizes.get(relpath))
        return self.fds[relpath]

    def close(self) -> None:
        for fd in self.fds.values():
            if fd is not None:
                os.close(fd)


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


def _pieces(is_json: bool, keys, lengths: dict, fresh: dict, located: dict, live: _Live, chunk_of, spans: dict):
    """One file's bytes, in pieces: new chunks formatted, runs of chunks that lie next to each
    other in a live file copied from it (a JSON run with its separators)."""
    sep = b",\n" if is_json else b""
    # the file's non-empty chunks, grouped: [bytes] or [fd, relpath, start, end, [(key, offset, length)]]
    groups: list = []
    for key in keys:
        if not lengths[key][is_json]:
            continue
        where = located.get(key) if key not in fresh else None
        fd = live.fd(where[0]) if where is not None else None
        if fd is None:
            groups.append([key, chunk_of(key)])
            continue
        off, length = where[1]
        last = groups[-1] if groups else None
        if last is not None and len(last) == 5 and last[0] == fd and off == last[3] + len(sep):
            last[3] = off + length
            last[4].append((key, off, length))
        else:
            groups.append([fd, where[0], off, off + length, [(key, off, length)]])
    offset = 0
    if not is_json:
        offset += len(_HEAD)
        yield _HEAD
    for i, group in enumerate(groups):
        if is_json:
            opening = b",\n" if i else b"[\n"
            offset += len(opening)
            yield opening
        if len(group) == 2:
            key, chunk = group
            spans[key] = (offset, len(chunk))
            offset += len(chunk)
            yield chunk
            continue
        fd, relpath, start, end, members = group
        for key, off, length in members:
            spans[key] = (offset + off - start, length)
        at = start
        while at < end:
            block = os.pread(fd, min(_BLOCK, end - at), at)
            if not block:
                raise OSError(f"{relpath}: the live file ended early")
            at += len(block)
            yield block
        offset += end - start
    if is_json:
        yield b"\n]\n" if groups else b"[]\n"
