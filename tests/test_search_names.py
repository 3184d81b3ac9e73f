"""The names index (site_builder/render/search_names.py): every agency's names and place in
small shards beside pagefind's index, byte for byte the same for the same agencies, answering a
full name, a prefix or a fragment of two characters or more with that agency — homonyms both,
each with its place. The browser's side (static/js/search.js) is tested in
test_search_names_browser.py; here `find` walks the shards as search.js does."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from site_builder.load.loader import load_site
from site_builder.render import search_names
from site_builder.render.search import build_index, site_documents
from site_builder.render.search_docs import SearchDoc
from site_builder.render.search_names import normalise, shard_of, shards, sources

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"


def agency(slug: str, name: str, others=(), place=("", "", ""), years=()) -> SearchDoc:
    return SearchDoc(url=f"/agencies/{slug}/", kind="agency", title=name, other_names=tuple(others), place=tuple(place),
                     years=tuple(years))


DOCS = [
    agency("jianguomen", "建国门街道", ["建国门街道办事处"], ("北京市", "北京市", "东城区"), (2011, 2024)),
    agency("chengguan-yuzhong", "城关镇", (), ("甘肃省", "兰州市", "榆中县")),
    agency("chengguan-yongdeng", "城关镇", (), ("甘肃省", "兰州市", "永登县")),
    agency("beihua", "北华区人民政府", ["北华区政府"], ("吉林省", "吉林市", "北华区")),
    agency("jiaoyu", "北京市教育委员会", ["北京市教委"], ("北京市", "北京市", "")),
    SearchDoc(url="/years/2024/", kind="year", title="2024年 各机构对照"),
]


def read(files: dict[str, bytes]) -> tuple[dict, list[dict]]:
    meta = json.loads(files["meta.json"])
    return meta, [json.loads(files[f"{n}.json"]) for n in range(meta["shards"])]


def find(files: dict[str, bytes], query: str) -> list[str] | None:
    """The urls search.js lists for a query, best first (None: too common to list)."""
    meta, parts = read(files)
    q = normalise(query)
    if len(q) < meta["min"]:
        return None

    def lookup(key):
        return parts[shard_of(key, meta["shards"])].get(key)

    start = len(q) - meta["min"]
    while True:
        found = lookup(q[start:])
        if found is None:
            return []
        if found != 0:
            break
        if start == 0:
            found = lookup("^" + q)
            if not isinstance(found, list):
                return None
            break
        start -= 1
    hits = []
    for entry in found:
        ranks = [(0 if t == q else 1 if t.startswith(q) else 2) * 3 + (0 if i == 0 else 1 if i <= len(entry[2]) else 2)
                 for i, t in enumerate(sources(entry)) if q in t]
        if ranks:
            hits.append((min(ranks), len(entry[1]), entry[1], *entry[3:6], entry[0]))
    return [url for *_, url in sorted(hits)]


def test_every_agency_is_in_the_shard_of_each_run_of_its_names():
    files = shards(DOCS)
    meta, parts = read(files)
    assert meta == {"shards": meta["shards"], "agencies": 5, "keys": meta["keys"], "min": 2}
    for d in DOCS[:-1]:
        entry = [d.url, d.title, list(d.other_names), *d.place, search_names.years_text(d.years)]
        for text in sources(entry):
            for i in range(len(text) - 1):
                key = text[i : i + 2]
                assert entry in parts[shard_of(key, meta["shards"])][key], (d.title, key)
    # the year's document is no agency
    assert not any("/years/2024/" in json.dumps(part) for part in parts)


def test_an_agency_is_found_by_its_name_an_alias_a_prefix_and_a_fragment():
    files = shards(DOCS)
    assert find(files, "建国门街道") == ["/agencies/jianguomen/"]
    assert find(files, "建国门街道办事处") == ["/agencies/jianguomen/"]  # the alias
    assert find(files, "建国门") == ["/agencies/jianguomen/"]  # a prefix
    assert find(files, "国门") == ["/agencies/jianguomen/"]  # a fragment inside the name
    assert find(files, "东城区建国门") == ["/agencies/jianguomen/"]  # after its district
    assert find(files, "北京市教委") == ["/agencies/jiaoyu/"]
    assert find(files, "北华区政府") == ["/agencies/beihua/"]
    # the name equal to the query first, then those beginning with it, then those holding it
    assert find(files, "北京市") == ["/agencies/jiaoyu/"]
    assert find(files, "政府") == ["/agencies/beihua/"]
    assert find(files, "东城区上海") == [] and find(files, "沪") is None  # (one character: pagefind's)


def test_homonyms_are_both_found_with_their_places_and_told_apart_by_their_districts():
    files = shards(DOCS)
    # (by place: 榆中县 before 永登县)
    assert find(files, "城关镇") == ["/agencies/chengguan-yuzhong/", "/agencies/chengguan-yongdeng/"]
    assert find(files, "榆中县城关镇") == ["/agencies/chengguan-yuzhong/"]
    assert find(files, "永登县城关镇") == ["/agencies/chengguan-yongdeng/"]
    _, parts = read(files)
    entries = {tuple(e[3:6]) for part in parts for e in part.get("城关", [])}
    assert entries == {("甘肃省", "兰州市", "榆中县"), ("甘肃省", "兰州市", "永登县")}


def test_a_key_too_many_agencies_share_is_split_to_its_left(monkeypatch):
    monkeypatch.setattr(search_names, "MAX_AGENCIES", 2)
    docs = [agency(f"a{i}", f"{c}东人民政府", (), ("", "", "")) for i, c in enumerate("甲乙丙")]
    docs.append(agency("z", "人民政府办公厅"))
    files = shards(docs)
    meta, parts = read(files)
    look = lambda key: parts[shard_of(key, meta["shards"])].get(key)  # noqa: E731
    assert look("政府") == 0 and look("民政府") == 0 and look("东人民政府") == 0  # four agencies hold them
    assert look("甲东人民政府") == [["/agencies/a0/", "甲东人民政府", [], "", "", "", ""]]
    assert look("^人民政府") == [["/agencies/z/", "人民政府办公厅", [], "", "", "", ""]]  # begins with it
    assert find(files, "乙东人民政府") == ["/agencies/a1/"]
    assert find(files, "人民政府办公厅") == ["/agencies/z/"]
    assert find(files, "人民政府") == ["/agencies/z/"]  # too common: those beginning with it
    assert find(files, "东人民政府") is None  # three begin with a character before it: too many to list


def test_each_entry_carries_its_agencys_report_years_as_runs():
    _, parts = read(shards(DOCS))
    jianguomen = next(e for part in parts for e in part.get("国门", []) if e[0] == "/agencies/jianguomen/")
    assert jianguomen == ["/agencies/jianguomen/", "建国门街道", ["建国门街道办事处"], "北京市", "北京市", "东城区", "2011,2024"]
    assert search_names.years_text([2016, 2014, 2015, 2011, 2024, 2023, 2011]) == "2011,2014-2016,2023-2024"
    assert search_names.years_text(range(2014, 2025)) == "2014-2024" and search_names.years_text(()) == ""
    # the seed site's agencies: their reports' years
    docs = site_documents(load_site(CONTENT))
    entries = {e[0]: e for e in search_names.entries(docs)}
    assert entries["/agencies/pingtan/"][6] == "2011,2016,2019,2021"
    assert all(e[6] for e in entries.values())  # every agency has a report


def test_the_same_agencies_give_the_same_bytes_in_any_order():
    files = shards(DOCS)
    shuffled = DOCS[:]
    random.Random(4).shuffle(shuffled)
    assert shards(shuffled) == files == shards(list(DOCS))
    assert all(b"\n" not in data and b" " not in data for data in files.values())  # compact
    changed = [agency("jianguomen", "建国门街道", ["建国门街道办事处", "建国门办"], ("北京市", "北京市", "东城区"), (2011, 2024)),
               *DOCS[1:]]
    assert shards(changed) != files
    another_year = [agency("jianguomen", "建国门街道", ["建国门街道办事处"], ("北京市", "北京市", "东城区"), (2011, 2023, 2024)),
                    *DOCS[1:]]
    assert shards(another_year) != files


def test_the_shards_stay_under_their_budget(monkeypatch):
    monkeypatch.setattr(search_names, "SHARD_BYTES", 2_000)
    rng = random.Random(7)
    syllables = "安平永庆龙明华新东西南北建国门兴和德"
    docs = [agency(f"a{i}", "".join(rng.choice(syllables) for _ in range(3)) + rng.choice(["镇", "街道", "乡"]),
                   (), ("河北省", "石家庄市", "长安区")) for i in range(300)]
    files = shards(docs)
    meta, _ = read(files)
    assert meta["shards"] > 1 and meta["shards"] & (meta["shards"] - 1) == 0  # a power of two
    assert max(len(data) for name, data in files.items() if name != "meta.json") <= 2_000
    for d in docs:
        assert find(files, d.title)[0] in {x.url for x in docs if x.title == d.title}, d.title


def test_the_seed_site_names_index_is_written_with_pagefind(tmp_path):
    docs = site_documents(load_site(CONTENT))
    build_index(tmp_path, docs)
    folder = tmp_path / "pagefind" / "names"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == shards(docs)
    assert (tmp_path / "pagefind" / "pagefind-entry.json").is_file()
    jianguomen = next(d for d in docs if d.url == "/agencies/jianguomen/")
    assert jianguomen.other_names == ("建国门街道办事处",) and jianguomen.place == ("北京市", "北京市", "东城区")
    assert find(shards(docs), "建国门")[0] == "/agencies/jianguomen/"


@pytest.mark.parametrize("text, expected", [("建国门　街道", "建国门街道"), ("ＡＢＣ局", "abc局"), (" 城关镇\n", "城关镇")])
def test_names_and_queries_are_compared_normalised(text, expected):
    assert normalise(text) == expected
