"""Every agency's slug (its permanent URL), decided over all of them at once so that it never
depends on the order reports were read.

An explicit slug (agencies.toml) is used as is. A derived one is the pinyin of the name; agencies
without an explicit slug that share a name (two 城关镇) each get their place appended (district,
else city, else province: cheng-guan-zhen-yu-zhong-xian). A derived slug that is still taken
twice (homophones: 安青坪镇 / 安青平镇 both make an-qing-ping-zhen), or that is an explicit or a
reserved one, gets a suffix made from the agency's name and place (the same whatever else the
site holds), with a warning to pin a slug in agencies.toml; when one of those taking it twice
is an agencies.toml entry and the others are agencies without one, the entry keeps it.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

from site_builder.load.agencies import RESERVED_SLUGS
from site_builder.load.gazetteer import Place
from site_builder.load.pinyin import Pinyin
from site_builder.model import Diagnostic

SLUG = "slug"  # the code of the warning about a suffixed slug


class Claim(NamedTuple):
    """An agency that wants a slug: who it is (name and place), its explicit slug ("" to derive
    one), and where a warning about it points (its entry's line, or its first report's title)."""

    name: str
    place: Place
    explicit: str
    path: str
    line: int | None
    entry: bool = False  # an agencies.toml entry's (it keeps a contested derived slug from agencies without one)


def assign(claims: list[Claim], pinyin: Pinyin | None = None) -> tuple[dict[Claim, str], list[Diagnostic]]:
    """claim -> slug, unique over all of them; a warning per group of agencies that needed a suffix.
    `pinyin`: the names' pinyin, remembered from build to build (the AgencyBook's)."""
    slug_of = (pinyin if pinyin is not None else Pinyin()).agency_slug

    slugs: dict[Claim, str] = {c: c.explicit for c in claims if c.explicit}
    taken = set(slugs.values())
    derived = sorted((c for c in claims if not c.explicit), key=lambda c: (c.name, c.place))
    by_name: dict[str, list[Claim]] = {}
    for c in derived:
        by_name.setdefault(c.name, []).append(c)
    wanted: dict[str, list[Claim]] = {}  # slug -> the claims that want it
    for name, group in by_name.items():
        base = slug_of(name)
        for c in group:
            slug = base
            if len(group) > 1:
                unit = c.place.district or c.place.city or c.place.province
                if unit:
                    slug = f"{base}-{slug_of(unit)}"
            wanted.setdefault(slug, []).append(c)
    warnings = []
    clashing = []
    for slug, group in sorted(wanted.items()):
        if len(group) == 1 and slug not in taken and slug not in RESERVED_SLUGS:
            slugs[group[0]] = slug
            taken.add(slug)
        else:
            clashing.append((slug, group))
    kept: dict[str, Claim] = {}
    for slug, group in clashing:
        # one entry among agencies without one keeps the slug: a report of a homophone that has
        # no entry does not move the page of an agency agencies.toml lists
        entries = [c for c in group if c.entry]
        if len(entries) == 1 and slug not in taken and slug not in RESERVED_SLUGS:
            kept[slug] = entries[0]
            slugs[entries[0]] = slug
            taken.add(slug)
    for slug, group in clashing:  # (after every unsuffixed slug is taken: a suffix never takes one)
        made = []
        for c in group:
            if kept.get(slug) is c:
                made.append(slug)
                continue
            digest = hashlib.sha1(f"{c.name}\t{c.place.province}\t{c.place.city}\t{c.place.district}".encode("utf-8")).hexdigest()
            size = 6
            while f"{slug}-{digest[:size]}" in taken:
                size += 2
            slugs[c] = f"{slug}-{digest[:size]}"
            taken.add(slugs[c])
            made.append(slugs[c])
        warnings.append(_warning(slug, group, made))
    return slugs, warnings


def _warning(slug: str, group: list[Claim], made: list[str]) -> Diagnostic:
    first = group[0]
    who = _listed([f"'{c.name}'" + (f" ({c.place})" if c.place.placed else "") for c in group])
    if len(group) == 1:
        why = "is an explicit slug in agencies.toml" if slug not in RESERVED_SLUGS else "is reserved for the site's own pages"
        text = f"the slug '{slug}' of {who} {why}: it is built as '{made[0]}'"
    else:
        text = (f"{who} {'both' if len(group) == 2 else 'all'} make the slug '{slug}': they are built as "
                + _listed([f"'{s}'" for s in made]))
    return Diagnostic(first.path, first.line, text + "; pin a slug for each in content/agencies.toml "
                      "(slug = \"...\") so that these addresses never change", code=SLUG)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
