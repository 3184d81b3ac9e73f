"""Prose pages from content/pages/*.md (about, methodology ...): Markdown -> HTML, no raw HTML.

Raw HTML in Markdown is shown as text (html=False): page content is treated like report text,
never trusted to inject markup or scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from site_builder.exceptions import SiteBuilderError

PAGES_DIR = "pages"
_STEM_OK = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# stems that would shadow a generated section of the site
_RESERVED = {"agencies", "years", "metrics", "data", "static", "assets", "charts", "pagefind", "search", "404"}


@dataclass(frozen=True)
class ProsePage:
    stem: str
    title: str
    description: str
    html: Markup  # markdown-it's output: markup it made, the page's own text escaped in it


def markdown():
    # (imported here only: ~20-35 ms, measured, that a build finding nothing changed does without)
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def _plain(text: str) -> str:
    return re.sub(r"[`*_\[\]]|\(\S+?\)", "", text).strip()


def read_page(path: Path) -> ProsePage:
    return page_of(path, path.read_text(encoding="utf-8"))


def page_of(path: Path, text: str) -> ProsePage:
    """The page of `text`, the content of the file `path`."""
    stem = path.stem
    if not _STEM_OK.match(stem) or stem in _RESERVED:
        raise SiteBuilderError(f"{path}: page names must be lowercase ASCII words joined by hyphens and not one of {sorted(_RESERVED)}")
    lines = text.splitlines()
    title = next((_plain(line[2:]) for line in lines if line.startswith("# ")), stem)
    description = next(
        (_plain(line) for line in lines if line.strip() and not line.startswith(("#", ">", "-", "*", "|", "`"))), title
    )[:160]
    # html=False: markdown-it escapes any raw HTML of the page, so what it returns is its own
    # markup around escaped text, and the template writes it as Markup, under autoescape
    return ProsePage(stem, title, description, Markup(markdown().render(text)))


def read_pages(content_dir: Path) -> list[ProsePage]:
    folder = Path(content_dir) / PAGES_DIR
    if not folder.is_dir():
        return []
    return [read_page(p) for p in sorted(folder.glob("*.md"))]
