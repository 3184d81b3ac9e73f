"""Building .docx, .pdf and .html reports from the seed reports' text, for the reader tests.

A seed text file holds what an agency's Word document says: paragraphs as lines, and tables
either one cell per line (a tab, then the cell; a blank line ends a row) or one row per line
(cells separated by tabs). seed_blocks() recovers paragraphs and tables from it, and gives the
tables the merges a real report has: a row with fewer cells than the table is wide has its last
label spanning the missing columns (gridSpan / colspan), and an empty cell under a label is
covered by that label (vMerge / rowspan), like the row-group labels of table 三.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")



@dataclass
class Cell:
    text: str
    col: int = 0  # first grid column
    span: int = 1  # grid columns covered
    rowspan: int = 1  # rows covered (set on the first cell of a vertical merge)
    covered: bool = False  # True when the cell above covers this one (vMerge continue)


@dataclass
class Table:
    rows: list[list[Cell]] = field(default_factory=list)
    width: int = 0


Block = "str | Table"


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.strip()))


def seed_blocks(text: str) -> list:
    """Paragraphs (str) and Tables of a seed text, in order. Blank lines are dropped."""
    blocks: list = []
    rows: list[list[str]] | None = None
    row: list[str] | None = None
    prev_cell = False
    for line in text.replace("\r\n", "\n").split("\n"):
        one_cell = line.startswith("\t") and line.count("\t") == 1
        if one_cell:
            if rows is None:
                rows = []
            if row is None:
                row = []
                rows.append(row)
            row.append(line[1:].strip())
            prev_cell = True
            continue
        if "\t" in line:
            if rows is None:
                rows = []
            rows.append([c.strip() for c in line.split("\t")])
            row, prev_cell = None, False
            continue
        if not line.strip():
            row, prev_cell = None, False
            continue
        if prev_cell and row is not None:
            row[-1] += "\n" + line.strip()  # a cell's second line ("商业" / "企业")
            continue
        if rows is not None:
            blocks.append(make_table(rows))
            rows = None
        blocks.append(line.strip())
        row, prev_cell = None, False
    if rows is not None:
        blocks.append(make_table(rows))
    return blocks


def make_table(raw_rows: list[list[str]]) -> Table:
    width = max(len(r) for r in raw_rows)
    table = Table(width=width)
    for raw in raw_rows:
        cells = [Cell(t) for t in raw]
        missing = width - len(cells)
        if missing:
            # The last label before the numbers spans the columns the row does not have.
            labels = [i for i, c in enumerate(cells) if c.text and not is_number(c.text)]
            first_num = next((i for i, c in enumerate(cells) if is_number(c.text)), len(cells))
            before = [i for i in labels if i < first_num]
            target = before[-1] if before else (labels[-1] if labels else len(cells) - 1)
            cells[target].span += missing
        col = 0
        for c in cells:
            c.col = col
            col += c.span
        table.rows.append(cells)
    # An empty cell under a label (or under a cell already covered) is part of that label.
    for r in range(1, len(table.rows)):
        above = {c.col: c for c in table.rows[r - 1]}
        for c in table.rows[r]:
            if c.text:
                continue
            up = above.get(c.col)
            if up is None or up.span != c.span:
                continue
            if up.covered or (up.text and not is_number(up.text)):
                c.covered = True
    for r, cells in enumerate(table.rows):
        for c in cells:
            if c.covered:
                continue
            n = 1
            while r + n < len(table.rows):
                below = next((b for b in table.rows[r + n] if b.col == c.col and b.span == c.span), None)
                if below is None or not below.covered:
                    break
                n += 1
            c.rowspan = n
    return table


def merge_counts(blocks: list) -> tuple[int, int]:
    """(cells spanning columns, cells covered by a vertical merge): the fixtures must have both."""
    spans = sum(1 for b in blocks if isinstance(b, Table) for r in b.rows for c in r if c.span > 1)
    covered = sum(1 for b in blocks if isinstance(b, Table) for r in b.rows for c in r if c.covered)
    return spans, covered


# --- .docx ------------------------------------------------------------------------------------


def build_docx(blocks: list, path: Path) -> Path:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.table import _Cell

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=0, cols=block.width)
        table.style = "Table Grid"
        for cells in block.rows:
            row = table.add_row()
            tr = row._tr
            tcs = list(tr.iterchildren(qn("w:tc")))
            # add_row() made one cell per grid column: drop those a spanning cell replaces.
            for extra in tcs[len(cells):]:
                tr.remove(extra)
            for cell, tc in zip(cells, tcs):
                tc_pr = tc.get_or_add_tcPr()
                if cell.span > 1:
                    grid_span = OxmlElement("w:gridSpan")
                    grid_span.set(qn("w:val"), str(cell.span))
                    tc_pr.append(grid_span)
                if cell.covered or cell.rowspan > 1:
                    v_merge = OxmlElement("w:vMerge")
                    if not cell.covered:
                        v_merge.set(qn("w:val"), "restart")
                    tc_pr.append(v_merge)
                if cell.text and not cell.covered:
                    _Cell(tc, table).text = cell.text  # "\n" becomes a line break in the cell
    document.save(str(path))
    return path


# --- .pdf -------------------------------------------------------------------------------------


def build_pdf(blocks: list, path: Path, ruled: bool = True) -> Path:
    """A PDF with a text layer, its tables drawn with ruling lines (ruled=False: none, as when
    a Word table's borders are turned off) and merged cells (SPAN).

    reportlab's built-in STSong-Light is one of the standard Adobe CJK fonts a PDF may name
    without embedding, so the file needs no font on this machine and pdfminer decodes it with
    the UniGB-UCS2-H CMap it ships.
    """
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus import TableStyle

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    small = ParagraphStyle("cell", fontName=font, fontSize=7, leading=9, wordWrap="CJK")
    page = landscape(A4)
    doc = SimpleDocTemplate(str(path), pagesize=page, leftMargin=36, rightMargin=36, topMargin=36, bottomMargin=36)
    usable = page[0] - 72
    story: list = []
    for block in blocks:
        if isinstance(block, str):
            story.append(Paragraph(html.escape(block), body))
            continue
        grid = [["" for _ in range(block.width)] for _ in block.rows]
        commands = [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        if ruled:
            commands.append(("GRID", (0, 0), (-1, -1), 0.5, "black"))
        for r, cells in enumerate(block.rows):
            for c in cells:
                if c.covered:
                    continue
                grid[r][c.col] = Paragraph("<br/>".join(html.escape(x) for x in c.text.split("\n")), small)
                if c.span > 1 or c.rowspan > 1:
                    commands.append(("SPAN", (c.col, r), (c.col + c.span - 1, r + c.rowspan - 1)))
        story.append(PdfTable(grid, colWidths=_col_widths(block, usable), style=TableStyle(commands)))
        story.append(Spacer(1, 8))
    doc.build(story)
    return path


def _col_widths(table: Table, usable: float) -> list[float]:
    """Number columns get a fixed width, label columns share the rest by their longest text."""
    longest = [0] * table.width
    numeric = [True] * table.width
    for cells in table.rows:
        for c in cells:
            if c.span == 1 and c.text and not c.covered:
                longest[c.col] = max(longest[c.col], max(len(x) for x in c.text.split("\n")))
                numeric[c.col] = numeric[c.col] and is_number(c.text)
    fixed = 30.0
    label_cols = [i for i in range(table.width) if not numeric[i] or longest[i] == 0]
    rest = usable - fixed * (table.width - len(label_cols))
    weights = {i: max(min(longest[i], 30), 4) for i in label_cols}
    total = sum(weights.values()) or 1
    return [rest * weights[i] / total if i in weights else fixed for i in range(table.width)]


def find_cjk_font() -> str | None:
    """A Chinese font file on this machine (.ci/run installs fonts-noto-cjk), or None."""
    import shutil
    import subprocess

    noto = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if noto.is_file():
        return str(noto)
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
        for line in sorted(out.splitlines()):
            file = line.split(":")[0].strip()
            if file.lower().endswith((".ttf", ".ttc", ".otf")):
                return file
    return None


def build_pdf_fpdf2(blocks: list, path: Path, font_file: str) -> Path:
    """The same report written by fpdf2 with an embedded CJK font. For an OpenType (CFF) font
    fpdf2 writes an embedded encoding CMap, which pdfminer cannot decode: the reader must fall
    back to pdfium's characters, keeping pdfminer's ruling lines for the tables."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.add_font("cjk", "", font_file)
    pdf.add_page()
    for block in blocks:
        if isinstance(block, str):
            pdf.set_font("cjk", size=10)
            pdf.multi_cell(0, 6, block, align="L", new_x="LMARGIN", new_y="NEXT")
            continue
        pdf.set_font("cjk", size=7)
        with pdf.table(first_row_as_headings=False, line_height=4, text_align="LEFT", repeat_headings=0) as table:
            for cells in block.rows:
                row = table.row()
                for cell in cells:
                    if not cell.covered:  # fpdf2 leaves the positions a rowspan covers alone
                        row.cell(cell.text, colspan=cell.span, rowspan=cell.rowspan)
        pdf.ln(4)
    pdf.output(str(path))
    return path


# --- .html ------------------------------------------------------------------------------------


def build_html(blocks: list, title: str, charset: str = "utf-8", layout: str = "div") -> bytes:
    """A report page as a government site serves it: navigation, breadcrumbs, a sidebar and a
    footer around the report's body, with its tables.

    layout "div": classed divs, the body in a TRS_Editor div; "table": an older site laid out
    with nested tables, unclassed menus with numbers, the body in <div id="zoom">; "semantic":
    HTML5 <header>/<nav>/<aside>/<footer> around an unclassed <main>.
    """
    body: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            body.append(f"<p>{html.escape(block)}</p>")
            continue
        body.append('<table border="1" cellspacing="0" cellpadding="0">')
        for cells in block.rows:
            body.append("<tr>")
            for c in cells:
                if c.covered:
                    continue
                attrs = (f' colspan="{c.span}"' if c.span > 1 else "") + (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "")
                text = "<br>".join(html.escape(x) for x in c.text.split("\n"))
                body.append(f"<td{attrs}><p>{text}</p></td>")
            body.append("</tr>")
        body.append("</table>")
    content = chr(10).join(body)
    if layout == "table":
        page = _table_layout_page(title, charset, content)
    elif layout == "semantic":
        page = _semantic_page(title, charset, content)
    else:
        page = _div_page(title, charset, content)
    return page.encode("gb18030" if charset.lower() in ("gbk", "gb2312", "gb18030") else charset)


def _div_page(title: str, charset: str, content: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{html.escape(title)}_北京市东城区人民政府网站</title>
<style>.nav li {{ display: inline; }}</style>
<script>var siteId = 12; document.write("统计代码 2024 年 17 件");</script>
</head>
<body>
<div class="header"><div class="logo">北京市东城区人民政府</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/bs">办事服务</a></li><li><a href="/hd">互动交流</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 政府信息公开年报 &gt; 2019年度</div>
<div class="main">
<div class="sidebar"><h3>政府信息公开年报</h3><ul><li>2023年政府信息公开工作年度报告 共 12 件</li>
<li>本年新收 99 件</li></ul></div>
<div class="article">
<h1 class="article-title">{html.escape(title)}</h1>
<div class="info">发布时间：2020-01-20 来源：区政府办</div>
<div class="TRS_Editor">
{content}
</div>
<div class="share">分享到：微信 微博</div>
</div>
</div>
<div class="footer"><p>主办：北京市东城区人民政府办公室 京ICP备05063400号 网站标识码 1101010001</p>
<p>总计访问量 123456 次</p></div>
</body>
</html>
"""


def _table_layout_page(title: str, charset: str, content: str) -> str:
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{html.escape(title)}</title></head>
<body><table width="1000" border="0" align="center">
<tr><td colspan="2"><table><tr><td><a href="/">首页</a></td><td><a href="/x">机构设置 23 个</a></td></tr></table></td></tr>
<tr><td width="200" valign="top"><table><tr><td>信息公开目录</td></tr><tr><td>本年新收 99 件</td></tr>
<tr><td>政府信息公开年报</td></tr></table></td>
<td valign="top"><table><tr><td class="title" align="center">{html.escape(title)}</td></tr>
<tr><td><div id="zoom">
{content}
</div></td></tr></table></td></tr>
<tr><td colspan="2" align="center">版权所有：北京市东城区人民政府 京ICP备05063400号 总计访问量 123456 次</td></tr>
</table></body></html>
"""


def _semantic_page(title: str, charset: str, content: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="{charset}"><title>{html.escape(title)} - 政府网站</title></head>
<body><header><h1>北京市东城区人民政府</h1><nav><a href="/">首页</a> <a href="/a">政务公开</a></nav></header>
<aside><p>本年新收 99 件</p></aside>
<main><h2>{html.escape(title)}</h2>
{content}
<form><input name="q"><button>搜索</button></form></main>
<footer>京ICP备05063400号 总计访问量 123456 次</footer></body></html>
"""
