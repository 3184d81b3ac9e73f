"""The built seed site in a real browser: headless Debian Chromium driven by Playwright, the site
served on 127.0.0.1 with the headers netlify.toml sends (the Content-Security-Policy above all).

Every page type loads with no console error or warning, no uncaught exception, no CSP
violation, no failed request and no request leaving localhost; charts render and upgrade to the
interactive view; search answers a Chinese query; tables sort; the language switch works;
axe-core finds no violation; the keyboard reaches everything; at phone (390 px) and desktop
(1280 px) widths the page itself never scrolls sideways. Screenshots of every page type at both
widths go to tests/_artifacts/screenshots/ for review.

One browser and one build per session; skipped when /usr/bin/chromium is not installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser.server import serve
from browser.sitecheck import EXPECTED_TYPES, page_types
from browser.visit import AXE, launch, open_context, run_axe, visit

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "_artifacts" / "screenshots"
WIDTHS = {"phone": 390, "desktop": 1280}
MISSING_URL = "/no/such/page/"  # served 404.html with status 404, as on Netlify


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


@pytest.fixture(scope="session")
def site(seed_site, netlify_rules):
    with serve(seed_site, netlify_rules) as base:
        yield base


@pytest.fixture(scope="session")
def types(seed_site) -> dict[str, str]:
    found = page_types(seed_site)
    found["404"] = MISSING_URL
    return found


@pytest.fixture(scope="session")
def desktop(browser):
    context = open_context(browser, WIDTHS["desktop"])
    yield context
    context.close()


@pytest.fixture(scope="session")
def desktop_visit(desktop, site, types):
    """Each page type opened once at desktop width, shared by the load and the axe tests."""
    cache = {}

    def get(name: str):
        if name not in cache:
            cache[name] = visit(desktop, site + url_for(types, name), wait_until="networkidle")
            cache[name].page.wait_for_timeout(300)  # deferred scripts (charts, search) settle
        return cache[name]

    return get


def url_for(types: dict[str, str], name: str) -> str:
    if name not in types:
        pytest.fail(f"the build wrote no {name!r} page; page types found: {types}")
    return types[name]


# --- every page type, at both widths ------------------------------------------------------------


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("name", EXPECTED_TYPES)
def test_page_loads_cleanly_and_fits_the_width(name, width, browser, site, types, desktop_visit):
    url = url_for(types, name)
    context = open_context(browser, WIDTHS[width]) if width == "phone" else None
    try:
        if context is None:
            v = desktop_visit(name)
        else:
            v = visit(context, site + url, wait_until="networkidle")
            v.page.wait_for_timeout(300)  # deferred scripts (charts, search) settle
        page = v.page
        problems = v.problems(allow_404_document=(name == "404"))
        assert not problems, f"{url} at {width}:\n" + "\n".join(problems)
        assert page.locator("link[rel=stylesheet]").count() >= 1
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        if not fits:
            widest = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .filter(e => !e.closest('.table-scroll, .scroll, [data-scroll]') || e.matches('.table-scroll, .scroll, [data-scroll]'))
                    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '') + ' right=' + Math.round(e.getBoundingClientRect().right))"""
            )
            pytest.fail(f"{url} at {WIDTHS[width]} px scrolls sideways ({page.evaluate('document.documentElement.scrollWidth')} px); too wide: {widest}")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        # The whole page down to 8000 px (enough to review; PNG of a 30000 px page takes seconds).
        height = min(page.evaluate("document.documentElement.scrollHeight"), 8000)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True,
                        clip={"x": 0, "y": 0, "width": WIDTHS[width], "height": height})
    finally:
        if context is not None:
            context.close()


@pytest.mark.parametrize("name", ["year", "report", "metric", "agency"])
def test_wide_tables_scroll_inside_their_own_box_on_a_phone(name, browser, site, types):
    url = url_for(types, name)
    context = open_context(browser, WIDTHS["phone"])
    try:
        page = visit(context, site + url).page
        tables = page.evaluate(
            """() => [...document.querySelectorAll('main table')].map((t, i) => {
                let box = t.parentElement, scrolls = false;
                for (; box && box !== document.body; box = box.parentElement) {
                    const o = getComputedStyle(box).overflowX;
                    if (o === 'auto' || o === 'scroll') { scrolls = box.clientWidth <= window.innerWidth; break; }
                }
                return {i, wide: t.scrollWidth > window.innerWidth, scrolls};
            })"""
        )
        assert tables, f"{url} has no table"
        stuck = [t["i"] for t in tables if t["wide"] and not t["scrolls"]]
        assert not stuck, f"{url}: tables {stuck} are wider than the phone and not in a scrolling box"
    finally:
        context.close()


# --- charts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["agency", "metric"])
def test_charts_render_static_and_interactive_with_a_text_alternative(name, desktop, site, types):
    url = url_for(types, name)
    v = visit(desktop, site + url)
    page = v.page
    figures = page.locator("figure.chart")
    assert figures.count() >= 1, f"{url} has no figure.chart"
    # Each chart has a title and a description as text, and its data as a table: its own, or the
    # page's table it links to.
    info = page.evaluate(
        """() => [...document.querySelectorAll('figure.chart')].map(f => {
            const link = f.querySelector('a[href^="#"]');
            const target = link && document.getElementById(link.getAttribute('href').slice(1));
            return {id: f.id,
                    caption: f.querySelector('figcaption') ? f.querySelector('figcaption').textContent.trim() : '',
                    description: f.querySelector('.chart-description') ? f.querySelector('.chart-description').textContent.trim() : '',
                    table: !!f.querySelector('table') || !!(target && target.nextElementSibling && target.parentElement.querySelector('table'))};
        })"""
    )
    for chart in info:
        assert chart["caption"] and chart["description"], f"{url}: chart {chart['id']} has no text alternative"
        assert chart["table"], f"{url}: chart {chart['id']} has no data table"
    # With JavaScript the first chart becomes the interactive Vega view, named by that text.
    first = figures.first
    first.scroll_into_view_if_needed()
    page.wait_for_selector("figure.chart[data-chart-state=interactive] .chart-interactive svg", timeout=15000)
    holder = page.locator("figure.chart[data-chart-state=interactive] .chart-interactive").first
    labels = holder.get_attribute("aria-labelledby").split()
    assert all(page.locator(f"#{i}").inner_text().strip() for i in labels) and len(labels) == 2
    page.wait_for_timeout(200)
    assert not v.problems(), "\n".join(v.problems())


@pytest.mark.parametrize("name", ["agency", "metric"])
def test_without_javascript_a_chart_is_its_text_and_table(name, browser, site, types):
    url = url_for(types, name)
    context = browser.new_context(java_script_enabled=False, viewport={"width": WIDTHS["desktop"], "height": 900})
    try:
        page = context.new_page()
        page.goto(site + url)
        figures = page.locator("figure.chart")
        assert figures.count() >= 1
        for i in range(figures.count()):
            f = figures.nth(i)
            assert f.locator("figcaption").is_visible() and f.locator(".chart-description").is_visible()
            assert f.locator(".chart-interactive, svg").count() == 0  # no empty box waiting for a script
            own = f.locator("details.chart-data table")
            if own.count():
                assert own.is_visible() and own.locator("tbody tr").count() >= 1
            else:  # a metric's chart points at the page's own table
                target = f.locator("a[href^='#']").get_attribute("href")
                assert page.locator(target).count() == 1 and page.locator("main table.data").first.is_visible()
    finally:
        context.close()


# --- search ---------------------------------------------------------------------------------------


def test_search_finds_the_agency_for_a_chinese_query(desktop, site, types, seed_site):
    # The search box lives on the home page, or on a page of its own.
    candidates = [u for u in ("/", "/search/") if (seed_site / u.lstrip("/") / "index.html").is_file()]
    for url in candidates:
        v = visit(desktop, site + url)
        page = v.page
        if page.locator("#search").count():
            break
    else:
        pytest.fail("no page has the search box (#search)")
    page.wait_for_selector("#search[data-search-state=ready] input", timeout=15000)
    page.fill("#search input", "建国门")
    link = page.locator("#search a[href*='/agencies/jianguomen/']").first
    link.wait_for(timeout=15000)
    assert "建国门" in page.locator("#search").inner_text()
    # the first result is the agency's own page (the search documents: site_builder/render/search_docs.py)
    page.wait_for_function("!document.querySelector('#search .pagefind-ui__loading')", timeout=15000)
    first = page.locator("#search .pagefind-ui__result > .pagefind-ui__result-inner > .pagefind-ui__result-title a").first
    assert first.get_attribute("href") == "/agencies/jianguomen/"
    assert not v.problems(), "\n".join(v.problems())


# --- tables sort ----------------------------------------------------------------------------------


def test_a_table_sorts_when_its_header_is_clicked(desktop, site, types):
    # The year page's table, unless the seeds give that year one row only: then the home page's.
    for name in ("year", "home"):
        url = url_for(types, name)
        v = visit(desktop, site + url)
        page = v.page
        page.wait_for_selector("table.sortable th button.sort")
        table = page.locator("table.sortable").first
        before = table.locator("tbody tr").all_inner_texts()
        if len(set(before)) >= 2:
            break
    else:
        pytest.fail("no sortable table with two different rows on the year or home page")
    rows = lambda: table.locator("tbody tr").all_inner_texts()  # noqa: E731
    # Click each header until one changes the order (the first column may already be sorted).
    buttons = table.locator("thead th button.sort")
    changed = None
    for i in range(buttons.count()):
        buttons.nth(i).click()
        if rows() != before:
            changed = i
            break
    assert changed is not None, f"{url}: no header click changed the order of {len(before)} rows"
    th = table.locator("thead th").nth(changed)
    assert th.get_attribute("aria-sort") in ("ascending", "descending")
    # Clicking again reverses the order.
    first_order = rows()
    buttons.nth(changed).click()
    assert rows() == first_order[::-1] or th.get_attribute("aria-sort") != "ascending"
    assert sorted(rows()) == sorted(before), "sorting lost or duplicated rows"
    assert not v.problems(), "\n".join(v.problems())


# --- language switch ------------------------------------------------------------------------------


def test_the_language_switch_hides_and_shows_english(browser, site, types):
    context = open_context(browser, WIDTHS["desktop"])
    try:
        v = visit(context, site + url_for(types, "home"))
        page = v.page
        button = page.locator("#lang-toggle")
        button.wait_for(state="visible")
        english = page.locator("nav .en").first
        assert english.is_visible(), "English labels are hidden before the switch is used"
        assert button.get_attribute("aria-pressed") == "true"
        button.click()
        assert not english.is_visible(), "the switch did not hide the English labels"
        assert button.get_attribute("aria-pressed") == "false"
        # The choice is remembered on the next page.
        page.goto(site + url_for(types, "agency"))
        assert not page.locator("nav .en").first.is_visible()
        page.locator("#lang-toggle").click()
        assert page.locator("nav .en").first.is_visible()
        assert not v.problems(), "\n".join(v.problems())
    finally:
        context.close()


# --- accessibility --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXPECTED_TYPES)
def test_axe_finds_no_violation(name, desktop_visit, types):
    if not AXE.is_file():
        pytest.fail(f"{AXE} missing: it is part of the repository (tests/browser/vendor/axe-core)")
    url = url_for(types, name)
    v = desktop_visit(name)
    violations = run_axe(v.page)
    report = "\n".join(f"{x['id']} ({x['impact']}): {x['help']}\n    " + "\n    ".join(x["targets"]) for x in violations)
    assert not violations, f"{url}: {len(violations)} axe violation(s):\n{report}"


def test_the_keyboard_reaches_the_skip_link_then_the_navigation_with_visible_focus(desktop, site, types):
    v = visit(desktop, site + url_for(types, "report"))
    page = v.page
    focus = """() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {tag: e.tagName.toLowerCase(), cls: e.className, href: e.getAttribute('href'), text: e.textContent.trim(),
                visible: e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0,
                ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'}; }"""
    page.keyboard.press("Tab")
    first = page.evaluate(focus)
    assert first["href"] == "#main", f"the first Tab stop is not the skip link: {first}"
    assert first["visible"] and first["ring"], f"the focused skip link is not visible with a focus ring: {first}"
    # Following it moves focus into the main content.
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # From the top again: Tab walks brand, switch, then the navigation links, each with a ring.
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    page.goto(site + url_for(types, "report"))
    stops = []
    for _ in range(8):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(focus))
    nav_hrefs = [s["href"] for s in stops]
    for href in ("/", "/agencies/", "/years/", "/metrics/"):
        assert href in nav_hrefs, f"Tab never reaches the navigation link {href}: {nav_hrefs}"
    unringed = [s for s in stops if not s["ring"]]
    assert not unringed, f"focus is not visible on: {unringed}"
