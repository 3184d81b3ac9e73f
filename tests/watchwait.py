"""Waiting for a file watcher's record of a change, for the tests of the dev server's events."""

from __future__ import annotations

import time

from site_builder.build import watch


def settled(w: watch.InotifyWatcher, until=lambda c: bool(c.paths or c.full), seconds: float = 10.0) -> watch.Changes:
    """Everything the watcher records until `until` holds for it (then the rest of the same burst,
    until nothing more comes for 0.2 s). Waits for the watcher's thread, asserts nothing about time."""
    paths: set[str] = set()
    full = None
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        c = w.take()
        paths |= c.paths
        full = full or c.full
        if until(watch.Changes(frozenset(paths), full)):
            while True:  # the rest of the burst: until 0.2 s pass with nothing more
                time.sleep(0.2)
                c = w.take()
                if not c.paths and c.full is None:
                    return watch.Changes(frozenset(paths), full)
                paths |= c.paths
                full = full or c.full
        time.sleep(0.01)
    raise AssertionError(f"the watcher did not record the change (seen: {sorted(paths)}, full: {full})")
