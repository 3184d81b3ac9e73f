"""Word reports (.docx): paragraphs and tables in document order, tables as rows of cells.

The body's XML is walked directly rather than through python-docx's Table.rows/cells, because
those repeat a merged cell's text at every grid position it covers; here a merged cell is
emitted once and the positions it covers stay empty, so the numbers keep their columns.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import docx as python_docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from site_builder.exceptions import ReportError
from site_builder.readers import Document, register
from site_builder.readers.cells import clean_cell, row_line

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_R, _T, _TAB, _BR, _CR = qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_NB_HYPHEN = qn("w:noBreakHyphen")
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_TC_PR, _TR_PR = qn("w:tcPr"), qn("w:trPr")
_GRID_SPAN, _V_MERGE, _H_MERGE, _GRID_BEFORE = qn("w:gridSpan"), qn("w:vMerge"), qn("w:hMerge"), qn("w:gridBefore")
_VAL = qn("w:val")
# What a damaged package raises from the zip, zlib and XML layers under python-docx.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, KeyError, ValueError, etree.XMLSyntaxError)
# Runs under these are not part of the paragraph's visible text: deleted revisions, text
# boxes (a drawing anchored in the paragraph, with paragraphs of its own), and the fallback
# copy of markup-compatibility content (the same text again for older Word versions).
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_HIDDEN_ANCESTORS = {qn("w:del"), qn("w:moveFrom"), qn("w:txbxContent"), _MC_FALLBACK}


@register(".docx")
def read_docx(path: Path, cite_as: str) -> Document:
    try:
        document = python_docx.Document(str(path))
    except PackageNotFoundError:
        raise ReportError(
            cite_as, None,
            "this is not a Word .docx file (not a zip package); an old .doc or a password-protected "
            "document must be saved as .docx first",
        ) from None
    except _DAMAGED as exc:
        raise ReportError(cite_as, None, f"this Word file is damaged and cannot be read: {type(exc).__name__}: {exc}") from None
    lines: list[str] = []
    _blocks(document.element.body, lines)
    if not any(line.strip() for line in lines):
        raise ReportError(cite_as, None, "this Word document contains no text")
    return Document(path=cite_as, lines=lines, encoding="docx", original=cite_as)


def _blocks(container, lines: list[str]) -> None:
    """Paragraphs and tables of a body, cell or content control, in document order."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == _P:
            lines.extend(_paragraph_text(child).split("\n"))
        elif tag == _TBL:
            _table(child, lines)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _blocks(content, lines)
        elif tag == _CUSTOM_XML:
            _blocks(child, lines)


def _paragraph_text(p) -> str:
    out: list[str] = []
    for run in p.iter(_R):
        if _hidden(run, p):
            continue
        for node in run.iterchildren():
            tag = node.tag
            if tag == _T:
                out.append(node.text or "")
            elif tag == _TAB:
                out.append("\t")
            elif tag in (_BR, _CR):
                out.append("\n")
            elif tag == _NB_HYPHEN:
                out.append("-")
    return "".join(out)


def _hidden(run, p) -> bool:
    node = run.getparent()
    while node is not None and node is not p:
        if node.tag in _HIDDEN_ANCESTORS:
            return True
        node = node.getparent()
    return False


def _children(parent, tag: str) -> list:
    """Direct children with this tag, also those wrapped in content controls or custom XML."""
    found = []
    for child in parent.iterchildren():
        if child.tag == tag:
            found.append(child)
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                found.extend(_children(content, tag))
        elif child.tag == _CUSTOM_XML:
            found.extend(_children(child, tag))
    return found


def _int_prop(parent, prop_tag: str, tag: str, default: int) -> int:
    props = parent.find(prop_tag)
    node = props.find(tag) if props is not None else None
    if node is None:
        return default
    try:
        return max(1 if default else 0, int(node.get(_VAL, default)))
    except ValueError:
        return default


def _continues_merge(tc) -> bool:
    """True for a cell covered by the merged cell above (vMerge) or to its left (legacy hMerge)."""
    props = tc.find(_TC_PR)
    if props is None:
        return False
    for tag in (_V_MERGE, _H_MERGE):
        node = props.find(tag)
        if node is not None and node.get(_VAL, "continue") == "continue":
            return True
    return False


def _table(tbl, lines: list[str]) -> None:
    rows = [(tr, _children(tr, _TC)) for tr in _children(tbl, _TR)]
    if all(len(cells) <= 1 for _, cells in rows):
        # A one-column table frames content (a layout box): its cells hold ordinary blocks.
        for _, cells in rows:
            for tc in cells:
                _blocks(tc, lines)
        return
    for tr, cells in rows:
        row = [""] * _int_prop(tr, _TR_PR, _GRID_BEFORE, 0)
        for tc in cells:
            span = _int_prop(tc, _TC_PR, _GRID_SPAN, 1)
            row.append("" if _continues_merge(tc) else _cell_text(tc))
            row.extend([""] * (span - 1))
        if any(c.strip() for c in row):
            lines.append(row_line(row))


def _cell_text(tc) -> str:
    parts: list[str] = []
    for child in tc.iterchildren():
        if child.tag == _P:
            parts.append(_paragraph_text(child))
        elif child.tag == _TBL:
            # A table inside a cell: its text, row by row, stays within the cell.
            for tr in _children(child, _TR):
                parts.append(" ".join(_cell_text(inner) for inner in _children(tr, _TC)))
        elif child.tag in (_SDT, _CUSTOM_XML):
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                parts.append(_cell_text(inner))
    return clean_cell("\n".join(parts))


@register(".doc", ".wps")
def read_legacy_word(path: Path, cite_as: str) -> Document:
    """Old binary Word (.doc) and WPS Office (.wps) files, which agencies still publish, have no
    reader here; saying so beats skipping the file as if it were not there."""
    kind = "a WPS Office (.wps)" if path.suffix.lower() == ".wps" else "an old binary Word (.doc)"
    raise ReportError(
        cite_as, None,
        f"this is {kind} document, which cannot be read; open it and save it as .docx (另存为 .docx), "
        "then put the .docx in content/reports/ instead",
    )
