"""Child processes end with the build that started them.

A build starts child processes: the parse pool, the render pool, the data-downloads writer (all
forked) and pagefind's service (a program of its own). When the build is killed outright
(`kill -9`, an OOM killer, a CI timeout), nothing runs in it to stop them, and a forked worker
blocked on its task pipe waits forever: it holds a write end of that pipe itself, so it never
reads end-of-file. Each child therefore watches its parent itself, two ways:

- the portable way, everywhere: a thread in the child that compares os.getppid() with the pid
  of the process that started it, twice a second (an orphan is adopted by init or a subreaper,
  so the pid it reports changes), and ends the child when it differs;
- on Linux, in addition, prctl(PR_SET_PDEATHSIG): the kernel sends the child SIGKILL the moment
  its parent dies, without waiting for the next poll. (The signal follows the *thread* that
  started the child: every pool and the pagefind service are started by the thread that then
  waits for them, so that thread outlives them.)

pagefind's service is not Python: it gets PR_SET_PDEATHSIG where there is prctl, and everywhere
it ends on its own when its input pipe closes, which happens once the build and every forked
worker holding a copy of that pipe are gone.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from functools import lru_cache

POLL_SECONDS = 0.5  # how often the portable watch looks at the parent
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


@lru_cache(maxsize=None)
def _prctl():
    """libc's prctl, or None where there is none (not Linux, or no C library to be found).
    Looked up once, in the parent (has_death_signal, bind_to_parent): the pagefind child calls
    it between fork and exec (see death_signal), where loading a library is not safe. (ctypes
    is imported here: a build that starts no child does without it.)"""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl
    except (OSError, AttributeError):
        return None


def has_death_signal() -> bool:
    """Whether death_signal() does anything here (a child started with it as preexec_fn loses
    subprocess's fast path, so it is given only where it helps)."""
    return _prctl() is not None


def death_signal() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux); elsewhere nothing
    (the caller's portable watch covers it). Safe between fork and exec: one system call."""
    prctl = _prctl()
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def bind_to_parent(parent: int) -> None:
    """In a forked child (a pool's initializer): end this process when `parent` is gone.
    SIGINT is left to the parent: a Ctrl-C reaches the whole process group, and the parent
    stops its children itself (stop_children) instead of each printing a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (not the parent's handler, inherited by the fork)
    death_signal()
    if os.getppid() != parent:  # the parent died before the death signal was asked for
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="site-builder-lifeline", daemon=True).start()


def _watch(parent: int) -> None:
    # (os._exit: the parent waits for no result any more, and nothing of this process is worth
    # tearing down: its files are in a staging folder the next build removes)
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)


def on_interrupt(signum, frame) -> None:
    """The build's handler of SIGTERM and SIGINT: its workers stopped, then KeyboardInterrupt,
    which unwinds the build (its staging folder removed, the previous site kept) to the CLI's
    "interrupted".

    A signal that lands in the logging module's code or in the import machinery is put off until
    the code after it runs (the signal raised again: this handler runs at the next instruction
    that can take it). Both run where an exception cannot go on, and it would be printed as
    "Exception ignored" and lost, and the build would not stop: logging, which pandas imports for
    the rates' ranks, runs in this process after each fork of a pool's worker
    (os.register_at_fork); an import's module lock is released by a weakref callback
    (importlib._bootstrap._get_module_lock's cb), and the render imports pandas and pyarrow lazily."""
    if frame is not None and (_in_logging(frame) or _in_import(frame)):
        signal.raise_signal(signum)
        return
    threading.excepthook = _quiet_cancelled_pool
    stop_children()
    raise KeyboardInterrupt


def _in_logging(frame) -> bool:
    logging = sys.modules.get("logging")
    return logging is not None and frame.f_code.co_filename == logging.__file__


def _in_import(frame) -> bool:
    return frame.f_code.co_filename.startswith("<frozen importlib.")


def _quiet_cancelled_pool(args) -> None:
    """threading.excepthook once the build is being stopped. A process pool's manager thread that
    finds its workers terminated (stop_children) sets an error on each pending future while the
    unwinding build cancels the same futures: concurrent.futures then raises InvalidStateError in
    that thread (a race of CPython's terminate_broken). The build is stopping and says so in one
    line; that one error is dropped, any other goes to the usual hook."""
    futures = sys.modules.get("concurrent.futures")  # (not imported: no pool was ever started)
    if futures is not None and issubclass(args.exc_type, futures.InvalidStateError):
        return
    threading.__excepthook__(args)


def stop_children() -> None:
    """Terminate this process's forked workers (the pools' and the downloads writer's), on
    SIGTERM/SIGINT: the pools would otherwise wait for the workers' running tasks to finish."""
    multiprocessing = sys.modules.get("multiprocessing")  # (not imported: no worker was ever started)
    if multiprocessing is not None:
        for child in multiprocessing.active_children():
            child.terminate()
