"""The cyclic garbage collector paused while a bulk step allocates objects that are not garbage."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """Loading reports, building the records list and making search documents allocate
    millions of small tuples, none of them garbage: the collector would walk the ever larger
    heap again and again for nothing (a third of a warm load's time; 0.8 s against 0.08 s for
    the search documents at 20,000 reports). Paused, then restored as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
