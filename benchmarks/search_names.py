"""How well the built site's search finds agencies by name, in Chromium.

    python benchmarks/search_names.py SITE CONTENT [--agencies 200] [--seed 1] [--fragments] [--year 2024]

Takes agencies from CONTENT/agencies.toml (a random sample, fixed by --seed) and types each one's
name and each of its aliases into the search box of the built SITE, as a visitor would: the
agencies the names index finds (static/js/search.js, site_builder/render/search_names.py) are
listed first, then pagefind's results without the agencies already listed (pagefind's own search
API, as its UI calls it, for the first ten). Prints how many queries put that agency's page
first, how many among the first ten and how many found it at all (among every agency the names
index lists, or pagefind's first ten; pagefind indexes no agency since the names index finds
them all, so pagefind alone finds none). A name several agencies share (城关镇 in many counties, agencies.toml entries with `name
=`) is also queried with its district before it (榆中县城关镇): the bare name cannot put one of
them first. --fragments adds, for each agency, its name's first two and three characters
(counted found when the agency is among the names index's hits). --year Y adds each agency's
name followed by " Y" (建国门街道 2024), counted when the agency is first with its report of Y
linked (/agencies/<slug>/Y/; every agency of a one-report corpus has one). Then the sizes of the names
index's files and what the queries downloaded of it. Needs Chromium (/usr/bin/chromium) and
Playwright.
"""

from __future__ import annotations

import argparse
import collections
import random
import statistics
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

# Each query typed into the box; the names index's whole list of hits once it answered (its "show
# all" pressed), then pagefind's first ten.
QUERY = """async (queries) => {
  const box = document.querySelector('#search');
  const input = box.querySelector('input');
  const pagefind = await import('/pagefind/pagefind.js');
  await pagefind.init();
  const out = [];
  for (const [q, want] of queries) {
    input.value = q;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    while (!(box.getAttribute('data-names-query') === q && box.getAttribute('data-names-state') !== 'searching')) {
      await new Promise(r => setTimeout(r, 5));
    }
    const more = box.querySelector('.search-names__more');
    if (more && !more.hidden) more.click();
    const names = [...box.querySelectorAll('.search-names__link')].map(a => a.getAttribute('href'));
    const first = box.querySelector('.search-names__item .search-names__report');
    names.report = first ? first.getAttribute('href') : null;
    const r = await pagefind.search(q);
    const top = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
    out.push([names, top.map(d => d.url), r.results.length, names.report]);
  }
  return out;
}"""

# What the page fetched of the names index (transfer sizes of /pagefind/names/ files).
FETCHED = """() => performance.getEntriesByType('resource')
  .filter(e => e.name.includes('/pagefind/names/'))
  .map(e => [new URL(e.name).pathname, e.encodedBodySize || e.decodedBodySize])"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", type=Path)
    ap.add_argument("content", type=Path)
    ap.add_argument("--agencies", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fragments", action="store_true", help="also query each name's first 2 and 3 characters")
    ap.add_argument("--year", type=int, help="also query each name followed by this year")
    args = ap.parse_args()

    from browser.netlify import header_rules
    from browser.server import serve
    from browser.visit import launch, open_context, visit
    from playwright.sync_api import sync_playwright

    agencies = list(tomllib.loads((args.content / "agencies.toml").read_text(encoding="utf-8"))["agencies"].items())
    random.Random(args.seed).shuffle(agencies)
    queries = []
    names = collections.Counter(entry.get("name", key) for key, entry in agencies)
    for key, entry in agencies[: args.agencies]:
        name = entry.get("name", key)
        url = f"/agencies/{entry['slug']}/"
        for q in (name, *entry.get("aliases", [])):
            queries.append((q, url))
        if names[name] > 1 and entry.get("district"):
            queries.append((entry["district"] + name, url))
    fragments = []
    if args.fragments:
        for key, entry in agencies[: args.agencies]:
            name = entry.get("name", key)
            for n in (2, 3):
                if len(name) > n:
                    fragments.append((name[:n], f"/agencies/{entry['slug']}/"))
    dated = []
    if args.year:
        for key, entry in agencies[: args.agencies]:
            exact = entry.get("name", key)
            if names[exact] > 1 and entry.get("district"):
                exact = entry["district"] + exact
            dated.append((f"{exact} {args.year}", f"/agencies/{entry['slug']}/"))
    with serve(args.site, header_rules(ROOT / "netlify.toml")) as base, sync_playwright() as p:
        browser = launch(p)
        try:
            page = visit(open_context(browser, 1000), base + "/").page
            page.wait_for_selector("#search[data-search-state=ready] input", timeout=30000)
            answers = page.evaluate(QUERY, [list(q) for q in queries + fragments + dated])
            fetched = page.evaluate(FETCHED)
        finally:
            browser.close()
    dated_answers = answers[len(queries) + len(fragments):]
    answers = answers[: len(queries) + len(fragments)]
    rows = []  # (query, url, the combined list, found at all, pagefind's list)
    for (q, url), (listed, top, count, _) in zip(queries + fragments, answers):
        combined = listed + [u for u in top if u not in listed]
        rows.append((q, url, combined, url in listed or url in top, top, count, listed))
    name_rows, fragment_rows = rows[: len(queries)], rows[len(queries):]
    n = len(name_rows)
    first = sum(1 for q, url, combined, *_ in name_rows if combined[:1] == [url])
    ten = sum(1 for q, url, combined, *_ in name_rows if url in combined[:10])
    found = sum(1 for r in name_rows if r[3])
    print(f"{n} name queries ({min(args.agencies, len(agencies))} agencies): the agency first {first} "
          f"({first / n:.0%}), among the first ten {ten} ({ten / n:.0%}), found {found} ({found / n:.0%})")
    # a bare name several agencies share puts one of them first, by place: not counted here
    own = [r for r in name_rows if names[r[0]] <= 1]
    own_first = sum(1 for q, url, combined, *_ in own if combined[:1] == [url])
    print(f"  not counting a bare name several agencies share ({n - len(own)} queries): first {own_first} of "
          f"{len(own)} ({own_first / max(len(own), 1):.0%})")
    p_first = sum(1 for q, url, _, _, top, *_ in name_rows if top[:1] == [url])
    p_ten = sum(1 for q, url, _, _, top, *_ in name_rows if url in top)
    p_some = sum(1 for r in name_rows if r[5])
    print(f"  pagefind alone: first {p_first} ({p_first / n:.0%}), among the first ten {p_ten} ({p_ten / n:.0%}), "
          f"some result {p_some} ({p_some / n:.0%})")
    if fragment_rows:
        f_found = sum(1 for q, url, *_, listed in fragment_rows if url in listed)
        f_ten = sum(1 for q, url, combined, *_ in fragment_rows if url in combined[:10])
        print(f"{len(fragment_rows)} fragment queries (a name's first 2 or 3 characters): among the names index's "
              f"hits {f_found} ({f_found / len(fragment_rows):.0%}), among the first ten {f_ten} "
              f"({f_ten / len(fragment_rows):.0%})")
    if dated:
        hits = sum(1 for (q, url), (listed, _, _, report) in zip(dated, dated_answers)
                   if listed[:1] == [url] and report == f"{url}{args.year}/")
        print(f"{len(dated)} name queries with the year {args.year}: the agency first with that report linked {hits} "
              f"({hits / len(dated):.0%})")
    for q, url, combined, *_ in name_rows:
        if combined[:1] != [url] and (names[q] <= 1 or url not in combined[:10]):
            where = f"number {combined.index(url) + 1}" if url in combined else "not listed"
            print(f"  {q}: {len(combined)} result(s), first {combined[0] if combined else None}, expected {url} ({where})")
    _sizes(args.site / "pagefind" / "names", fetched, len(queries) + len(fragments))
    return 0


def _sizes(folder: Path, fetched: list, queries: int) -> None:
    shards = sorted(p.stat().st_size for p in folder.glob("*.json") if p.name != "meta.json")
    if not shards:
        print(f"no names index in {folder}")
        return
    meta = (folder / "meta.json").stat().st_size
    print(f"names index: {len(shards)} shards, {sum(shards) / 1e6:.2f} MB in all; a shard {shards[0] / 1e3:.1f}–"
          f"{shards[-1] / 1e3:.1f} KB (median {statistics.median(shards) / 1e3:.1f} KB), meta.json {meta} B "
          f"(uncompressed)")
    got = [size for _, size in fetched]
    if got:
        print(f"  the {queries} queries fetched {len(got)} of its files, {sum(got) / 1e6:.2f} MB (each file once: a "
              f"visitor fetches meta.json, then a shard for each key a query asks for, one or two a query)")


if __name__ == "__main__":
    sys.exit(main())
