"""search.site_key() keeps each agency's encoded facts with the Site (Site.kept), and a Site the
dev server's edit makes from the last one (Site.with_reports) keeps those of the agencies whose
reports did not change: the key it gives must be the one a fresh computation gives, after an edit
as without one."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from site_builder.render import search
from site_builder.load.loader import load_site

CONTENT = Path(__file__).resolve().parents[1] / "content"


def fresh_key(site) -> str:
    return search.site_key(replace(site))  # (a Site of the same fields, nothing kept with it yet)


def test_a_rebuild_with_the_same_report_objects_gives_the_fresh_key(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    first = load_site(content)
    key = search.site_key(first)
    assert key == fresh_key(first) == search.site_key(first)

    again = first.with_reports(first.reports)  # what an edit that changed nothing loads
    assert search.site_key(again) == key

    # the agency's name as one report prints it is part of its search document
    report = content / "reports" / "shanghai-kewei-2024.txt"
    report.write_text(report.read_text(encoding="utf-8").replace("上海市科委", "上海市科学技术委员会", 1), encoding="utf-8")
    edited = load_site(content, known=again.known, files=again.files, previous=again)
    assert "groups" in vars(edited), "the edit's Site was not made from the last one"
    reused = search.site_key(edited)
    assert reused == fresh_key(edited)
    assert reused != key


def test_a_removed_report_changes_the_key(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    site = load_site(content)
    key = search.site_key(site)
    (content / "reports" / "taoranting-2017.txt").unlink()
    smaller = load_site(content, known=site.known, previous=site)
    assert search.site_key(smaller) == fresh_key(smaller) != key
