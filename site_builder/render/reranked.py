"""A report page whose rates' ranks alone moved, redrawn from its live copy.

An edit that changes a report's rates moves the ranks of its peers (load/indicators.py: the
agencies of its level and place that year), and each peer's page shows its ranks in the rows of
its table of rates (fragments.report_rate_rows) and nowhere else. When nothing else the page
shows changed (render.affected() chose it for `Changes.ranked` alone), rendering it anew gives
the live page with those rows replaced: this makes that, from the live file, at a fraction of
the cost (a province's peer group is up to 145 pages, ~2.5 ms each to build and render).

Whatever cannot be told for sure sends the page to a full render: a live file that is not the
bytes the last build recorded for it, rows found other than once, two reports of the agency that
year, or a page with files besides its HTML.
"""

from __future__ import annotations

from site_builder.build.output import Output, content_hash
from site_builder.load.site import Site
from site_builder.render import fragments, urls


def rows(site: Site, report) -> bytes:
    """The page's rows of rates, as report.html prints them."""
    return str(fragments.report_rate_rows(site.ranked_rates(report))).encode("utf-8")


def rerank(spec, out: Output, old_site: Site, site: Site, files: dict[str, str] | None) -> bool:
    """Write the page of `spec` (a report page whose ranks alone changed from `old_site` to
    `site`; `files`: its unit's files as the last build wrote them) from its live copy with its
    rows of rates redrawn. False when that cannot be done for sure: nothing is written, the caller
    renders the page."""
    relpath = urls.file_of(spec.url)
    if out.base is None or files is None or list(files) != [relpath]:
        return False
    slug, year = spec.key
    same_year = [r for r in site.reports_of(slug) if r.year == year]
    if len(same_year) != 1:
        return False
    report = same_year[0]
    if not any(r is report for r in old_site.reports_of(slug)):  # (another object: edited, not only re-ranked)
        return False
    try:
        with open(out.base / relpath, "rb") as fh:
            live = fh.read()
    except OSError:
        return False
    if content_hash(live) != files[relpath]:
        return False
    before = rows(old_site, report)
    if live.count(before) != 1:
        return False
    out.write(relpath, live.replace(before, rows(site, report)))
    return True
