"""Pinyin of Chinese names: the derived slugs of agencies (建国门街道 -> jianguomen-jiedao), the URLs
of regions (东城区 -> dongcheng-qu) and the order and initial letter of agencies
(/agencies/initial/<letter>/)."""

from __future__ import annotations

import re

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# the administrative suffix of a region's name, longest first: written apart in its slug
# (北京市 -> beijing-shi, 内蒙古自治区 -> neimenggu-zizhiqu)
REGION_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "新区", "地区", "林区", "矿区",
                   "街道", "省", "市", "区", "县", "州", "盟", "旗", "镇", "乡")
OTHER_INITIAL = "other"  # a name whose pinyin does not start with a letter a-z


class Pinyin:
    """Toneless pinyin of names, remembered: a name's syllables are its segments' (pypinyin's
    phrase segmentation), and each segment is converted once. At 20,000 agency names this takes
    0.26 s where one lazy_pinyin() call per name took 2.4 s (most of it converting the same
    syllables' style again and again). The AgencyBook keeps one, for its agencies' slugs, and
    hands it to the Site it is assembled into (regions, initials); the dev server's next book
    inherits it (the result of a name never changes)."""

    def __init__(self) -> None:
        self._segments: dict[str, tuple[str, ...]] = {}
        self._names: dict[str, tuple[str, ...]] = {}
        self._slugs: dict[str, str] = {}
        self._agency_slugs: dict[str, str] = {}

    def syllables(self, name: str) -> tuple[str, ...]:
        """北京市 -> ("bei", "jing", "shi"); a run of other characters is kept as it is."""
        got = self._names.get(name)
        if got is None:
            # (imported here: ~0.3 s of imports and dictionaries, paid by the builds that need it)
            from pypinyin import Style, lazy_pinyin
            from pypinyin.core import seg

            out: list[str] = []
            memo = self._segments
            for part in seg(name):
                syl = memo.get(part)
                if syl is None:
                    syl = memo[part] = tuple(lazy_pinyin(part, style=Style.NORMAL, errors=lambda s: [s]))
                out.extend(syl)
            got = self._names[name] = tuple(s.lower().replace("ü", "v") for s in out)
        return got

    def agency_slug(self, name: str) -> str:
        """建国门街道 -> jianguomen-jiedao: the syllables joined by hyphens, lowercase ASCII (any
        other run of characters a hyphen), "agency" when none is left. A derived agency slug is
        a published URL: this is, to the byte, what "-".join(pypinyin.lazy_pinyin(name)) so
        treated always gave (syllables() is lazy_pinyin's conversion, segment by segment)."""
        got = self._agency_slugs.get(name)
        if got is None:
            text = "-".join(s for s in self.syllables(name) if s)
            got = self._agency_slugs[name] = _NOT_SLUG.sub("-", text).strip("-") or "agency"
        return got

    def sort_key(self, name: str) -> tuple[str, ...]:
        """Names in pinyin order (then by the name itself, for homophones)."""
        return (*self.syllables(name), "\0", name)

    def initial(self, name: str) -> str:
        """The letter a name is listed under: a-z, or OTHER_INITIAL."""
        syl = self.syllables(name)
        first = syl[0][:1] if syl and syl[0] else ""
        return first if "a" <= first <= "z" else OTHER_INITIAL

    def region_slug(self, name: str) -> str:
        """东城区 -> dongcheng-qu: the name's pinyin, its administrative suffix apart."""
        got = self._slugs.get(name)
        if got is None:
            got = self._slugs[name] = self._region_slug(name)
        return got

    def _region_slug(self, name: str) -> str:
        suffix = next((s for s in REGION_SUFFIXES if name.endswith(s) and len(name) > len(s)), "")
        stem = name[: len(name) - len(suffix)]
        parts = [_NOT_SLUG.sub("", "".join(self.syllables(p))) for p in (stem, suffix) if p]
        return "-".join(p for p in parts if p) or "region"


def by_initial(agencies, pinyin: Pinyin) -> dict[str, list]:
    """Initial letter -> its agencies in pinyin order, the letters a-z then OTHER_INITIAL."""
    out: dict[str, list] = {}
    for a in sorted(agencies, key=lambda a: (pinyin.sort_key(a.name), a.slug)):
        out.setdefault(pinyin.initial(a.name), []).append(a)
    return {k: out[k] for k in sorted(out, key=lambda k: (k == OTHER_INITIAL, k))}
