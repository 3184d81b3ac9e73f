"""How well the built site's search finds agencies by name, in Chromium.

    python benchmarks/search_names.py SITE CONTENT [--agencies 200] [--seed 1]

Takes agencies from CONTENT/agencies.toml (a random sample, fixed by --seed), queries the search
index of the built SITE (pagefind's own search API, as the search box calls it) for each one's
name and each of its aliases, and prints how many queries put that agency's page first, how many
among the first ten and how many found anything. A name several agencies share (城关镇 in many
counties, agencies.toml entries with `name =`) is also queried with its district before it
(榆中县城关镇): the bare name cannot put one of them first. The browser cuts a Chinese query into words with its own dictionary, which
for names it does not know often differs from the cut made at indexing: this measures how often
that still finds the agency. Needs Chromium (/usr/bin/chromium) and Playwright.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

QUERY = """async (queries) => {
  const pagefind = await import('/pagefind/pagefind.js');
  await pagefind.init();
  const out = [];
  for (const [q, want] of queries) {
    const r = await pagefind.search(q);
    const top = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
    out.push([r.results.length, top.length ? top[0].url : null, top.findIndex(d => d.url === want)]);
  }
  return out;
}"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", type=Path)
    ap.add_argument("content", type=Path)
    ap.add_argument("--agencies", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
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
    with serve(args.site, header_rules(ROOT / "netlify.toml")) as base, sync_playwright() as p:
        browser = launch(p)
        try:
            page = visit(open_context(browser, 1000), base + "/").page
            answers = page.evaluate(QUERY, [list(q) for q in queries])
        finally:
            browser.close()
    first = sum(1 for (_, url), (_, top, _) in zip(queries, answers) if top == url)
    ten = sum(1 for _, (_, _, at) in zip(queries, answers) if at >= 0)
    found = sum(1 for _, (count, _, _) in zip(queries, answers) if count)
    print(f"{len(queries)} name queries ({min(args.agencies, len(agencies))} agencies): the agency first {first} "
          f"({first / len(queries):.0%}), among the first ten {ten} ({ten / len(queries):.0%}), "
          f"some result {found} ({found / len(queries):.0%})")
    for (q, url), (count, top, at) in zip(queries, answers):
        if top != url:
            print(f"  {q}: {count} result(s), first {top}, expected {url} ({'not in the first ten' if at < 0 else f'number {at + 1}'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
