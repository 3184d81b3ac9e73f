"""One build at a time into an output folder: a lock file beside it, `.<out>.lock`, holding the
pid of the build that has it.

Two builds into one folder (the dev server and a scripted build, two CI jobs) would each swap in
their own site and the last one would win unnoticed, with the manifest and the parse cache
describing either. With the lock the second one waits, saying for whom, or fails at once
(`--no-wait`).

The lock is the operating system's, on the open file (flock on POSIX; msvcrt.locking on
Windows): it is let go when its holder ends in any way, `kill -9` included, so a killed build
never leaves a lock behind (only the file, unlocked, with a stale pid; a build that ends
normally removes it on POSIX). Forked workers share the open file; they end with their build
(see lifeline). Where neither call exists builds are not kept apart (they were not before).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from site_builder.exceptions import SiteBuilderError

try:
    import fcntl
except ImportError:  # not POSIX
    fcntl = None
try:
    import msvcrt
except ImportError:  # not Windows
    msvcrt = None

_WINDOWS_POLL = 0.2  # msvcrt has no lock call that waits for long: it is asked again this often
_WINDOWS_BYTE = 1 << 30  # the byte locked there: far from the pid, which others read


class OutputLock:
    """The lock of the output folder `out` (taken with acquire(), let go with release())."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        resolved = self.out.resolve()
        self.path = resolved.parent / f".{resolved.name}.lock"
        self._fd: int | None = None

    def acquire(self, wait: bool = True) -> None:
        """Take the lock; if another build has it: wait for it, saying so (`wait`), or raise
        SiteBuilderError at once."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        said = False
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
            try:
                if not _try_lock(fd):
                    holder = _holder(fd)
                    if not wait:
                        raise SiteBuilderError(f"another build (pid {holder}) is writing into {self.out}: "
                                               f"not waiting (--no-wait)")
                    if not said:
                        print(f"waiting for the build of pid {holder} into {self.out}…", file=sys.stderr, flush=True)
                        said = True
                    _lock(fd)
                if not _same_file(fd, self.path):
                    # the holder removed the file as it let go: another build may already hold a
                    # new one, so lock that one instead
                    os.close(fd)
                    continue
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
            return

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if fcntl is not None:
                # removed while still locked (nothing is left beside the output folder); a build
                # waiting on the removed file sees it is not the lock file any more (acquire)
                self.path.unlink(missing_ok=True)
                fcntl.flock(fd, fcntl.LOCK_UN)  # (also for the forked workers sharing the file)
            elif msvcrt is not None:  # (an open file cannot be removed there: it stays)
                os.lseek(fd, _WINDOWS_BYTE, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _try_lock(fd: int) -> bool:
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    if msvcrt is not None:
        os.lseek(fd, _WINDOWS_BYTE, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    return True  # no lock to take here (see the module's docstring)


def _lock(fd: int) -> None:
    """Wait for the lock."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    while not _try_lock(fd):
        time.sleep(_WINDOWS_POLL)


def _holder(fd: int) -> str:
    """The pid the holder wrote ("?" while it has not yet written it)."""
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 32).decode("ascii", "replace").strip()
    return text if text.isdigit() else "?"

