"""On-disk cache of parsed reports, keyed by what determines the parse: the file's bytes, its
path (a Report cites it), and the parser's own source code.

A parse is a pure function of those, so a cached Report is exactly what parsing again would
give; changing any parser file changes every key and the cache simply misses. Entries are
pickles in ``<cache>/reports/<2 hex>/<key>.pickle``, written atomically so two builds sharing a
cache never read half a file. The cache folder is disposable: delete it at any time.

The cache folder is, in order: ``--cache DIR``, ``$SITE_BUILDER_CACHE``, else ``.cache/site-builder``
beside the output folder (``.cache/`` is git-ignored).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path

from site_builder.exceptions import ReportError
from site_builder.model import Report

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


class ReportCache:
    """get/put parsed reports (or the ReportError a file gave) by key."""

    def __init__(self, root: Path | None):
        self.root = Path(root) if root is not None else None
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        assert self.root is not None
        return self.root / "reports" / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Report | ReportError | None:
        if self.root is None:
            return None
        try:
            data = self._path(key).read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        try:
            kind, value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - a damaged entry is a miss; the parse rewrites it
            self.misses += 1
            return None
        self.hits += 1
        if kind == "error":
            return ReportError(*value)
        return value

    def put(self, key: str, result: Report | ReportError) -> None:
        if self.root is None:
            return
        entry = ("error", (result.path, result.line, result.message)) if isinstance(result, ReportError) else ("report", result)
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}")
        tmp.write_bytes(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, target)
