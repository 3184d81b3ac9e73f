"""The compact report and agency pages in Chromium: the words the stylesheet gives screen readers
(a gap's "not reported", a derived figure's "derived") are in the accessibility tree, the arrows
of a change are drawn but not read, and a line of the text is one row beside its number.

Skipped when /usr/bin/chromium is not installed (like tests/test_browser.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser.server import serve
from browser.visit import launch, open_context

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def page(seed_site, netlify_rules):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with serve(seed_site, netlify_rules) as base, sync_playwright() as pw:
        browser = launch(pw)
        context = open_context(browser, 1280)
        p = context.new_page()
        p.base = base
        yield p
        context.close()
        browser.close()


def test_gaps_and_derived_figures_are_named_for_screen_readers(page):
    from playwright.sync_api import expect

    page.goto(page.base + "/agencies/jianguomen/")
    gap = page.locator("table.yoy td.nr").first
    expect(gap).to_be_visible()
    assert gap.inner_text().strip() == "—"
    expect(gap).to_have_accessible_name(re.compile(r"^—\s*未报告 not reported\s*$"))

    page.goto(page.base + "/agencies/jianguomen/2024/")
    derived = page.locator("table.t3 td[id] > a.derived").first
    value = re.escape(derived.inner_text().strip())
    expect(derived).to_have_accessible_name(re.compile(rf"^{value}\s*（计算所得 derived）\s*$"))


def test_change_arrows_are_drawn_not_read(page):
    from playwright.sync_api import expect

    page.goto(page.base + "/agencies/jianguomen/")
    up = page.locator("table.yoy td > span.up").first
    assert page.evaluate("e => getComputedStyle(e, '::before').content", up.element_handle()).startswith('"▲"')
    link = up.locator("xpath=..").locator("a")
    expect(link).to_have_accessible_name(link.inner_text())  # the arrow is not part of the figure's link


def test_a_line_of_text_sits_beside_its_number(page):
    page.goto(page.base + "/agencies/jianguomen/2024/#L30")
    line = page.locator("#L30")
    number = line.locator("a").first
    box, nbox = line.bounding_box(), number.bounding_box()
    assert abs(nbox["y"] - box["y"]) < 2 and nbox["x"] < box["x"] + 60  # the number: left, first row
    assert page.evaluate("e => getComputedStyle(e).backgroundColor", line.element_handle()) != "rgba(0, 0, 0, 0)"  # :target
