"""PDF reports: text in reading order, and tables recovered from the page's ruling lines.

Each page is cut into items from top to bottom: lines of text outside the tables, and the
tables' rows (cells joined by tabs, as the parser reads them). Where a table has ruling lines,
pdfplumber rebuilds its grid, so table 三 comes out as rows of seven numbers instead of text
scattered over the page. Lines of a paragraph that wrapped at the right margin are joined again,
because the parser reads a statement ("主动公开政府信息282条") within one line.

Every output line is labelled with its page and its line on that page ("p.3 l.12"), so a figure's
source points into the PDF as a reader opens it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from site_builder.exceptions import ReportError

# pdfminer logs every oddity of a malformed file (missing FontBBox, default MediaBox) as a
# warning; the build reports what matters about a report itself.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
from site_builder.readers import Document, register
from site_builder.readers.cells import clean_cell, row_line

NO_TEXT_LAYER = "this PDF has no text layer (a scanned image?); OCR it or provide the text"

_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
# Page furniture: "3", "- 3 -", "第3页", "第 3 页 共 9 页", "3/9"
_PAGE_NUMBER = re.compile(
    r"^[-—–_\s]*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:[/／]\s*\d{1,4}|共\s*\d{1,4}\s*页)?[-—–_\s]*$"
)
# A line that starts a heading or a numbered item never continues the paragraph above it.
_STARTS_ITEM = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十]+[)）、．.]|[（(]\d+[)）]|\d+[、.．](?!\d))")
_SENTENCE_END = "。；;：:！!？?"
# What pdfminer and pdfplumber raise on a malformed file: their own errors, and built-in ones
# from deep inside object parsing (a MediaBox that is not four numbers, a missing key). One
# damaged PDF must become a report error naming it, not stop the build.
_DAMAGED = (
    PdfminerException, MalformedPDFException, PDFSyntaxError, PSException, TypeError, ValueError, KeyError, IndexError,
)
_CID = re.compile(r"\(cid:\d+\)")
MARGIN_ZONE = 0.08  # page numbers sit in the top or bottom 8% of the page


@dataclass
class _Item:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    is_row: bool  # a table row (never joined with its neighbours)
    size: float = 10.0
    page_line: int = 0  # 1-based position among the page's lines and table rows
    # the page's text column: a line ending within three characters of its right edge wrapped
    # (left-aligned Chinese text stops short where a number and its unit must stay together);
    # one starting right of its left edge is indented
    left: float = 0.0
    right: float = 0.0
    page_width: float = 0.0
    page_end: int = 0  # the page a joined paragraph ends on


@register(".pdf")
def read_pdf(path: Path, cite_as: str) -> Document:
    try:
        pdf = pdfplumber.open(str(path))
    except _DAMAGED as exc:
        raise ReportError(cite_as, None, _open_failure(exc)) from None
    fallback = _PdfiumChars(path)
    try:
        with pdf:
            pages = [
                _page_items(_decodable(page, number, fallback), number)
                for number, page in enumerate(pdf.pages, start=1)
            ]
    except _DAMAGED as exc:
        raise ReportError(cite_as, None, f"this PDF is damaged and cannot be read: {_reason(exc)}") from None
    finally:
        fallback.close()

    items = [it for page in pages for it in page]
    if not any(it.text.strip() for it in items):
        raise ReportError(cite_as, None, NO_TEXT_LAYER)
    # pdfminer prints a glyph it cannot map to Unicode as "(cid:123)"
    undecodable = sum(len(m) for it in items for m in _CID.findall(it.text))
    if undecodable > 0.3 * sum(len(it.text) for it in items):
        raise ReportError(
            cite_as, None,
            "this PDF's fonts carry no Unicode mapping, so its text cannot be extracted; provide the text or a .docx",
        )
    lines: list[str] = []
    labels: dict[int, str] = {}
    for item in _join_wrapped(pages):
        lines.append(item.text)
        labels[len(lines)] = f"p.{item.page} l.{item.page_line}"
    return Document(path=cite_as, lines=lines, encoding="pdf", original=cite_as, line_labels=labels)


def _reason(exc: BaseException) -> str:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    text = str(inner).strip()
    return f"{type(inner).__name__}: {text}" if text else type(inner).__name__


def _open_failure(exc: Exception) -> str:
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else None
    if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
        return "this PDF is encrypted (password-protected); save an unprotected copy or provide the text"
    return f"this is not a readable PDF: {_reason(exc)}"


def _undecoded(chars: list[dict]) -> bool:
    """pdfminer read no characters, or mostly "(cid:N)": fonts whose encoding it cannot map."""
    if not chars:
        return True
    return sum(1 for c in chars if c.get("text", "").startswith("(cid:")) * 2 > len(chars)


def _decodable(page, number: int, fallback: "_PdfiumChars"):
    """The page, with pdfium's characters where pdfminer cannot decode the page's fonts (an
    embedded encoding CMap, as fpdf2 writes for OpenType CJK fonts). Ruling lines still come
    from pdfminer, so tables are rebuilt the same way."""
    if not _undecoded(page.chars):
        return page
    chars = fallback.page_chars(number - 1, float(page.height), float(page.initial_doctop))
    if not chars:
        return page  # nothing there either: an image-only page
    derived = page.filter(lambda obj: True)
    derived._objects = {kind: objs for kind, objs in page.objects.items() if kind != "char"}
    derived._objects["char"] = chars
    return derived


class _PdfiumChars:
    """Characters with positions as pdfium (pdfplumber's own renderer) reads them, opened lazily."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.doc = None
        self.failed = False

    def page_chars(self, index: int, height: float, doctop: float) -> list[dict]:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw

        if self.failed:
            return []
        if self.doc is None:
            try:
                self.doc = pdfium.PdfDocument(str(self.path))
            except pdfium.PdfiumError:
                self.failed = True
                return []
        try:
            textpage = self.doc[index].get_textpage()
        except pdfium.PdfiumError:
            return []  # pdfium cannot load this page either: it stays without text
        chars = []
        for i in range(textpage.count_chars()):
            if raw.FPDFText_IsGenerated(textpage.raw, i):
                continue  # spaces and line breaks pdfium inferred, not drawn
            text = chr(raw.FPDFText_GetUnicode(textpage.raw, i))
            if text in "\r\n\ufffe":
                continue
            # The loose box spans the font's ascent and descent, so "一" lines up with "二".
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            size = float(raw.FPDFText_GetFontSize(textpage.raw, i)) or (top - bottom)
            chars.append({
                "object_type": "char", "text": text, "upright": True, "fontname": "", "size": size,
                "x0": left, "x1": right, "width": right - left,
                "top": height - top, "bottom": height - bottom, "height": top - bottom,
                "y0": bottom, "y1": top, "doctop": doctop + height - top,
            })
        return chars

    def close(self) -> None:
        if self.doc is not None:
            self.doc.close()


def _page_items(page, number: int) -> list[_Item]:
    tables = [t for t in page.find_tables(_TABLE_SETTINGS) if _is_grid(t)]
    boxes = [t.bbox for t in tables]

    def outside_tables(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    items: list[_Item] = []
    text_page = page.filter(outside_tables) if boxes else page
    for line in text_page.extract_text_lines(return_chars=True):
        chars = line["chars"]
        text = _line_text(chars)
        if not text:
            continue
        size = max(float(c.get("size") or 0) for c in chars) or 10.0
        items.append(_Item(number, line["top"], line["bottom"], line["x0"], line["x1"], text, False, size))
    for table in tables:
        for row, cells in zip(table.rows, table.extract()):
            text = row_line(["" if c is None else c for c in cells])
            if not text.strip():
                continue
            x0, top, x1, bottom = row.bbox
            items.append(_Item(number, top, bottom, x0, x1, text, True))
    items.sort(key=lambda it: (round(it.top, 1), it.x0))
    items = _drop_page_numbers(items, float(page.height))
    text_lines = [it for it in items if not it.is_row]
    left = min((it.x0 for it in text_lines), default=0.0)
    right = max((it.x1 for it in text_lines), default=0.0)
    for i, item in enumerate(items, start=1):
        item.page_line = i
        item.left, item.right, item.page_width = left, right, float(page.width)
    return items


def _is_grid(table) -> bool:
    """A ruled box around a paragraph is not a table: a table has a row of two or more cells."""
    return any(sum(1 for c in row.cells if c is not None) >= 2 for row in table.rows)


def _line_text(chars: list[dict]) -> str:
    """A text line from its characters: a wide gap (about two characters) separates cells of a
    table drawn without ruling lines, so it becomes a tab; a narrower one, or a space character
    the PDF draws, a space. Digits stay together unless clearly apart, so a number never splits."""
    out = ""
    prev = None
    pending_space = False
    for char in chars:
        text = char.get("text", "")
        if not text.strip():
            pending_space = prev is not None
            continue
        if prev is not None:
            gap = char["x0"] - prev["x1"]
            size = max(float(prev.get("size") or 0), float(char.get("size") or 0)) or 10.0
            digits = prev["text"].isdigit() and text.isdigit()
            # A space the PDF draws may be stretched by justification: only a gap of several
            # characters is a column break then.
            if gap > (4.0 if pending_space else 1.8) * size:
                out += "\t"
            elif pending_space or gap > (0.6 if digits else 0.25) * size:
                out += " "
        out += text
        prev, pending_space = char, False
    return out


def _drop_page_numbers(items: list[_Item], height: float) -> list[_Item]:
    def furniture(it: _Item) -> bool:
        in_margin = it.bottom < height * MARGIN_ZONE or it.top > height * (1 - MARGIN_ZONE)
        return not it.is_row and in_margin and bool(_PAGE_NUMBER.match(it.text))

    return [it for it in items if not furniture(it)]


def _join_wrapped(pages: list[list[_Item]]) -> list[_Item]:
    """Join the lines of a paragraph that wrapped at the right margin, also across a page break."""
    out: list[_Item] = []
    for items in pages:
        for it in items:
            prev = out[-1] if out else None
            if prev is not None and _continues(prev, it):
                # The joined line keeps the first line's page and place: where the reader starts.
                prev.text = clean_cell(prev.text + "\n" + it.text)
                prev.x1, prev.bottom, prev.right = it.x1, it.bottom, it.right
                prev.page_end = it.page
                continue
            out.append(it)
            it.page_end = it.page
    return out


def _continues(prev: _Item, it: _Item) -> bool:
    if prev.is_row or it.is_row or "\t" in prev.text or "\t" in it.text:
        return False
    size = max(prev.size, it.size)
    if prev.x1 < prev.right - 3 * size or prev.x1 - prev.left < 0.5 * prev.page_width:
        return False  # the line above ends short of the (full) text width: its paragraph ended
    if it.x0 > it.left + 0.8 * size:
        return False  # indented: a new paragraph
    if _STARTS_ITEM.match(it.text):
        return False
    if it.page == prev.page_end:
        return 0 <= it.top - prev.bottom < 1.2 * size
    return it.page == prev.page_end + 1 and it.page_line == 1
