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


# The built-in readers by the suffixes they register. The binary formats pull in heavy
# libraries (pdfplumber, bs4, python-docx: ~0.3 s of imports), so each module is imported
# when the first file of its kind is read, not up front: a folder of .txt reports never pays.
_BUILTIN = {".txt": "text", ".md": "text", ".text": "text", ".docx": "docx", ".doc": "docx", ".wps": "docx",
            ".pdf": "pdf", ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html"}


def supported_suffixes() -> tuple[str, ...]:
    return tuple(sorted(set(_READERS) | set(_BUILTIN)))


def read_document(path: Path, cite_as: str, data: bytes | None = None) -> Document:
    """Read any supported report file. Raises ReportError naming the file on failure.
    `data`: the file's bytes when the caller has read them already (the load hashes them), for
    a reader that can take them (its `from_bytes`); other readers read the file."""
    _load_builtin(path.suffix.lower())
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise ReportError(cite_as, None, f"unsupported file type {path.suffix!r} (supported: {', '.join(supported_suffixes())})")
    from_bytes = getattr(reader, "from_bytes", None) if data is not None else None
    if from_bytes is not None:
        return from_bytes(data, cite_as)
    try:
        return reader(path, cite_as)
    except OSError as exc:  # missing, a folder, no permission: the user's to fix, not a crash
        raise ReportError(cite_as, None, f"cannot read the file: {exc.strerror or exc}") from None


def _load_builtin(suffix: str) -> None:
    """Import the built-in reader of `suffix` (it registers itself), if not yet done."""
    name = _BUILTIN.get(suffix)
    if name is None or suffix in _READERS:
        return
    try:
        __import__(f"site_builder.readers.{name}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("site_builder"):
            return  # reader not written yet
        raise
