"""The render phase: records -> pages. Everything here reads the loaded Site and writes through Output."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from site_builder.downloads import quality_csv, records_csv, records_json
from site_builder.load import Site
from site_builder.output import Output

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def environment(templates_dir: Path) -> Environment:
    # Report text is untrusted: autoescape every template, whatever its name.
    return Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_site(site: Site, out: Output, templates_dir: Path, static_dir: Path) -> None:
    records = site.records()
    out.write("data/records.csv", records_csv(records))
    out.write("data/records.json", records_json(records))
    out.write("data/quality.csv", quality_csv(site.reports, site.agency_of))
    env = environment(templates_dir)
    out.write("index.html", env.get_template("index.html").render(site=site))
