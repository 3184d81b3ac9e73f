"""The names index in Chromium (static/js/search.js over site_builder/render/search_names.py): on
a generated corpus of a few hundred agencies built by the real CLI, every agency is the first
result for its full name (its name after its district when other agencies share it) and among
the results for fragments of two and three characters, and with a year in the query its report
of that year linked; above pagefind's results, which hold no agency; names shown as text, never
markup; and answering when pagefind's UI is missing. One browser for the module, in a thread of its own (see browser/visit.py)."""

from __future__ import annotations

import collections
import shutil
import tomllib
from pathlib import Path

import pytest

from conftest import one_report_province
from site_builder.render import search_names
from site_builder.render.search_names import NAMES_DIR, shards
from site_builder.render.search_docs import SearchDoc

CHROMIUM = Path("/usr/bin/chromium")
AGENCIES = 300

pytestmark = pytest.mark.browser

# Types each query into the box and waits for the names index's answer; returns, per query, the
# agencies listed (all of them: "show all" pressed), in order.
TYPE = """async (queries) => {
  const box = document.querySelector('#search');
  const input = box.querySelector('input');
  const out = [];
  for (const q of queries) {
    input.value = q;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const t0 = Date.now();
    while (!(box.getAttribute('data-names-query') === q && box.getAttribute('data-names-state') === 'done')) {
      if (Date.now() - t0 > 10000) { out.push(['timeout', box.getAttribute('data-names-state')]); break; }
      await new Promise(r => setTimeout(r, 5));
    }
    const more = box.querySelector('.search-names__more');
    if (more && !more.hidden) more.click();
    out.push([...box.querySelectorAll('.search-names__item')].map(li => [
      li.querySelector('a').getAttribute('href'), li.querySelector('a').textContent,
      (li.querySelector('.search-names__place') || {}).textContent || '',
      (li.querySelector('.search-names__report') || { getAttribute: () => '' }).getAttribute('href')]));
  }
  return out;
}"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """(content folder, built site) of AGENCIES one-report agencies, homonyms among them."""
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed")
    return one_report_province(tmp_path_factory.mktemp("names"), AGENCIES, 5)


def _session(site: Path, rules, fn, pagefind_ui: bool = True):
    """fn(page, visit) on the site's home page once its search box is up."""
    from browser.server import serve
    from browser.visit import in_own_thread, launch, open_context, visit
    from playwright.sync_api import sync_playwright

    def run():
        with serve(site, rules) as base, sync_playwright() as p:
            browser = launch(p)
            try:
                v = visit(open_context(browser, 1000), base + "/")
                state = "ready" if pagefind_ui else "failed"
                v.page.wait_for_selector(f"#search[data-search-state={state}] input", timeout=30000)
                return fn(v.page, v)
            finally:
                browser.close()

    return in_own_thread(run)


def test_every_agency_is_first_for_its_name_and_listed_for_its_fragments(corpus, netlify_rules):
    content, site = corpus
    entries = tomllib.loads((content / "agencies.toml").read_text(encoding="utf-8"))["agencies"]
    agencies = [(e.get("name", key), e) for key, e in entries.items()]
    assert len(agencies) >= AGENCIES - 10
    shared = collections.Counter(name for name, _ in agencies)
    assert any(n > 1 for n in shared.values()), "the corpus has no homonyms"
    queries: dict[str, set[str]] = collections.defaultdict(set)  # query -> the agencies it must list
    firsts: dict[str, str] = {}  # query -> the agency it must list first
    for name, e in agencies:
        url = f"/agencies/{e['slug']}/"
        exact = e["district"] + name if shared[name] > 1 else name
        firsts[exact] = url
        for alias in e.get("aliases", []):
            firsts.setdefault(alias, url)
        for fragment in {name[:2], name[:3], name[1:3], name[-3:]}:
            if len(fragment) >= 2:
                queries[fragment].add(url)
        queries[name].add(url)
    # a year in the query (the corpus's reports are all of 2024): the agency first, its report linked
    dated = {q: url for q, url in list(firsts.items())[:60] for q in (f"{q} 2024", f"2024 {q}", f"{q}2024年")}
    undated = {f"{q} 2023": url for q, url in list(firsts.items())[:20]}  # no report that year: none linked
    asked = sorted(set(queries) | set(firsts) | set(dated) | set(undated))
    answers = _session(site, netlify_rules, lambda page, v: (page.evaluate(TYPE, asked), v.problems()))
    listed, problems = dict(zip(asked, answers[0])), answers[1]
    assert problems == []
    not_first = {q: listed[q][:2] for q, url in firsts.items() if not listed[q] or listed[q][0][0] != url}
    assert not not_first, not_first
    wrong = {q: listed[q][:1] for q, url in dated.items() if not listed[q] or listed[q][0][::3] != [url, url + "2024/"]}
    assert not wrong, wrong
    wrong = {q: listed[q][:1] for q, url in undated.items() if not listed[q] or listed[q][0][::3] != [url, ""]}
    assert not wrong, wrong
    missing = {q: sorted(want - {href for href, *_ in listed[q]}) for q, want in queries.items()
               if want - {href for href, *_ in listed[q]}}
    assert not missing, missing
    # homonyms: each listed with its place, which tells them apart
    for name, n in shared.items():
        if n > 1:
            places = [place for href, text, place, _ in listed[name] if text == name]
            assert len(places) == n and len(set(places)) == n, (name, listed[name])


def test_names_come_first_pagefind_follows_with_the_other_pages(seed_site, netlify_rules):
    # 东城区: the names index lists its agencies (by their names after their district), pagefind
    # the region's page, and no agency (their pages are the names index's alone)
    def check(page, v):
        page.fill("#search input", "东城区")
        page.wait_for_selector("#search[data-names-query='东城区'][data-names-state=done]")
        page.wait_for_selector("#search .pagefind-ui__result", state="attached")
        # (selectors, not wait_for_function: its predicate is compiled in the page, which the
        # site's Content-Security-Policy forbids, and a failed compile is an error, not a retry)
        page.wait_for_selector("#search .pagefind-ui__loading", state="detached")
        order = page.evaluate("""() => [...document.querySelectorAll('#search a')]
            .filter(a => a.offsetParent !== null).map(a => a.getAttribute('href'))""")
        names = page.eval_on_selector_all(".search-names__link", "els => els.map(a => a.getAttribute('href'))")
        found = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(a => a.getAttribute('href'))")
        box_first = page.evaluate("""() => {
            const box = document.querySelector('.search-names'), drawer = document.querySelector('.pagefind-ui__drawer');
            return !!(box.compareDocumentPosition(drawer) & Node.DOCUMENT_POSITION_FOLLOWING); }""")
        page.fill("#search input", "")
        page.wait_for_selector("#search[data-names-query=''][data-names-state=done]")
        emptied = page.eval_on_selector(".search-names", "s => s.hidden")
        return order, names, found, box_first, emptied, v.problems()

    order, names, found, box_first, emptied, problems = _session(seed_site, netlify_rules, check)
    assert sorted(names) == ["/agencies/donghuashi/", "/agencies/jianguomen/"] and order[:2] == names
    assert "/regions/beijing-shi/dongcheng-qu/" in found and not any(u.startswith("/agencies/") for u in found), found
    assert box_first and emptied
    assert problems == []


def test_pagefind_saying_nothing_was_found_is_hidden_while_agencies_are_listed(seed_site, netlify_rules):
    # 平潭: an agency (the names index) and no other page (pagefind): pagefind's "未找到" line would
    # contradict the list above it. 东城区: pagefind finds a page, and says so.
    def message(page, query):
        page.fill("#search input", query)
        page.wait_for_selector(f"#search[data-names-query='{query}'][data-names-state=done]")
        # pagefind's message names the query while it searches too ("正在搜索 平潭..."): wait for
        # its answer, "未找到" or "找到" (selectors: see the test above)
        page.wait_for_selector(f"#search .pagefind-ui__message:has-text('{query}'):not(:has-text('正在搜索'))",
                               state="attached")
        page.wait_for_selector("#search .pagefind-ui__loading", state="detached")
        return page.evaluate("""() => {
            const m = document.querySelector('#search .pagefind-ui__message');
            return [m.textContent, getComputedStyle(m).display !== 'none',
                    document.querySelectorAll('#search .search-names__link').length]; }""")

    pingtan, dongcheng, problems = _session(
        seed_site, netlify_rules, lambda page, v: (message(page, "平潭"), message(page, "东城区"), v.problems()))
    assert pingtan[0].startswith("未找到") and pingtan[1:] == [False, 1], pingtan
    assert dongcheng[0].startswith("找到") and dongcheng[1] and dongcheng[2] == 2, dongcheng
    assert problems == []


def _site_with_names(seed_site: Path, tmp_path: Path, docs: list[SearchDoc]) -> Path:
    """A copy of the seed site whose names index lists `docs`."""
    site = tmp_path / "site"
    shutil.copytree(seed_site, site)
    folder = site / "pagefind" / NAMES_DIR
    shutil.rmtree(folder)
    folder.mkdir()
    for name, data in shards(docs).items():
        (folder / name).write_bytes(data)
    return site


def test_names_are_shown_as_text_never_as_markup(seed_site, netlify_rules, tmp_path):
    hostile = '<img src=x onerror="window.__pwned=1">街道'
    docs = [SearchDoc(url="/agencies/x/", kind="agency", title=hostile, other_names=("<b>别名</b>",),
                      place=("<i>省</i>", "市", "县"), years=(2024,))]
    site = _site_with_names(seed_site, tmp_path, docs)

    def check(page, v):
        page.fill("#search input", "街道 2024")
        page.wait_for_selector("#search[data-names-query='街道 2024'][data-names-state=done]")
        item = page.locator(".search-names__item").first
        return (item.locator("a").first.text_content(), item.inner_text(),
                item.locator(".search-names__report").get_attribute("href"),
                page.locator(".search-names img, .search-names b").count(), page.evaluate("window.__pwned || 0"))

    text, whole, report, injected, pwned = _session(site, netlify_rules, check)
    assert text == hostile and "<b>别名</b>" in whole and "<i>省</i>" in whole and report == "/agencies/x/2024/"
    assert injected == 0 and pwned == 0


def test_the_names_answer_without_pagefind_ui(seed_site, netlify_rules, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(seed_site, site)
    (site / "pagefind" / "pagefind-ui.js").unlink()  # (a search box of search.js's own, then)

    def check(page, v):
        page.fill("#search input", "平潭")
        page.wait_for_selector("#search[data-names-query='平潭'][data-names-state=done]")
        return page.eval_on_selector_all(".search-names__link", "els => els.map(a => a.getAttribute('href'))")

    assert _session(site, netlify_rules, check, pagefind_ui=False)[:1] == ["/agencies/pingtan/"]


def test_a_fragment_too_many_names_hold_asks_for_more(seed_site, netlify_rules, tmp_path, monkeypatch):
    monkeypatch.setattr(search_names, "MAX_AGENCIES", 2)
    docs = [SearchDoc(url=f"/agencies/a{i}/", kind="agency", title=f"{c}安镇", place=("河北省", "", ""))
            for i, c in enumerate("东西南")]
    site = _site_with_names(seed_site, tmp_path, docs)

    def check(page, v):
        answers = []
        for q in ("安镇", "西安镇"):
            page.fill("#search input", q)
            page.wait_for_selector(f"#search[data-names-query='{q}'][data-names-state=done]")
            answers.append((page.locator(".search-names__note").is_visible(),
                            page.eval_on_selector_all(".search-names__link", "els => els.map(a => a.getAttribute('href'))")))
        return answers

    assert _session(site, netlify_rules, check) == [(True, []), (False, ["/agencies/a1/"])]
