"""The parse cache's pack files: a pack per batch of reports, every report found again by its
key, damaged or missing packs handled, other parser versions dropped, small packs merged, and
builds that share a cache folder safe from each other."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from site_builder.load import cache as cache_mod
from site_builder.load.cache import ReportCache, decode, encode, file_hash, report_key
from site_builder.load.loader import PARALLEL_MIN, cite_paths, load_site, report_files
from site_builder.tools.synth import generate, parse_years

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_digest import canonical  # noqa: E402


def site_lines(site) -> list[str]:
    return [line for r in site.reports for line in canonical(r)] + [line for e in site.errors for line in canonical(e)]


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    folder = tmp_path_factory.mktemp("packs") / "content"
    generate(folder, agencies=8, years=parse_years("2014-2024"), seed=7, reports=PARALLEL_MIN + 40, broken_rate=0.2)
    return folder


@pytest.fixture(scope="module")
def want(content):
    return site_lines(load_site(content, jobs=1))


def packs(root: Path) -> list[Path]:
    return sorted((root / "packs").rglob("*.pack"))


def keys_of(content: Path) -> list[str]:
    files = report_files(content)
    return [report_key(file_hash(f.read_bytes()), c) for f, c in zip(files, cite_paths(files, content))]


def test_a_cold_parallel_load_writes_a_pack_per_chunk_and_every_report_is_found(content, want, tmp_path):
    root = tmp_path / "cache"
    assert site_lines(load_site(content, cache=ReportCache(root), jobs=2)) == want
    files = report_files(content)
    written = packs(root)
    assert 1 < len(written) < len(files) // 4  # a few dozen reports a pack, not a file each
    assert not list(root.rglob(".*"))  # no temporary file left behind
    warm = ReportCache(root)
    assert len(warm) == len(files)
    for key in keys_of(content):
        assert warm.get(key) is not None
    assert warm.hits == len(files) and warm.misses == 0
    again = ReportCache(root)
    assert site_lines(load_site(content, cache=again, jobs=2)) == want
    assert again.hits == len(files) and again.misses == 0
    assert packs(root) == written  # a warm load writes nothing


def test_a_cache_entry_read_back_is_the_report(content):
    files = report_files(content)
    from site_builder.load.loader import _parse_one

    root_results = [_parse_one(f, content)[1] for f in files[:10]]
    cache = ReportCache(content.parent / "roundtrip")
    items = [(f"k{i}", encode(r)) for i, r in enumerate(root_results)]
    cache.put_many(items)
    fresh = ReportCache(content.parent / "roundtrip")
    for i, r in enumerate(root_results):
        assert canonical(fresh.get(f"k{i}")) == canonical(r)
    assert fresh.get("nope") is None and fresh.misses == 1


def test_a_pack_cut_short_is_dropped_and_its_reports_parsed_again(content, want, tmp_path):
    root = tmp_path / "cache"
    load_site(content, cache=ReportCache(root), jobs=2)
    victim = packs(root)[0]
    whole = victim.read_bytes()
    victim.write_bytes(whole[: len(whole) // 2])
    again = ReportCache(root)
    assert site_lines(load_site(content, cache=again, jobs=2)) == want
    assert again.misses > 0
    # dropped, and its chunk, parsed again, stored as the same pack (named by its header)
    assert victim.read_bytes() == whole
    third = ReportCache(root)
    assert site_lines(load_site(content, cache=third, jobs=2)) == want
    assert third.misses == 0


@pytest.mark.parametrize("garbage", [b"", b"not a pack at all", cache_mod._PACK_MAGIC + b"\xff\xff\xff\x7f"])
def test_a_file_that_is_no_pack_is_dropped(content, want, tmp_path, garbage):
    root = tmp_path / "cache"
    load_site(content, cache=ReportCache(root), jobs=2)
    bad = packs(root)[0].parent / ("0" * 32 + ".pack")
    bad.write_bytes(garbage)
    again = ReportCache(root)
    assert site_lines(load_site(content, cache=again, jobs=2)) == want
    assert again.misses == 0 and not bad.exists()


def test_a_damaged_entry_is_stored_again_in_a_newer_pack_that_wins(content, want, tmp_path):
    root = tmp_path / "cache"
    load_site(content, cache=ReportCache(root), jobs=2)
    victim = packs(root)[0]
    table = cache_mod._read_header(str(victim))
    data = bytearray(victim.read_bytes())
    _key, offset, length = table[0]
    data[offset:offset + length] = b"\x00" * length  # the first entry's bytes zeroed, the size kept
    victim.write_bytes(bytes(data))
    again = ReportCache(root)
    assert site_lines(load_site(content, cache=again, jobs=2)) == want
    assert again.misses == 1
    third = ReportCache(root)
    assert site_lines(load_site(content, cache=third, jobs=2)) == want
    assert third.misses == 0


def test_a_pack_deleted_by_another_build_is_a_miss_not_a_crash(content, tmp_path):
    root = tmp_path / "cache"
    load_site(content, cache=ReportCache(root), jobs=2)
    reader = ReportCache(root)
    assert len(reader) > 0  # index read
    for p in packs(root):
        p.unlink()
    assert all(reader.get(k) is None for k in keys_of(content))


def test_two_builds_storing_the_same_reports_write_one_pack(tmp_path):
    from site_builder.exceptions import ReportError

    items = [("a" * 32, encode(ReportError("reports/x.txt", 3, "broken"))),
             ("b" * 32, encode(ReportError("reports/y.txt", None, "empty")))]
    ReportCache(tmp_path).put_many(items)
    ReportCache(tmp_path).put_many(items)
    assert len(packs(tmp_path)) == 1
    assert not [p for p in (tmp_path / "packs").rglob("*") if p.name.startswith(".")]
    back = ReportCache(tmp_path).get("a" * 32)
    assert (back.path, back.line, back.message) == ("reports/x.txt", 3, "broken")


def test_a_parser_change_starts_a_new_folder_and_drops_the_old(content, want, tmp_path, monkeypatch):
    root = tmp_path / "cache"
    load_site(content, cache=ReportCache(root), jobs=2)
    (old,) = (root / "packs").iterdir()
    monkeypatch.setattr(cache_mod, "parser_version", lambda: "f" * 32)
    changed = ReportCache(root)
    assert len(changed) == 0
    assert site_lines(load_site(content, cache=changed, jobs=2)) == want
    assert [p.name for p in (root / "packs").iterdir()] == ["f" * 32]
    assert not old.exists()


def test_small_packs_are_merged_into_one(content, want, tmp_path):
    root = tmp_path / "cache"
    files = report_files(content)
    cites = cite_paths(files, content)
    # one pack per report, as a dev server's rebuilds write them
    from site_builder.load.loader import _parse_one

    for f, c in zip(files, cites):
        digest, result = _parse_one(f, content, c)
        ReportCache(root).put(report_key(digest, c), result)
    assert len(packs(root)) == len(files)
    merging = ReportCache(root)
    assert site_lines(load_site(content, cache=merging, jobs=2)) == want
    assert merging.misses == 0
    assert len(packs(root)) == 1
    after = ReportCache(root)
    assert site_lines(load_site(content, cache=after, jobs=2)) == want
    assert after.hits == len(files) and after.misses == 0


def test_an_empty_cache_is_not_looked_up_and_a_load_in_order_writes_packs(content, want, tmp_path):
    root = tmp_path / "cache"
    cold = ReportCache(root)
    assert len(cold) == 0
    assert site_lines(load_site(content, cache=cold, jobs=1)) == want
    assert cold.hits == 0 and cold.misses == 0  # nothing was looked up
    n = len(report_files(content))
    assert len(packs(root)) == -(-n // 64)
    warm = ReportCache(root)
    assert site_lines(load_site(content, cache=warm, jobs=1)) == want
    assert warm.hits == n


def test_decode_rejects_what_is_no_entry():
    for data in (b"", b"Z", b"M\x00\x01"):
        with pytest.raises(Exception):
            decode(data)


def test_a_cache_that_cannot_be_written_leaves_the_load_as_it_is(content, want, tmp_path):
    root = tmp_path / "not-a-folder"
    root.write_text("a file where the cache folder should be")
    cache = ReportCache(root)
    assert cache.put_many([("a" * 32, b"M")]) is False
    assert site_lines(load_site(content, cache=ReportCache(root), jobs=2)) == want
    assert site_lines(load_site(content, cache=ReportCache(root), jobs=1)) == want
