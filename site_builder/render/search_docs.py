"""What the site search finds: one document per agency, year, figure
(metric), region and prose page, computed from the loaded Site, not from the built HTML. The
agencies' documents make the names index (search_names.py) and are not given to pagefind
(search.py): the names index finds every agency by its name, and at 20,000 agencies their
documents were most of pagefind's work.

A document holds names, titles and labels, never a report's figures: editing a number in a
report leaves every document unchanged, so the key stays the same and the build keeps the
search index it has (search.py writes it). Adding or removing a report, renaming an agency or
editing agencies.toml or a prose page changes the documents and so the key.

Documents are made from a Basis: the few facts they show (each agency's names and place, the
years and printed names of its reports, the years, the metrics given, the regions). basis() is cheap (~10 ms
at 20,000 reports on a rebuild), so a build can hash it on every run (search.site_key) and make
the documents themselves only when the index has to be written again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from site_builder import catalogue
from site_builder.gcpause import gc_paused
from site_builder.render import urls
from site_builder.render.prose import ProsePage
from site_builder.load.site import Site
from site_builder.model import LEVELS



@dataclass(frozen=True)
class Section:
    """A part of a document with its own anchor: pagefind shows it as a sub-result linking to
    the document's URL + "#" + anchor. (No document has one today: an agency's had one per
    report until agencies left pagefind; the names index links a report's page instead.)"""

    anchor: str
    heading: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchDoc:
    url: str
    kind: str  # "agency", "year", "metric", "region" or "page"
    title: str
    lines: tuple[str, ...] = ()  # plain text shown and searched under the title (escaped when indexed)
    sections: tuple[Section, ...] = ()
    html: str = ""  # a prose page's body: Markdown rendered without raw HTML, so already safe markup
    # an agency's: its other names (aliases, then names its reports print) and its place
    # (province, city, district; "" where unknown), for the names index (search_names.py)
    other_names: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    years: tuple[int, ...] = ()  # an agency's: the years of its reports (the names index links them)


class AgencyFacts(NamedTuple):
    slug: str
    name: str
    city: str
    district: str
    level: str
    aliases: tuple[str, ...]  # agencies.toml's
    reports: tuple[tuple[int, str], ...]  # (year, the agency's name as that report prints it), by year
    province: str = ""  # (shown by the names index beside the name)


class RegionFacts(NamedTuple):
    path: tuple[str, ...]  # its slugs from /regions/ (urls.region)
    names: tuple[str, ...]  # its names from the province down: ("甘肃省", "兰州市", "榆中县")
    agencies: int  # placed there or under it
    reports: int  # theirs
    levels: tuple[str, ...]  # theirs, model.LEVELS order


class Basis(NamedTuple):
    """Everything the documents are made from (besides the prose pages and the catalogue)."""

    agencies: tuple[AgencyFacts, ...]
    years: tuple[int, ...]
    metrics: tuple[str, ...]  # ids of the metrics some report gives, catalogue order
    regions: tuple[RegionFacts, ...] = ()  # the region pages but the root and the unplaced, tree order


def _years_text(years: list[int]) -> str:
    if not years:
        return ""
    return f"{years[0]}–{years[-1]}年" if years[0] != years[-1] else f"{years[0]}年"


def metrics_given(site: Site) -> tuple[str, ...]:
    """Ids of the metrics any report gives (any column), in catalogue order: the metric pages."""
    return tuple(m.id for m in site.metrics_with_data)


def basis(site: Site) -> Basis:
    with gc_paused():
        agencies = tuple(
            AgencyFacts(a.slug, a.name, a.city, a.district, a.level, a.aliases,
                        tuple((r.year, r.agency) for r in site.reports_of(a.slug)), a.province)
            for a in site.agencies
        )
        return Basis(agencies, tuple(site.years), metrics_given(site), region_facts(site))


def region_facts(site: Site) -> tuple[RegionFacts, ...]:
    """The regions a document is made for: every node of the tree but its root (/regions/, a list
    of provinces) and the unplaced agencies' node (no place to search for)."""
    rank = {level.zh: i for i, level in enumerate(LEVELS)}
    facts = []
    for node in site.regions.nodes():
        if not node.path or node.unplaced:
            continue
        members = node.members()
        levels = sorted({a.level for a in members if a.level}, key=lambda lv: (rank.get(lv, len(rank)), lv))
        facts.append(RegionFacts(node.path, node.names, len(members),
                                 sum(len(site.reports_of(a.slug)) for a in members), tuple(levels)))
    return tuple(facts)


def documents(site: Site, prose_pages: list[ProsePage]) -> list[SearchDoc]:
    """The search documents of a site, in a fixed order: agencies by slug, years, figures (catalogue order), regions (tree order) and prose pages
    (by name)."""
    return documents_of(basis(site), prose_pages)


def documents_of(facts: Basis, prose_pages: list[ProsePage]) -> list[SearchDoc]:
    with gc_paused():
        return _documents_of(facts, prose_pages)


def _documents_of(facts: Basis, prose_pages: list[ProsePage]) -> list[SearchDoc]:
    docs: list[SearchDoc] = []
    for a in facts.agencies:
        # other names: agencies.toml's aliases, then any name a report itself prints (its title)
        names = [n for n in dict.fromkeys([*a.aliases, *(printed for _, printed in a.reports)]) if n != a.name]
        years = [year for year, _ in a.reports]
        place = " · ".join(p for p in (a.city, a.district, a.level) if p)
        docs.append(SearchDoc(
            url=urls.agency(a.slug),
            kind="agency",
            title=a.name,
            lines=tuple(line for line in (
                "又称 " + "、".join(names) if names else "",
                place,
                # not 政府信息公开工作年度报告 here nor in the sections: every agency would then
                # answer a query for 政府, 信息 or 公开 with every one of its reports
                f"{_years_text(years)}年度报告 {len(years)} 份 / {len(years)} annual report(s)",
            ) if line),
            other_names=tuple(names),
            place=(a.province, a.city, a.district),
            years=tuple(years),
        ))
    for year in facts.years:
        docs.append(SearchDoc(
            url=urls.year(year),
            kind="year",
            title=f"{year}年 各机构对照",
            lines=(f"{year}年政府信息公开工作年度报告：各机构的主要数字并排 / {year}: every agency's key figures side by side",),
        ))
    for metric_id in facts.metrics:
        m = catalogue.metric(metric_id)
        docs.append(SearchDoc(
            url=urls.metric(m.id),
            kind="metric",
            title=f"{m.label_zh} {m.label_en}",
            lines=tuple(line for line in (m.notes, f"{m.label_zh}：各机构历年数据 / across agencies and years", m.id) if line),
        ))
    for r in facts.regions:
        docs.append(SearchDoc(
            url=urls.region(r.path),
            kind="region",
            title=" ".join(r.names),
            lines=(f"{r.agencies} 个机构 agencies · {r.reports} 份年度报告 annual reports"
                   + (" · 级别 levels：" + "、".join(r.levels) if r.levels else ""),),
        ))
    for page in sorted(prose_pages, key=lambda p: p.stem):
        docs.append(SearchDoc(url=urls.page(page.stem), kind="page", title=page.title, html=page.html))
    return docs
