"""Which agency each report is of. An agency is its name and its place: two reports printing
城关镇 in two counties are two agencies.

A report's printed name (or an alias) is looked up among agencies.toml's entries. One entry:
that one. Several (homonyms) or none: its folder decides (content/reports/<province>/<city>/
<district>/..., any prefix of it; see Gazetteer.folder_place), which also rules out the entries
placed elsewhere; then, among several, its own text (the title and the lines before the first
table) naming exactly one candidate's district, else city. A report that still fits several
entries is not published: an error at its title line names them (nothing under a wrong place).

A report without an entry is placed by its folder ("folder"), else by its name or else its text
through the gazetteer ("inferred"), else not ("", unplaced); reports of one name and one place
are one agency. Its level is read off its name where the name leaves no doubt.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from site_builder.exceptions import ReportError
from site_builder.load.agencies import ENTRY, AgencyBook, Entry
from site_builder.load.gazetteer import UNPLACED, Place
from site_builder.load.slugs import SLUG, Claim, assign
from site_builder.model import Agency, Diagnostic, Report

# the codes of the Site's warnings that follow from agencies.toml and the agencies' names and places alone
IDENTITY_WARNINGS = frozenset({ENTRY, SLUG})
PREAMBLE_LINES = 40  # at most this many lines after the title are read for the report's place
# the gazetteer reads the first this many characters of it (a report names its place, if at all,
# in its title and first lines; cpca's cost grows with the text: ~0.2 ms for 600 characters)
INFER_CHARS = 200


class Placed(NamedTuple):
    agency_of: dict[str, Agency]  # report path -> agency (the reports that can be published)
    unplaceable: list[ReportError]  # reports that fit several entries: not published
    warnings: list[Diagnostic]  # slugs that needed a suffix
    read_text: frozenset[str]  # the reports whose preamble was read to place them


def preamble(report: Report) -> str:
    """The report's lines up to its title and on to its first table (a line of cells), at most
    PREAMBLE_LINES past the title: where a report says whose it is."""
    lines, title = report.lines, report.title_line
    head = "\n".join(lines[:title])
    after = "\n".join(lines[title : title + PREAMBLE_LINES]) if len(lines) > title else None
    cut = after.find("\t") if after is not None else -1  # (found in C: line by line costs 15 µs a report)
    if cut >= 0:
        end = after.rfind("\n", 0, cut)
        after = after[:end] if end >= 0 else None
    return head if after is None else f"{head}\n{after}"


def place_reports(reports: list[Report], book: AgencyBook) -> Placed:
    folder_places: dict[str, Place] = {}  # folder of a cite path -> its place (a province has few)
    chosen: dict[str, Entry] = {}
    loose: list[tuple[Report, Place]] = []  # reports of no entry, with their folder's place
    unplaceable: list[ReportError] = []
    read_text: list[str] = []
    for r in reports:
        path = r.path
        place, candidates = _folder_and_candidates(r, book, folder_places)
        if len(candidates) == 1:
            chosen[path] = candidates[0]
        elif not candidates:
            loose.append((r, place))
        else:
            read_text.append(path)
            entry = _named_in_text(candidates, preamble(r))
            if entry is not None:
                chosen[path] = entry
            else:
                unplaceable.append(ReportError(path, r.title_line, _undecided(r.agency, candidates, place)))
    loose_places, by_text = _loose_places(loose, book.gazetteer)
    return _agencies(reports, book, chosen, loose_places, unplaceable, frozenset(read_text).union(by_text))


def _folder_and_candidates(r: Report, book: AgencyBook, folder_places: dict[str, Place]):
    """The place of the report's folder, and the entries of its name that fit it."""
    path = r.path
    folder = path[: path.rfind("/")]
    place = folder_places.get(folder)
    if place is None:
        parts = tuple(folder.split("/")[1:])  # (the folders under reports/)
        place = folder_places[folder] = book.gazetteer.folder_place(parts) if parts else UNPLACED
    candidates = book.candidates(r.agency)
    if candidates and place.placed:
        candidates = tuple(e for e in candidates if _fits(e, place))
    return place, candidates


def placed_alike(book: AgencyBook, before: Report, after: Report) -> bool:
    """Whether an edit of a report that its text placed (Site.placed_by_text) leaves it where it
    was: the same one of its entries named, or the same place read by the gazetteer. (The dev
    server's edit keeps the last Site's agencies only then.)"""
    text, now = preamble(before), preamble(after)
    if text == now:
        return True
    _place, candidates = _folder_and_candidates(before, book, {})
    if len(candidates) > 1:
        return _named_in_text(candidates, text) is _named_in_text(candidates, now)
    was, is_ = book.gazetteer.infer([text[:INFER_CHARS], now[:INFER_CHARS]])
    return was == is_


def _fits(entry: Entry, place: Place) -> bool:
    """Whether an entry is where a folder says (an entry without a province is anywhere)."""
    if not entry.province:
        return True
    return all(not want or want == have for want, have in zip(place, entry.place))


def _named_in_text(candidates: tuple[Entry, ...], text: str) -> Entry | None:
    """The one candidate whose district the text names, else whose city it names; None when
    none or several are."""
    for unit in ("district", "city"):
        hits = [e for e in candidates if getattr(e, unit) and getattr(e, unit) in text]
        if len(hits) == 1:
            return hits[0]
        if hits:
            return None  # several named: the text does not tell
    return None


def _undecided(name: str, candidates: tuple[Entry, ...], place: Place) -> str:
    which = "; ".join(f"'{e.key}': {e.place if e.place.placed else 'no place'}" for e in candidates)
    folder = f"its folder ({place})" if place.placed else "its folder"
    return (f"'{name}' is the name (or an alias) of {len(candidates)} entries of agencies.toml ({which}), and neither "
            f"{folder} nor its text before the first table tells which: it is not published. Put it under "
            "content/reports/<province>/<city>/<district>/ of its agency")


def _loose_places(loose: list[tuple[Report, Place]], gazetteer) -> tuple[dict, dict[str, Place]]:
    """(name, place) -> (place source, its reports) for the reports of no entry; and the places
    read from reports' texts (path -> place)."""
    need = [r for r, place in loose if not place.placed]
    names = sorted({r.agency for r in need})
    by_name = dict(zip(names, gazetteer.infer(names))) if names else {}
    need = [r for r in need if not by_name[r.agency].placed]
    by_text = dict(zip((r.path for r in need), gazetteer.infer([preamble(r)[:INFER_CHARS] for r in need]))) if need else {}
    out: dict[tuple[str, Place], tuple[str, list[Report]]] = {}
    for r, place in loose:
        source = "folder"
        if not place.placed:
            place = by_name[r.agency] if by_name[r.agency].placed else by_text[r.path]
            source = "inferred" if place.placed else ""
        key = (r.agency, place)
        if key in out:
            was, group = out[key]
            out[key] = ("folder" if "folder" in (was, source) else source, group)  # (the folder wins: any order)
            group.append(r)
        else:
            out[key] = (source, [r])
    return out, by_text


def _agencies(reports: list[Report], book: AgencyBook, chosen: dict[str, Entry], loose: dict,
              unplaceable: list[ReportError], read_text: frozenset[str]) -> Placed:
    # Every entry claims its slug, reports or not: an entry's derived slug does not depend on
    # which of its homonyms have reports this build.
    claims: dict[object, Claim] = {e: Claim(e.name, e.place, e.slug, "agencies.toml", e.line, entry=True)
                                   for e in book.entries}
    for (name, place), (_source, group) in sorted(loose.items()):
        first = min(group, key=lambda r: r.path)
        claims[(name, place)] = Claim(name, place, "", first.path, first.title_line)
    slugs, warnings = assign(list(claims.values()), book.pinyin)
    made: dict[object, Agency] = {}
    agency_of: dict[str, Agency] = {}
    for path, e in chosen.items():
        agency = made.get(e)
        if agency is None:
            agency = made[e] = Agency(name=e.name, slug=slugs[claims[e]], district=e.district, city=e.city,
                                      level=e.level, website=e.website, province=e.province,
                                      place_source="entry" if e.province else "", aliases=e.aliases)
        agency_of[path] = agency
    for key, (source, group) in loose.items():
        name, place = key
        agency = Agency(name=name, slug=slugs[claims[key]], district=place.district, city=place.city,
                        level=level_of(name, place), known=False, province=place.province, place_source=source)
        for r in group:
            agency_of[r.path] = agency
    # (in the reports' order, whatever order the agencies were made in)
    agency_of = {r.path: agency_of[r.path] for r in reports if r.path in agency_of}
    return Placed(agency_of, unplaceable, warnings, read_text)


_TOWN = re.compile(r"(镇|乡|苏木)(人民政府)?$")
_ZONE = re.compile(r"((开发|高新|园|实验|示范|保税|试验)区(管委会|管理委员会)?|新区(管委会|管理委员会))$")
_DEPARTMENT = ("局", "厅", "委员会", "委", "办公室")
_GOVERNMENT = {1: "省级政府", 2: "市级政府", 3: "区县政府"}
_DEPARTMENTS = {1: "省级部门", 2: "市级部门", 3: "区县部门"}


def level_of(name: str, place: Place) -> str:
    """An agency's level (model.LEVELS) read off its name, where the name leaves no doubt: a
    街道, 乡镇 or zone by its suffix; a government (…人民政府) or a department (…局, …委员会)
    by the deepest unit of its place that the name itself writes (北京市东城区教育委员会: a
    district's department); "" otherwise."""
    if name.endswith(("街道办事处", "街道办", "街道")):
        return "街道"
    if _ZONE.search(name):
        return "功能区"
    if _TOWN.search(name):
        return "乡镇"
    if name.endswith(("省人民政府", "自治区人民政府")):
        return "省级政府"
    if name.endswith(("区人民政府", "县人民政府", "旗人民政府")):
        return "区县政府"
    depth = (3 if place.district and place.district in name
             else 2 if place.city and place.city != place.province and place.city in name
             else 1 if place.province and place.province in name else 0)
    if name.endswith("人民政府"):
        return _GOVERNMENT.get(depth, "")
    if name.endswith(_DEPARTMENT) and not name.endswith(("管委会", "管理委员会")):
        return _DEPARTMENTS.get(depth, "")
    return ""
