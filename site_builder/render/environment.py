"""The Jinja environment pages are rendered with, and where the bundled templates and static
files are."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from site_builder import PROJECT_ROOT
from site_builder.render.templating import install


def environment(templates_dir: Path) -> Environment:
    # Report text is untrusted: autoescape every template, whatever its name.
    # auto_reload=False: Jinja would stat() the template file on every get_template (every page:
    # ~1.7 s CPU at 20,000 reports). Within a build templates do not change, and a build after a
    # template edit (the dev server's next build too) makes a new environment (render._full_environment).
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        auto_reload=False,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.do"],
    )
    install(env)
    return env
