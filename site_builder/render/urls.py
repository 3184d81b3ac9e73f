"""Permanent URLs of the site's pages, relative to the root (journalists link to them: never change one).

Each URL also names the file it is written to: "/agencies/x/" -> "agencies/x/index.html".
"""

from __future__ import annotations

import os

DEFAULT_BASE_URL = "https://example.org"


def home() -> str:
    return "/"


def agencies() -> str:
    return "/agencies/"


# "initial" (below) is one of load.agencies.RESERVED_SLUGS: no agency may take a name under
# /agencies/ that is one of the site's own pages.


def agency_initial(letter: str, page: int = 1) -> str:
    """The agencies whose names' pinyin starts with `letter`: /agencies/initial/a/, page 2 .../page/2/."""
    return paged(f"/agencies/initial/{letter}/", page)


def regions() -> str:
    return "/regions/"


def region(path: tuple[str, ...], page: int = 1) -> str:
    """A region's page by the slugs from the root: () -> /regions/, ("beijing-shi", "dongcheng-qu")
    -> /regions/beijing-shi/dongcheng-qu/; page 2 of it .../page/2/."""
    return paged("/regions/" + "".join(f"{s}/" for s in path), page)


def paged(url: str, page: int) -> str:
    """Page `page` of a list that starts at `url` (page 1 is `url` itself)."""
    return url if page == 1 else f"{url}page/{page}/"


def agency(slug: str) -> str:
    return f"/agencies/{slug}/"


def agency_records(slug: str) -> str:
    return f"/agencies/{slug}/records.csv"


def report(slug: str, year: int) -> str:
    return f"/agencies/{slug}/{year}/"


def years() -> str:
    return "/years/"


def year(y: int) -> str:
    return f"/years/{y}/"


def year_list(y: int, n: int) -> str:
    """Page n (from 1) of a year's full list, when its page is a summary."""
    return f"/years/{y}/page/{n}/"


def metrics() -> str:
    return "/metrics/"


def metric(metric_id: str) -> str:
    return f"/metrics/{metric_id}/"


def metric_list(metric_id: str, n: int) -> str:
    """Page n (from 1) of a figure's full list, when its page is a summary."""
    return f"/metrics/{metric_id}/page/{n}/"


def quality() -> str:
    return "/quality/"


def page(stem: str) -> str:
    return f"/{stem}/"


def file_of(url: str) -> str:
    """The output file a page URL is served from."""
    path = url.lstrip("/")
    if path == "" or path.endswith("/"):
        return path + "index.html"
    return path


def base_url(given: str | None = None) -> str:
    """--base-url, else $SITE_URL, else the placeholder; never with a trailing slash."""
    value = given or os.environ.get("SITE_URL") or DEFAULT_BASE_URL
    return value.rstrip("/")


def absolute(base: str, url: str) -> str:
    return base + url
