"""The dev server lists only the pages an edit may touch (pages.page_specs with `touched`) when
the site has the same pages as before: that list must hold every page render.affected() selects
from all of them, each as the full listing makes it, in its order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.load.loader import load_site
from site_builder.render import affected, changes, pages
from site_builder.render.prose import read_pages

CONTENT = Path(__file__).resolve().parents[1] / "content"


@pytest.mark.parametrize("old, new", [("\t139\n", "\t141\n"), ("2024", "2024", )])
def test_an_edit_lists_every_page_it_affects(tmp_path, old, new):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    before = load_site(content)
    report = content / "reports" / "jianguomen-2024.txt"
    text = report.read_text(encoding="utf-8")
    # an edited figure; or a blank line on top, which moves every line and touches every metric
    report.write_text(text.replace(old, new, 1) if old != new else "\n" + text, encoding="utf-8")
    after = load_site(content, known=before.known)
    ch = changes.diff(before, after)
    assert ch is not None and ch.reports and not ch.added_or_removed and not ch.with_data
    prose = read_pages(content)
    everything = pages.page_specs(after, prose)
    touched = pages.page_specs(after, prose, touched=ch)
    wanted = [s.url for s in everything if affected(s, ch)]
    assert wanted, "the edit touches no page"
    assert set(wanted) <= {s.url for s in touched}
    order = [s.url for s in everything]
    assert [s.url for s in touched] == [u for u in order if u in {s.url for s in touched}]
    for s in touched:
        same = next(t for t in everything if t.url == s.url)
        assert (s.kind, s.key, s.in_sitemap) == (same.kind, same.key, same.in_sitemap)
