"""The load phase: every report in the content folder -> parsed Reports, agencies, diagnostics.

Nothing here renders. One broken report becomes an error entry and the rest still load.
"""

from __future__ import annotations

import os
import time
from contextlib import nullcontext
from itertools import compress
from dataclasses import replace
from pathlib import Path

from site_builder.load.agencies import AgencyBook, same_agency_suggestions
from site_builder.load.places import IDENTITY_WARNINGS, place_reports, placed_alike
from site_builder.load.cache import ReportCache, decode, encode, file_hash, report_key
from site_builder.gcpause import FREEZE_OVER, gc_paused
from site_builder.exceptions import ReportError, SiteBuilderError
from site_builder.build.incremental import Scan
from site_builder.model import CheckResult, Diagnostic, Figure, Report
from site_builder.parser import parse_document
from site_builder.readers import read_document, supported_suffixes
from site_builder.load.site import Site, iter_records, records_of# noqa: F401  (records_of: the loaded rows)

REPORTS_DIR = "reports"


def report_files(content_dir: Path) -> list[Path]:
    folder = content_dir / REPORTS_DIR
    if not folder.is_dir():
        raise SiteBuilderError(f"{folder}: no reports folder (expected {REPORTS_DIR}/ inside the content folder)")
    found: list[tuple[tuple[str, ...], str]] = []  # (the path's parts under the folder, the path)
    _report_files(str(folder), (), frozenset(supported_suffixes()), found)
    # In Path order (Path.__lt__ compares the parts, case-folded where the system folds case):
    # sorting strings this way costs a tenth of sorting a province's 20,000 Path objects.
    found.sort(key=lambda item: tuple(map(os.path.normcase, item[0])) if os.sep != "/" else item[0])
    return [Path(path) for _parts, path in found]


def _report_files(folder: str, parts: tuple[str, ...], suffixes: frozenset[str], found: list) -> None:
    """What Path.rglob("*") finds under `folder` that is a file (a link to one too), not hidden,
    of a suffix read: the folders under it walked but not those a link names (as rglob does; a
    folder it may not read skipped, as rglob does), with one scandir per folder and no stat of
    a plain file (its type comes with the listing)."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except PermissionError:
        return
    for entry in entries:
        name = entry.name
        if entry.is_dir() and not entry.is_symlink():
            _report_files(entry.path, (*parts, name), suffixes, found)
            continue
        dot = name.rfind(".")  # (Path.suffix: the last dot's, not a leading one's, nor a trailing one)
        if (0 < dot < len(name) - 1 and name[dot:].lower() in suffixes and not name.startswith(".")
                and entry.is_file()):
            found.append(((*parts, name), entry.path))


def parse_file(path: Path, content_dir: Path) -> Report:
    cite_as = path.relative_to(content_dir).as_posix()
    return parse_document(read_document(path, cite_as))


def compact(report: Report) -> Report:
    """Share equal Decimal objects inside one report (most of its figures are 0, 1, 2 ...).

    A whole province is tens of thousands of reports and millions of figures; one Decimal per
    distinct printed value instead of one per figure keeps the build's memory in bounds. (Table
    cells already share theirs through parse_number's memo; sums, derived figures and checks
    do not.) Reports read from the cache or sent by a worker are shared by cache.decode()
    instead. Values that print differently (0 and 0.0, 0 and -0) stay apart: the key is the
    printed form, str(), which is also several times cheaper to make than the digits tuple.
    """
    one = {}.setdefault  # printed form -> the first Decimal printed so (inline: once per figure)
    new = tuple.__new__  # named tuples rebuilt in field order (._replace is several times slower)
    figures = report.figures
    for i, f in enumerate(figures):
        v = f.value
        same = one(str(v), v)
        if same is not v:
            figures[i] = new(Figure, (f[0], same, *f[2:]))  # same value, one object
    checks = report.checks
    for i, c in enumerate(checks):
        e, p = one(str(c.expected), c.expected), one(str(c.printed), c.printed)
        if e is not c.expected or p is not c.printed:
            checks[i] = new(CheckResult, (c[0], c[1], e, p, *c[4:]))
    return report


def _parse_one(path: Path, content_dir: Path, cite_as: str | None = None) -> tuple[str, Report | ReportError]:
    """(content hash, Report or the ReportError it gave) for one file."""
    cite_as = cite_as or path.relative_to(content_dir).as_posix()
    try:
        with open(path, "rb", buffering=0) as fh:  # unbuffered: one read of the whole file
            data = fh.readall()
    except OSError as exc:
        return "", ReportError(cite_as, None, f"cannot read the file: {exc.strerror or exc}")
    digest = file_hash(data)
    try:
        return digest, parse_document(read_document(path, cite_as, data))
    except ReportError as exc:
        return digest, exc


def _parse_chunk(args: tuple[list[str], list[str], str, str | None]) -> list[tuple[str, bytes]]:
    """Worker: parse a chunk of files, store each result in the cache, and send it back as the
    cache entry's bytes (encoded once for both; cheaper to send and to read than a pickle)."""
    paths, cites, content_dir, cache_root = args
    content = Path(content_dir)  # (once: a Path costs microseconds to make)
    out = []
    entries = []
    for p, cite_as in zip(paths, cites):
        digest, result = _parse_one(Path(p), content, cite_as)
        data = encode(result)
        if digest:
            entries.append((report_key(digest, cite_as), data))
        out.append((digest, data))
    if cache_root:
        ReportCache(Path(cache_root)).put_many(entries)  # one pack for the chunk
    return out


def cite_paths(files: list[Path], content_dir: Path) -> list[str]:
    """Each file's path relative to the content folder, with "/" (how reports cite it).
    String slicing where the file lies under the folder as given: Path.relative_to costs
    tens of microseconds a call, and a province is tens of thousands of files. (The dev server
    hands the same list to build after build, and its cite paths with it: see load_site's
    `cites`; a str() of 20,000 Paths is ~20 ms.)"""
    prefix = str(content_dir).rstrip(os.sep) + os.sep
    out = []
    for p in files:
        s = str(p)
        if s.startswith(prefix):
            out.append(s[len(prefix):].replace(os.sep, "/"))
        else:
            out.append(p.relative_to(content_dir).as_posix())
    return out


PARALLEL_MIN = 48  # below this many files to parse, a process pool costs more than it saves
PACK_SIZE = 64  # reports parsed in order are stored in packs of this many (a chunk's size at most)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


Known = dict  # cite path -> (stat signature (size, mtime_ns), content hash, Report | ReportError)


def _signature(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns); None for a file modified in the last two seconds, whose next edit may
    keep both (one mtime tick), so that its bytes are compared instead."""
    try:
        st = path.stat()
    except OSError:
        return None
    if time.time_ns() - st.st_mtime_ns < 2_000_000_000:
        return None
    return (st.st_size, st.st_mtime_ns)


def load_reports(files: list[Path], content_dir: Path, cache=None, jobs: int | None = None,
                 known: Known | None = None, scanned: dict | None = None, cites: list[str] | None = None,
                 ) -> list[tuple[tuple[int, int] | None, str, Report | ReportError]]:
    """(stat signature, content hash, Report or ReportError) per file, in the files' order.

    A file an earlier build in this process read (`known`) is taken as it was when its size and
    mtime, or else its bytes, are unchanged; a file whose bytes hash to a cached entry is not
    parsed again. The rest are parsed on every core (processes: parsing is Python code) when
    there are many, in order otherwise.

    `scanned`: the build manifest's scan of the content folder, just taken (incremental.scan:
    resolved path -> (size, mtime_ns, hash if recent)); the files' signatures are read from it
    rather than stat()ed again (20,000 stats, ~50 ms of a dev-server rebuild at that size).
    `cites`: cite_paths() of the files, when the caller has them.
    """
    content_dir = Path(content_dir)
    cites = cites if cites is not None else cite_paths(files, content_dir)
    # Paused in the parse workers too (they fork from here): a parse makes next to no cyclic
    # garbage (a failed report's traceback), and the workers end with the load.
    with gc_paused():
        sigs = _signatures(files, cites, content_dir, scanned)
        return _load(files, cites, sigs, content_dir, cache, jobs, known)


def _signatures(files: list[Path], cites: list[str], content_dir: Path, scanned: dict | None) -> list:
    """_signature() of each file, from the manifest's scan where it has the file: the same
    (size, mtime_ns), and None where the scan found the file recent (it hashed it then; a file
    recent at the scan is no older now). A file the scan lacks is stat()ed."""
    if not scanned:
        return [_signature(p) for p in files]
    root = str(Path(content_dir).resolve()) + os.sep
    sigs = []
    for path, cite in zip(files, cites):
        entry = scanned.get(root + cite if os.sep == "/" else root + cite.replace("/", os.sep))
        if entry is None:
            sigs.append(_signature(path))
        else:
            sigs.append(None if entry[2] is not None else (entry[0], entry[1]))
    return sigs


def _load(files, cites, sigs, content_dir, cache, jobs, known):
    results: list = [None] * len(files)
    nothing_cached = None  # whether the cache is empty, found out when first needed
    todo: list[int] = []
    for i, path in enumerate(files):
        cite_as = cites[i]
        prev = known.get(cite_as) if known is not None else None
        if prev is not None and sigs[i] is not None and prev[0] == sigs[i]:
            results[i] = prev
            continue
        if prev is None and nothing_cached is None:
            nothing_cached = cache is None or len(cache) == 0
        if prev is None and nothing_cached:
            todo.append(i)  # nothing to look up: the parse hashes the file
            continue
        try:
            with open(path, "rb") as fh:
                digest = file_hash(fh.read())
        except OSError:
            todo.append(i)  # the parse reports the unreadable file
            continue
        if prev is not None and prev[1] == digest:
            results[i] = (sigs[i], digest, prev[2])  # touched, not changed
            continue
        hit = cache.get(report_key(digest, cite_as)) if cache is not None else None
        if hit is not None:
            results[i] = (sigs[i], digest, hit)
        else:
            todo.append(i)
    jobs = jobs or default_jobs()
    cache_root = str(cache.root) if cache is not None and cache.root is not None else None
    if jobs > 1 and len(todo) >= PARALLEL_MIN:
        # (imported here: a build that parses few files, or none, never starts a pool, and
        # these imports are ~15 ms of a warm build's start)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from site_builder.lifeline import bind_to_parent

        # Chunks of a few dozen files: few round trips, yet both cores stay busy to the end.
        size = max(8, min(64, len(todo) // (jobs * 8) or 1))
        chunks = [todo[k : k + size] for k in range(0, len(todo), size)]
        ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=bind_to_parent,
                                 initargs=(os.getpid(),)) as pool:
            args = [([str(files[i]) for i in chunk], [cites[i] for i in chunk], str(content_dir), cache_root)
                    for chunk in chunks]
            for chunk, got in zip(chunks, pool.map(_parse_chunk, args)):
                for i, (digest, data) in zip(chunk, got):
                    results[i] = (sigs[i], digest, decode(data))
    else:
        entries = []
        for i in todo:
            digest, result = _parse_one(files[i], content_dir, cites[i])
            if isinstance(result, Report):
                # (a worker's reports need no compact(): decode() shares values as it reads)
                result = compact(result)
            if cache is not None and digest:
                entries.append((report_key(digest, cites[i]), encode(result)))
                if len(entries) == PACK_SIZE:
                    cache.put_many(entries)
                    entries = []
            results[i] = (sigs[i], digest, result)
        if cache is not None:
            cache.put_many(entries)
    if cache is not None:
        cache.release()
        cache.merge_small_packs()
    return results


def load_site(content_dir: Path, cache=None, jobs: int | None = None, timings=None, known: Known | None = None,
              files: list[Path] | None = None, book: AgencyBook | None = None, scanned: dict | None = None,
              previous: Site | None = None, cites: list[str] | None = None) -> Site:
    """Every report of the content folder, parsed (or taken from `cache` / `known`), assembled.
    `files` (report_files()'s list), `book` (agencies.toml loaded) and `scanned` (the build
    manifest's scan: see load_reports) when the caller has them. `previous`: the Site of the
    last build in this process, when only report files changed since (agencies.toml, the book,
    is the same): a load that only edited reports is that Site with them swapped in. `cites`:
    cite_paths() of `files`, when the caller has them (the last build's, for its list)."""
    content_dir = Path(content_dir)
    book = book if book is not None else AgencyBook.load(content_dir / "agencies.toml")
    files = files if files is not None else report_files(content_dir)
    # The collector stays paused until the Site is assembled, and a large load is then frozen
    # out of its reach (see gc_paused): the Site lives as long as the build.
    with gc_paused(freeze_over=FREEZE_OVER):
        site = _load_site(content_dir, cache, jobs, timings, known, files, book, scanned, previous, cites)
    # (what its signatures were read from: see _edited)
    return site if site.scanned is scanned else site.with_reports(site.reports, scanned=scanned)




def _parse_stage(timings):
    return timings.stage("parse") if timings is not None else nullcontext()


def _load_site(content_dir, cache, jobs, timings, known, files, book, scanned, previous=None, cites=None) -> Site:
    if previous is not None:
        site = _edited(previous, content_dir, files, scanned, cache, jobs, timings, book)
        if site is not None:
            return site
    cites = cites if cites is not None else cite_paths(files, content_dir)
    with _parse_stage(timings):
        loaded = load_reports(files, content_dir, cache, jobs, known, scanned, cites)
    if previous is not None:
        site = _patched(previous, content_dir, files, cites, loaded, book=book)
        if site is not None:
            return site
    reports: list[Report] = []
    errors: list[ReportError] = []
    site_known: Known = {}
    for cite_as, entry in zip(cites, loaded):
        site_known[cite_as] = entry
        if isinstance(entry[2], ReportError):
            errors.append(entry[2])
        else:
            reports.append(entry[2])
    site = assemble(content_dir, reports, errors, book)
    loaded_from = {"known": site_known, "hashes": {cite: entry[1] for cite, entry in site_known.items()},
                   "files": files}
    if previous is not None:  # reports added or removed: the last Site's indexes carried over
        return previous.with_reports(site.reports, agency_of=site.agency_of, errors=site.errors,
                                     warnings=site.warnings, placed_by_text=site.placed_by_text, **loaded_from)
    return replace(site, **loaded_from)


def _edited(old: Site, content_dir: Path, files: list[Path], scanned, cache, jobs, timings,
            book: AgencyBook) -> Site | None:
    """_patched() of the files the file watcher named, without a loop over every file: when the
    files are the last build's list and `scanned` is the last build's scan patched with those
    paths (incremental.patched: every other entry is the one that build read its signatures
    from), only those files can load otherwise. None when that cannot be told: the full path."""
    if (files is not old.files or not isinstance(scanned, Scan) or scanned.base is None
            or scanned.base is not old.scanned or not _kept_by_edits(old.warnings)):
        return None
    root = str(Path(content_dir).resolve()) + os.sep
    known = old.known
    cites = sorted({c for p in scanned.patched if p.startswith(root)
                    and (c := p[len(root):].replace(os.sep, "/")) in known})
    paths = [content_dir / c for c in cites]
    with gc_paused(), _parse_stage(timings):
        loaded = _load(paths, cites, _signatures(paths, cites, content_dir, scanned), content_dir, cache,
                       jobs, known)
    site_known = dict(known)
    site_known.update(zip(cites, loaded))
    return _patched(old, content_dir, files, cites, loaded, site_known, book)


def _patched(old: Site, content_dir: Path, files: list[Path], cites: list[str], loaded: list,
             site_known: Known | None = None, book: AgencyBook | None = None) -> Site | None:
    """The Site assemble() would make, as `old` with its edited reports swapped in, when nothing
    else can differ: the same files in the same order, each edited report still a report of the
    same path, printed agency name and year (and, for one its own text placed, still placed
    alike: places.placed_alike), and no two reports of one agency and year (`old` warned of
    none), so the same agencies, years, order and winners. None otherwise: assemble.
    (The dev server's rebuild after an edit: assembling a province's 20,000 reports again and
    indexing them by agency cost ~50 ms, for one report.)"""
    few = site_known is not None  # (from _edited: `cites` and `loaded` are the edited files' only)
    if not few and len(cites) != len(old.known) or not _kept_by_edits(old.warnings):
        return None
    swapped: dict[int, Report] = {}  # id of the old report -> its edit
    hashes = dict(old.hashes)
    if few:
        pairs = ((cite_as, entry, cite_as, old.known[cite_as]) for cite_as, entry in zip(cites, loaded))
    else:
        site_known = {}
        pairs = ((c, e, wc, w) for (c, e), (wc, w) in zip(zip(cites, loaded), old.known.items()))
    for cite_as, entry, was_cite, was in pairs:
        if cite_as != was_cite:
            return None
        site_known[cite_as] = entry
        if entry is was:
            continue
        hashes[cite_as] = entry[1]
        new, before = entry[2], was[2]
        if new is before:
            continue  # touched, not changed
        if (isinstance(new, ReportError) or isinstance(before, ReportError) or new.path != before.path
                or new.agency != before.agency or new.year != before.year
                or cite_as in old.placed_by_text and not (book and placed_alike(book, before, new))):
            return None  # (a report its text placed: an edit of that text may have moved it)
        swapped[id(before)] = new
    reports = list(old.reports)
    if swapped:
        found = 0
        # (the places of the edited reports, found in C: a province has 20,000)
        for i in compress(range(len(reports)), map(swapped.__contains__, map(id, reports))):
            reports[i] = swapped[id(reports[i])]
            found += 1
        if found != len(swapped):
            return None  # an edited report was not among the published ones
    # same paths, same printed names: same agencies; the last Site's indexes carried over
    return old.with_reports(reports, errors=list(old.errors), warnings=list(old.warnings), known=site_known,
                            hashes=hashes, files=files)


def _kept_by_edits(warnings: list[Diagnostic]) -> bool:
    """Whether the Site's own warnings are all of agencies' entries and slugs, which an edit
    that keeps each report's path, name, year and preamble keeps as they are (a second report
    of an agency and year is not: an edit may change which one wins)."""
    return all(w.code in IDENTITY_WARNINGS for w in warnings)


def assemble(content_dir: Path, reports: list[Report], errors: list[ReportError], book: AgencyBook) -> Site:
    placed = place_reports(reports, book)
    agency_of = placed.agency_of
    if placed.unplaceable:  # (listed with the reports that could not be read; never published)
        reports = [r for r in reports if r.path in agency_of]
        errors = errors + placed.unplaceable
    # agencies.toml's entries left out, and slugs that needed a suffix: they depend on the names
    # and places only, not on what the reports say (an edit keeps them: see _patched)
    warnings: list[Diagnostic] = [*book.diagnostics, *placed.warnings]
    # Two reports for one agency and year: the one with more figures wins (ties: the first file
    # by name), and the build says which.
    by_key: dict[tuple[str, int], list[Report]] = {}
    for r in reports:
        by_key.setdefault((agency_of[r.path].slug, r.year), []).append(r)
    accepted = []
    for (slug, year), group in sorted(by_key.items()):
        if len(group) > 1:
            group.sort(key=lambda r: (-len(r.figures), r.path))
        winner = group[0]
        accepted.append(winner)
        for loser in group[1:]:
            warnings.append(
                Diagnostic(
                    loser.path,
                    loser.title_line,
                    f"a second report for {agency_of[loser.path].name} {year}: {winner.path} is published "
                    f"({len(winner.figures)} figures), this one is left out ({len(loser.figures)} figures)",
                    code="duplicate",
                )
            )
    warnings += same_agency_suggestions(accepted, agency_of)
    return Site(content_dir=content_dir, reports=accepted, agency_of=agency_of, errors=errors, warnings=warnings,
                placed_by_text=placed.read_text, pinyin=book.pinyin)
