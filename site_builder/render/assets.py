"""Files copied into the site as they are: static/ (styles, scripts) and reports' original files."""

from __future__ import annotations

from pathlib import Path

from site_builder.exceptions import SiteBuilderError
from site_builder.load import Site
from site_builder.output import Output
from site_builder.render import urls
from site_builder.render.pages import original_url


def copy_static(static_dir: Path, out: Output) -> None:
    if not static_dir.is_dir():
        return
    for path in sorted(p for p in static_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
        out.copy("static/" + path.relative_to(static_dir).as_posix(), path)


def copy_originals(site: Site, out: Output) -> None:
    """A report extracted from .docx/.pdf/.html is offered for download next to its page."""
    for r in site.reports:
        copy_original(site, r, out)


def copy_original(site: Site, r, out: Output) -> None:
    url = original_url(site, r)
    if url is None:
        return
    source = site.content_dir / r.original
    if not source.is_file():
        raise SiteBuilderError(f"{r.path}: its original file {source} is missing")
    out.copy(urls.file_of(url), source)
