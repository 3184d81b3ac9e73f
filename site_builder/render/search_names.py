"""The names index: every agency's names and place, written beside pagefind's index
(/pagefind/names/) so that the search box finds any agency by its name, a prefix of it or any
fragment of two characters or more, whatever word cut pagefind and the browser make.

Pagefind matches words, and the browser cuts a Chinese query into words with a dictionary that
does not know most agencies' names: among 20,000 agencies, 5% of the names found nothing.
static/js/search.js instead matches the query as a substring of each candidate's sources (its
name, its other names, and its name after its district or city: sources()), and finds the
candidates through a key, a run of the query's characters. Every two-character run of every
source is a key listing the agencies whose sources hold it. A key that too many agencies share
(more than MAX_AGENCIES, or a quarter of a shard's bytes: 政府, 街道) lists none: it is split
into the keys one character longer to its left (政府 -> 民政府 -> 人民政府 ...), and "^" + key
lists the agencies with a source that begins with it (those no longer key holds). search.js
looks up the run at the query's end, one character longer while it is split; a query that is
itself split lists those beginning with it ("^"), or, when even those are too many, asks for a
character more. A name is thus found whole, by a prefix, or by any fragment that fewer than
MAX_AGENCIES names hold.

The keys are spread over files by a hash of the key (FNV-1a over its code points, which
search.js computes the same way): names/meta.json says how many shards there are, names/<n>.json
holds {key: [agency, ...] or 0 (split)}, an agency as [url, name, [other names], province, city,
district, years]: years are its reports' as runs, "2011,2014-2024" (years_text()), so that a query
with a year (建国门 2024) links that year's report page as well as the agency. The number of shards is the smallest power of two that keeps every shard under
SHARD_BYTES, so a visitor downloads the small meta file and one shard per key a query asks for
(one, sometimes two or three), only once they type: at 20,000 synthetic agencies, 512 shards of
3.5–92 KB (median 30 KB), 17 MB in all, made in ~0.6 s of CPU.

Everything is sorted and written compactly: the same agencies give the same bytes. The index is
made from the search documents (search_docs.py: their `other_names` and `place`) in pagefind's
job, so it is written exactly when pagefind's index is (the search key decides; see search.py).
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from pathlib import Path

from site_builder.render.search_docs import SearchDoc

__all__ = ["NAMES_DIR", "MAX_AGENCIES", "SHARD_BYTES", "normalise", "entries", "years_text", "shard_of", "shards", "sources", "write_shards"]

NAMES_DIR = "names"  # inside the search index's folder
MAX_AGENCIES = 200  # a key shared by more agencies is split into longer keys
SHARD_BYTES = 100_000  # every shard file stays under this size (uncompressed)
KEY_CHARS = 2  # the shortest key: a query of one character is left to pagefind
_FNV_OFFSET, _FNV_PRIME = 2166136261, 16777619


def normalise(text: str) -> str:
    """What is compared: NFKC, lower case, no white space (search.js does the same to a query)."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def shard_of(key: str, count: int) -> int:
    """The shard holding `key`: FNV-1a (32 bits) over its code points, modulo the shard count."""
    return _fnv(key) % count


def _fnv(key: str) -> int:
    h = _FNV_OFFSET
    for ch in key:
        h = ((h ^ ord(ch)) * _FNV_PRIME) & 0xFFFFFFFF
    return h


def years_text(years) -> str:
    """Years as runs of consecutive ones, ascending: (2011, 2014, 2015, 2016) -> "2011,2014-2016"
    (an agency of eleven years costs 9 bytes, not 55; search.js reads it back)."""
    runs: list[list[int]] = []
    for y in sorted(set(years)):
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def entries(docs: list[SearchDoc]) -> list[list]:
    """The agencies of the documents, as the shards list them: [url, name, [other names],
    province, city, district, years], by url."""
    out = [[d.url, d.title, list(d.other_names), *(list(d.place) + ["", "", ""])[:3], years_text(d.years)]
           for d in docs if d.kind == "agency"]
    return sorted(out, key=lambda e: e[0])


def sources(entry: list) -> list[str]:
    """What a query is matched against, normalised: the agency's name, its other names, and its
    name after its nearest place, the district or else the city (榆中县城关镇: how one of many
    城关镇 is asked for). search.js makes the same list from an entry."""
    name, others, city, district = entry[1], entry[2], entry[4], entry[5]
    near = district or city
    texts = [name, *others, *([near + name] if near and not name.startswith(near) else [])]
    return list(dict.fromkeys(normalise(t) for t in texts))


def _too_many(held: list[int], sizes: list[int]) -> bool:
    return len(held) > MAX_AGENCIES or sum(sizes[i] for i in held) > SHARD_BYTES // 4


def _settle(lists: dict[str, list[int]], table: dict, sizes: list[int]) -> set[str]:
    """Put each key's agencies into the table, or 0 for those too many share; the keys split."""
    split = set()
    for key, held in lists.items():
        if _too_many(held, sizes):
            table[key] = 0
            split.add(key)
        else:
            table[key] = held
    return split


def _table(texts: list[list[str]], sizes: list[int]) -> dict[str, list[int] | int]:
    """key -> the positions of the agencies whose sources contain it (ascending), or 0: split
    (more than MAX_AGENCIES agencies or a quarter of a shard's bytes, `sizes` being each
    agency's encoded size).
    A split key K is followed by the keys one character longer to its left, and by "^K": the
    agencies with a source that begins with K (0 when too many do)."""
    n = KEY_CHARS
    lists: dict[str, list[int]] = defaultdict(list)
    for i, own in enumerate(texts):
        for key in {t[p : p + n] for t in own for p in range(len(t) - n + 1)}:
            lists[key].append(i)
    table: dict[str, list[int] | int] = {}
    split = _settle(lists, table, sizes)
    # where the split keys occur, (agency, source, position), moved one character left a level
    holders = sorted(set().union(*(lists[key] for key in split)))
    occurs = [(i, t, p) for i in holders for t in texts[i] for p in range(len(t) - n + 1) if t[p : p + n] in split]
    while occurs:
        longer: dict[str, set[int]] = defaultdict(set)
        starts: dict[str, set[int]] = defaultdict(set)
        moved = []
        for i, t, p in occurs:
            if p == 0:
                starts[t[:n]].add(i)
            else:
                longer[t[p - 1 : p + n]].add(i)
                moved.append((i, t, p - 1))
        for key, held in starts.items():
            table["^" + key] = 0 if _too_many(held, sizes) else sorted(held)
        n += 1
        split = _settle({key: sorted(held) for key, held in longer.items()}, table, sizes)
        occurs = [(i, t, p) for i, t, p in moved if t[p : p + n] in split]
    return table


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)  # (made once: 20,000 entries)


def _encode(value) -> bytes:
    return _JSON.encode(value).encode("utf-8")


def shards(docs: list[SearchDoc]) -> dict[str, bytes]:
    """The files of the names index: path (inside NAMES_DIR) -> bytes."""
    agencies = entries(docs)
    encoded = [_encode(e) for e in agencies]
    table = _table([sources(e) for e in agencies], [len(e) + 1 for e in encoded])
    # (a key's size in its shard: its name, its agencies and the JSON around them)
    sizes = {key: len(_encode(key)) + 2 + (1 if held == 0 else sum(len(encoded[i]) + 1 for i in held))
             for key, held in table.items()}
    hashes = {key: _fnv(key) for key in table}
    count = 1
    while True:
        totals = [2] * count
        for key, size in sizes.items():
            totals[hashes[key] % count] += size
        if max(totals) <= SHARD_BYTES or count >= len(table):
            break
        count *= 2
    files: dict[str, bytes] = {"meta.json": _encode({"shards": count, "agencies": len(agencies), "keys": len(table),
                                                     "min": KEY_CHARS})}
    parts: list[dict] = [{} for _ in range(count)]
    for key, held in table.items():
        parts[hashes[key] % count][key] = held
    for n, part in enumerate(parts):
        body = b",".join(_encode(key) + b":" + (b"0" if held == 0 else b"[" + b",".join(encoded[i] for i in held) + b"]")
                         for key, held in sorted(part.items()))
        files[f"{n}.json"] = b"{" + body + b"}"
    return files


def write_shards(folder: Path, files: dict[str, bytes]) -> dict[str, int]:
    """Write shards() into folder/NAMES_DIR/ (a folder it makes); each file's size."""
    target = Path(folder) / NAMES_DIR
    target.mkdir(parents=True)
    sizes = {}
    for name, data in files.items():
        (target / name).write_bytes(data)
        sizes[name] = len(data)
    return sizes
