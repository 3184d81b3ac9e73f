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


def metrics() -> str:
    return "/metrics/"


def metric(metric_id: str) -> str:
    return f"/metrics/{metric_id}/"


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
