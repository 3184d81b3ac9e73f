"""The compact report and agency pages in Chromium: the words the stylesheet gives screen readers
(a gap's "not reported", a derived figure's "derived") are in the accessibility tree, the arrows
of a change are drawn but not read, English labels without class="en" look and hide like those
with it, and a line of the text is one row beside its number.

One Playwright session in a thread of its own (tests/test_browser.py may hold the main thread's);
skipped when /usr/bin/chromium is not installed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser.server import serve
from browser.visit import in_own_thread, launch, open_context

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def seen(seed_site, netlify_rules) -> dict:
    """What Chromium shows and names on an agency page and a report page."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    def session() -> dict:
        out = {}
        with serve(seed_site, netlify_rules) as base, sync_playwright() as pw:
            browser = launch(pw)
            context = open_context(browser, 1280)
            page = context.new_page()
            page.goto(base + "/agencies/jianguomen/")
            gap = page.locator("table.yoy td.nr").first
            out["gap_text"] = gap.inner_text().strip()
            out["gap_aria"] = gap.aria_snapshot()
            up = page.locator("table.yoy td > span.up").first
            out["up_before"] = up.evaluate("e => getComputedStyle(e, '::before').content")
            link = up.locator("xpath=..").locator("a")
            out["up_link_text"], out["up_link_aria"] = link.inner_text(), link.aria_snapshot()

            page.goto(base + "/agencies/jianguomen/2024/")
            derived = page.locator("table.t3 td[id] > a.derived").first
            out["derived_text"], out["derived_aria"] = derived.inner_text().strip(), derived.aria_snapshot()

            # English labels without class="en" (every span[lang=en] in <main>) look and hide like .en ones
            page.goto(base + "/agencies/jianguomen/2024/")
            bare = page.locator("main table.t3 tbody th span[lang=en]:not(.en)").first
            classed = page.locator("main span.en").first
            style = "e => [getComputedStyle(e).color, getComputedStyle(e).fontSize]"
            out["english"] = (bare.is_visible(), bare.evaluate(style), classed.evaluate(style))
            h2 = page.locator("main h2 span[lang=en]").first
            out["h2_english_display"] = h2.evaluate("e => getComputedStyle(e).display")
            page.locator("#lang-toggle").click()
            out["english_hidden"] = (bare.is_visible(), classed.is_visible(), h2.is_visible())
            page.locator("#lang-toggle").click()  # back on, for the pages after (localStorage)

            page.goto(base + "/agencies/jianguomen/2024/#L30")
            line = page.locator("#L30")
            out["line_box"], out["number_box"] = line.bounding_box(), line.locator("a").first.bounding_box()
            out["line_background"] = line.evaluate("e => getComputedStyle(e).backgroundColor")
            context.close()
            browser.close()
        return out

    return in_own_thread(session)


def test_gaps_and_derived_figures_are_named_for_screen_readers(seen):
    assert seen["gap_text"] == "—"
    assert re.fullmatch(r'- cell "—\s*未报告 not reported\s*"', seen["gap_aria"].strip()), seen["gap_aria"]
    value = re.escape(seen["derived_text"])
    assert re.search(rf'link "{value}\s*（计算所得 derived）\s*"', seen["derived_aria"]), seen["derived_aria"]


def test_change_arrows_are_drawn_not_read(seen):
    assert seen["up_before"].startswith('"▲"')
    assert f'link "{seen["up_link_text"]}"' in seen["up_link_aria"]  # the figure's link: its number alone


def test_english_labels_without_their_class_look_and_hide_as_before(seen):
    visible, bare, classed = seen["english"]
    assert visible and bare[0] == classed[0]  # the muted colour of .en
    assert seen["h2_english_display"] == "block"  # a heading's English on its own line, as h2 .en
    assert seen["english_hidden"] == (False, False, False)  # the language switch hides all of them


def test_a_line_of_text_sits_beside_its_number(seen):
    box, number = seen["line_box"], seen["number_box"]
    assert abs(number["y"] - box["y"]) < 2 and number["x"] < box["x"] + 60  # the number: left, first row
    assert seen["line_background"] != "rgba(0, 0, 0, 0)"  # highlighted as :target
