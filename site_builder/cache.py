"""On-disk cache of parsed reports, keyed by what determines the parse: the file's bytes, its
path (a Report cites it), and the parser's own source code.

A parse is a pure function of those, so a cached Report is exactly what parsing again would
give; changing any parser file changes every key and the cache simply misses. Entries are
files ``<cache>/reports/<2 hex>/<key>.entry``, written atomically so two builds sharing a
cache never read half a file. The cache folder is disposable: delete it at any time.

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
import sys
from dataclasses import fields
from decimal import Decimal
from functools import lru_cache
from itertools import repeat
from pathlib import Path

from site_builder.exceptions import ReportError
from site_builder.model import CheckResult, Diagnostic, Figure, Report

ENV = "SITE_BUILDER_CACHE"
PACKAGE_DIR = Path(__file__).resolve().parent

# Everything a Report depends on besides the file itself.
_PARSER_SOURCES = ("parser", "readers", "checks.py", "numbers.py", "model.py", "catalogue.py",
                   "metrics.csv", "exceptions.py", "load.py", "cache.py")


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
_decimals: dict[str, Decimal] = {}  # printed value -> one shared Decimal (immutable)


def _decimals_of(texts) -> list[Decimal]:
    """Decimal per printed value, shared: the lookups run in C (map over dict.__getitem__)."""
    missing = set(texts).difference(_decimals)
    if missing:
        if len(_decimals) > 1 << 17:  # bounded for long `--serve` sessions
            _decimals.clear()
            missing = set(texts)
        for text in missing:
            _decimals[text] = Decimal(text)
    return list(map(_decimals.__getitem__, texts))  # now: a later call may clear the dict


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
    checks = tuple((intern(c.rule), intern(c.applicant), str(c.expected), str(c.printed), c.line, intern(c.description))
                   for c in r.checks)
    lines = tuple(intern(text) if len(text) <= _SHORT_LINE else text for text in r.lines)
    return ("report", *(getattr(r, n) for n in _PLAIN_FIELDS), lines,
            None if r.line_labels is None else tuple(r.line_labels.items()),
            figures, checks, tuple(map(tuple, r.warnings)))


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
    if checks:
        rules, applicants, expected, printed, *check_rest = zip(*checks)
        check_rows = zip(rules, applicants, _decimals_of(expected), _decimals_of(printed), *check_rest)
    else:
        check_rows = ()
    return Report(
        **plain,
        lines=list(lines),
        line_labels=None if labels is None else dict(labels),
        figures=list(map(_new, repeat(Figure), zip(metrics, _decimals_of(values), *rest))),
        checks=list(map(_new, repeat(CheckResult), check_rows)),
        warnings=list(map(_new, repeat(Diagnostic), warnings)),
    )


class ReportCache:
    """get/put parsed reports (or the ReportError a file gave) by key."""

    def __init__(self, root: Path | None):
        self.root = Path(root) if root is not None else None
        # string paths: os.path is several times cheaper than pathlib, once per report
        self._reports = os.path.join(str(self.root), "reports") if self.root is not None else None
        self._made: set[str] = set()  # folders known to exist
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> str:
        assert self._reports is not None
        return os.path.join(self._reports, key[:2], key + ".entry")

    def get(self, key: str) -> Report | ReportError | None:
        if self.root is None:
            return None
        try:
            with open(self._path(key), "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            self.misses += 1
            return None
        try:
            result = decode(data)
        except Exception:  # noqa: BLE001 - a damaged entry is a miss; the parse rewrites it
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: Report | ReportError) -> None:
        if self.root is not None:
            self.put_bytes(key, encode(result))

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store an entry already encoded (encode())."""
        if self.root is None:
            return
        target = self._path(key)
        folder = os.path.dirname(target)
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)
        tmp = os.path.join(folder, f".{key}.{os.getpid()}")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
