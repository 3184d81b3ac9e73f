"""The load phase gives the same Site however it gets there: parsed in order, parsed on every
core, or read back from the parse cache; and a broken report among many is an error entry,
not a crashed process pool."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from site_builder.cache import ReportCache
from site_builder.exceptions import ReportError
from site_builder.load import PARALLEL_MIN, load_site
from site_builder.synth import generate, parse_years

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_digest import canonical  # noqa: E402

INVALID = Path(__file__).resolve().parent / "invalid"


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
    for name in ("future-year.txt", "truncated-table-3.txt", "binary.txt"):
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
