"""The render phase: records -> pages. Everything here reads the loaded Site and writes through Output.

render_site() only orchestrates: pages.py chooses each page's content, context.py arranges it,
templates/ lay it out, feeds.py and assets.py write the rest.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from site_builder.downloads import notes_csv, quality_csv, records_csv, records_json
from site_builder.load import Site, records_of
from site_builder.output import Output

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def environment(templates_dir: Path) -> Environment:
    # Report text is untrusted: autoescape every template, whatever its name.
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.do"],
    )
    from site_builder.render.templating import install

    install(env)
    return env


def render_site(site: Site, out: Output, templates_dir: Path, static_dir: Path, base_url: str | None = None) -> None:
    from site_builder.render import assets, context, feeds, pages, urls
    from site_builder.render.prose import read_pages
    from site_builder.assets import Assets
    from site_builder.charts import write_specs

    base = urls.base_url(base_url)
    records = site.records()
    out.write("data/records.csv", records_csv(records))
    out.write("data/records.json", records_json(records))
    out.write("data/quality.csv", quality_csv(site.reports, site.agency_of))
    out.write("data/notes.csv", notes_csv(site.reports, site.agency_of))
    for a in site.agencies:
        out.write(urls.file_of(urls.agency_records(a.slug)), records_csv(records_of(site.reports_of(a.slug), site.agency_of)))
    assets.copy_static(static_dir, out)
    assets.copy_originals(site, out)
    fingerprinted = Assets(static_dir)  # /assets/<name>.<hash>.<ext>, cached for a year (netlify.toml)
    fingerprinted.write(out)

    env = environment(templates_dir)
    env.globals["asset_url"] = fingerprinted.url
    all_pages = pages.all_pages(site, read_pages(site.content_dir))
    # whatever data/ files the build wrote before the pages are linked from them (the footer, the home page)
    downloads = sorted(p for p in out.written if p.startswith("data/"))
    common = {"site": site, "base_url": base, "prose_pages": [p for p in all_pages if p.template == "page.html"],
              "downloads": downloads}
    for page in all_pages:
        html = env.get_template(page.template).render(page=page, **common, **page.context)
        out.write(urls.file_of(page.url), html)
    write_specs(out, [c for p in all_pages for c in p.context.get("charts", [])])  # for static/js/charts.js
    context.forget_index()
    out.write("sitemap.xml", feeds.sitemap(base, [p.url for p in all_pages if p.in_sitemap]))
    out.write("feed.xml", feeds.atom(base, site, pages.SITE_NAME))
