"""search.site_key() reuses each agency's encoded facts while the agency and its reports are the
objects the last call saw (a dev-server rebuild keeps an unchanged report's object): the key it
gives must be the one a fresh computation gives, after an edit as without one."""

from __future__ import annotations

import shutil
from pathlib import Path

from site_builder import search
from site_builder.load import load_site

CONTENT = Path(__file__).resolve().parents[1] / "content"


def fresh_key(site) -> str:
    search._FACTS.clear()
    return search.site_key(site)


def test_a_rebuild_with_the_same_report_objects_gives_the_fresh_key(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    first = load_site(content)
    key = fresh_key(first)

    again = load_site(content, known=first.known)  # the unchanged reports' objects reused
    assert any(r is s for r, s in zip(first.reports, again.reports)), "the reload made new report objects"
    assert search.site_key(again) == key == fresh_key(again)

    # the agency's name as one report prints it is part of its search document
    report = content / "reports" / "shanghai-kewei-2024.txt"
    report.write_text(report.read_text(encoding="utf-8").replace("上海市科委", "上海市科学技术委员会", 1), encoding="utf-8")
    search.site_key(again)  # the memo holds the objects of the site before the edit
    edited = load_site(content, known=again.known)
    reused = search.site_key(edited)
    assert reused == fresh_key(edited)
    assert reused != key


def test_a_removed_report_changes_the_key(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    site = load_site(content)
    key = fresh_key(site)
    (content / "reports" / "taoranting-2017.txt").unlink()
    smaller = load_site(content, known=site.known)
    assert search.site_key(smaller) == fresh_key(smaller) != key
