"""What a built site weighs: the heaviest page of each page type, every data file, the largest
chart spec, the other files, and every file over its budget (issue 14: an HTML page ≤ 300 KB, a data file ≤ 25 MB).

    python benchmarks/page_weights.py SITE [--content CONTENT]

A page's type comes from its URL pattern (PAGE_TYPES, first match wins); a page no pattern
knows gets a type of its own, named after its generalised URL (`other /quality/<n>/`), so a new
kind of page is never left out of the budget. With --content, the prose pages of
CONTENT/pages are typed "prose". The search index (pagefind/) is not a page of the site.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path

PAGE_BUDGET = 300 * 1000  # bytes of HTML, uncompressed
DATA_BUDGET = 25 * 1000 * 1000  # bytes, what static hosts accept for one file

# (type, pattern of the file's path inside the site); the first match names the type
PAGE_TYPES: tuple[tuple[str, re.Pattern], ...] = tuple((name, re.compile(pattern)) for name, pattern in (
    ("home", r"index\.html"),
    ("not found", r"404\.html"),
    ("agencies index", r"agencies/index\.html"),
    ("initial page", r"agencies/initial/[^/]+/(?:page/\d+/)?index\.html"),
    ("agency", r"agencies/[^/]+/index\.html"),
    ("report", r"agencies/[^/]+/\d{4}/index\.html"),
    ("years index", r"years/index\.html"),
    ("year", r"years/\d{4}/index\.html"),
    ("year list page", r"years/\d{4}/page/\d+/index\.html"),
    ("figure index", r"metrics/index\.html"),
    ("figure", r"metrics/[^/]+/index\.html"),
    ("figure list page", r"metrics/[^/]+/page/\d+/index\.html"),
    ("region index", r"regions/index\.html"),
    ("region list page", r"regions/.+/page/\d+/index\.html"),
    ("region", r"regions/.+/index\.html"),
    ("quality", r"quality/(?:.+/)?index\.html"),
))

# The pages whose load time in Chromium the benchmark prints: the heaviest page of these types each.
LOAD_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("figure", ("figure", "figure list page")),
    ("year", ("year", "year list page")),
    ("region", ("region index", "region", "region list page")),
    ("index", ("home", "agencies index", "initial page", "years index", "figure index")),
)


def page_type(rel: str, prose: frozenset[str] = frozenset()) -> str:
    """The type of the page at `rel` (its path inside the site, e.g. 'years/2024/index.html')."""
    for name, pattern in PAGE_TYPES:
        if pattern.fullmatch(rel):
            return name
    parts = rel.split("/")
    if len(parts) == 2 and parts[1] == "index.html" and parts[0] in prose:
        return "prose"
    # unknown: its own type, named after the URL with its variable parts generalised
    shape = [parts[0]] + ["<n>" if p.isdigit() else p if p == "page" else "<x>" for p in parts[1:-1]]
    return "other /" + "/".join(shape) + ("/" if parts[-1] == "index.html" else "/" + parts[-1])


@dataclass
class Weights:
    pages: int = 0
    files: int = 0
    total: int = 0  # bytes of every file, search index included
    heaviest: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # type -> (page, bytes, pages of the type)
    data: list[tuple[str, int]] = field(default_factory=list)  # every file under data/
    top: list[tuple[str, int]] = field(default_factory=list)  # other files at the top (sitemap, feed)
    # the other files (sitemaps, per-agency records.csv, assets) by folder: folder -> (heaviest, bytes, files)
    others: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    chart: tuple[str, int] | None = None  # the largest chart spec
    charts: int = 0
    over_page: list[tuple[str, int]] = field(default_factory=list)
    over_data: list[tuple[str, int]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def weigh(site: Path, content: Path | None = None) -> Weights:
    prose = frozenset(p.stem for p in (content / "pages").glob("*.md")) if content else frozenset()
    w = Weights()
    counts: dict[str, int] = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        size = path.stat().st_size
        w.files += 1
        w.total += size
        if rel.startswith("pagefind/"):
            continue
        if rel.endswith(".html"):
            w.pages += 1
            kind = page_type(rel, prose)
            counts[kind] = counts.get(kind, 0) + 1
            if kind not in w.heaviest or size > w.heaviest[kind][1]:
                w.heaviest[kind] = (rel, size, 0)
            if size > PAGE_BUDGET:
                w.over_page.append((rel, size))
        elif rel.startswith("data/"):
            w.data.append((rel, size))
            if size > DATA_BUDGET:
                w.over_data.append((rel, size))
        elif rel.startswith("charts/"):
            w.charts += 1
            if w.chart is None or size > w.chart[1]:
                w.chart = (rel, size)
        elif "/" not in rel:
            w.top.append((rel, size))
        else:
            folder = rel.split("/", 1)[0]
            heaviest, most, count = w.others.get(folder, (rel, size, 0))
            w.others[folder] = (rel, size, count + 1) if size > most else (heaviest, most, count + 1)
    w.heaviest = {k: (rel, size, counts[k]) for k, (rel, size, _) in sorted(w.heaviest.items())}
    w.over_page.sort(key=lambda x: (-x[1], x[0]))
    return w


def heaviest_of_groups(w: Weights) -> list[tuple[str, str, int]]:
    """(group, page, bytes): the heaviest page of each LOAD_GROUPS group the site has."""
    out = []
    for group, types in LOAD_GROUPS:
        found = [w.heaviest[t] for t in types if t in w.heaviest]
        if found:
            rel, size, _ = max(found, key=lambda x: (x[1], x[0]))
            out.append((group, rel, size))
    return out


def size(n: int) -> str:
    if n >= 1e6:
        return f"{n / 1e6:.1f} MB"
    if n >= 1e3:
        return f"{n / 1e3:.0f} KB"
    return f"{n} B"


def url(rel: str) -> str:
    return "/" + rel[: -len("index.html")] if rel.endswith("index.html") else "/" + rel


def report(w: Weights) -> str:
    lines = [f"{w.pages} pages, {w.files} files, {size(w.total)} in all"]
    lines.append("heaviest page of each type (pages of the type):")
    width = max((len(k) for k in w.heaviest), default=0)
    for kind, (rel, n, count) in w.heaviest.items():
        flag = "  OVER 300 KB" if n > PAGE_BUDGET else ""
        lines.append(f"  {kind.ljust(width)}  {size(n):>9}  {url(rel)}  ({count}){flag}")
    lines.append("data files:")
    for rel, n in w.data:
        flag = "  OVER 25 MB" if n > DATA_BUDGET else ""
        lines.append(f"  {size(n):>9}  /{rel}{flag}")
    lines.append("other files:")
    for rel, n in w.top:
        lines.append(f"  {size(n):>9}  /{rel}")
    for folder, (rel, n, count) in sorted(w.others.items()):
        lines.append(f"  {size(n):>9}  /{rel} (the heaviest of {count} other files under /{folder}/)")
    if w.chart:
        lines.append(f"largest chart spec: {size(w.chart[1])} /{w.chart[0]} (of {w.charts})")
    lines.append(f"HTML pages over 300 KB: {len(w.over_page)}")
    lines += [f"  OVER  {size(n):>9}  {url(rel)}" for rel, n in w.over_page]
    lines.append(f"data files over 25 MB: {len(w.over_data)}")
    lines += [f"  OVER  {size(n):>9}  /{rel}" for rel, n in w.over_data]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--content", type=Path, default=None, help="the content folder (names the prose pages)")
    args = ap.parse_args(argv)
    print(report(weigh(args.site, args.content)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
