"""The .docx, .pdf and .html readers, on files built here from the seed reports' content.

Each built file must parse to exactly the figures (metric, applicant, value) the seed's text
version gives: the full set, so a lost row, a shifted column or a stray number from a web
page's menu all fail.
"""

from __future__ import annotations

import csv
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from fixtures_build import (
    build_docx,
    build_html,
    build_pdf,
    build_pdf_fpdf2,
    find_cjk_font,
    merge_counts,
    seed_blocks,
)
from site_builder.exceptions import ReportError
from site_builder.parser import parse_document
from site_builder.parser.text import norm
from site_builder.readers import read_document
from site_builder.readers.pdf import NO_TEXT_LAYER

from conftest import CONTENT, REPORTS

# 2021 template (one cell per line), 2019 template (one row per line, broken outcome total),
# pre-2019 with its 统计表
SEEDS = ("jianguomen-2024", "donghuashi-2019", "taoranting-2017")


def figures(report) -> set[tuple[str, str, Decimal]]:
    return {(f.metric, f.applicant, f.value) for f in report.figures}


def seed_report(name: str):
    return parse_document(read_document(REPORTS / f"{name}.txt", f"reports/{name}.txt"))


def blocks_of(name: str) -> list:
    return seed_blocks((REPORTS / f"{name}.txt").read_text(encoding="utf-8"))


def title_of(blocks: list) -> str:
    return blocks[0] if "报告" in blocks[0] else blocks[0] + blocks[1]


def read(path: Path):
    cite = f"reports/{path.name}"
    doc = read_document(path, cite)
    return doc, parse_document(doc)


def t3_row(doc, label: str) -> str:
    return next(line for line in doc.lines if label in norm(line) and "\t" in line)


def numbers_in(line: str) -> list[str]:
    return [c for c in line.split("\t") if re.fullmatch(r"-?\d+(?:\.\d+)?", c.strip())]


# --- .docx ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEEDS)
def test_docx_parses_to_the_same_figures_as_the_text(tmp_path, name):
    expected = seed_report(name)
    blocks = blocks_of(name)
    doc, report = read(build_docx(blocks, tmp_path / f"{name}.docx"))
    assert figures(report) == figures(expected)
    assert (report.agency, report.year, report.era) == (expected.agency, expected.year, expected.era)
    assert [c.rule for c in report.quality] == [c.rule for c in expected.quality]
    assert doc.encoding == "docx" and doc.original == f"reports/{name}.docx" == report.original


ALL_SEEDS = sorted(p.stem for p in REPORTS.glob("*.txt"))


@pytest.mark.parametrize("name", ALL_SEEDS)
def test_every_seed_reads_the_same_as_docx_and_html(tmp_path, name):
    # Every report of the corpus, whatever its era and layout, survives the trip through Word
    # and a web page (PDF: the three seeds above, it takes seconds each).
    expected = figures(seed_report(name))
    blocks = blocks_of(name)
    assert figures(read(build_docx(blocks, tmp_path / f"{name}.docx"))[1]) == expected
    page = tmp_path / f"{name}.html"
    page.write_bytes(build_html(blocks, title_of(blocks)))
    assert figures(read(page)[1]) == expected


def test_docx_merged_cells_are_read_once(tmp_path):
    import docx

    blocks = blocks_of("jianguomen-2024")
    spans, covered = merge_counts(blocks)
    assert spans > 10 and covered > 10  # the fixture really has gridSpan and vMerge cells
    path = build_docx(blocks, tmp_path / "jianguomen-2024.docx")
    # python-docx's own cell view repeats a merged cell at every position it covers ...
    naive = [c.text for c in docx.Document(str(path)).tables[1].rows[5].cells]
    assert naive.count("三、本年度办理结果") == 1 and naive.count("（一）予以公开") == 2
    # ... the reader gives each cell once, and every row of table 三 exactly seven numbers.
    doc = read_document(path, "reports/x.docx")
    row = t3_row(doc, "予以公开")
    assert row.split("\t")[:3] == ["三、本年度办理结果", "（一）予以公开", ""]
    assert numbers_in(row) == ["0", "1", "0", "0", "0", "0", "1"]
    assert numbers_in(t3_row(doc, "2.其他法律行政法规禁止公开")) == ["0"] * 7
    assert t3_row(doc, "2.其他法律行政法规禁止公开").startswith("\t\t")  # covered by the group labels
    assert doc.lines.count("三、收到和处理政府信息公开申请情况") == 1  # paragraphs and tables in order
    assert doc.lines.index("三、收到和处理政府信息公开申请情况") < doc.lines.index(row)


def test_docx_nested_and_layout_tables(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("某街道2020年政府信息公开工作年度报告")
    frame = document.add_table(rows=1, cols=1)  # a one-cell box around the content
    inner_cell = frame.cell(0, 0)
    inner_cell.paragraphs[0].text = "框内的段落"
    inner = inner_cell.add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "行政处罚", "12"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "行政强制", "3"
    grid = document.add_table(rows=1, cols=2)
    grid.cell(0, 0).text = "标签"
    nested = grid.cell(0, 1).add_table(rows=1, cols=2)
    nested.cell(0, 0).text, nested.cell(0, 1).text = "甲", "乙"
    path = tmp_path / "nested.docx"
    document.save(str(path))
    lines = read_document(path, "reports/nested.docx").lines
    assert "框内的段落" in lines
    assert "行政处罚\t12" in lines and "行政强制\t3" in lines
    assert any(line.startswith("标签\t") and "甲 乙" in line for line in lines)


def test_docx_paragraph_text_is_what_word_shows(tmp_path):
    import docx
    from docx.oxml import parse_xml

    W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    document = docx.Document()
    document.add_paragraph("某街道2020年政府信息公开工作年度报告")
    body = document.element.body
    paragraphs = [
        # a tracked deletion is not shown; a tracked insertion is
        f'<w:p {W}><w:r><w:t>收到申请</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>99</w:delText></w:r></w:del>'
        f'<w:ins w:id="2" w:author="a"><w:r><w:t>12</w:t></w:r></w:ins><w:r><w:t>件</w:t></w:r></w:p>',
        # a tab stays a tab (tab-aligned columns); a line break starts a new line
        f'<w:p {W}><w:r><w:t>行政处罚</w:t><w:tab/><w:t>139</w:t><w:br/><w:t>行政强制</w:t><w:tab/><w:t>0</w:t></w:r></w:p>',
        # content Word shows once although the file carries it twice (Choice and Fallback)
        f'<w:p {W} {MC}><mc:AlternateContent><mc:Choice Requires="w14"><w:r><w:t>一次</w:t></w:r></mc:Choice>'
        f'<mc:Fallback><w:r><w:t>一次</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>',
        # a content control around a paragraph
        f'<w:sdt {W}><w:sdtContent><w:p><w:r><w:t>控件中的段落</w:t></w:r></w:p></w:sdtContent></w:sdt>',
    ]
    for xml in paragraphs:
        body.insert(len(body) - 1, parse_xml(xml))  # before the section properties
    path = tmp_path / "runs.docx"
    document.save(str(path))
    lines = read_document(path, "reports/runs.docx").lines
    assert lines == ["某街道2020年政府信息公开工作年度报告", "收到申请12件", "行政处罚\t139", "行政强制\t0", "一次", "控件中的段落"]


def test_a_file_that_is_not_a_docx_is_a_clear_error(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)  # an OLE .doc renamed
    with pytest.raises(ReportError) as err:
        read_document(path, "reports/old.docx")
    assert err.value.path == "reports/old.docx" and "not a Word .docx file" in err.value.message


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_old_word_and_wps_files_say_to_save_as_docx(tmp_path, suffix):
    path = tmp_path / f"report{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ReportError) as err:
        read_document(path, f"reports/report{suffix}")
    assert err.value.path == f"reports/report{suffix}" and "save it as .docx" in err.value.message


def test_a_damaged_docx_is_a_clear_error(tmp_path):
    import io
    import zipfile

    good = build_docx(blocks_of("jianguomen-2024"), tmp_path / "good.docx").read_bytes()
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(good[: len(good) // 2])
    # A sound zip whose document.xml was cut off mid-element
    cut_xml = tmp_path / "cut.docx"
    source = zipfile.ZipFile(io.BytesIO(good))
    with zipfile.ZipFile(cut_xml, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            out.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    for path in (truncated, cut_xml):
        with pytest.raises(ReportError) as err:
            read_document(path, f"reports/{path.name}")
        assert err.value.path == f"reports/{path.name}"
        assert "damaged" in err.value.message or "not a Word .docx file" in err.value.message


# --- .pdf -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEEDS)
def test_pdf_parses_to_the_same_figures_as_the_text(tmp_path, name):
    import pypdfium2

    expected = seed_report(name)
    path = build_pdf(blocks_of(name), tmp_path / f"{name}.pdf")
    doc, report = read(path)
    assert figures(report) == figures(expected)
    assert doc.encoding == "pdf" and report.original == f"reports/{name}.pdf"
    assert set(doc.line_labels) == set(range(1, len(doc.lines) + 1))
    # Another extractor's text of each page (pdfium's, in drawing order, so a wrapped cell's
    # lines stay together): every figure's source line is labelled with the page printing it.
    pdf = pypdfium2.PdfDocument(str(path))
    page_text = [norm(page.get_textpage().get_text_range()) for page in pdf]
    pdf.close()
    for fig in report.figures:
        if fig.origin == "derived":
            continue
        label = report.line_labels[fig.line]
        m = re.fullmatch(r"p\.(\d+) l\.(\d+)", label)
        assert m, label
        first_cell = next(c for c in doc.lines[fig.line - 1].split("\t") if c.strip())
        assert norm(first_cell)[:12] in page_text[int(m.group(1)) - 1], (fig, label)


def test_pdf_table_three_comes_out_as_rows_of_seven_numbers(tmp_path):
    path = build_pdf(blocks_of("jianguomen-2024"), tmp_path / "jianguomen-2024.pdf")
    doc = read_document(path, "reports/jianguomen-2024.pdf")
    assert numbers_in(t3_row(doc, "本年新收")) == ["16", "1", "0", "0", "0", "0", "17"]
    assert numbers_in(t3_row(doc, "本机关不掌握")) == ["9", "0", "0", "0", "0", "0", "9"]
    assert numbers_in(t3_row(doc, "(七)总计")) == ["16", "1", "0", "0", "0", "0", "17"]
    t4 = next(line for line in doc.lines if len(numbers_in(line)) == 15)
    assert numbers_in(t4)[3:5] == ["1", "1"]
    # A paragraph that wrapped at the margin is one line again (prose figures need the clause).
    assert any("全年在数字东城网站上公开信息269条" in norm(line) for line in doc.lines)


@pytest.mark.parametrize("name", SEEDS)
def test_pdf_tables_without_ruling_lines_read_as_rows_of_text(tmp_path, name):
    # No lines to rebuild a grid from: each printed row is a text line, wide gaps become tabs.
    path = build_pdf(blocks_of(name), tmp_path / f"{name}.pdf", ruled=False)
    doc, report = read(path)
    assert figures(report) == figures(seed_report(name))
    if name == "jianguomen-2024":
        assert numbers_in(t3_row(doc, "本年新收")) == ["16", "1", "0", "0", "0", "0", "17"]


def test_pdf_with_fonts_pdfminer_cannot_decode_falls_back_to_pdfium(tmp_path):
    name = "jianguomen-2024"  # one seed: fpdf2 subsetting a CJK font takes seconds
    font = find_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (fonts-noto-cjk)")
    path = build_pdf_fpdf2(blocks_of(name), tmp_path / f"{name}.pdf", font)
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        assert not any(page.chars for page in pdf.pages)  # pdfminer alone sees no text at all
    doc, report = read(path)
    assert figures(report) == figures(seed_report(name))
    assert all(re.fullmatch(r"p\.\d+ l\.\d+", report.line_labels[f.line]) for f in report.figures)


def test_pdf_exported_by_libreoffice_from_a_justified_word_document(tmp_path):
    """The realistic case: a Word report (justified paragraphs with first-line indents, tables
    with merged cells) exported to PDF by an office suite."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    import subprocess

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    name = "jianguomen-2024"
    source = build_docx(blocks_of(name), tmp_path / f"{name}.docx")
    document = docx.Document(str(source))
    for paragraph in document.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Pt(22)
    document.save(str(source))
    out = tmp_path / "pdf"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
         "--convert-to", "pdf", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    doc, report = read(out / f"{name}.pdf")
    assert figures(report) == figures(seed_report(name))
    assert numbers_in(t3_row(doc, "本年新收")) == ["16", "1", "0", "0", "0", "0", "17"]


def _image_only_pdf(path: Path) -> Path:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    from PIL import Image

    scan = Image.new("L", (200, 100), 255)
    for x in range(20, 180):
        scan.putpixel((x, 50), 0)  # a "line of text" in the scanned image
    c = canvas.Canvas(str(path))
    c.drawImage(ImageReader(scan), 50, 500, width=400, height=200)
    c.rect(40, 100, 300, 200)
    c.showPage()
    c.rect(40, 100, 300, 200, fill=1)
    c.showPage()
    c.save()
    return path


def test_scanned_pdf_without_text_layer_is_a_clear_error(tmp_path):
    path = _image_only_pdf(tmp_path / "scan.pdf")
    with pytest.raises(ReportError) as err:
        read_document(path, "reports/scan.pdf")
    assert err.value.path == "reports/scan.pdf"
    assert err.value.message == NO_TEXT_LAYER
    assert str(err.value) == "reports/scan.pdf: this PDF has no text layer (a scanned image?); OCR it or provide the text"


def test_encrypted_and_broken_pdfs_are_clear_errors(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    locked = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(locked), encrypt=StandardEncryption("secret", canPrint=0))
    c.drawString(100, 700, "2020 report")
    c.save()
    with pytest.raises(ReportError) as err:
        read_document(locked, "reports/locked.pdf")
    assert "encrypted" in err.value.message and err.value.path == "reports/locked.pdf"

    good = build_pdf(blocks_of("donghuashi-2019"), tmp_path / "good.pdf").read_bytes()
    for cut in (len(good) // 3, len(good) - 40):
        truncated = tmp_path / f"cut{cut}.pdf"
        truncated.write_bytes(good[:cut])
        try:
            doc = read_document(truncated, "reports/cut.pdf")
        except ReportError as exc:
            assert exc.path == "reports/cut.pdf" and "PDF" in exc.message
        else:
            assert doc.lines  # pdfminer rebuilt what it could from a cut file

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nthis is not a pdf at all\n")
    with pytest.raises(ReportError) as err:
        read_document(broken, "reports/broken.pdf")
    assert err.value.path == "reports/broken.pdf" and "PDF" in err.value.message


def test_pdf_page_numbers_are_not_read_as_figures(tmp_path):
    from reportlab.pdfgen import canvas

    # A page number at the foot of a page between two table 三 rows must not become a cell.
    path = tmp_path / "numbers.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(72, 760, "Report 2020")
    c.drawString(72, 700, "body text")
    c.drawCentredString(300, 30, "- 1 -")
    c.showPage()
    c.drawString(72, 760, "second page")
    c.drawCentredString(300, 30, "2")
    c.save()
    doc = read_document(path, "reports/numbers.pdf")
    assert doc.lines == ["Report 2020", "body text", "second page"]
    assert doc.line_labels == {1: "p.1 l.1", 2: "p.1 l.2", 3: "p.2 l.1"}


# --- .html ------------------------------------------------------------------------------------


HTML_NOISE = ("首页", "当前位置", "本年新收 99 件", "京ICP备", "总计访问量", "统计代码", "分享到", "机构设置", "搜索")


@pytest.mark.parametrize("name", SEEDS)
def test_html_page_parses_to_the_same_figures_as_the_text(tmp_path, name):
    expected = seed_report(name)
    blocks = blocks_of(name)
    path = tmp_path / f"{name}.html"
    path.write_bytes(build_html(blocks, title_of(blocks)))
    doc, report = read(path)
    assert figures(report) == figures(expected)
    assert doc.encoding == "html (utf-8)" and report.original == f"reports/{name}.html"
    text = "\n".join(doc.lines)
    # The site around the report is gone: menus, breadcrumbs, sidebar, footer, scripts.
    for noise in HTML_NOISE:
        assert noise not in text, noise
    assert doc.lines[0] == title_of(blocks)


@pytest.mark.parametrize("layout", ["table", "semantic"])
def test_html_pages_of_other_site_layouts(tmp_path, layout):
    name = "jianguomen-2024"
    blocks = blocks_of(name)
    path = tmp_path / f"{name}.html"
    path.write_bytes(build_html(blocks, title_of(blocks), layout=layout))
    doc, report = read(path)
    assert figures(report) == figures(seed_report(name))
    text = "\n".join(doc.lines)
    for noise in HTML_NOISE:
        assert noise not in text, noise


def test_html_saved_in_gbk_decodes(tmp_path):
    expected = seed_report("donghuashi-2019")
    blocks = blocks_of("donghuashi-2019")
    path = tmp_path / "donghuashi-2019.htm"
    path.write_bytes(build_html(blocks, title_of(blocks), charset="gb2312"))
    doc, report = read(path)
    assert doc.encoding == "html (gb18030)"
    assert figures(report) == figures(expected)


def test_html_encoding_without_declaration_and_beyond_gb2312(tmp_path):
    # 镕 is not in GB2312; pages declaring gb2312 use it anyway (decoded as GB18030).
    body = "<p>某镕街道2020年政府信息公开工作年度报告</p><p>全年主动公开政府信息120条。</p>"
    declared = tmp_path / "declared.htm"
    declared.write_bytes(f'<html><head><meta charset="gb2312"></head><body>{body}</body></html>'.encode("gb18030"))
    assert read_document(declared, "reports/declared.htm").lines[0] == "某镕街道2020年政府信息公开工作年度报告"
    bare = tmp_path / "bare.htm"
    bare.write_bytes(f"<html><body>{body * 3}</body></html>".encode("gbk"))
    doc = read_document(bare, "reports/bare.htm")
    assert doc.lines[1] == "全年主动公开政府信息120条。" and doc.encoding == "html (gb18030)"


def test_html_with_thousands_of_unclosed_tags(tmp_path):
    # html.parser nests every unclosed <p> and <font> in the one before it
    paragraphs = "".join(f"<p><font>第{i}段" for i in range(3000))
    path = tmp_path / "deep.html"
    path.write_text(f"<html><body><p>某街道2020年政府信息公开工作年度报告</p>{paragraphs}</body></html>", encoding="utf-8")
    lines = read_document(path, "reports/deep.html").lines
    assert len(lines) == 3001 and lines[-1] == "第2999段"


def test_html_colspan_rowspan_keep_numbers_in_their_columns(tmp_path):
    page = """<html><body><div class="content"><p>某街道2021年政府信息公开工作年度报告</p>
    <table><tr><td rowspan="3">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>1</td><td>2</td></tr>
    <tr><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td><td>3</td><td>4</td></tr>
    <tr><td>2.其他</td><td>5</td><td>6</td></tr></table>
    <table><tr><td><table><tr><td>内</td><td>7</td></tr></table></td></tr></table></div></body></html>"""
    path = tmp_path / "spans.html"
    path.write_text(page, encoding="utf-8")
    lines = read_document(path, "reports/spans.html").lines
    assert lines[1:] == [
        "三、本年度办理结果\t（一）予以公开\t\t1\t2",
        "\t（三）不予公开\t1.属于国家秘密\t3\t4",
        "\t\t2.其他\t5\t6",
        "内\t7",
    ]


# --- the site ---------------------------------------------------------------------------------


def test_docx_and_pdf_reports_build_into_the_site_with_sources_in_the_files(tmp_path):
    from site_builder.cli import main

    content = tmp_path / "content"
    (content / "reports").mkdir(parents=True)
    shutil.copy(CONTENT / "agencies.toml", content / "agencies.toml")
    docx_path = build_docx(blocks_of("jianguomen-2024"), content / "reports" / "jianguomen-2024.docx")
    pdf_path = build_pdf(blocks_of("donghuashi-2019"), content / "reports" / "donghuashi-2019.pdf")
    shutil.copy(REPORTS / "taoranting-2017.txt", content / "reports")
    out = tmp_path / "site"
    assert main(["build", "--content", str(content), "--out", str(out)]) == 0
    with open(out / "data" / "records.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))

    docx_rows = [r for r in rows if r["source"].startswith("reports/jianguomen-2024.docx:")]
    assert len(docx_rows) == len(seed_report("jianguomen-2024").figures)
    lines = read_document(docx_path, "reports/jianguomen-2024.docx").lines
    new = next(r for r in docx_rows if r["metric"] == "requests.new" and r["applicant"] == "total")
    assert new["value"] == "17"
    line = lines[int(new["source"].rsplit(":", 1)[1]) - 1]
    assert "本年新收" in line and line.split("\t")[-1] == "17"

    pdf_rows = [r for r in rows if r["source"].startswith("reports/donghuashi-2019.pdf:")]
    assert len(pdf_rows) == len(seed_report("donghuashi-2019").figures)
    assert any(r["source"].startswith("reports/taoranting-2017.txt:") for r in rows)

    # The originals are published beside their report pages and linked for download.
    for original in (docx_path, pdf_path):
        copies = list(out.rglob(original.name))
        assert copies and copies[0].read_bytes() == original.read_bytes()
        linking = [p for p in out.rglob("*.html") if f'{original.name}" download' in p.read_text(encoding="utf-8")]
        assert linking, original.name
