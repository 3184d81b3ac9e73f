"""The cyclic garbage collector paused while a bulk step allocates objects that are not garbage."""

from __future__ import annotations

import gc
from contextlib import contextmanager

FREEZE_OVER = 200_000  # objects a bulk step leaves (a load of about 500 reports) above which they are frozen


@contextmanager
def gc_paused(freeze_over: int | None = None):
    """Loading reports, building the records list and making search documents allocate
    millions of small tuples, none of them garbage: the collector would walk the ever larger
    heap again and again for nothing (a third of a warm load's time; 0.8 s against 0.08 s for
    the search documents at 20,000 reports). Paused, then restored as it was.

    `freeze_over`: when the step leaves more than this many new objects tracked, they are moved
    out of the collector's reach (gc.freeze) before it resumes. Otherwise the first collections
    after the pause walk all of them, young as they are, once per generation (some 2 s of a
    20,000-report load, spent in whatever code runs next); and a process forked afterwards (the
    render workers) would walk them again, copying their pages. What is frozen is still freed
    by reference counting; only cycles among it wait for a gc.unfreeze() (the dev server
    collects in full when idle)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze_over is not None and gc.get_count()[0] > freeze_over:
            gc.freeze()
        if enabled:
            gc.enable()
