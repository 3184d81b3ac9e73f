"""The Jinja environment does not stat() its templates on every page (auto_reload=False), so a
template edit must reach the pages by a new environment: the dev server's next build after the
edit renders everything with the edited template, and the build after that (a report edit, which
reuses the environment) still uses the edited one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.commands.serve import Rebuilder
from site_builder.render import PROJECT_ROOT, environment


def test_environment_does_not_check_template_files_per_page():
    env = environment(PROJECT_ROOT / "templates")
    assert env.auto_reload is False


def test_globals_given_to_a_template_are_refused_not_shared_by_every_page():
    # (templates share env.globals: Jinja would update a cached template's globals, env.globals)
    env = environment(PROJECT_ROOT / "templates")
    env.get_template("base.html")
    for load in (env.get_template, env.select_template, env.get_or_select_template):
        with pytest.raises(TypeError, match="share env.globals"):
            load("base.html", globals={"extra": "leak"})
    assert "extra" not in env.globals
    assert env.get_template("base.html").globals is env.globals


def test_every_template_is_written_under_autoescape():
    """One escaping rule: Jinja's autoescape, and Markup from the Python that writes hot rows
    (render/fragments.py) with markupsafe's escape(). No template turns autoescape off."""
    templates = sorted((PROJECT_ROOT / "templates").glob("*.html"))
    assert len(templates) > 10
    for t in templates:
        assert "autoescape" not in t.read_text(encoding="utf-8"), t.name


def test_a_partial_rendered_once_cannot_show_a_page_value():
    # render_once keeps a partial's output for every page: one that reads a page's value (a name
    # the environment's globals lack) fails instead of showing the first page's value on all
    from jinja2 import DictLoader, UndefinedError

    env = environment(PROJECT_ROOT / "templates")
    assert "项目" in env.filters["render_once"]("_t3_head.html")
    env.loader = DictLoader({"_bad.html": "{{ report.year }}"})
    with pytest.raises(UndefinedError):
        env.filters["render_once"]("_bad.html")


def test_a_template_edit_reaches_the_pages_in_the_dev_server(tmp_path, no_charts):
    for name in ("content", "templates", "static"):
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name)
    r = Rebuilder(tmp_path / "content", tmp_path / "_site", tmp_path / "templates", tmp_path / "static",
                  search=False, log=lambda m: None)
    assert r.rebuild().ok
    page = tmp_path / "_site" / "agencies" / "jianguomen" / "2024" / "index.html"
    assert "<!-- edited -->" not in page.read_text(encoding="utf-8")

    base = tmp_path / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- edited -->\n</body>"), encoding="utf-8")
    # (a partial the environment renders once, for every page: kept with the environment, not longer)
    head = tmp_path / "templates" / "_t3_head.html"
    head.write_text(head.read_text(encoding="utf-8").replace("项目 <span", "项目（已改） <span"), encoding="utf-8")
    edited = r.rebuild_if_changed()
    assert edited is not None and edited.ok
    assert "<!-- edited -->" in page.read_text(encoding="utf-8")
    assert "项目（已改）" in page.read_text(encoding="utf-8")

    # a report edit next: its page is rendered again, with the environment of the edited templates
    report = tmp_path / "content" / "reports" / "jianguomen-2024.txt"
    text = report.read_text(encoding="utf-8")
    assert text.count("\t139\n") == 1
    report.write_text(text.replace("\t139\n", "\t141\n"), encoding="utf-8")
    again = r.rebuild_if_changed()
    assert again is not None and again.ok
    html = page.read_text(encoding="utf-8")
    assert ">141<" in html and "<!-- edited -->" in html
