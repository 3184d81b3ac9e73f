"""Agency metadata from content/agencies.toml, and permanent ASCII slugs for agencies without an entry."""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from site_builder.exceptions import SiteBuilderError
from site_builder.model import Agency, Diagnostic

_SLUG_OK = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(name: str) -> str:
    """建国门街道 -> jianguomen-jiedao: pinyin without tones, ASCII, lowercase, hyphens."""
    # (imported here: ~0.4 s of imports, its dictionaries, paid only when an agency has no slug)
    from pypinyin import Style, lazy_pinyin

    parts = lazy_pinyin(name, style=Style.NORMAL, errors=lambda s: [s])
    text = "-".join(p for p in parts if p)
    text = text.lower().replace("ü", "v")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text or "agency"


class AgencyBook:
    """Looks up an agency by any of its names."""

    def __init__(self, agencies: list[Agency], aliases: dict[str, str]):
        self._by_name = {a.name: a for a in agencies}
        self._aliases = aliases
        self._derived: dict[str, Agency] = {}

    @classmethod
    def load(cls, path: Path) -> "AgencyBook":
        if not path.exists():
            return cls([], {})
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SiteBuilderError(f"{path}: {exc}") from None
        agencies: list[Agency] = []
        aliases: dict[str, str] = {}
        seen_slugs: dict[str, str] = {}
        for name, entry in (data.get("agencies") or {}).items():
            slug = entry.get("slug") or slugify(name)
            if not _SLUG_OK.match(slug):
                raise SiteBuilderError(f"{path}: agency {name!r}: slug {slug!r} must be lowercase ASCII letters, digits and hyphens")
            if slug in seen_slugs:
                raise SiteBuilderError(f"{path}: agencies {seen_slugs[slug]!r} and {name!r} share the slug {slug!r}")
            seen_slugs[slug] = name
            agencies.append(
                Agency(
                    name=name,
                    slug=slug,
                    district=entry.get("district", ""),
                    city=entry.get("city", ""),
                    level=entry.get("level", ""),
                    website=entry.get("website", ""),
                    province=entry.get("province", ""),
                    place_source="entry" if entry.get("province") else "",
                )
            )
            for alias in entry.get("aliases", []):
                aliases[alias] = name
        return cls(agencies, aliases)

    def find(self, name: str) -> Agency:
        canonical = self._aliases.get(name, name)
        if canonical in self._by_name:
            return self._by_name[canonical]
        if canonical not in self._derived:
            self._derived[canonical] = Agency(name=canonical, slug=self._free_slug(canonical), known=False)
        return self._derived[canonical]

    def _free_slug(self, name: str) -> str:
        """pypinyin slug, unless another agency already has it: homophones (e.g. 新区 and 信区)
        would otherwise overwrite each other's pages, so the later one gets a hash of its name."""
        slug = slugify(name)
        taken = {a.slug for a in self._by_name.values()} | {a.slug for a in self._derived.values()}
        if slug in taken:
            slug = f"{slug}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:6]}"
        return slug


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
