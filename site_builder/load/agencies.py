"""content/agencies.toml read and checked into an AgencyBook (its entries by the names reports
print)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# tomli, not the standard library's tomllib (the same parser, vendored): tomli's wheels are
# compiled (mypyc), ~3x faster on a province's agencies.toml (0.08 s, not 0.24 s, for 4,000
# entries), with the same results and messages
import tomli as tomllib

from site_builder.exceptions import SiteBuilderError
from site_builder.load.gazetteer import Gazetteer, Place
from site_builder.load.pinyin import Pinyin
from site_builder.model import LEVELS, Agency, Diagnostic

_SLUG_OK = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


RESERVED_SLUGS = ("initial", "page")  # /agencies/initial/<letter>/, /agencies/page/<n>/: the site's own
FIELDS = ("slug", "name", "aliases", "province", "city", "district", "level", "website")
LEVEL_NAMES = tuple(level.zh for level in LEVELS)
ENTRY = "agency_entry"  # the code of a Diagnostic about an agencies.toml entry


@dataclass(frozen=True)
class Entry:
    """One `[agencies."<key>"]` of agencies.toml: the key is the entry's id, `name` the name its
    reports print (two 城关镇 are two entries of one name); `slug` "" when it is to be derived."""

    key: str
    name: str
    slug: str
    aliases: tuple[str, ...]
    province: str
    city: str
    district: str
    level: str
    website: str
    line: int | None  # of its [agencies."<key>"] header

    @property
    def place(self) -> Place:
        return Place(self.province, self.city, self.district)


class AgencyBook:
    """agencies.toml, checked: its entries by every name their reports may print (a name may be
    several entries': homonyms in different places), the diagnostics of the entries it left out,
    the gazetteer that places agencies (shared by copies of the book, as is what it inferred) and
    the pinyin of names (agencies' derived slugs; the Site assembled with the book reads its
    regions and initials from it too)."""

    def __init__(self, entries: list[Entry], diagnostics: list[Diagnostic] | None = None,
                 gazetteer: Gazetteer | None = None, pinyin: Pinyin | None = None):
        self.entries = tuple(entries)
        self.diagnostics = tuple(diagnostics or ())
        self.gazetteer = gazetteer or Gazetteer()
        named: dict[str, list[Entry]] = {}
        for e in self.entries:
            for name in dict.fromkeys((e.name, *e.aliases)):
                named.setdefault(name, []).append(e)
        self._named = {name: tuple(es) for name, es in named.items()}
        self.pinyin = pinyin if pinyin is not None else Pinyin()

    @classmethod
    def load(cls, path: Path, previous: "AgencyBook | None" = None) -> "AgencyBook":
        """The book of agencies.toml at `path` (none: an empty book). A TOML syntax error stops
        the build; an entry that is wrong (unknown field, province or level, a bad, reserved or
        shared slug) is left out with a Diagnostic at its line, and its reports build as
        agencies without an entry. `previous`: the book this one replaces (the dev server's),
        whose gazetteer and pinyin it keeps (what they inferred and made does not depend on it)."""
        gazetteer = previous.gazetteer if previous is not None else Gazetteer()
        pinyin = previous.pinyin if previous is not None else Pinyin()
        if not path.exists():
            return cls([], gazetteer=gazetteer, pinyin=pinyin)
        text = path.read_text(encoding="utf-8")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SiteBuilderError(f"{path}: {exc}") from None
        checker = _Checker(path.name, text, gazetteer)
        table = data.get("agencies") or {}
        if not isinstance(table, dict):
            checker.problem(None, None, "`agencies` must be a table of [agencies.\"<name>\"] entries")
            table = {}
        entries = [e for key, raw in table.items() if (e := checker.entry(key, raw)) is not None]
        entries = checker.without_twins(checker.without_shared_slugs(entries))
        return cls(entries, checker.diagnostics, gazetteer, pinyin)

    def candidates(self, name: str) -> tuple[Entry, ...]:
        """The entries whose name or alias is `name` (once per report: a dict lookup)."""
        return self._named.get(name, ())


class _Checker:
    """Each entry of agencies.toml checked, with its diagnostics at the lines of the text."""

    def __init__(self, cite: str, text: str, gazetteer: Gazetteer):
        self.cite = cite
        self.gazetteer = gazetteer
        self.diagnostics: list[Diagnostic] = []
        self.lines, self.entries = _entry_lines(text)

    def line(self, key: str | None, field: str | None) -> int | None:
        """The line of the entry's field, else of its header; None when not found in the text."""
        header, end = self.entries.get(key, (None, 0)) if key is not None else (None, 0)
        if header is None or not field:
            return header
        # (its fields are looked for only when a message names one: most entries are fine)
        for number in range(header + 1, end + 1):
            f = _FIELD.match(self.lines[number - 1])
            if f and f.group(1).strip("\"'") == field:
                return number
        return header

    def problem(self, key: str | None, field: str | None, message: str) -> None:
        line = self.line(key, field)
        where = f"agency entry '{key}': " if key is not None else ""
        self.diagnostics.append(Diagnostic(self.cite, line, where + message, code=ENTRY))

    def entry(self, key: str, raw) -> Entry | None:
        if not isinstance(raw, dict):
            self.problem(key, None, "must be a table of fields (slug, name, province ...); the entry is left out")
            return None
        unknown = [f for f in raw if f not in FIELDS]
        if unknown:
            self.problem(key, unknown[0], f"unknown field '{unknown[0]}' (the fields are {', '.join(FIELDS)}); "
                                          "the entry is left out")
            return None
        for f, value in raw.items():
            ok = (isinstance(value, list) and all(isinstance(v, str) for v in value)) if f == "aliases" \
                else isinstance(value, str)
            if not ok:
                kind = "a list of strings" if f == "aliases" else "a string"
                self.problem(key, f, f"field '{f}' must be {kind}; the entry is left out")
                return None
        province, level, slug = raw.get("province", ""), raw.get("level", ""), raw.get("slug", "")
        if province and self.gazetteer.province(province) != province:
            full = self.gazetteer.province(province)
            hint = f" (write '{full}')" if full else ""
            self.problem(key, "province", f"province '{province}' is not one of China's 34 provincial-level "
                                          f"divisions{hint}; the entry is left out")
            return None
        if level and level not in LEVEL_NAMES:
            self.problem(key, "level", f"level '{level}' is not one of {', '.join(LEVEL_NAMES)}; the entry is left out")
            return None
        if slug and not _SLUG_OK.match(slug):
            self.problem(key, "slug", f"slug '{slug}' must be lowercase ASCII letters, digits and hyphens; "
                                      "the entry is left out")
            return None
        if slug in RESERVED_SLUGS:
            self.problem(key, "slug", f"slug '{slug}' is reserved for the site's own pages (/agencies/{slug}/...); "
                                      "the entry is left out")
            return None
        city = raw.get("city", "")
        if province and not city and self.gazetteer.is_municipality(province):
            city = province  # a 直辖市 is its own city
        header = self.entries.get(key, (None, 0))[0]
        return Entry(key=key, name=raw.get("name") or key, slug=slug, aliases=tuple(raw.get("aliases", ())),
                     province=province, city=city, district=raw.get("district", ""), level=level,
                     website=raw.get("website", ""), line=header)

    def without_shared_slugs(self, entries: list[Entry]) -> list[Entry]:
        """The entries less those that claim one explicit slug with another (all of them left
        out: which one it belongs to is the maintainer's to say)."""
        claims: dict[str, list[Entry]] = {}
        for e in entries:
            if e.slug:
                claims.setdefault(e.slug, []).append(e)
        shared = {slug: es for slug, es in claims.items() if len(es) > 1}
        for slug, es in shared.items():
            for e in es:
                others = " and ".join(f"'{o.key}'" + (f" (line {n})" if (n := self.line(o.key, "slug")) else "")
                                      for o in es if o is not e)
                self.problem(e.key, "slug", f"slug '{slug}' is claimed by {others} too; both are left out"
                             if len(es) == 2 else f"slug '{slug}' is claimed by {others} too; all are left out")
        return [e for e in entries if e.slug not in shared]


    def without_twins(self, entries: list[Entry]) -> list[Entry]:
        """The entries less those that share a printed name (name or alias) and a place with
        another (one agency listed twice, or two that nothing could tell apart: a report printing
        that name would fit both): all of those left out."""
        by_name: dict[tuple, list[Entry]] = {}
        for e in entries:
            for name in dict.fromkeys((e.name, *e.aliases)):
                by_name.setdefault((name, e.place), []).append(e)
        out = []
        for e in entries:
            twins = next(((name, group) for name in dict.fromkeys((e.name, *e.aliases))
                          if len(group := by_name[(name, e.place)]) > 1), None)
            if twins is None:
                out.append(e)
                continue
            name, group = twins
            others = " and ".join(f"'{o.key}'" + (f" (line {o.line})" if o.line else "") for o in group if o is not e)
            place = str(e.place) if e.place.placed else "no place"
            self.problem(e.key, None, f"shares the name '{name}' and the place ({place}) with {others}: one agency "
                                      "listed twice, or two that need their places; "
                                      f"{'both are' if len(group) == 2 else 'all are'} left out")
        return out


_HEADER = re.compile(r"^\s*\[\s*agencies\s*\.\s*(.+?)\s*\]\s*(?:#.*)?$")
_FIELD = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\s*=")


def _key(written: str) -> str | None:
    """A TOML key as written in a header, read: a plain quoted or bare key at once, anything else
    (escapes) by tomllib itself (~40 µs a call: a province's file has thousands of entries)."""
    if len(written) >= 2 and written[0] == written[-1] == '"' and "\\" not in written and '"' not in written[1:-1]:
        return written[1:-1]
    if len(written) >= 2 and written[0] == written[-1] == "'" and "'" not in written[1:-1]:
        return written[1:-1]
    if _BARE.match(written):
        return written
    try:
        return next(iter(tomllib.loads(f"{written} = 0")))
    except (tomllib.TOMLDecodeError, StopIteration):
        return None


_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _entry_lines(text: str) -> tuple[list[str], dict[str, tuple[int, int]]]:
    """The text's lines, and key -> (line of its [agencies."<key>"] header, last line of its
    fields: the line before the next header, or array line, opening with "["): tomllib gives no
    lines, so the headers are found in the text (a key is read by tomllib itself, escapes and
    all). An entry written another way (an inline table) has none: its messages name the file
    alone. Only the lines opening with "[" are matched here, a province's 20,000 entries' fields
    when a message names one (_Checker.line)."""
    lines = text.splitlines()
    # every line opening with "[" after whitespace (str.isspace is what a regex's \s matches)
    opening = [i for i, line in enumerate(lines) if line.lstrip().startswith("[")]
    out: dict[str, tuple[int, int]] = {}
    for n, i in enumerate(opening):
        m = _HEADER.match(lines[i])
        key = _key(m.group(1)) if m else None
        if key is not None:
            out.setdefault(key, (i + 1, opening[n + 1] if n + 1 < len(opening) else len(lines)))
    return lines, out


# A zone's administrative committee reports under its own name and under the zone's
# (平潭综合实验区管委会 / 平潭综合实验区): perhaps one agency, perhaps two; only an entry decides.
_COMMITTEE = ("管委会", "管理委员会")


def same_agency_suggestions(reports, agency_of: dict[str, Agency]) -> list[Diagnostic]:
    """A warning for each name printed by the reports that differs from another by a committee
    suffix ("X管委会" / "X管理委员会" / "X") when the two are built as two agencies without an
    entry for either: the build never merges them on its own, it says they may be one and how
    to make them one."""
    first: dict[str, object] = {}  # name as printed -> its first report (by path)
    for r in sorted(reports, key=lambda r: r.path):
        first.setdefault(r.agency, r)
    by_base: dict[str, list[str]] = {}
    for name in sorted(first):
        base = next((name[: -len(s)] for s in _COMMITTEE if name.endswith(s) and len(name) > len(s) + 1), name)
        by_base.setdefault(base, []).append(name)
    out = []
    for base, names in sorted(by_base.items()):
        if len(names) < 2:
            continue
        # the zone's own name when printed, else the first of the committee's names
        ref = base if base in names else names[0]
        b = agency_of[first[ref].path]
        for name in names:
            a = agency_of[first[name].path]
            if name == ref or a.slug == b.slug or (a.known and b.known):
                continue  # one agency by an entry, or two by the entries
            r = first[name]
            out.append(Diagnostic(
                r.path, r.title_line,
                f"'{name}' ({a.slug}) and '{ref}' ({b.slug}, {first[ref].path}) may be one agency, a committee "
                f"and its zone; they are built as two. If they are one, list '{name}' under the aliases of "
                f"'{ref}' in content/agencies.toml", code="same_agency"))
    return out
