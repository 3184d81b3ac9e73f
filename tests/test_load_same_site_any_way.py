"""The load phase gives the same Site however it gets there: parsed in order, parsed on every
core, or read back from the parse cache; and a broken report among many is an error entry,
not a crashed process pool."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from site_builder.load.cache import ReportCache
from site_builder.exceptions import ReportError
from site_builder.load.loader import PARALLEL_MIN, load_site
from site_builder.tools.synth import generate, parse_years

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_digest import canonical  # noqa: E402

INVALID = Path(__file__).resolve().parent / "invalid"
INVALID_NAMES = ("future-year.txt", "truncated-table-3.txt", "binary.txt")


def site_lines(site) -> list[str]:
    out = []
    for r in site.reports:
        out += canonical(r)
        out.append(f"agency\t{site.agency_of[r.path]}")
    out += [l for e in site.errors for l in canonical(e)]
    out += [f"site warning\t{w}" for w in site.warnings]
    return out


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    folder = tmp_path_factory.mktemp("load") / "content"
    generate(folder, agencies=6, years=parse_years("2014-2024"), seed=3, reports=PARALLEL_MIN + 6, broken_rate=0.2)
    for name in INVALID_NAMES:
        shutil.copy(INVALID / name, folder / "reports" / name)
    return folder


def test_in_order_on_every_core_and_from_the_cache_alike(content, tmp_path):
    in_order = load_site(content, jobs=1)
    assert len(in_order.reports) == PARALLEL_MIN + 6
    assert sorted(e.path for e in in_order.errors) == [
        "reports/binary.txt", "reports/future-year.txt", "reports/truncated-table-3.txt"]
    want = site_lines(in_order)
    cache = tmp_path / "cache"
    parallel = load_site(content, cache=ReportCache(cache), jobs=2)  # a process pool, cache written
    assert site_lines(parallel) == want
    warm = ReportCache(cache)
    again = load_site(content, cache=warm, jobs=2)
    assert warm.misses == 0 and warm.hits == len(in_order.reports) + 3
    assert site_lines(again) == want


def test_an_error_keeps_its_file_line_and_message_across_processes(content):
    site = load_site(content, jobs=2)
    err = next(e for e in site.errors if e.path == "reports/future-year.txt")
    assert isinstance(err, ReportError)
    assert err.line == 1 and "in the future" in err.message
    assert str(err).startswith("reports/future-year.txt:1: ")


def test_iter_records_streams_the_rows_of_records(content):
    site = load_site(content, jobs=1)
    streamed = list(site.iter_records())
    rows = site.records()
    assert len(rows) == sum(len(r.figures) for r in site.reports) > 1000
    assert streamed == rows
    assert [(r.agency_slug, r.year) for r in rows] == sorted((r.agency_slug, r.year) for r in rows)
    first = rows[0]
    report = next(r for r in site.reports if first.source.startswith(r.path + ":"))
    fig = next(f for f in report.figures if (f.metric, f.applicant) == (first.metric, first.applicant))
    assert first.source == f"{report.path}:{fig.line}" and first.value == fig.value
    assert list(site.iter_records()) == rows and site.records() is not rows  # (not kept: millions of rows)


def test_a_cache_entry_gives_back_the_report_exactly(content):
    from site_builder.load.cache import decode, encode
    from site_builder.load.loader import parse_file

    names = sorted(p.name for p in (content / "reports").glob("*.txt") if p.name not in INVALID_NAMES)
    for name in names[:20]:
        report = parse_file(content / "reports" / name, content)
        again = decode(encode(report))
        assert canonical(again) == canonical(report)
        assert again.lines == report.lines and type(again.lines) is list
        assert [type(f.value) for f in again.figures] == [type(f.value) for f in report.figures]
    err = ReportError("reports/x.txt", 3, "broken")
    back = decode(encode(err))
    assert (back.path, back.line, back.message) == (err.path, err.line, err.message)


def test_a_report_marshal_cannot_store_is_pickled_and_comes_back(content):
    from decimal import Decimal

    from site_builder.load.cache import decode, encode
    from site_builder.load.loader import parse_file

    report = parse_file(next(p for p in (content / "reports").glob("*-20*.txt")), content)
    report.line_labels = {3: Decimal("1")}  # no Decimal outside figures and checks: not marshal's
    data = encode(report)
    assert data[:1] == b"P"
    assert decode(data).line_labels == {3: Decimal("1")}


def test_a_damaged_cache_entry_is_a_miss_and_the_report_is_parsed_again(content, tmp_path):
    cache = tmp_path / "cache"
    want = site_lines(load_site(content, cache=ReportCache(cache), jobs=1))
    packs = sorted((cache / "packs").rglob("*.pack"))
    assert len(packs) == 1  # one load in order: one pack
    data = bytearray(packs[0].read_bytes())
    data[-40:] = b"x" * 40  # the last entry's bytes damaged
    packs[0].write_bytes(bytes(data))
    again = ReportCache(cache)
    assert site_lines(load_site(content, cache=again, jobs=1)) == want
    assert again.misses >= 1
    third = ReportCache(cache)  # the damaged pack was dropped and the reports stored again
    assert site_lines(load_site(content, cache=third, jobs=1)) == want
    assert third.misses == 0 and third.hits == PARALLEL_MIN + 6 + 3


def test_every_built_in_reader_registers_the_suffixes_it_is_imported_for():
    """Readers are imported when a file of their kind is read: the table of suffixes that says
    which module to import must be what the modules register."""
    import importlib

    from site_builder import readers

    for name in set(readers._BUILTIN.values()):
        importlib.import_module(f"site_builder.readers.{name}")
    assert set(readers._READERS) == set(readers._BUILTIN)
    for suffix, name in readers._BUILTIN.items():
        assert readers._READERS[suffix].__module__ == f"site_builder.readers.{name}"


def test_the_cache_stores_every_field_of_a_report_in_its_fast_form():
    """A field added to Report must be added to cache.encode(): until then reports are pickled
    (exact, but the warm load loses its speed), and this test says so."""
    from site_builder.load import cache

    assert cache.MARSHALLED


def test_a_report_with_a_field_the_cache_does_not_know_is_pickled_whole(content, monkeypatch):
    from site_builder.load import cache
    from site_builder.load.loader import parse_file

    report = parse_file(next(p for p in (content / "reports").glob("*-20*.txt")), content)
    monkeypatch.setattr(cache, "MARSHALLED", False)
    data = cache.encode(report)
    assert data[:1] == b"P"
    assert canonical(cache.decode(data)) == canonical(report)
