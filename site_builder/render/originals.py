"""Files copied into the site as they are: reports' original files. (static/ is published
fingerprinted, by site_builder/render/static_assets.py.)"""

from __future__ import annotations

from site_builder.exceptions import SiteBuilderError
from site_builder.build.output import Output
from site_builder.render import urls
from site_builder.render.pages import original_url
from site_builder.load.site import Site


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
