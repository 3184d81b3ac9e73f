"""One reader per input format behind one small interface, picked by file suffix.

A reader turns a file into a Document: the report's text as lines (table cells separated by
tabs, as the parser expects), the encoding it detected, and, for formats whose own positions
differ from text lines (PDF pages), a label for each line so a figure's source can point into
the original file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from site_builder.exceptions import ReportError


@dataclass
class Document:
    path: str  # as it will be cited, relative to the content folder
    lines: list[str]
    encoding: str
    original: str | None = None  # set when the text was extracted from .docx/.pdf/.html
    line_labels: dict[int, str] = field(default_factory=dict)


Reader = Callable[[Path, str], Document]

_READERS: dict[str, Reader] = {}


def register(*suffixes: str):
    def deco(fn: Reader) -> Reader:
        for s in suffixes:
            _READERS[s] = fn
        return fn

    return deco


def supported_suffixes() -> tuple[str, ...]:
    _load_builtin()
    return tuple(sorted(_READERS))


def read_document(path: Path, cite_as: str) -> Document:
    """Read any supported report file. Raises ReportError naming the file on failure."""
    _load_builtin()
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise ReportError(cite_as, None, f"unsupported file type {path.suffix!r} (supported: {', '.join(supported_suffixes())})")
    try:
        return reader(path, cite_as)
    except OSError as exc:  # missing, a folder, no permission: the user's to fix, not a crash
        raise ReportError(cite_as, None, f"cannot read the file: {exc.strerror or exc}") from None


_loaded = False


def _load_builtin() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from site_builder.readers import text  # noqa: F401

    # The binary formats need optional heavy libraries; each module registers itself.
    for name in ("docx", "pdf", "html"):
        try:
            __import__(f"site_builder.readers.{name}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("site_builder"):
                continue  # reader not written yet
            raise
