"""The dev server rebuilds from file events: the files the watcher names are stat()ed and patched
into the last build's scan (no scan of every input file), the build compares just those with the
last one, and the site it leaves is the one a clean build gives, byte for byte. Whenever the
events may not say everything, a full scan; and the server's watcher polls nothing while idle."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from watchwait import settled

from site_builder.build import incremental
from site_builder.build import watch
from site_builder.commands.serve import Rebuilder, _livereload_watcher_class
from site_builder.render import PROJECT_ROOT
from site_builder.build.session import BuildOptions, BuildSession
from site_builder.tools.synth import generate
from sitefiles import tree

pytestmark = pytest.mark.skipif(not watch.available(), reason="inotify is Linux's")


@pytest.fixture()
def site(tmp_path, no_charts):
    """A synthetic content folder (5 agencies x 3 years, files written long ago), copies of the
    templates and static folders, a Rebuilder's first build, and a watcher on the three."""
    generate(tmp_path / "content", agencies=5, years=[2016, 2020, 2023], seed=11)
    past = os.stat(tmp_path).st_mtime_ns - 600_000_000_000
    for p in (tmp_path / "content").rglob("*"):
        os.utime(p, ns=(past, past))
    for name in ("templates", "static"):
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name)
    messages: list[str] = []
    r = Rebuilder(tmp_path / "content", tmp_path / "_site", tmp_path / "templates", tmp_path / "static",
                  search=False, log=messages.append)
    r.messages = messages
    assert r.rebuild().ok
    w = watch.InotifyWatcher(r.roots())
    yield r, w
    w.close()
    r.wait()


def named(*paths: Path):
    want = {str(p.resolve()) for p in paths}
    return lambda c: want <= c.paths


def bump(path: Path, step: int = 3) -> str:
    """The report's text with its 主动公开 total changed (the prose figure every synthetic report states)."""
    text = path.read_text(encoding="utf-8")
    m = re.search(r"主动公开政府信息(?:总数为)?\s*(\d+)", text)
    assert m, path
    return text[: m.start(1)] + str(int(m.group(1)) + step) + text[m.end(1):]


def same_as_clean_build(r: Rebuilder, tmp_path: Path) -> None:
    r.wait()  # the data downloads: the second step of an edit's rebuild
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    BuildSession().build(BuildOptions(r.content, fresh, r.templates, r.static, quiet=True, search=False, cache=False,
                                      incremental=False))
    a, b = tree(r.out), tree(fresh)
    assert sorted(set(a) ^ set(b)) == []
    assert [k for k in a if a[k] != b[k]] == []


@pytest.fixture()
def scans(monkeypatch):
    """Every full scan made (incremental.scan's calls)."""
    made = []
    real = incremental.scan
    monkeypatch.setattr(incremental, "scan", lambda roots: made.append(roots) or real(roots))
    return made


def reports(r: Rebuilder) -> list[Path]:
    return sorted((r.content / "reports").glob("*.txt"))


def test_an_edit_told_by_events_rebuilds_that_report_from_a_patched_scan(site, tmp_path, scans, monkeypatch):
    r, w = site
    report = reports(r)[4]
    parsed = []
    import site_builder.load.loader as loader

    real_parse = loader._parse_one
    monkeypatch.setattr(loader, "_parse_one", lambda *a, **k: parsed.append(a) or real_parse(*a, **k))
    report.write_text(bump(report), encoding="utf-8")
    changes = settled(w, named(report))
    assert changes.full is None
    result = r.rebuild_changed(changes)
    assert result is not None and result.ok
    assert scans == []  # no scan of every input file: the edited one was stat()ed
    assert len(parsed) == 1  # that report only, parsed again
    assert 0 < result.pages and r._built_state.patched == changes.paths
    same_as_clean_build(r, tmp_path)


def test_a_save_by_rename_a_report_added_and_one_removed_give_a_clean_builds_site(site, tmp_path, scans):
    r, w = site
    first, second, third = reports(r)[1], reports(r)[6], reports(r)[9]
    # an editor's save: a temporary file beside the report, renamed over it
    tmp = first.with_name(first.name + ".tmp")
    tmp.write_text(bump(first), encoding="utf-8")
    os.replace(tmp, first)
    assert r.rebuild_changed(settled(w, named(first))).ok
    assert scans == []  # from the events
    same_as_clean_build(r, tmp_path)
    scans.clear()

    # a report added (a copy of another under a later year's name) and one removed
    added = second.with_name(second.name.replace("2023", "2024").replace("2020", "2024").replace("2016", "2024"))
    assert added != second and not added.exists()
    added.write_text(second.read_text(encoding="utf-8").replace("2023", "2024").replace("2020", "2024")
                     .replace("2016", "2024"), encoding="utf-8")
    third.unlink()
    changes = settled(w, lambda c: str(added.resolve()) in c.paths and str(third.resolve()) in c.paths)
    assert changes.full is None
    result = r.rebuild_changed(changes)
    assert result.ok, result.error
    assert str(third.resolve()) not in r._built_state and str(added.resolve()) in r._built_state
    assert scans == []
    same_as_clean_build(r, tmp_path)


def test_a_template_edit_through_events_renders_everything_as_a_clean_build(site, tmp_path, scans):
    r, w = site
    base = r.templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- edited --></body>"), encoding="utf-8")
    assert r.rebuild_changed(settled(w, named(base))).ok
    assert "<!-- edited -->" in (r.out / "index.html").read_text(encoding="utf-8")
    assert scans == []
    same_as_clean_build(r, tmp_path)


def test_an_overflow_falls_back_to_a_full_scan_which_sees_what_the_events_lost(site, tmp_path, scans):
    from inotify_simple import Event, flags

    r, w = site
    report = reports(r)[2]
    report.write_text(bump(report, 5), encoding="utf-8")
    settled(w, named(report))  # these events are lost, as in an overflow...
    w._record([Event(-1, flags.Q_OVERFLOW, 0, "")])  # ...which the kernel says
    changes = w.take()
    assert changes.paths == set() and changes.full
    result = r.rebuild_changed(changes)
    assert result is not None and result.ok
    assert len(scans) == 1
    assert any("scanning every input file" in m for m in r.messages)
    same_as_clean_build(r, tmp_path)


def test_a_folder_created_is_read_by_a_full_scan(site, tmp_path, scans):
    r, w = site
    sub = r.content / "reports" / "more"
    sub.mkdir()
    source = reports(r)[0]
    (sub / source.name.replace(".txt", "-copy.txt")).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    changes = settled(w, lambda c: c.full is not None)
    result = r.rebuild_changed(changes)
    assert result is not None and len(scans) == 1
    same_as_clean_build(r, tmp_path)


def test_events_that_change_nothing_the_build_reads_rebuild_nothing(site, scans):
    r, w = site
    scratch = r.content / "reports" / "scratch.txt"
    scratch.write_text("x", encoding="utf-8")
    scratch.unlink()
    changes = settled(w, named(scratch))
    assert r.rebuild_changed(changes) is None
    assert scans == []


def test_a_path_the_patch_cannot_tell_scans_in_full(site, scans):
    r, _ = site
    # a path that is now a folder (its files unknown to the events): scanned in full
    folder = r.content / "reports" / "x"
    folder.mkdir()
    assert incremental.patched(r._built_state, {str(folder.resolve())}, r.roots()) is None
    assert r.rebuild_changed(watch.Changes(frozenset({str(folder.resolve())}), None)) is None  # empty folder: same
    assert len(scans) == 1


# --- the server's watcher: livereload's interface, fed by the events --------------------------


def test_the_servers_watcher_rebuilds_and_reloads_once_per_burst_and_polls_nothing(site, tmp_path, scans, monkeypatch):
    from tornado.ioloop import IOLoop

    import site_builder.commands.serve as serve

    # (a burst's two writes are microseconds apart; on a machine too busy to run this thread
    # for 20 ms they would not be one burst: the test is about what one burst gives)
    monkeypatch.setattr(serve, "QUIET_SECONDS", 0.5)
    r, w = site
    w.close()  # (the server's watcher makes its own)
    reloads = []
    reloaded = threading.Event()
    watcher = _livereload_watcher_class()(r, reload=lambda: (reloads.append(1), reloaded.set()))
    assert set(watcher._tasks) == {str(p) for p in r.watched()}  # so that livereload watches no other folder
    loop_ready = threading.Event()
    holder = {}

    def serve():
        import asyncio

        async def run():
            holder["loop"] = IOLoop.current()
            holder["stop"] = stop = asyncio.Event()
            holder["started"] = watcher.start(lambda: None)
            loop_ready.set()
            await stop.wait()

        asyncio.run(run())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        assert loop_ready.wait(10)
        assert holder["started"] is True  # livereload starts no polling of its own
        assert watcher.events is not None and watcher._poller is None
        # once the watches are set, one full scan (what changed before them made no event): nothing
        end = time.monotonic() + 10
        while not scans and time.monotonic() < end:
            time.sleep(0.01)
        time.sleep(0.1)
        assert len(scans) == 1 and reloads == []
        scans.clear()
        report, other = reports(r)[3], reports(r)[8]
        report.write_text(bump(report), encoding="utf-8")
        other.write_text(bump(other), encoding="utf-8")  # the same burst
        assert reloaded.wait(30)
        time.sleep(0.3)
        assert reloads == [1]  # one rebuild, one reload for the burst
        assert scans == []
        assert r.last.ok and r._built_state.patched == {str(report.resolve()), str(other.resolve())}
    finally:
        holder["loop"].add_callback(watcher.stop)
        holder["loop"].add_callback(holder["stop"].set)
        thread.join(10)
    same_as_clean_build(r, tmp_path)


def test_an_edit_made_before_the_watches_were_set_is_found_by_the_first_scan(site, tmp_path):
    r, w = site
    w.close()
    report = reports(r)[5]
    report.write_text(bump(report), encoding="utf-8")  # (during the first build, say: no watch yet)
    reloads = []
    watcher = _livereload_watcher_class()(r, reload=lambda: reloads.append(1))

    async def start_and_settle():
        import asyncio

        watcher.start(lambda: None)
        await asyncio.sleep(0.5)  # (the scan is a callback the loop runs next)
        watcher.stop()

    on_a_loop_of_its_own(start_and_settle)
    assert reloads == [1] and r.last.ok
    same_as_clean_build(r, tmp_path)


def test_without_events_the_servers_watcher_polls_with_full_scans(site, monkeypatch):
    r, w = site
    w.close()
    monkeypatch.setattr(watch, "available", lambda: False)
    watcher = _livereload_watcher_class()(r, reload=lambda: None)
    seen = []

    async def start():
        watcher.start(lambda: None)
        seen.append((watcher.events, watcher._poller is not None and watcher._poller.is_running()))
        watcher.stop()

    on_a_loop_of_its_own(start)
    assert seen == [(None, True)]
    assert any("watching by polling" in m and "no inotify" in m for m in r.messages)


def on_a_loop_of_its_own(coroutine_function) -> None:
    """Run it on a new event loop in a thread of its own (the main thread's may be taken: the
    browser tests' Playwright leaves one running there)."""
    import asyncio

    failed = []

    def run():
        try:
            asyncio.run(coroutine_function())
        except BaseException as exc:  # (re-raised in the test's thread)
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    assert not thread.is_alive()
    if failed:
        raise failed[0]


# --- what a rebuild does once its pages are live ---------------------------------------------


def test_the_browsers_are_reloaded_as_soon_as_the_pages_are_live_before_the_downloads(project, no_charts):
    r = Rebuilder(project / "content", project / "_site", project / "templates", project / "static",
                  search=False, log=lambda m: None)
    assert r.rebuild().ok
    seen = []

    def live(result):
        rows = (project / "_site" / "agencies" / "jianguomen" / "2024" / "index.html").read_text(encoding="utf-8")
        seen.append((result.ok, r.last is result, r._downloads, "141" in rows))

    r.on_live = live
    report = project / "content" / "reports" / "jianguomen-2024.txt"
    report.write_text(report.read_text(encoding="utf-8").replace("\t139\n", "\t141\n"), encoding="utf-8")
    result = r.rebuild()
    # the page shows the edit, the banner's result is this build's, the downloads not yet started
    assert seen == [(True, True, None, True)]
    r.wait()
    rows = (project / "_site" / "agencies" / "jianguomen" / "records.csv").read_text(encoding="utf-8")
    assert ",2024,penalty.decisions,total,141," in rows and result.ok


def test_each_warning_is_printed_once_while_it_lasts(project, no_charts):
    messages: list[str] = []
    r = Rebuilder(project / "content", project / "_site", project / "templates", project / "static",
                  search=False, log=messages.append)
    assert r.rebuild().ok
    first = [line for m in messages for line in m.splitlines() if line.startswith("warning: ")]
    assert len(first) >= 2 and any("pingtan-2019" in w for w in first)  # the seeds' run-together cells
    messages.clear()
    report = project / "content" / "reports" / "jianguomen-2024.txt"
    report.write_text(report.read_text(encoding="utf-8").replace("\t139\n", "\t141\n"), encoding="utf-8")
    assert r.rebuild().ok
    assert not [m for m in messages if "warning: " in m]
    assert f"{len(first)} warning(s), 0 new" in messages[-1]
    r.wait()
