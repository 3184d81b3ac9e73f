"""Every cell of a table is read the same whichever way the reader takes: a bare number, a row
printed as text (a label, then numbers set apart by spaces), a label with a number glued to it,
numbering, units, thousands separators, signs, digits that are not ASCII.

The tokens of a line holding one cell (text.line_parts, which reads the common cells by a
shorter way) must be the tokens the general cell reader (_tokenize_cell) gives for the whole
cell, with the same row numbering carried to the next cell, on the cells of real reports (the
seeds and a synthetic corpus in every layout) and on cells made to sit at the edges.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

from site_builder.parser import text as T

ROOT = Path(__file__).resolve().parents[1]

EDGE_CELLS = [
    "（七）总计   22   0   3",
    "规章  0  0  18",
    "0  0  0",
    "00  12",
    "0 5",
    "1.属于国家秘密     0    0      0",
    "(三)不予公开  1.属于国家秘密  1  0",
    "(四)无法提供  1.  0  0",  # numbering closing the label: the cell is read whole
    "(四)无法提供  1、  3",
    "2.  0  0  0",
    "3  、 4",
    "申请数量2   5   6",  # a number glued to the label, then numbers apart
    "共1,  234",
    "金额 1,234  5",
    "合计 -  5",
    "合计 -5  6",
    "249.8146  7",
    "政府集中采购   24     249.8146",
    "收费 5元  6",
    "收费  5  元",
    "第 3  4",
    "（ 3  4",
    "2019年  5",
    "本年新收 ²  3",  # a digit that is not ASCII
    "本年新收 ٣  3",
    "a\u00a0 5",  # a no-break space
    "1.按时办结数  件    14",
    "( 七 ) 总 计      22     0      0     3      0  0      25",
    "7 . 属 于 行 政 执 法 案 卷   0    1      0  0     0     0      1",
    "x 1.  2",
    "x 1.2  3",
    "x 12、  3",
    "x 001  002",
]


def _whole(cell: str, last: int | None):
    state = T._Numbering()
    state.last = last
    tokens = T._tokenize_cell(cell, 0, False, state)
    return [(t.kind, t.text, t.value, t.unit) for t in tokens], state.last


def _shortcut(cell: str, last: int | None):
    """What line_parts makes of a line holding this one cell."""
    parts, after = T.line_parts(cell, last)
    return [(kind, text, value, unit) for kind, text, value, _row, _md, unit in parts], after


def _corpus_cells(tmp_path: Path) -> set[str]:
    """Every cell of the parse digest's corpus: seeds, fixtures, synthetic reports in every
    layout and their damaged variants (cells run together, full-width digits, one line)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from parse_digest import build_corpus

    from site_builder.readers import read_document

    content = build_corpus(tmp_path / "content")
    cells: set[str] = set()
    for path in sorted((content / "reports").rglob("*.txt")):
        try:
            lines = read_document(path, path.name).lines
        except Exception:  # noqa: BLE001 - the invalid fixtures include unreadable files
            continue
        for line in lines:
            cells.update(T._line_cells(line)[0])
    return cells


def test_every_cell_reads_as_the_general_cell_reader_reads_it(tmp_path):
    cells = [unicodedata.normalize("NFKC", c) for c in EDGE_CELLS] + sorted(_corpus_cells(tmp_path))
    rows_as_text = 0
    for cell in cells:
        if "\t" in cell or (cell.startswith("|") and cell.count("|") >= 2):
            continue
        head, tail = T._number_tail(cell)
        rows_as_text += bool(tail and head)
        for last in (None, 0, 1, 2, 7):
            assert _shortcut(cell, last) == _whole(cell, last), (cell, last)
    assert rows_as_text > 100  # the corpus has rows printed as text


@pytest.mark.parametrize("cell, head, tail", [
    ("规章  0  0  18", "规章", ["0", "0", "18"]),
    ("0  0", "", ["0", "0"]),
    ("(四)无法提供  1.  0", "(四)无法提供  1.  0", []),
    ("本年新收 ٣  3", "本年新收 ٣", ["3"]),
    ("收费 5元", "收费 5元", []),
])
def test_a_row_printed_as_text_is_cut_where_its_numbers_stand_apart(cell, head, tail):
    assert T._number_tail(cell) == (head, tail)
