"""Reading a built site as a browser would: its pages, the page types to test, the resources each
page loads, and which of those break the Content-Security-Policy."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from browser.netlify import sources

ORIGIN = "http://site.test"  # stands for wherever the site is served; only same-origin URLs may load

JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
# rel values of <link> that make the browser fetch the URL
LOADING_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload", "manifest", "prefetch", "mask-icon"}


def html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def url_of(root: Path, page: Path) -> str:
    """The URL path a file is served at: "agencies/x/index.html" -> "/agencies/x/"."""
    rel = page.relative_to(root).as_posix()
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


def soup_of(page: Path) -> BeautifulSoup:
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def first_dir(root: Path, folder: str, prefer: str | None = None) -> str | None:
    base = root / folder
    if prefer and (base / prefer / "index.html").is_file():
        return prefer
    found = sorted(p.parent.name for p in base.glob("*/index.html")) if base.is_dir() else []
    return found[0] if found else None


def page_types(root: Path) -> dict[str, str]:
    """One URL per page type, picked from what the build wrote (name -> URL path).

    Report pages of both kinds are included: a 2019/2021-template report (tables 二三四) and a
    pre-2019 report (统计表). Types the build did not write are absent: tests that need them fail
    with the list of what exists.
    """
    types: dict[str, str] = {"home": "/"}
    agency = first_dir(root, "agencies", prefer="jianguomen")
    if agency:
        types["agencies"] = "/agencies/"
        types["agency"] = f"/agencies/{agency}/"
        years = sorted(p.parent.name for p in (root / "agencies" / agency).glob("*/index.html"))
        if years:
            types["report"] = f"/agencies/{agency}/{years[-1]}/"
            if len(years) > 1:
                types["report-old"] = f"/agencies/{agency}/{years[0]}/"
    year = first_dir(root, "years", prefer="2024")
    if year:
        types["years"] = "/years/"
        types["year"] = f"/years/{year}/"
    metric = first_dir(root, "metrics", prefer="requests.new")
    if metric:
        types["metrics"] = "/metrics/"
        types["metric"] = f"/metrics/{metric}/"
    if (root / "regions" / "index.html").is_file():
        types["regions"] = "/regions/"
        # a district's page (agencies with their latest figures), else the first region's
        district = sorted(p.parent for p in (root / "regions").glob("*/*/index.html"))
        if (root / "regions" / "beijing-shi" / "dongcheng-qu" / "index.html").is_file():
            types["region"] = "/regions/beijing-shi/dongcheng-qu/"
        elif district:
            types["region"] = "/" + district[0].relative_to(root).as_posix() + "/"
    if (root / "quality" / "index.html").is_file():
        types["quality"] = "/quality/"
    for stem in ("about", "methodology"):
        if (root / stem / "index.html").is_file():
            types[stem] = f"/{stem}/"
    if (root / "404.html").is_file():
        types["404"] = "/404.html"
    return {name: url for name, url in types.items() if _exists(root, url)}


def _exists(root: Path, url: str) -> bool:
    rel = url.lstrip("/")
    return (root / (rel + "index.html" if rel.endswith("/") or rel == "" else rel)).is_file()


# Every page type, including the list pages and a pre-2019 report (统计表 instead of tables 二三四).
EXPECTED_TYPES = (
    "home", "agencies", "agency", "report", "report-old", "years", "year", "metrics", "metric",
    "regions", "region", "quality", "about", "methodology", "404",
)


@dataclass(frozen=True)
class Load:
    """A URL a page makes the browser fetch, and the CSP directive that governs it."""

    directive: str
    url: str
    where: str  # e.g. "<img src>"


def loads_of(soup: BeautifulSoup) -> list[Load]:
    out: list[Load] = []

    def add(directive, url, where):
        if url is not None and str(url).strip():
            out.append(Load(directive, str(url).strip(), where))

    for tag in soup.find_all("script", src=True):
        add("script-src", tag["src"], "<script src>")
    for tag in soup.find_all("link", href=True):
        rels = {r.lower() for r in (tag.get("rel") or [])}
        if rels & LOADING_RELS:
            kind = "style-src" if "stylesheet" in rels else ("manifest-src" if "manifest" in rels else "img-src" if rels & {"icon", "shortcut", "apple-touch-icon", "mask-icon"} else "default-src")
            add(kind, tag["href"], f"<link rel={' '.join(sorted(rels))}>")
    for name, directive in (("img", "img-src"), ("source", "img-src"), ("video", "media-src"), ("audio", "media-src"), ("track", "media-src"), ("iframe", "frame-src"), ("embed", "object-src"), ("input", "img-src")):
        for tag in soup.find_all(name):
            add(directive, tag.get("src"), f"<{name} src>")
            for part in (tag.get("srcset") or "").split(","):
                add(directive, part.strip().split(" ")[0] if part.strip() else None, f"<{name} srcset>")
    for tag in soup.find_all("video", poster=True):
        add("img-src", tag["poster"], "<video poster>")
    for tag in soup.find_all("object", data=True):
        add("object-src", tag["data"], "<object data>")
    for tag in soup.find_all(["image", "use", "feimage"]):
        add("img-src", tag.get("href") or tag.get("xlink:href"), f"<{tag.name} href>")
    for tag in soup.find_all("form", action=True):
        add("form-action", tag["action"], "<form action>")
    return out


def same_origin(page_url: str, url: str) -> bool:
    full = urljoin(ORIGIN + page_url, url)
    parts = urlsplit(full)
    return f"{parts.scheme}://{parts.netloc}" == ORIGIN


def _allows(allowed: list[str], url: str, page_url: str) -> bool:
    scheme = urlsplit(url).scheme.lower()
    if scheme == "data":
        return "data:" in allowed
    if scheme == "blob":
        return "blob:" in allowed
    return same_origin(page_url, url) and ("'self'" in allowed or "*" in allowed)


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def csp_problems(soup: BeautifulSoup, page_url: str, directives: dict[str, list[str]]) -> list[str]:
    """Everything on a page the policy would block, or that loads from another origin."""
    problems: list[str] = []
    script_elem = sources(directives, "script-src-elem")
    style_elem = sources(directives, "style-src-elem")
    style_attr = sources(directives, "style-src-attr")
    for tag in soup.find_all("script"):
        if tag.get("src"):
            continue
        kind = (tag.get("type") or "").strip().lower()
        if kind not in JS_TYPES:
            continue  # a data block (application/json, ld+json) is never executed
        body = tag.string or ""
        if "'unsafe-inline'" not in script_elem and csp_hash(body) not in script_elem:
            problems.append(f"inline <script> not in the policy ({csp_hash(body)}): {body.strip()[:80]!r}")
    for tag in soup.find_all("style"):
        body = tag.string or ""
        if "'unsafe-inline'" not in style_elem and csp_hash(body) not in style_elem:
            problems.append(f"inline <style> not in the policy ({csp_hash(body)}): {body.strip()[:80]!r}")
    for tag in soup.find_all(True):
        for attr in tag.attrs:
            if attr.lower().startswith("on"):
                problems.append(f"<{tag.name} {attr}=...>: inline event handler")
        if tag.has_attr("style") and "'unsafe-inline'" not in style_attr:
            problems.append(f"<{tag.name} style={tag['style']!r}>: style attribute the policy blocks")
        for attr in ("href", "src", "action", "formaction"):
            value = str(tag.get(attr) or "").strip().lower()
            if value.startswith("javascript:"):
                problems.append(f"<{tag.name} {attr}={value[:40]!r}>: javascript: URL")
    for load in loads_of(soup):
        allowed = sources(directives, load.directive)
        if not same_origin(page_url, load.url) and urlsplit(load.url).scheme.lower() not in ("data", "blob"):
            problems.append(f"{load.where} loads {load.url} from another origin")
        elif not _allows(allowed, load.url, page_url):
            problems.append(f"{load.where} {load.url[:60]}: not allowed by {load.directive} {' '.join(allowed)}")
    return problems


_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")


def css_foreign_urls(css: str) -> list[str]:
    urls = [a or b for a, b in _CSS_URL.findall(css)]
    return [u for u in urls if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", u, re.I) and not u.lower().startswith("data:")]
