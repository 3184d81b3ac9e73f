"""Which input files changed, told by the operating system (inotify) instead of found by polling.

The dev server used to learn of an edit from livereload's watcher: every 0.8 s it walked the
watched folders and stat()ed every file twice (at a province's size 20,000 files: a walk that
costs about as much CPU as the rebuild of one edit, every 0.8 s, while nobody edits anything),
then the rebuild scanned every file again to find what changed. Now one inotify watch per folder
names each file as it is written, created, renamed or deleted; the rebuild stats only those files
and patches the last build's scan with them (incremental.patched).

Correctness never rests on the events alone. Whenever they may not tell everything, the watcher
asks for a full scan instead (`Changes.full` says why): the kernel's queue overflowed, a folder
was created, moved or removed (its files were never watched, or its watch is gone), a watch was
lost, an event of a kind not expected arrived. A watch that cannot be added (the per-user limit of
watches, a folder that cannot be read) or a failure of the watcher's thread leaves the dev server
polling with full scans, as before (`InotifyWatcher.failed`).

What the build's scan (incremental.scan) reads, the watcher watches: every folder below the roots
except hidden ones and linked ones (scan() enters neither); events for hidden files are dropped.
A file that is a symbolic link gets no event when its target (outside the folders) is edited, so
such links are stat()ed once per LINK_POLL_SECONDS (a handful of files, not the 20,000), and so
is a root folder that does not exist (no watch can see it made: its parent is not watched).
"""

from __future__ import annotations

import errno
import os
import select
import stat
import sys
import threading
import time
from pathlib import Path
from typing import Callable, NamedTuple

LINK_POLL_SECONDS = 1.0


class Changes(NamedTuple):
    """What happened since the last take(): the files (absolute paths, as scan() names them) that
    were written, created, renamed or removed; `full`: why the paths may not say everything and a
    full scan is needed (None when they do)."""

    paths: frozenset[str]
    full: str | None


def available() -> bool:
    return sys.platform.startswith("linux")


class InotifyWatcher:
    """One inotify watch per folder below `roots`; a thread reads the events and records the files
    they name. `notify()` is called on that thread after each batch of events (the dev server
    schedules its rebuild from there); take() hands over what was recorded and starts afresh."""

    def __init__(self, roots: list[Path], notify: Callable[[], None] = lambda: None):
        # (imported here: only the dev server watches, ~37 ms of imports; and where there is no
        # inotify, start() falls back to polling on the ImportError)
        from inotify_simple import INotify, flags

        self._flags = flags
        self.roots = [str(Path(r).resolve()) for r in roots]
        self._missing: list[str] = []  # roots that are no folder (yet): looked for once a second
        self._notify = notify
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._full: str | None = None
        self.last_event = 0.0  # time.monotonic() of the last event recorded
        self.failed: str | None = None  # why the events cannot be trusted any more (poll instead)
        self._folders: dict[int, str] = {}  # watch descriptor -> folder
        self._links: dict[str, tuple | None] = {}  # symbolic links among the files -> stat of the target
        self._ino = INotify()
        self._wake_r, self._wake_w = os.pipe()
        f = flags
        self._file_events = f.MODIFY | f.ATTRIB | f.CLOSE_WRITE | f.CREATE | f.DELETE | f.MOVED_FROM | f.MOVED_TO
        # (the folder's own removal or move, and the kernel's own: the queue overflowed, the watch gone)
        self._lost = f.DELETE_SELF | f.MOVE_SELF | f.UNMOUNT | f.Q_OVERFLOW | f.IGNORED
        self._mask = self._file_events | f.DELETE_SELF | f.MOVE_SELF | f.ONLYDIR
        self._closed = False
        try:
            self._watch_all()
        except BaseException:
            self._ino.close()
            os.close(self._wake_r)
            os.close(self._wake_w)
            raise
        self._thread = threading.Thread(target=self._run, name="inotify", daemon=True)
        self._thread.start()

    # -- what the dev server calls ----------------------------------------------------------------

    def take(self) -> Changes:
        """What was recorded since the last take(), handed over and forgotten."""
        with self._lock:
            changes = Changes(frozenset(self._paths), self._full if self.failed is None else self.failed)
            self._paths = set()
            self._full = None
        return changes

    def pending(self) -> bool:
        with self._lock:
            return bool(self._paths) or self._full is not None

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        os.write(self._wake_w, b"x")
        self._thread.join(timeout=2)
        self._ino.close()
        os.close(self._wake_r)
        os.close(self._wake_w)

    # -- the watches ---------------------------------------------------------------------------

    def _watch_all(self) -> None:
        """A watch on every folder scan() enters (again, after anything that may have moved a
        folder: the kernel keeps a moved folder's watch, so its path is made afresh); watches on
        folders no longer found are removed. Raises OSError when a watch cannot be added."""
        seen: dict[int, str] = {}
        links: dict[str, tuple | None] = {}
        for root in self.roots:
            stack = [root]
            while stack:
                folder = stack.pop()
                try:
                    wd = self._ino.add_watch(folder, self._mask)
                    entries = list(os.scandir(folder))
                except (FileNotFoundError, NotADirectoryError):
                    continue  # not there (a root not made yet), or removed meanwhile: a full scan follows
                seen[wd] = folder
                for e in entries:
                    if e.name[0] == ".":
                        continue
                    if e.is_symlink():
                        if not e.is_dir():  # (a linked folder is not entered, as scan() does not)
                            links[e.path] = _stat(e.path)
                    elif e.is_dir(follow_symlinks=False):
                        stack.append(e.path)
        for wd in set(self._folders) - set(seen):
            try:
                self._ino.rm_watch(wd)
            except OSError as exc:
                if exc.errno != errno.EINVAL:  # (EINVAL: the watch went with its folder)
                    raise
        self._folders = seen
        self._links = links
        self._missing = [r for r in self.roots if not os.path.isdir(r)]

    def _run(self) -> None:
        try:
            next_links = time.monotonic() + LINK_POLL_SECONDS
            poller = select.poll()  # (not select.select: it fails for a descriptor past 1023)
            poller.register(self._ino.fileno(), select.POLLIN)
            poller.register(self._wake_r, select.POLLIN)
            while not self._closed:
                polled = self._links or self._missing
                timeout = max(0, int((next_links - time.monotonic()) * 1000) + 1) if polled else None
                ready = {fd for fd, _ in poller.poll(timeout)}
                if self._closed:
                    return
                events = self._ino.read(timeout=0) if self._ino.fileno() in ready else []
                recorded = self._record(events) if events else False
                if polled and time.monotonic() >= next_links:
                    recorded = self._poll_links() or recorded
                    made = [r for r in self._missing if os.path.isdir(r)]
                    if made:
                        recorded = self._record_full(f"folder {made[0]} created") or recorded
                    next_links = time.monotonic() + LINK_POLL_SECONDS
                if recorded:
                    self._notify()
        except Exception as exc:  # events may have been lost: from now on the dev server polls
            with self._lock:
                self.failed = f"the file watcher failed ({type(exc).__name__}: {exc})"
            self._notify()

    def _record(self, events) -> bool:
        f = self._flags
        paths: set[str] = set()
        full: str | None = None
        for ev in events:
            mask = ev.mask
            if mask & f.Q_OVERFLOW:
                full = full or "the inotify queue overflowed (events were lost)"
                continue
            folder = self._folders.get(ev.wd)
            if folder is None:
                continue  # the last events of a watch removed here (_watch_all), its IGNORED
            if mask & self._lost:
                if mask & f.IGNORED:
                    del self._folders[ev.wd]
                full = full or f"watched folder {folder} moved or removed"
            elif mask & f.ISDIR:
                if ev.name[:1] != "." and mask & (f.CREATE | f.DELETE | f.MOVED_FROM | f.MOVED_TO):
                    full = full or f"folder {os.path.join(folder, ev.name)} created, moved or removed"
                # (else: a folder's attributes, or a hidden folder the build does not read)
            elif not mask & self._file_events:
                full = full or f"unexpected inotify event {mask:#x}"
            elif ev.name[:1] != ".":  # (the build reads no hidden file)
                path = os.path.join(folder, ev.name)
                paths.add(path)
                if mask & (f.CREATE | f.MOVED_TO) and os.path.islink(path):
                    self._links[path] = _stat(path)
        if full is not None:
            self._rewatch()
        with self._lock:
            self._paths |= paths
            if full is not None and self._full is None:
                self._full = full
            if paths or full:
                self.last_event = time.monotonic()
        return bool(paths or full)

    def _rewatch(self) -> None:
        try:
            self._watch_all()  # before the full scan is asked for: it then sees what the events missed
        except OSError as exc:
            with self._lock:
                self.failed = f"cannot watch the folders any more ({exc})"

    def _record_full(self, why: str) -> bool:
        self._rewatch()
        with self._lock:
            if self._full is None:
                self._full = why
            self.last_event = time.monotonic()
        return True

    def _poll_links(self) -> bool:
        changed = []
        for path, before in list(self._links.items()):
            now = _stat(path)
            if now != before:
                self._links[path] = now
                changed.append(path)
        if changed:
            with self._lock:
                self._paths.update(changed)
                self.last_event = time.monotonic()
        return bool(changed)


def _stat(path: str) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, stat.S_IFMT(st.st_mode))


def start(roots: list[Path], notify: Callable[[], None]) -> tuple[InotifyWatcher | None, str | None]:
    """An InotifyWatcher over `roots`, or None and why not (the dev server polls then)."""
    if not available():
        return None, f"no inotify on {sys.platform}"
    try:
        return InotifyWatcher(roots, notify), None
    except (ImportError, OSError) as exc:  # (ENOSPC: the per-user limit of watches)
        return None, f"cannot watch the folders ({type(exc).__name__}: {exc})"
