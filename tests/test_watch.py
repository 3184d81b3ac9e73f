"""site_builder/build/watch.py: the files inotify names, and a full scan asked for whenever the events
may not say everything (an overflow, an unexpected event, a folder created, moved or removed)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from watchwait import settled

from site_builder.build import watch

pytestmark = pytest.mark.skipif(not watch.available(), reason="inotify is Linux's")


@pytest.fixture
def folders(tmp_path):
    content = tmp_path / "content"
    (content / "reports").mkdir(parents=True)
    (content / "reports" / "a.txt").write_text("a", encoding="utf-8")
    (content / "agencies.toml").write_text("", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text("<html>", encoding="utf-8")
    (content / ".git").mkdir()
    w = watch.InotifyWatcher([content, tmp_path / "templates"])
    yield content, tmp_path / "templates", w
    w.close()


def test_a_written_file_is_named_and_nothing_else(folders):
    content, templates, w = folders
    report = content / "reports" / "a.txt"
    report.write_text("b", encoding="utf-8")
    c = settled(w)
    assert c.full is None
    assert c.paths == {str(report.resolve())}
    (templates / "base.html").write_text("<html lang=zh>", encoding="utf-8")
    assert settled(w).paths == {str((templates / "base.html").resolve())}


def test_an_editors_save_by_rename_names_the_file(folders):
    # vim, emacs and most IDEs write a temporary file beside the original and rename it over
    content, _, w = folders
    report = content / "reports" / "a.txt"
    tmp = content / "reports" / "a.txt.tmp~"
    tmp.write_text("new", encoding="utf-8")
    os.replace(tmp, report)
    hidden = content / "reports" / ".a.txt.swp"
    hidden.write_text("swap", encoding="utf-8")  # hidden: the build reads none, nor does the watcher
    hidden.unlink()
    c = settled(w, until=lambda c: str(report.resolve()) in c.paths)
    assert c.full is None
    assert c.paths == {str(report.resolve()), str(tmp.resolve())}


def test_a_file_added_and_a_file_removed(folders):
    content, _, w = folders
    new = content / "reports" / "b.txt"
    new.write_text("b", encoding="utf-8")
    (content / "reports" / "a.txt").unlink()
    c = settled(w, until=lambda c: len(c.paths) == 2)
    assert c == watch.Changes(frozenset({str(new.resolve()), str((content / "reports" / "a.txt").resolve())}), None)


def test_nothing_is_recorded_in_a_hidden_folder(folders):
    content, _, w = folders
    (content / ".git" / "index").write_text("x", encoding="utf-8")
    (content / "reports" / "a.txt").write_text("c", encoding="utf-8")  # (something to wait for)
    assert settled(w).paths == {str((content / "reports" / "a.txt").resolve())}


def test_a_folder_created_asks_for_a_full_scan_and_is_watched_from_then_on(folders):
    content, _, w = folders
    sub = content / "reports" / "2025"
    sub.mkdir()
    (sub / "c.txt").write_text("c", encoding="utf-8")  # may come before its folder's watch: the full scan sees it
    c = settled(w, until=lambda c: c.full is not None)
    assert "created, moved or removed" in c.full
    (sub / "c.txt").write_text("d", encoding="utf-8")
    assert settled(w) == watch.Changes(frozenset({str((sub / "c.txt").resolve())}), None)


def test_a_folder_moved_asks_for_a_full_scan_and_its_files_get_their_new_paths(folders):
    content, _, w = folders
    sub = content / "reports" / "old"
    sub.mkdir()
    settled(w, until=lambda c: c.full is not None)
    os.rename(sub, content / "reports" / "new")
    assert settled(w, until=lambda c: c.full is not None).full
    (content / "reports" / "new" / "x.txt").write_text("x", encoding="utf-8")
    assert settled(w) == watch.Changes(frozenset({str((content / "reports" / "new" / "x.txt").resolve())}), None)


def test_a_queue_overflow_or_an_unexpected_event_asks_for_a_full_scan(folders):
    from inotify_simple import Event, flags

    _, _, w = folders
    # (the kernel's overflow comes with no watch: wd -1; a queue of 16,384 events is not filled here)
    w._record([Event(-1, flags.Q_OVERFLOW, 0, "")])
    assert w.take() == watch.Changes(frozenset(), "the inotify queue overflowed (events were lost)")
    wd = next(iter(w._folders))
    w._record([Event(wd, flags.ACCESS, 0, "a.txt")])
    assert w.take().full.startswith("unexpected inotify event")
    assert w.take() == watch.Changes(frozenset(), None)  # taken: forgotten


def test_a_watched_folder_removed_asks_for_a_full_scan(folders):
    content, _, w = folders
    (content / "reports" / "a.txt").unlink()
    (content / "reports").rmdir()
    assert "moved or removed" in settled(w, until=lambda c: c.full is not None).full


def test_a_root_folder_made_after_the_start_asks_for_a_full_scan_and_is_watched_from_then_on(tmp_path):
    # (a project without static/ that gets one: no watch can see it made, its parent is not watched)
    content = tmp_path / "content"
    content.mkdir()
    static = tmp_path / "static"
    w = watch.InotifyWatcher([content, static])
    try:
        static.mkdir()
        (static / "site.css").write_text("a{}", encoding="utf-8")
        c = settled(w, until=lambda c: c.full is not None)
        assert c.full == f"folder {static.resolve()} created"
        (static / "site.css").write_text("b{}", encoding="utf-8")
        assert settled(w) == watch.Changes(frozenset({str((static / "site.css").resolve())}), None)
        static.joinpath("site.css").unlink()
        static.rmdir()  # and gone again: missed no more
        assert "moved or removed" in settled(w, until=lambda c: c.full is not None).full
        static.mkdir()
        assert settled(w, until=lambda c: c.full is not None).full == f"folder {static.resolve()} created"
    finally:
        w.close()


def test_a_failed_watcher_asks_for_full_scans_from_then_on(folders, monkeypatch):
    _, _, w = folders
    notified = []
    w._notify = lambda: notified.append(1)

    def broken(events):
        raise RuntimeError("bad buffer")

    monkeypatch.setattr(w, "_record", broken)
    Path(w.roots[0], "reports", "a.txt").write_text("z", encoding="utf-8")
    end = time.monotonic() + 10
    while w.failed is None and time.monotonic() < end:
        time.sleep(0.01)
    assert w.failed and "bad buffer" in w.failed and notified
    assert w.take().full == w.failed
    assert w.take().full == w.failed  # every time


def test_a_symbolic_link_is_polled_for_its_targets_edits(tmp_path, monkeypatch):
    monkeypatch.setattr(watch, "LINK_POLL_SECONDS", 0.05)
    target = tmp_path / "outside.txt"
    target.write_text("1", encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    (content / "linked.txt").symlink_to(target)
    w = watch.InotifyWatcher([content])
    try:
        target.write_text("22", encoding="utf-8")  # no event in content/: the link's target is elsewhere
        assert settled(w).paths == {str(content.resolve() / "linked.txt")}
    finally:
        w.close()


def test_start_says_why_there_are_no_events(tmp_path, monkeypatch):
    monkeypatch.setattr(watch, "available", lambda: False)
    w, why = watch.start([tmp_path], notify=lambda: None)
    assert w is None and "no inotify" in why


def test_start_says_why_when_a_folder_cannot_be_watched(tmp_path, monkeypatch):
    from inotify_simple import INotify

    def limit(self, path, mask):  # as the kernel says when the per-user limit of watches is reached
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(INotify, "add_watch", limit)
    w, why = watch.start([tmp_path], notify=lambda: None)
    assert w is None and "No space left on device" in why
