"""Plain text reports (.txt, .md), in UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK."""

from __future__ import annotations

import re
from pathlib import Path

from site_builder.exceptions import ReportError
from site_builder.readers import Document, register


def decode(data: bytes, cite_as: str) -> tuple[str, str]:
    """Bytes -> (text, encoding name). Raises ReportError for empty or binary files."""
    if not data.strip():
        raise ReportError(cite_as, None, "the file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ReportError(cite_as, None, f"the file starts with a UTF-16 byte-order mark but does not decode as UTF-16: {exc.reason}") from None
    if b"\x00" in data[:4096]:
        raise ReportError(cite_as, None, "this is a binary file, not a text report (it contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        # Chinese government offices still save GBK; GB18030 is its superset.
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise ReportError(
                cite_as, line, "the text is neither UTF-8 nor GB18030/GBK; save it as UTF-8"
            ) from None
        if _looks_like_chinese(text):
            return text, "gb18030"
        line = data[: utf8_error.start].count(b"\n") + 1
        raise ReportError(cite_as, line, "this looks like a binary file, not a text report") from None


# Regexes, not a loop over every character: a GBK report is thousands of characters.
_CJK = re.compile("[\u4e00-\u9fff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")  # below 32, except \t \n \f \r


def _looks_like_chinese(text: str) -> bool:
    return _CJK.search(text) is not None and len(_CONTROL.findall(text)) * 20 < len(text)


def split_lines(text: str) -> list[str]:
    """Lines without their endings; CRLF and lone CR count as one line break."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def text_document(data: bytes, cite_as: str) -> Document:
    text, encoding = decode(data, cite_as)
    return Document(path=cite_as, lines=split_lines(text), encoding=encoding)


@register(".txt", ".md", ".text")
def read_text(path: Path, cite_as: str) -> Document:
    return text_document(path.read_bytes(), cite_as)


read_text.from_bytes = text_document  # type: ignore[attr-defined]  # see read_document(data=)
