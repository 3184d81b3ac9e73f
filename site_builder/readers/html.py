"""Report pages saved from a government website (.html, .htm): the report's body, not the site.

A saved page wraps the report in the site's header, menus, breadcrumbs, sidebars and footer,
which hold numbers of their own ("共12件", visitor counts). Those are dropped by tag and by the
class or id names sites give them, the report's container is preferred where the page names
one (TRS_Editor, article, content, zoom...), block elements become lines, and data tables
become rows of tab-separated cells with colspan/rowspan kept to one copy of each cell.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from site_builder.exceptions import ReportError
from site_builder.readers import Document, register
from site_builder.readers.cells import clean_cell, collapse_spaces, row_line

_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe",
    "button", "select", "input", "textarea", "svg", "object", "embed", "link", "meta", "head",
)
_NOISE_NAME = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|navigation|menu|menubar|submenu|breadcrumbs?|crumbs?|bread|footer|"
    r"header|sidebar|banner|share|bshare|position|location|weizhi|dqwz|copyright|topbar|skip)(?:$|[-_\s\d])",
    re.I,
)
_CONTENT_NAME = re.compile(
    r"trs_editor|custom_unionstyle|article|content|zoom|detail|zhengwen|(?:^|[-_])zw(?:$|[-_])|"
    r"(?:^|[-_])text(?:$|[-_])|maintext|main_text|view|pages_content|xxgk",
    re.I,
)
_BREADCRUMB_TEXT = re.compile(r"^\s*(?:当前位置|您现在的位置|您的位置|所在位置)")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_TITLE = re.compile(r"(?:19|20)\d{2}\s*年.{0,40}?(?:信息公开|政务公开).{0,12}?(?:报告|年报)")
_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
    "article", "main", "blockquote", "pre", "center", "address", "figure", "figcaption", "hr",
    "caption", "tr", "td", "th", "tbody", "thead", "tfoot", "body", "html",
}
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# GB2312 and GBK pages routinely use characters beyond their declared set; GB18030 covers both.
_GB_FAMILY = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "ms936", "gb18030", "euc-cn", "csgb2312", "x-euc-cn"}
_KEEP_SHARE = 0.5  # an element holding half the page's text is the report, whatever its class


@register(".html", ".htm", ".shtml", ".xhtml")
def read_html(path: Path, cite_as: str) -> Document:
    text, encoding = decode_html(path.read_bytes(), cite_as)
    soup = BeautifulSoup(text, "html.parser")
    title = _find_title(soup)
    root = _report_root(soup)
    out = _Lines()
    _walk(root, out)
    out.flush()
    lines = out.lines
    if title and title.replace(" ", "") not in "".join(lines[:40]).replace(" ", ""):
        lines.insert(0, title)  # the title sat outside the report's container (an <h1> above it)
    if not any(line.strip() for line in lines):
        raise ReportError(cite_as, None, "no report text found in this web page")
    return Document(path=cite_as, lines=lines, encoding=f"html ({encoding})", original=cite_as)


def decode_html(data: bytes, cite_as: str) -> tuple[str, str]:
    """Bytes -> (text, encoding): a byte-order mark, else the page's <meta> charset, else UTF-8,
    else what charset-normalizer makes of it."""
    if not data.strip():
        raise ReportError(cite_as, None, "the file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    tried: list[str] = []
    m = _META_CHARSET.search(data[:8192])
    if m:
        declared = _canonical(m.group(1).decode("ascii", errors="ignore"))
        tried.append(declared)
        try:
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass  # the page's declaration is wrong or unknown: detect instead
    for candidate in ("utf-8", "gb18030"):
        if candidate in tried:
            continue
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        if candidate == "utf-8" or _cjk_share(text) > 0.05:
            return text, candidate
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        encoding = _canonical(best.encoding)
        return data.decode(encoding, errors="replace"), encoding
    raise ReportError(cite_as, None, "cannot tell this page's text encoding; save it as UTF-8")


def _canonical(name: str) -> str:
    name = name.strip().lower()
    if name in _GB_FAMILY:
        return "gb18030"
    return "utf-8" if name in ("utf8", "utf-8", "utf_8") else name


def _cjk_share(text: str) -> float:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") / max(len(text), 1)


def _find_title(soup: BeautifulSoup) -> str | None:
    """The report's title as the page shows it: a heading or title element, else <title>."""
    for el in soup.find_all(["h1", "h2", "h3", "h4", "p", "div", "td", "span", "strong"]):
        classes = " ".join(el.get("class") or []) + " " + (el.get("id") or "")
        if el.name not in ("h1", "h2", "h3", "h4") and "title" not in classes.lower():
            continue
        text = collapse_spaces(el.get_text(" "))
        if len(text) <= 80 and _TITLE.search(text):
            return text
    if soup.title is not None:
        text = collapse_spaces(soup.title.get_text(" "))
        text = re.split(r"\s*[_|｜]\s*|\s+-\s+", text)[0]
        if _TITLE.search(text):
            return text
    return None


def _names(el: Tag) -> str:
    return " ".join(el.get("class") or []) + " " + (el.get("id") or "")


def _report_root(soup: BeautifulSoup) -> Tag:
    body = soup.body or soup
    for el in body.find_all(_DROP_TAGS):
        el.decompose()
    for el in body.find_all(style=_HIDDEN_STYLE):
        el.decompose()
    total = len(body.get_text(strip=True)) or 1
    for el in list(body.find_all(True)):
        if el.decomposed:
            continue
        names = _names(el)
        noisy = bool(_NOISE_NAME.search(names))
        if not noisy:
            own = el.get_text(" ", strip=True)
            noisy = bool(_BREADCRUMB_TEXT.match(own)) and len(own) < 200
        if noisy and len(el.get_text(strip=True)) < total * _KEEP_SHARE:
            el.decompose()
    total = len(body.get_text(strip=True)) or 1
    best, best_len = None, 0
    for el in body.find_all(True):
        if not _CONTENT_NAME.search(_names(el)):
            continue
        size = len(el.get_text(strip=True))
        if size > best_len:
            best, best_len = el, size
    if best is not None and best_len >= total * 0.4:
        return best
    return body


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []

    def text(self, s: str) -> None:
        self.buf.append(s)

    def flush(self) -> None:
        line = collapse_spaces("".join(self.buf))
        self.buf = []
        if line:
            self.lines.append(line)

    def row(self, line: str) -> None:
        self.flush()
        self.lines.append(line)


_END_BLOCK = object()  # marks where a block element's children end on the walk's stack


def _walk(node: Tag, out: _Lines) -> None:
    """Text of node's children in document order, a line per block element. Iterative: pages
    with thousands of unclosed <p> or <font> tags nest that deep."""
    stack: list = list(reversed(list(node.children)))
    while stack:
        child = stack.pop()
        if child is _END_BLOCK:
            out.flush()
        elif isinstance(child, NavigableString):
            if type(child) is NavigableString:  # not a comment, doctype or CDATA
                out.text(str(child))
        elif isinstance(child, Tag):
            name = child.name
            if name == "br":
                out.flush()
            elif name == "table":
                out.flush()
                _table(child, out)
            else:
                if name in _BLOCK:
                    out.flush()
                    stack.append(_END_BLOCK)
                stack.extend(reversed(list(child.children)))


def _own_rows(table: Tag) -> list[Tag]:
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _own_cells(tr: Tag) -> list[Tag]:
    return tr.find_all(["td", "th"], recursive=False)


def _span(cell: Tag, attr: str, limit: int) -> int:
    try:
        return min(max(int(str(cell.get(attr, "1")).strip() or 1), 1), limit)
    except ValueError:
        return 1


def _table(table: Tag, out: _Lines) -> None:
    rows = _own_rows(table)
    widest = max((len(_own_cells(tr)) for tr in rows), default=0)
    if table.find("table") is not None or widest <= 1:
        # A layout table (it frames other tables, or has one column): its cells hold blocks.
        for tr in rows:
            for cell in _own_cells(tr):
                out.flush()
                _walk(cell, out)
                out.flush()
        return
    covered: dict[int, int] = {}  # grid column -> rows a rowspan above still covers
    for tr in rows:
        cells: list[str] = []
        col = 0

        def fill_covered() -> None:
            nonlocal col
            while covered.get(col, 0) > 0:
                covered[col] -= 1
                cells.append("")
                col += 1

        for cell in _own_cells(tr):
            fill_covered()
            colspan, rowspan = _span(cell, "colspan", 100), _span(cell, "rowspan", 1000)
            cells.append(_cell_text(cell))
            cells.extend([""] * (colspan - 1))
            if rowspan > 1:
                for c in range(col, col + colspan):
                    covered[c] = rowspan - 1
            col += colspan
        last = max((c for c, n in covered.items() if n > 0), default=-1)
        while col <= last:
            if covered.get(col, 0) > 0:
                covered[col] -= 1
            cells.append("")
            col += 1
        if any(c.strip() for c in cells):
            out.row(row_line(cells))


def _cell_text(cell: Tag) -> str:
    inner = _Lines()
    _walk(cell, inner)
    inner.flush()
    return clean_cell("\n".join(inner.lines))
