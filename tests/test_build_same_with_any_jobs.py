"""The parallel render's orchestration: the data downloads written by a forked process of their
own while the pages render (a failure there fails the build and leaves the previous site whole),
the long pages handed out first, and the output the same as one process's."""

from __future__ import annotations

from pathlib import Path

import pytest

import site_builder.render as render
from site_builder.build.session import BuildOptions, BuildSession
from site_builder.render import PROJECT_ROOT, records_files
from site_builder.tools.synth import generate
from sitefiles import tree

TEMPLATES = PROJECT_ROOT / "templates"
STATIC = PROJECT_ROOT / "static"


@pytest.fixture()
def content(tmp_path) -> Path:
    generate(tmp_path / "content", agencies=4, years=[2018, 2023], seed=5)
    return tmp_path / "content"


def build(content: Path, out: Path, jobs: int, session: BuildSession | None = None):
    session = session if session is not None else BuildSession()
    return session.build(BuildOptions(content, out, TEMPLATES, STATIC, quiet=True, search=False, cache=False,
                                      incremental=False, jobs=jobs)).site


def test_downloads_and_agency_files_from_a_forked_writer_equal_one_process(content, tmp_path, monkeypatch):
    monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", 1)
    forked = []
    real = render._Forked
    monkeypatch.setattr(render, "_Forked", lambda *a: forked.append(1) or real(*a))
    one, two = tmp_path / "one", tmp_path / "two"
    build(content, one, jobs=1)
    assert forked == []
    session = BuildSession()
    site = build(content, two, jobs=2, session=session)
    assert forked == [1]
    files_one, files_two = tree(one), tree(two)
    assert files_two == files_one
    # every agency's records.csv is the run of data/records.csv's rows that are its own
    header, *rows = files_two["data/records.csv"].decode("utf-8").splitlines(keepends=True)
    for agency in site.agencies:
        mine = [row for row in rows if row.split(",")[1] == agency.slug]
        assert mine and files_two[f"agencies/{agency.slug}/records.csv"].decode("utf-8") == header + "".join(mine)
    state = session.last_build(two).render
    assert ("records", site.agencies[0].slug) in state.units and ("downloads",) in state.units
    assert state.records.sizes["data/records.csv"] == len(files_two["data/records.csv"])


def test_a_failure_in_the_forked_writer_fails_the_build_and_keeps_the_site(content, tmp_path, monkeypatch):
    out = tmp_path / "site"
    build(content, out, jobs=1)
    before = tree(out)
    monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", 1)

    real_write = records_files.write

    def broken(site, *args, **kwargs):
        if not site.reports:  # (the names of the files are those an empty site's downloads have)
            return real_write(site, *args, **kwargs)
        raise RuntimeError("the downloads could not be written")

    monkeypatch.setattr(records_files, "write", broken)  # inherited by the forked writer
    forked = []
    real = render._Forked
    monkeypatch.setattr(render, "_Forked", lambda *a: forked.append(1) or real(*a))
    with pytest.raises(RuntimeError, match="the downloads could not be written"):
        build(content, out, jobs=2)
    assert forked == [1]
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == []


def test_long_pages_are_handed_out_first_and_every_unit_once(monkeypatch):
    monkeypatch.setattr(render, "CHUNK_UNITS", 3)
    units = [(("page", name), None) for name in "aabaaaabbaaacaa"]
    heavy = {("page", "b"), ("page", "c")}
    chunks = render._chunks(units, heavy.__contains__)
    # the heavy ones first, one per task, in unit order; then runs of at most CHUNK_UNITS
    assert chunks[:4] == [(2, 3), (7, 8), (8, 9), (12, 13)]
    assert all(0 < end - start <= 3 for start, end in chunks)
    covered = sorted(i for start, end in chunks for i in range(start, end))
    assert covered == list(range(len(units)))
    assert render._chunks([], heavy.__contains__) == []
