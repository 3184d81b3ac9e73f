"""On-disk cache of parsed reports, keyed by what determines the parse: the file's bytes, its
path (a Report cites it), and the parser's own source code.

A parse is a pure function of those, so a cached Report is exactly what parsing again would
give; changing any parser file changes every key and the cache simply misses. Entries are
kept in pack files, a few dozen reports each, under ``<cache>/packs/<parser version>/``, each
written atomically so two builds sharing a cache never read half a file (see "packs" below).
The cache folder is disposable: delete it at any time.

An entry is the Report as plain tuples in `marshal` format, its figures column by column and
its numbers as the strings they print as (see encode()). Reading every cached report is most
of a warm build's load phase, and rebuilding named tuples from marshalled columns is several
times faster than unpickling objects one attribute at a time.

The cache folder is, in order: ``--cache DIR``, ``$SITE_BUILDER_CACHE``, else ``.cache/site-builder``
beside the output folder (``.cache/`` is git-ignored).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import shutil
import sys
from dataclasses import fields
from decimal import Decimal
from functools import lru_cache
from itertools import repeat
from operator import attrgetter
from pathlib import Path

from site_builder.exceptions import ReportError
from site_builder.model import CheckResult, Diagnostic, Figure, Report

ENV = "SITE_BUILDER_CACHE"
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # site_builder/

# Everything a Report depends on besides the file itself.
_PARSER_SOURCES = ("parser", "readers", "numbers.py", "model.py", "catalogue.py",
                   "metrics.csv", "exceptions.py", "load/loader.py", "load/cache.py")


def _tree_digest(paths: list[Path], h) -> None:
    for p in paths:
        if p.is_dir():
            _tree_digest(sorted(x for x in p.rglob("*") if x.is_file() and x.suffix in (".py", ".csv")), h)
        elif p.is_file():
            h.update(p.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            h.update(p.read_bytes())
            h.update(b"\0")


@lru_cache(maxsize=1)
def parser_version() -> str:
    """A hash of the parser's source files: a parser fix invalidates every cached report."""
    h = hashlib.blake2b(digest_size=16)
    _tree_digest([PACKAGE_DIR / s for s in _PARSER_SOURCES], h)
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the whole package's source (renderer included): output depends on all of it."""
    h = hashlib.blake2b(digest_size=16)
    _tree_digest([PACKAGE_DIR], h)
    return h.hexdigest()


def file_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def report_key(content_hash: str, cite_as: str) -> str:
    return hashlib.blake2b(f"{parser_version()}\0{cite_as}\0{content_hash}".encode(), digest_size=16).hexdigest()


def default_cache_dir(out: Path) -> Path:
    env = os.environ.get(ENV)
    if env:
        return Path(env)
    return Path(out).resolve().parent / ".cache" / "site-builder"


# --- entries --------------------------------------------------------------------------------

_MARSHAL = b"M"  # the Report as tuples (encode())
_PICKLE = b"P"  # a Report holding something marshal cannot store: pickled whole

# Report fields stored as they are, in this order; figures, checks and warnings follow.
_PLAIN_FIELDS = ("path", "agency", "year", "era", "has_stat_table", "encoding", "title_line", "original")
_LIST_FIELDS = ("lines", "line_labels", "figures", "checks", "warnings")
# A Report field this module does not know (one added to model.py) would be lost by the
# marshalled form: such reports are pickled whole until it is added above (a test checks).
MARSHALLED = {f.name for f in fields(Report)} == set(_PLAIN_FIELDS + _LIST_FIELDS)

_SHORT_LINE = 16  # lines up to this long are interned (table cells, row labels): they repeat

_new = tuple.__new__  # builds a named tuple from a row without its Python-level __new__
# printed value -> one shared Decimal (immutable): a corpus prints a few thousand distinct values.
# Bounded: the keys come from report text, and a `--serve` session runs for days.
_decimal = lru_cache(maxsize=1 << 17)(Decimal)


def _decimals_of(texts) -> list[Decimal]:
    """Decimal per printed value, shared: the calls made in C (map over the lru_cache)."""
    return list(map(_decimal, texts))


def encode(result: Report | ReportError) -> bytes:
    """Bytes of a cache entry. Decimals are stored as str(): exact, exponent included."""
    if isinstance(result, ReportError):
        return _MARSHAL + marshal.dumps(("error", result.path, result.line, result.message))
    data = _marshalled(result) if MARSHALLED else None
    return data if data is not None else _PICKLE + pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


def _marshalled(r: Report) -> bytes | None:
    """The marshalled entry; None when the report holds a value of a type marshal (or intern)
    does not take, which is then pickled: exact all the same, only slower to read."""
    try:
        return _MARSHAL + marshal.dumps(_entry(r))
    except (TypeError, ValueError):
        return None


def _entry(r: Report) -> tuple:
    # Strings that repeat from report to report (metric ids, applicants, rule texts, short
    # lines such as "\t0") are interned here: marshal then marks them so, and loading interns
    # them again, so 20,000 cached reports share one copy of each (hundreds of MB otherwise).
    intern = sys.intern
    figures = tuple(zip(*r.figures)) or ((),) * len(Figure._fields)
    metric, value, line, applicant, approximate, origin, recovered, note = figures
    figures = (tuple(map(intern, metric)), tuple(map(str, value)), line, tuple(map(intern, applicant)), approximate,
               tuple(map(intern, origin)), recovered, tuple(map(intern, note)))
    # checks column by column too, as figures: rule, applicant, expected, printed, line, description
    checks = tuple(zip(*r.checks)) or ((),) * len(CheckResult._fields)
    rule, applicant, expected, printed, check_line, description = checks
    checks = (tuple(map(intern, rule)), tuple(map(intern, applicant)), tuple(map(str, expected)),
              tuple(map(str, printed)), check_line, tuple(map(intern, description)))
    return ("report", *_PLAIN(r), _shared_lines(r.lines),
            None if r.line_labels is None else tuple(r.line_labels.items()),
            figures, checks, tuple(map(tuple, r.warnings)))


_PLAIN = attrgetter(*_PLAIN_FIELDS)


_intern = sys.intern


def _shared_lines(lines: list[str]) -> tuple[str, ...]:
    """The lines, those of up to _SHORT_LINE characters interned. (No memo of the short lines
    seen: sys.intern is itself one lookup, and a memo in front of it measured slower: 2,000
    reports' 263,000 lines in 33 ms without, 39 ms with an lru_cache, 53 ms with a dict. A list
    comprehension: a map() of a function doing the same took a third longer.)"""
    intern, short = _intern, _SHORT_LINE
    return tuple([intern(text) if len(text) <= short else text for text in lines])


def decode(data: bytes) -> Report | ReportError:
    """The Report (or ReportError) an entry holds. Raises on a damaged entry."""
    if data[:1] == _PICKLE:
        result = pickle.loads(data[1:])
        if not isinstance(result, Report):
            raise ValueError("not a cached report")
        return result
    if data[:1] != _MARSHAL:
        raise ValueError("unknown cache entry")
    t = marshal.loads(memoryview(data)[1:])
    if t[0] == "error":
        return ReportError(t[1], t[2], t[3])
    n = len(_PLAIN_FIELDS)
    plain = dict(zip(_PLAIN_FIELDS, t[1:1 + n]))
    lines, labels, figures, checks, warnings = t[1 + n:]
    metrics, values, *rest = figures
    rules, applicants, expected, printed, *check_rest = checks
    check_rows = zip(rules, applicants, _decimals_of(expected), _decimals_of(printed), *check_rest)
    return Report(
        **plain,
        lines=list(lines),
        line_labels=None if labels is None else dict(labels),
        figures=list(map(_new, repeat(Figure), zip(metrics, _decimals_of(values), *rest))),
        checks=list(map(_new, repeat(CheckResult), check_rows)),
        warnings=list(map(_new, repeat(Diagnostic), warnings)),
    )


# --- packs ---------------------------------------------------------------------------------
#
# Entries are stored in pack files, one per batch of reports parsed together (a worker's chunk
# of a few dozen): creating a file costs more than encoding its report, so one file per report
# was a tenth of a cold load. A pack is
#
#     MAGIC | header length (4 bytes, little-endian) | header | entries, one after the other
#
# where the header is marshal's ((key, offset, length), ...), offsets counted from the end of
# the header. Packs live in packs/<parser version>/: a parser change starts an empty folder
# (and drops the other versions' folders). Each is written under a temporary name and renamed,
# so a reader sees a whole pack or none, and named by a hash of its header, so two builds that
# write the same reports write the same file. A pack whose header cannot be read is deleted and
# its reports are parsed again; an entry that does not decode is a miss, and its report, parsed
# again, is stored in a newer pack, which is read instead from then on (newer packs win).

_PACK_MAGIC = b"SBPACK1\n"
_PACK_SUFFIX = ".pack"
_HEAD_READ = 1 << 16  # bytes read at first from a pack: its header (64 keys: ~3 KB)
_SMALL_PACK = 8  # packs with fewer entries (the dev server's, a report or two each) ...
_SMALL_PACKS_MAX = 32  # ... are merged into one once there are more than this many


def _pack_bytes(items: list[tuple[str, bytes]]) -> tuple[bytes, bytes]:
    """(header bytes, the pack's bytes up to the entries) for (key, entry bytes) items."""
    table = []
    offset = 0
    for key, data in items:
        table.append((key, offset, len(data)))
        offset += len(data)
    header = marshal.dumps(tuple(table))
    return header, _PACK_MAGIC + len(header).to_bytes(4, "little") + header


def _read_header(path: str) -> list[tuple[str, int, int]]:
    """(key, absolute offset, length) of every entry of a pack. Raises on a damaged pack."""
    with open(path, "rb") as fh:
        head = fh.read(_HEAD_READ)
        magic = len(_PACK_MAGIC)
        if head[:magic] != _PACK_MAGIC or len(head) < magic + 4:
            raise ValueError("not a pack")
        size = int.from_bytes(head[magic:magic + 4], "little")
        base = magic + 4 + size
        if len(head) < base:
            head += fh.read(base - len(head))
            if len(head) < base:
                raise ValueError("pack cut short")
        end = fh.seek(0, os.SEEK_END)
    table = marshal.loads(head[magic + 4:base])
    out = []
    for key, offset, length in table:
        if not isinstance(key, str) or base + offset + length > end:
            raise ValueError("pack cut short")
        out.append((key, base + offset, length))
    return out


class ReportCache:
    """get/put parsed reports (or the ReportError a file gave) by key."""

    def __init__(self, root: Path | None):
        self.root = Path(root) if root is not None else None
        self._index: dict[str, tuple[str, int, int]] | None = None  # key -> (pack, offset, length)
        self._small: set[str] = set()  # packs of fewer than _SMALL_PACK entries
        self._fd: int | None = None  # the pack last read from, kept open: entries are read in runs
        self._fd_path = ""
        self.hits = 0
        self.misses = 0

    @property
    def folder(self) -> str:
        """This parser version's pack folder."""
        assert self.root is not None
        return os.path.join(str(self.root), "packs", parser_version())

    def _load_index(self) -> dict[str, tuple[str, int, int]]:
        index: dict[str, tuple[str, int, int]] = {}
        self._index = index
        if self.root is None:
            return index
        folder = self.folder
        try:
            with os.scandir(folder) as found:
                # oldest first: a report stored again (its entry was damaged) is read from the newer pack
                packs = sorted((e.stat().st_mtime_ns, e.name) for e in found
                               if e.name.endswith(_PACK_SUFFIX) and not e.name.startswith("."))
        except OSError:
            return index
        # (read once per ReportCache: a build session keeps one per cache folder, and so reads
        # the headers once, not on every dev-server rebuild)
        for _mtime, name in packs:
            path = os.path.join(folder, name)
            try:
                table = _read_header(path)
            except FileNotFoundError:
                continue  # merged or deleted by another build since the scan
            except Exception:  # noqa: BLE001 - a damaged pack is dropped; its reports parse again
                self._discard(path)
                continue
            for key, offset, length in table:
                index[key] = (path, offset, length)
            if len(table) < _SMALL_PACK:
                self._small.add(path)
        return index

    def __len__(self) -> int:
        """Entries this version of the parser has stored (an empty cache needs no look-ups)."""
        if self.root is None:
            return 0
        return len(self._index if self._index is not None else self._load_index())

    def _read(self, path: str, offset: int, length: int) -> bytes:
        if path != self._fd_path or self._fd is None:
            self.release()
            self._fd = os.open(path, os.O_RDONLY)
            self._fd_path = path
        return os.pread(self._fd, length, offset)

    def release(self) -> None:
        """Close the pack kept open for reading (reopened when needed)."""
        if self._fd is not None:
            fd, self._fd, self._fd_path = self._fd, None, ""
            try:
                os.close(fd)
            except OSError:
                pass

    def __del__(self) -> None:
        self.release()

    def _discard(self, path: str) -> None:
        """Forget and delete a damaged pack."""
        if self._fd_path == path:
            self.release()
        if self._index:
            for key in [k for k, loc in self._index.items() if loc[0] == path]:
                del self._index[key]
        self._small.discard(path)
        try:
            os.remove(path)
        except OSError:
            pass

    def get(self, key: str) -> Report | ReportError | None:
        if self.root is None:
            return None
        index = self._index if self._index is not None else self._load_index()
        loc = index.get(key)
        if loc is None:
            self.misses += 1
            return None
        path, offset, length = loc
        try:
            data = self._read(path, offset, length)
        except OSError:  # the pack was merged or deleted by another build: a miss
            index.pop(key, None)
            self.misses += 1
            return None
        try:
            if len(data) != length:
                raise ValueError("pack cut short")
            result = decode(data)
        except Exception:  # noqa: BLE001 - a damaged entry is a miss; the parse stores it again,
            index.pop(key, None)  # in a newer pack, which later loads read instead
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: Report | ReportError) -> None:
        if self.root is not None:
            self.put_many([(key, encode(result))])

    def put_many(self, items: list[tuple[str, bytes]]) -> bool:
        """Store entries already encoded (encode()), as one pack. False when the pack could not
        be written (a full disk, a cache folder removed meanwhile): the cache is only a cache,
        and the build goes on without it."""
        if self.root is None or not items:
            return False
        folder = self.folder
        header, head = _pack_bytes(items)
        name = hashlib.blake2b(header, digest_size=16).hexdigest() + _PACK_SUFFIX
        target = os.path.join(folder, name)
        tmp = os.path.join(folder, f".{name}.{os.getpid()}.{os.urandom(4).hex()}")
        try:
            if not os.path.isdir(folder):
                os.makedirs(folder, exist_ok=True)
                _drop_other_versions(os.path.dirname(folder), os.path.basename(folder))
            with open(tmp, "wb") as fh:
                fh.write(head)
                for _key, data in items:
                    fh.write(data)
            os.replace(tmp, target)
        except OSError:
            try:
                os.remove(tmp)
            except OSError:
                pass
            return False
        if self._index is not None:
            base = len(head)
            for key, offset, length in marshal.loads(header):
                self._index[key] = (target, base + offset, length)
            if len(items) < _SMALL_PACK:
                self._small.add(target)
        return True

    def merge_small_packs(self) -> None:
        """Many small packs (the dev server writes one per rebuild) become one, so that reading
        the cache's index stays a few dozen files. Safe beside other builds: the merged pack is
        written first, and a build that loses a small pack it had indexed just parses again."""
        if self.root is None or self._index is None or len(self._small) <= _SMALL_PACKS_MAX:
            return
        entries: dict[str, bytes] = {}  # a key stored twice: the newer pack's entry wins, as in the index
        try:
            small = sorted(self._small, key=lambda p: (os.stat(p).st_mtime_ns, p))
            for path in small:
                table = _read_header(path)
                with open(path, "rb") as fh:
                    for key, offset, length in table:
                        fh.seek(offset)
                        entries[key] = fh.read(length)
        except Exception:  # noqa: BLE001 - left as they are: get() deals with them
            return
        self.release()
        self._small.clear()
        if not self.put_many(list(entries.items())):
            return
        for path in small:
            try:
                os.remove(path)
            except OSError:
                pass


def _drop_other_versions(packs: str, keep: str) -> None:
    """Delete the pack folders of other parser versions: no key of this version is in them."""
    try:
        with os.scandir(packs) as found:
            others = [e.path for e in found if e.name != keep and e.is_dir() and len(e.name) == 32
                      and all(c in "0123456789abcdef" for c in e.name)]
    except OSError:
        return
    for path in others:
        shutil.rmtree(path, ignore_errors=True)
