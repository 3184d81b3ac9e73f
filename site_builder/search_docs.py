"""What the site search finds: one document per agency (with a section per report), year, figure
(metric) and prose page, computed from the loaded Site, not from the built HTML.

A document holds names, titles and labels, never a report's figures: editing a number in a
report leaves every document unchanged, so search.docs_key() stays the same and the build
keeps the search index it has (search.py writes it). Adding or removing a report, renaming an agency or
editing agencies.toml or a prose page changes the documents and so the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from site_builder import catalogue
from site_builder.load import Site
from site_builder.render import urls
from site_builder.render.prose import ProsePage

AGENCIES_FILE = "agencies.toml"


@dataclass(frozen=True)
class Section:
    """A part of a document with its own anchor: pagefind shows it as a sub-result linking to
    the document's URL + "#" + anchor (static/js/search.js turns "#report-2019" into the report's
    own page, "2019/")."""

    anchor: str
    heading: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchDoc:
    url: str
    kind: str  # "agency", "year", "metric" or "page"
    title: str
    lines: tuple[str, ...] = ()  # plain text shown and searched under the title (escaped when indexed)
    sections: tuple[Section, ...] = ()
    html: str = ""  # a prose page's body: Markdown rendered without raw HTML, so already safe markup


REPORT_ANCHOR = "report-"  # + year: an agency document's section for one report


def _years_text(years: list[int]) -> str:
    if not years:
        return ""
    return f"{years[0]}–{years[-1]}年" if years[0] != years[-1] else f"{years[0]}年"


def aliases_by_name(content_dir: Path) -> dict[str, list[str]]:
    """agencies.toml's `aliases` of each agency, by the agency's name. The build has already
    loaded (and validated) the file; an unreadable one was reported there, so here it adds none."""
    path = Path(content_dir) / AGENCIES_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError:
        return {}  # load_site raised on it already; a Site with this file cannot exist
    out = {}
    for name, entry in (data.get("agencies") or {}).items():
        aliases = entry.get("aliases") if isinstance(entry, dict) else None
        if isinstance(aliases, list):
            out[name] = [a for a in aliases if isinstance(a, str)]
    return out


def _metrics_with_data(site: Site) -> list[catalogue.Metric]:
    present = {f.metric for r in site.reports for f in r.figures}
    return [m for m in catalogue.metrics() if m.id in present]


def documents(site: Site, prose_pages: list[ProsePage]) -> list[SearchDoc]:
    """The search documents of a site, in a fixed order: agencies by slug (each with a section
    per report, by year), years, figures (catalogue order) and prose pages (by name)."""
    aliases = aliases_by_name(site.content_dir)
    docs: list[SearchDoc] = []
    for agency in site.agencies:
        reports = site.reports_of(agency.slug)
        # other names: agencies.toml's aliases, then any name a report itself prints (its title)
        names = list(dict.fromkeys([*aliases.get(agency.name, []), *(r.agency for r in reports)]))
        names = [n for n in names if n != agency.name]
        years = [r.year for r in reports]
        place = " · ".join(p for p in (agency.city, agency.district, agency.level) if p)
        docs.append(SearchDoc(
            url=urls.agency(agency.slug),
            kind="agency",
            title=agency.name,
            lines=tuple(line for line in (
                "又称 " + "、".join(names) if names else "",
                place,
                f"{_years_text(years)}政府信息公开工作年度报告 {len(reports)} 份 / {len(reports)} annual report(s)",
            ) if line),
            # One section per report, not a document each: at 20,000 reports, documents of their
            # own made the index ten times the work (see search.py); the section's sub-result
            # still links to the report's page.
            sections=tuple(
                Section(f"{REPORT_ANCHOR}{r.year}", f"{r.year}年政府信息公开工作年度报告 {r.year} annual report",
                        (f"报告所称 {r.agency}",) if r.agency != agency.name else ())
                for r in reports
            ),
        ))
    for year in site.years:
        docs.append(SearchDoc(
            url=urls.year(year),
            kind="year",
            title=f"{year}年 各机构对照",
            lines=(f"{year}年政府信息公开工作年度报告：各机构的主要数字并排 / {year}: every agency's key figures side by side",),
        ))
    for m in _metrics_with_data(site):
        docs.append(SearchDoc(
            url=urls.metric(m.id),
            kind="metric",
            title=f"{m.label_zh} {m.label_en}",
            lines=tuple(line for line in (m.notes, f"{m.label_zh}：各机构历年数据 / across agencies and years", m.id) if line),
        ))
    for page in sorted(prose_pages, key=lambda p: p.stem):
        docs.append(SearchDoc(url=urls.page(page.stem), kind="page", title=page.title, html=page.html))
    return docs

