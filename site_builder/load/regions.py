"""The region tree: provinces -> cities -> districts, each with the agencies placed there.

An agency sits at the deepest place it names (a city's bureau with no district on the city's
node); a 直辖市 (its city is the province itself, or none) has its districts directly under it.
Agencies with no province sit on the unplaced node. Each node's slug is the pinyin of its name
(pinyin.Pinyin.region_slug); siblings whose slugs collide are told apart by a suffix made from
their own names, so a node's URL never depends on the order agencies were read.

The tree depends on the agencies alone (their names, places, levels and slugs): the dev server's
next Site, made after an edit of reports that adds or removes no agency, keeps it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from site_builder.load.pinyin import Pinyin
from site_builder.model import LEVELS, Agency

UNPLACED = "unplaced"  # the slug of the node of agencies with no place
# slugs a node may not take: the unplaced node's, and the pages' of a paginated node (…/page/2/)
RESERVED = (UNPLACED, "page")
_LEVEL_RANK = {level.zh: i for i, level in enumerate(LEVELS)}


@dataclass(eq=False)
class Region:
    path: tuple[str, ...]  # slugs from /regions/: () is the root, ("beijing-shi", "dongcheng-qu")
    names: tuple[str, ...]  # the names along the path: ("北京市", "东城区"); ("",) for unplaced
    agencies: list[Agency] = field(default_factory=list)  # placed here, by level (LEVELS order), then pinyin
    children: list["Region"] = field(default_factory=list)  # by pinyin of their names
    everyone: list[Agency] = field(default_factory=list)  # members(): a flat list, the pages add it up

    @property
    def name(self) -> str:
        return self.names[-1] if self.names else ""

    @property
    def unplaced(self) -> bool:
        return self.path[:1] == (UNPLACED,)

    def walk(self):
        """This node and every node under it, parents first, siblings in order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def members(self) -> list[Agency]:
        """Every agency of this node and the nodes under it, parents' first (made once, by build())."""
        return self.everyone


@dataclass(eq=False)
class RegionTree:
    root: Region
    by_path: dict[tuple[str, ...], Region]
    path_of: dict[str, tuple[str, ...]]  # agency slug -> the path of its node

    def crumbs(self, path: tuple[str, ...]) -> list[Region]:
        """The nodes from the root's first level down to `path`, inclusive."""
        return [self.by_path[path[:i]] for i in range(1, len(path) + 1)]

    def nodes(self) -> list[Region]:
        return list(self.root.walk())


def chain_of(agency: Agency) -> tuple[str, ...]:
    """The names of an agency's node from the top: (province, city, district), the city left
    out for a 直辖市 (city == province) or when not given; () when unplaced."""
    if not agency.province:
        return ()
    names = [agency.province]
    if agency.city and agency.city != agency.province:
        names.append(agency.city)
    if agency.district and agency.district not in names:
        names.append(agency.district)
    return tuple(names)


def level_rank(level: str) -> tuple[int, str]:
    """LEVELS order; a level outside it after them (by name); no level last."""
    if level in _LEVEL_RANK:
        return (_LEVEL_RANK[level], "")
    return (len(LEVELS), level) if level else (len(LEVELS) + 1, "")


def build(agencies, pinyin: Pinyin) -> RegionTree:
    """The tree of `agencies` (any order: the tree is the same)."""
    root = Region((), ())
    # names along a path -> node, made as agencies name them; slugs given once all are known
    by_names: dict[tuple[str, ...], Region] = {(): root}
    unplaced = None
    # (sorted once: each node's agencies come out in its order)
    key = pinyin.sort_key
    for a in sorted(agencies, key=lambda a: (level_rank(a.level), key(a.name), a.slug)):
        names = chain_of(a)
        if not names:
            if unplaced is None:
                unplaced = Region((UNPLACED,), ("",))
            unplaced.agencies.append(a)
            continue
        node = by_names.get(names)
        if node is None:
            for i in range(1, len(names) + 1):
                if names[:i] not in by_names:
                    child = by_names[names[:i]] = Region((), names[:i])
                    by_names[names[:i - 1]].children.append(child)
            node = by_names[names]
        node.agencies.append(a)
    by_path: dict[tuple[str, ...], Region] = {}
    _name_children(root, (), pinyin, by_path)
    if unplaced is not None:
        root.children.append(unplaced)
        by_path[unplaced.path] = unplaced
    for node in reversed(list(root.walk())):  # (children before their parents)
        node.everyone = node.agencies + [a for c in node.children for a in c.everyone]
    path_of: dict[str, tuple[str, ...]] = {}
    for node in by_path.values():
        for a in node.agencies:
            path_of[a.slug] = node.path
    return RegionTree(root, by_path, path_of)


def _name_children(node: Region, path: tuple[str, ...], pinyin: Pinyin, by_path: dict) -> None:
    node.path = path
    by_path[path] = node
    slugs = sibling_slugs([c.name for c in node.children], pinyin)
    node.children.sort(key=lambda c: (pinyin.sort_key(c.name), slugs[c.name]))
    for child in node.children:
        _name_children(child, path + (slugs[child.name],), pinyin, by_path)


def sibling_slugs(names: list[str], pinyin: Pinyin) -> dict[str, str]:
    """Each sibling's slug: its name's pinyin; where two or more siblings' pinyin is the same
    (homophones, 安青坪镇 / 安青平镇), the first by code point keeps it and each other gets a
    suffix of its name's hash; a reserved slug always gets one."""
    by_slug: dict[str, list[str]] = {}
    for name in sorted(set(names)):
        by_slug.setdefault(pinyin.region_slug(name), []).append(name)
    out = {}
    for slug, same in by_slug.items():
        for i, name in enumerate(same):
            plain = i == 0 and slug not in RESERVED
            out[name] = slug if plain else f"{slug}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:6]}"
    return out


def moved(old: RegionTree, new: RegionTree) -> bool:
    """Whether a node of both trees (by its names) has another URL in `new`: the pages that link
    it (an agency's breadcrumb) change although their agencies did not."""
    old_paths = {n.names: n.path for n in old.by_path.values()}
    return any(old_paths.get(n.names, n.path) != n.path for n in new.by_path.values())
