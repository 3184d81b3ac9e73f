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


@pytest.mark.parametrize("name", ["year", "report", "metric", "agency", "region"])
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
    # the first result is the agency's own page, listed by the names index above pagefind's
    # results (site_builder/render/search_names.py; pagefind indexes no agency)
    # (selectors, not wait_for_function: its predicate is compiled in the page, which the site's
    # Content-Security-Policy forbids)
    page.wait_for_selector("#search .pagefind-ui__loading", state="detached", timeout=15000)
    page.wait_for_selector("#search[data-names-query='建国门'][data-names-state=done]", timeout=15000)
    first = page.locator("#search a:visible").first
    assert first.get_attribute("href") == "/agencies/jianguomen/" and "search-names__link" in first.get_attribute("class")
    assert page.locator("#search a[href='/agencies/jianguomen/']:visible").count() == 1
    # with a year: that year's report, under the agency
    page.fill("#search input", "建国门 2024")
    page.wait_for_selector("#search[data-names-query='建国门 2024'][data-names-state=done]", timeout=15000)
    links = page.eval_on_selector_all(".search-names__item:first-child a", "els => els.map(a => a.getAttribute('href'))")
    assert links == ["/agencies/jianguomen/", "/agencies/jianguomen/2024/"], links
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


# --- reading on a phone (issue 17) ----------------------------------------------------------------

# Which cell of a row holds the figure a reader came for, by table (the first rule that matches the
# table, tried in order). Report tables: table 二's value, table 三's 总计, every cell of table 四
# (drawn as its three groups on a phone), a figure's value; tables across years (an agency's, a
# figure's): the latest year; the home page's headline table: every figure but the share (new
# requests, withheld, the outcomes' 总计); a year's table of agencies (eleven figures, sortable):
# the first figure; the checks: their result; any other table (lists of agencies, figures, data
# quality, a chart's data): the row's first cell, its name. A rule with a third item applies on
# that page only. Each row's name (its th) must be on screen as well.
KEY_CELLS = """[
  ['table.sortable', 'td.num:not(:last-child)', '/'],
  ['table.t2', 'td:last-child'],
  ['table.t3', 'td:last-child'],
  ['table.t4', 'td'],
  ['table.yoy, table.years', 'td:last-child'],
  ['table.sortable', 'td.num'],
  ['table.checks', 'td:first-child'],
  ['table', 'td[id]'],
  ['table', ':scope > :first-child'],
]"""

# Every row of every visible table of the page whose key cell (KEY_CELLS) or name is not inside the
# viewport's width, as the page opens (each scroll box at its starting position).
OFF_SCREEN_ROWS = """(rules) => {
  const width = window.innerWidth, out = [], seen = [];
  const inside = e => { const r = e.getBoundingClientRect(); return r.left >= -0.5 && r.right <= width + 0.5; };
  for (const table of document.querySelectorAll('main table')) {
    if (!table.checkVisibility()) continue;
    for (const row of table.querySelectorAll(':scope > tbody > tr')) {
      if (row.classList.contains('group')) continue;  // a heading of table 三: no figure
      let key = [];
      for (const [tables, cells, path] of rules) {
        if (!table.matches(tables) || (path && path !== location.pathname)) continue;
        key = [...row.querySelectorAll(':scope > ' + cells.replace(':scope > ', ''))];
        if (cells === 'td.num' || cells === 'td[id]') key = key.slice(0, 1);
        if (key.length) break;
      }
      const name = row.querySelector(':scope > th[scope=row]');
      for (const cell of (name ? [name] : []).concat(key)) {
        seen.push(cell);
        if (!inside(cell)) {
          const r = cell.getBoundingClientRect();
          out.push(`${table.className || 'table'} row "${row.innerText.slice(0, 30).replace(/\\s+/g, ' ')}": ` +
                   `${cell.tagName.toLowerCase()}${cell.id ? '#' + cell.id : ''} at ${Math.round(r.left)}–${Math.round(r.right)} px`);
        }
      }
    }
  }
  return {off: out, checked: seen.length};
}"""


def _phone_page(browser, site, url: str):
    context = open_context(browser, WIDTHS["phone"])
    v = visit(context, site + url, wait_until="networkidle")
    v.page.wait_for_timeout(300)
    return context, v


@pytest.mark.parametrize("name", EXPECTED_TYPES)
def test_on_a_phone_every_rows_name_and_figure_are_on_screen(name, browser, site, types, seed_site):
    urls = [url_for(types, name)]
    if name == "agency":  # 平潭: the seeds' longest year-over-year table (four reports)
        assert (seed_site / "agencies" / "pingtan" / "index.html").is_file()
        urls.append("/agencies/pingtan/")
    for url in urls:
        context, v = _phone_page(browser, site, url)
        try:
            rules = v.page.evaluate(KEY_CELLS)
            got = v.page.evaluate(OFF_SCREEN_ROWS, rules)
            assert not got["off"], f"{url} at 390 px, off screen sideways:\n" + "\n".join(got["off"][:20])
            if name in ("report", "agency", "year", "metric", "home"):
                assert got["checked"] >= 4, f"{url}: only {got['checked']} cells checked"
        finally:
            context.close()


def test_on_a_phone_table_3s_total_sits_beside_the_label_and_the_applicants_scroll(browser, site, types):
    url = url_for(types, "report")
    context, v = _phone_page(browser, site, url)
    page = v.page
    try:
        box = page.locator(".table-wrap:has(> table.t3)")
        # the applicants are there, a swipe away: the box scrolls, and the total stays put meanwhile
        assert box.evaluate("b => b.scrollWidth > b.clientWidth")
        total = page.locator("table.t3 td#requests\\.new")
        before = total.bounding_box()
        box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
        page.wait_for_timeout(100)
        after = total.bounding_box()
        assert abs(before["x"] - after["x"]) < 1, (before, after)
        got = page.evaluate(OFF_SCREEN_ROWS, page.evaluate(KEY_CELLS))
        assert not got["off"], "scrolled to the right end:\n" + "\n".join(got["off"][:10])
        # table 四 as three rows of five: every figure on screen, 总计 the last of each row
        totals = page.locator("table.t4 td.total")
        xs = [totals.nth(i).bounding_box()["x"] for i in range(totals.count())]
        assert len(xs) == 3 and max(xs) - min(xs) < 1, xs
    finally:
        context.close()


def test_on_a_phone_the_metric_id_is_a_small_link_not_a_line_and_wide_is_unchanged(browser, site, types):
    url = url_for(types, "report")
    looks = """() => [...document.querySelectorAll('table.t2 a.mid, table.t3 a.mid')].map(a => ({
        id: a.textContent, href: a.getAttribute('href'), width: a.getBoundingClientRect().width,
        seen: a.innerText, display: getComputedStyle(a).display}))"""
    context, v = _phone_page(browser, site, url)
    try:
        phone = v.page.evaluate(looks)
        t4_display = v.page.evaluate("getComputedStyle(document.querySelector('table.t4')).display")
    finally:
        context.close()
    context = open_context(browser, WIDTHS["desktop"])
    try:
        page = visit(context, site + url).page
        wide = page.evaluate(looks)
        wide_t4 = page.evaluate("getComputedStyle(document.querySelector('table.t4')).display")
        wide_sticky = page.evaluate("getComputedStyle(document.querySelector('table.t3 td:last-child')).position")
    finally:
        context.close()
    assert phone and len(phone) == len(wide)
    for a in phone:
        # still the link to the figure's page, named by the id (screen readers, long press), drawn as "#"
        assert a["href"] == f"/metrics/{a['id']}/" and a["id"]
        assert a["width"] < 30, f"the id {a['id']} is printed on a phone ({a['width']:.0f} px wide)"
    for a in wide:
        assert a["display"] == "block" and a["seen"] == a["id"], a
    assert t4_display == "grid" and wide_t4 == "table" and wide_sticky == "static"


@pytest.mark.parametrize("anchor", ["rules.issued", "requests.new", "outcome.withheld.third_party",
                                    "requests.new--natural_person", "review.total", "litigation.after_review.total"])
def test_on_a_phone_a_metric_anchor_scrolls_to_its_row(anchor, browser, site, types):
    url = url_for(types, "report")
    context = open_context(browser, WIDTHS["phone"])
    try:
        page = visit(context, site + url + "#" + anchor).page
        page.wait_for_timeout(200)
        got = page.evaluate(
            """(id) => { const e = document.getElementById(id); if (!e) return null;
                const r = e.getBoundingClientRect(), row = e.closest('tr').querySelector('th[scope=row]');
                const at = (x, y) => document.elementFromPoint(x, y);
                return {target: document.querySelector(':target') === e, top: r.top, bottom: r.bottom,
                        left: r.left, right: r.right, w: innerWidth, h: innerHeight,
                        // the cell itself is what shows there, not a sticky column over it
                        shown: e.contains(at((r.left + r.right) / 2, (r.top + r.bottom) / 2)),
                        row: row ? row.getBoundingClientRect().left >= -0.5 : true}; }""",
            anchor,
        )
        assert got is not None, f"{url} has no element #{anchor}"
        assert got["target"], got
        assert -1 <= got["top"] and got["bottom"] <= got["h"], f"#{anchor} is not scrolled into view: {got}"
        assert -0.5 <= got["left"] and got["right"] <= got["w"] + 0.5, f"#{anchor} is off screen sideways: {got}"
        assert got["shown"] and got["row"], f"#{anchor} is covered or its row's name is not in view: {got}"
        if anchor == "requests.new--natural_person":
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report-anchor-phone.png"))
    finally:
        context.close()


TEXT_BOXES = """(figure) => [...figure.querySelectorAll('.chart-interactive svg text')]
    // (an axis label left out for want of room is kept at opacity 0: not drawn)
    .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0 &&
                 +getComputedStyle(t).opacity > 0 && +(t.getAttribute('opacity') ?? 1) > 0)
    .map(t => { const r = t.getBoundingClientRect();
                return {text: t.textContent, l: r.left, r: r.right, t: r.top, b: r.bottom}; })"""


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("name", ["agency", "metric"])
def test_chart_text_never_overlaps_and_charts_fit_the_phone(name, width, browser, site, types, seed_site):
    urls = [url_for(types, name)]
    if name == "agency":  # 平潭: three templates, two changes two years apart (the example)
        assert (seed_site / "agencies" / "pingtan" / "index.html").is_file()
        urls.append("/agencies/pingtan/")
    context = open_context(browser, WIDTHS[width])
    try:
        for url in urls:
            v = visit(context, site + url, wait_until="networkidle")
            page = v.page
            figures = page.locator("figure.chart")
            assert figures.count() >= 1, f"{url} has no chart"
            for i in range(figures.count()):
                f = figures.nth(i)
                f.scroll_into_view_if_needed()
                page.wait_for_selector(f"#{f.get_attribute('id')}[data-chart-state=interactive] svg", timeout=15000)
                page.wait_for_timeout(100)
                boxes = f.evaluate(TEXT_BOXES)
                assert len(boxes) >= 3, f"{url}: chart {i} has {len(boxes)} text marks"
                clash = [(a["text"], b["text"]) for k, a in enumerate(boxes) for b in boxes[k + 1:]
                         if min(a["r"], b["r"]) - max(a["l"], b["l"]) > 0.5 and min(a["b"], b["b"]) - max(a["t"], b["t"]) > 0.5]
                assert not clash, f"{url} at {WIDTHS[width]} px, chart {i}: text marks overlap: {clash}"
                fits = f.evaluate("""f => { const s = f.querySelector('.chart-interactive svg').getBoundingClientRect();
                    const boxes = [...f.querySelectorAll('.chart-interactive, .chart-interactive *')]
                        .filter(e => e.scrollWidth > e.clientWidth + 1 && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX));
                    return {left: s.left, right: s.right, width: innerWidth, scrolls: boxes.length}; }""")
                assert fits["left"] >= 0 and fits["right"] <= fits["width"] and not fits["scrolls"], f"{url}: {fits}"
                if url == "/agencies/pingtan/" and i == 0:
                    ARTIFACTS.mkdir(parents=True, exist_ok=True)
                    f.screenshot(path=str(ARTIFACTS / f"chart-pingtan-{width}.png"))
            assert not v.problems(), "\n".join(v.problems())
    finally:
        context.close()


@pytest.mark.parametrize("name", ["report", "agency", "metric", "year", "home"])
def test_axe_finds_no_violation_on_a_phone(name, browser, site, types):
    # the phone layout redraws tables (table 四 as a grid, sticky columns): it must stay accessible
    url = url_for(types, name)
    context, v = _phone_page(browser, site, url)
    try:
        violations = run_axe(v.page)
        report = "\n".join(f"{x['id']} ({x['impact']}): {x['help']}\n    " + "\n    ".join(x["targets"]) for x in violations)
        assert not violations, f"{url} at 390 px: {len(violations)} axe violation(s):\n{report}"
    finally:
        context.close()
