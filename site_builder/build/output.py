"""Writing the built site: into a fresh staging folder, swapped in only when the build succeeded,
so a failed or interrupted build leaves the previous site whole."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import threading
import time
from collections import deque
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from pathlib import Path

import xxhash

from site_builder.exceptions import SiteBuilderError

# The manifest's content hash: it only tells whether a file's bytes changed since the last build
# (nothing trusts it against tampering), so a fast non-cryptographic 128-bit hash. xxh3_128 runs
# at memory speed (~50 GB/s here); blake2b cost ~3.5 s of a 20,000-report build (3.2 GB hashed).
_hash = xxhash.xxh3_128_hexdigest
_Hasher = xxhash.xxh3_128

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
_FLUSH = 1 << 20  # a streamed file (Output.stream) is written in pieces of about this many bytes


def content_hash(data: bytes) -> str:
    """The hash the manifest keeps of a file's bytes (what Output.write records)."""
    return _hash(data)


try:  # the most pieces one writev takes
    _IOV_MAX = max(16, min(os.sysconf("SC_IOV_MAX"), 1024))
except (AttributeError, ValueError, OSError):
    _IOV_MAX = 16


def _write_file(path: str, data) -> None:
    # os.open/os.write: one open, one write, one close (no buffered file object per page)
    fd = os.open(path, _FLAGS, 0o666)
    try:
        _write_all(fd, data)
    except OSError as exc:
        raise _naming(exc, path)
    finally:
        os.close(fd)


def _naming(exc: OSError, path: str) -> OSError:
    """The error with the file it happened to (os.write's own names none: a full disk would be
    reported without saying where)."""
    if exc.filename is None:
        exc.filename = path
    return exc


# What the build says of the errors of its environment (environment_error), not of its input.
_WORDS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "read-only file system",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
}


def environment_error(exc: OSError, out: Path) -> SiteBuilderError | None:
    """An error of the build's environment (full disk, no permission, read-only file system,
    a file where a folder should be) as one line naming the file, None for any other error (a
    bug: its traceback is the useful part). A file of the staging folder is named as the
    file of the site it was to become."""
    words = _WORDS.get(exc.errno)
    if words is None:
        return None
    where = str(exc.filename) if exc.filename is not None else str(out)
    stage = f"{Path(out).resolve().parent}{os.sep}.{Path(out).resolve().name}.building-"
    if where.startswith(stage):
        _, _, rel = where[len(stage):].partition(os.sep)
        where = str(Path(out) / rel) if rel else str(out)
    after = "the previous site is untouched" if Path(out).is_dir() else "no site was written"
    return SiteBuilderError(f"{words} writing {where}: {after}")


@contextmanager
def environment_errors(out: Path):
    """The block's errors of the environment raised as environment_error()'s one line."""
    try:
        yield
    except OSError as exc:
        problem = environment_error(exc, out)
        if problem is None:
            raise
        raise problem from exc


def _write_all(fd: int, data) -> None:
    """Write bytes, or a list of bytes (parts of the file, written with writev: never joined
    into one copy, e.g. an agency's records.csv from its reports' rows)."""
    if isinstance(data, list):
        for i in range(0, len(data), _IOV_MAX):
            batch = data[i:i + _IOV_MAX]
            done = os.writev(fd, batch)
            size = sum(map(len, batch))
            if done < size:  # a short write (a signal, a full disk): the rest as one piece
                _write_all(fd, memoryview(b"".join(batch))[done:])
        return
    view, done = memoryview(data), 0
    while done < len(view):
        done += os.write(fd, view[done:])


def _digest(data) -> str:
    if isinstance(data, list):  # streamed over the parts: the same digest as of their join
        h = _Hasher()
        for part in data:
            h.update(part)
        return h.hexdigest()
    return _hash(data)


class Output:
    """Files of one build. Every file's bytes are hashed as written, so the next build can tell
    what changed. With `base` (an incremental build), a file whose bytes equal what the live
    site at `base` already holds is not written again; only new or changed files go into
    `root`, and commit_in_place() moves them into place and removes what is gone.

    Files are written by units (a page, the data downloads ...: see render.render_site), and
    each unit's files are remembered, so that an incremental render can re-run some units and
    carry the files of the others over from the previous build without rendering them."""

    def __init__(self, root: Path, previous: dict[str, str] | None = None, base: Path | None = None, timings=None):
        self.root = root
        self.base = base
        self.previous = previous or {}
        self.hashes: dict[str, str] = {}  # relpath -> content hash, for the build manifest
        self.changed: list[str] = []  # files whose bytes differ from the previous build's
        self.units: dict[tuple, dict[str, str]] = {}  # unit -> the files it wrote (relpath -> hash)
        # the files of `previous` this build no longer makes, when carry_all() knows them without
        # comparing every file name (None: compare them, see commit_in_place)
        self.gone: list[str] | None = None
        self._unit: dict[str, str] | None = None
        self.timings = timings
        # folders known to exist under root: a page's folder is made once, not asked for per file
        # (a mkdir -p per file cost ~1.4 s at 20,000 reports). A forked worker inherits a copy;
        # a folder another process made meanwhile is fine (exist_ok).
        self._dirs: set[str] = set()
        self._root = str(root)

    @property
    def written(self) -> list[str]:
        """Every file of this build: written now or carried over unchanged."""
        return list(self.hashes)

    @contextmanager
    def unit(self, key: tuple):
        """Files written inside the block belong to `key` (a unit written again starts afresh)."""
        outer, self._unit = self._unit, {}
        self.units[key] = self._unit
        try:
            yield
        finally:
            self._unit = outer

    def carry(self, key: tuple, files: dict[str, str]) -> None:
        """A unit not rendered this time: its files, as the previous build wrote them, stay."""
        self.units[key] = files
        self.hashes.update(files)

    def carry_all(self, units: dict[tuple, dict[str, str]]) -> None:
        """carry() of every unit of `units` not written in this Output: the same files and units.
        `units` are the previous build's, whose files `previous` holds (an incremental build's).
        When each unit written now wrote every file it wrote then, the files are `previous` with
        this Output's written over them: two dict copies in C, where one update per unit cost
        ~10 ms (the dev server carries some 25,000 units, 60,000 files, of a province's site after
        an edit). Else a file a unit no longer writes may be another's still (a chart two pages
        show): the files of every unit carried, this Output's over them."""
        carried = dict(units)
        carried.update(self.units)
        if self.base is not None and not any(units.get(key, files).keys() - files.keys()
                                             for key, files in self.units.items()):
            hashes = dict(self.previous)
            hashes.update(self.hashes)
            self.gone = []  # (every unit of the last build is here, with each file it wrote)
        else:
            hashes = {}
            deque(map(hashes.update, (files for key, files in carried.items() if key not in self.units)), maxlen=0)
            hashes.update(self.hashes)
        self.units, self.hashes = carried, hashes

    def _path(self, relpath: str) -> str:
        """The file's path under root, its folder made if this Output has not made it yet. An
        incremental build's changed files lie side by side in root (staged_name), not in a copy of
        the site's tree: commit_in_place moves each into place."""
        if self.base is not None:
            if self._root not in self._dirs:
                self._make(self._root)
            return f"{self._root}/{staged_name(relpath)}"
        path = f"{self._root}/{relpath}"
        folder = path.rpartition("/")[0]
        if folder not in self._dirs:
            self._make(folder)
        return path

    def _make(self, folder: str) -> None:
        """The folder and those of its parents this Output has not made: one mkdir each (makedirs
        stat()s every parent first; a province's site has 22,000 folders). A forked process
        starts without its parent's later folders; one another process made meanwhile is fine."""
        if len(folder) <= len(self._root):  # the root (or a file above it: not ours to make)
            os.makedirs(folder, exist_ok=True)
        else:
            parent = folder.rpartition("/")[0]
            if parent not in self._dirs:
                self._make(parent)
            try:
                os.mkdir(folder)
            except FileExistsError:
                pass
        self._dirs.add(folder)

    def write(self, relpath: str, data: str | bytes | list[bytes]) -> None:
        """The file's bytes: a str (encoded UTF-8), bytes, or a list of bytes (its parts, in
        order: hashed and written as their join, without joining them)."""
        t0 = time.perf_counter()
        if isinstance(data, str):
            data = data.encode("utf-8")
        if self._record(relpath, _digest(data)):
            _write_file(self._path(relpath), data)
            self.changed.append(relpath)
        if self.timings is not None:
            self.timings.add("write", time.perf_counter() - t0)

    def _record(self, relpath: str, digest: str) -> bool:
        """The file's hash recorded (in its unit too); True when its bytes must be written to
        the stage (the caller lists it in `changed` once they are): a new build, or bytes the
        live site lacks."""
        if relpath in self.hashes:
            # written twice: the last bytes win, as on disk (even when they are the live ones)
            self.hashes.pop(relpath)
            if relpath in self.changed:
                self.changed.remove(relpath)
                Path(self._path(relpath)).unlink(missing_ok=True)
        self.hashes[relpath] = digest
        if self._unit is not None:
            self._unit[relpath] = digest
        return self.base is None or self.previous.get(relpath) != digest or not (self.base / relpath).is_file()

    def write_chunks(self, relpath: str, chunks) -> None:
        """write() for a file too big to hold whole (data/records.json is hundreds of MB at a
        province's size): each chunk (str or bytes) is encoded, hashed and written as it comes.
        The same bytes give the same hash as write(), so either can write a file."""
        with self.stream(relpath) as put:
            for chunk in chunks:
                put(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)

    def keep(self, relpath: str, digest: str) -> bool:
        """A file of the live site (base) recorded as it is, in the current unit, without reading
        it: True when the previous build wrote it with this hash and it is there; else nothing is
        recorded and the caller writes it (the dev server's year files of unedited reports)."""
        if self.base is None or self.previous.get(relpath) != digest or not (self.base / relpath).is_file():
            return False
        self._record(relpath, digest)
        return True

    @contextmanager
    def stream(self, relpath: str, named=None):
        """write_chunks() for a writer that fills several files at once (the data downloads in
        one pass): yields a function taking the file's next bytes. The file is written beside
        (.part) and is in place, hashed and recorded, when the block ends; not if it fails.
        `named`: a function giving the file's path when the block ends, in place of `relpath`
        (a writer that learns the name last: a year's record file is numbered when a part
        follows it), in the same folder."""
        target = self._path(relpath)
        part = target + ".part"
        h = _Hasher()
        spent = 0.0
        # the pieces are gathered (not copied into a buffer) and written a megabyte at a time
        # with writev: records.json is 570 MB at 20,000 reports, in 20,000 pieces
        pending: list = []
        size = 0
        fd = os.open(part, _FLAGS, 0o666)

        def put(data: bytes) -> None:
            nonlocal spent, size
            t0 = time.perf_counter()
            h.update(data)
            pending.append(data)
            size += len(data)
            if size >= _FLUSH or len(pending) >= _IOV_MAX:
                _write_all(fd, pending)
                pending.clear()
                size = 0
            spent += time.perf_counter() - t0

        try:
            yield put
            t0 = time.perf_counter()
            _write_all(fd, pending)
            spent += time.perf_counter() - t0
        except BaseException as exc:
            os.close(fd)
            os.unlink(part)
            if isinstance(exc, OSError):
                raise _naming(exc, target)
            raise
        os.close(fd)
        t0 = time.perf_counter()
        if named is not None:
            relpath = named()
            target = self._path(relpath)
        if self._record(relpath, h.hexdigest()):
            os.replace(part, target)
            self.changed.append(relpath)
        else:
            os.unlink(part)
        if self.timings is not None:
            self.timings.add("write", spent + time.perf_counter() - t0)

    def copy(self, relpath: str, source: Path) -> None:
        self.write(relpath, Path(source).read_bytes())

    # --- several processes: each worker writes into the same staging folder, the parent merges

    def detach(self) -> None:
        """In a worker: forget what the parent wrote, so that collect() returns this worker's own."""
        self.hashes, self.changed, self.units, self._unit = {}, [], {}, None

    def collect(self) -> tuple[dict, list, dict]:
        return self.hashes, self.changed, self.units

    def merge(self, collected: tuple[dict, list, dict]) -> None:
        hashes, changed, units = collected
        self.hashes.update(hashes)
        self.changed.extend(changed)
        self.units.update(units)


def staged_name(relpath: str) -> str:
    """The name an incremental build's file has in its staging folder: its path with "/" (and the
    escape "%") escaped, one flat folder of changed files. A folder per page in the stage, made
    only to be emptied by the commit, was two mkdirs a page: ~0.2-0.5 ms each on a slow file
    system, for each of the up to 145 pages an edit that moves ranks changes at a province's
    size. A name too long for a file system (255 bytes) is its hash, after "%%", which no escaped
    path holds."""
    name = relpath.replace("%", "%25").replace("/", "%2F")
    if len(name.encode("utf-8")) > 200:
        name = "%%" + hashlib.blake2b(relpath.encode("utf-8"), digest_size=16).hexdigest()
    return name


def commit_in_place(stage: Path, out: Path, changed: list[str], keep: AbstractSet[str], dirs: tuple[str, ...] = (),
                    previous: AbstractSet[str] | None = None, later: Removals | None = None,
                    gone: list[str] | None = None) -> list[str]:
    """Publish an incremental build by touching only what changed: each changed file moved from
    `stage` over its live copy (a rename: a reader gets the old file or the new one, never half),
    each file of `out` this build does not produce (not in `keep`, nor under `dirs`) taken out
    (with `previous`, the files the last build into `out` is known to have produced, only those
    are looked at: the dev server's case, which then need not walk the whole live site; with
    `gone` as well, those of them not in `keep`, as Output.gone knows them: no comparison of a
    province's 60,000 names, ~7 ms),
    each folder of `dirs` (the search index) swapped whole when `stage` has it. Nothing is copied:
    apart from one walk over the names of the live files, the cost is that of the change.

    Journaled: the live files replaced or removed are kept aside (hard links) until the end, and
    a failure or interrupt at any point puts every one back, so `out` is as it was. Returns the
    removed files. `later`: once the commit is done, the old files are deleted meanwhile by it
    (see Removals), not before this returns."""
    out = out.resolve()
    if previous is None:
        removed = _not_kept(out, keep, dirs)
    else:
        removed = sorted(gone if gone is not None else previous - keep)
    aside = out.parent / f".{out.name}.old-{os.getpid()}"
    if aside.exists():
        shutil.rmtree(aside)
    done: list[tuple[str, str, Path | None]] = []  # (kind, relpath, where its live copy was kept aside)

    made: list[Path] = []  # the aside folder, once made

    def aside_name() -> Path:
        # the live copies are kept aside numbered, side by side, not in a copy of the site's tree:
        # a folder made per file kept was ~1 ms of mkdirs per page of an edit here (an edit that
        # moves ranks at a province's size changes up to 145 pages)
        if not made:
            aside.mkdir()
            made.append(aside)
        return aside / str(len(done))

    try:
        # (paths as strings, and a stat per file: its cost is per changed file, up to 145 pages
        # of an edit that moves ranks at a province's size)
        live_root, stage_root = str(out), str(stage)
        for rel in changed:
            live, kept = f"{live_root}/{rel}", None
            if os.path.isfile(live):
                kept = aside_name()
                _link_or_copy(live, kept)
            else:
                os.makedirs(os.path.dirname(live), exist_ok=True)
            os.replace(f"{stage_root}/{staged_name(rel)}", live)
            done.append(("file", rel, kept))
        for rel in dirs:
            if not (stage / rel).is_dir():
                continue
            kept = aside_name() if (out / rel).exists() else None
            done.append(("dir", rel, kept))  # before the renames: undone whichever of them happened
            if kept is not None:
                os.rename(out / rel, kept)
            os.rename(stage / rel, out / rel)
        for rel in removed:
            live = out / rel
            if not live.exists():
                continue
            kept = aside_name()
            os.rename(live, kept)
            done.append(("removed", rel, kept))
            _remove_empty_parents(live.parent, out)
    except BaseException:
        for kind, rel, kept in reversed(done):
            live = out / rel
            if kind == "removed":
                live.parent.mkdir(parents=True, exist_ok=True)
                os.rename(kept, live)
            elif kind == "dir":
                if kept is None or kept.exists():
                    shutil.rmtree(live, ignore_errors=True)  # (the new folder, if it got there)
                if kept is not None and kept.exists():
                    os.rename(kept, live)
            elif kept is not None:
                os.replace(kept, live)
            else:
                live.unlink(missing_ok=True)
        shutil.rmtree(aside, ignore_errors=True)
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if later is not None:
        later.add(aside, out)
        later.add(stage, out)
    else:
        shutil.rmtree(aside, ignore_errors=True)
        shutil.rmtree(stage, ignore_errors=True)
    return removed


def _not_kept(out: Path, keep: set[str], dirs: tuple[str, ...]) -> list[str]:
    """Files under `out` that are not in `keep` nor under one of `dirs` (sorted). Plain strings
    and scandir: this walks every name of the live site on each incremental build."""
    root = str(out)
    cut = len(root) + 1
    skip = {os.path.join(root, d) for d in dirs}
    found = []
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    if e.path not in skip:
                        stack.append(e.path)
                else:
                    rel = e.path[cut:] if os.sep == "/" else e.path[cut:].replace(os.sep, "/")
                    if rel not in keep:
                        found.append(rel)
    return sorted(found)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    # a clean build has no empty folders (a deleted report's page leaves one behind otherwise)
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _link_or_copy(src: Path, target: Path) -> None:
    # A hard link shares the file's bytes with the live site; nothing ever rewrites a published
    # file in place (changed files are new files), so the live site cannot change through it.
    try:
        os.link(src, target)
    except OSError:
        shutil.copy2(src, target)


# In a staging folder, the build that owns it: "<pid> <start time>" (see _start_time). Taken out
# before the folder becomes the site.
OWNER_FILE = ".site-builder-owner"


def staging_dir(out: Path) -> Path:
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(out)
    stage = out.parent / f".{out.name}.building-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir()
    pid = os.getpid()
    (stage / OWNER_FILE).write_text(f"{pid} {_start_time(pid) or '-'}\n", encoding="ascii")
    return stage


def remove_stale(out: Path) -> list[str]:
    """Remove the staging, next, old and trash folders of builds whose process is gone (killed,
    or the machine stopped) beside `out`; a build still running keeps its own. An old site
    renamed aside by a build killed between the two renames of swap_in is put back instead, when
    `out` is missing. Returns their names."""
    removed = []
    for p in sorted(out.parent.glob(f".{out.name}.*-*")):
        kind, _, pid = p.name[len(out.name) + 2 :].rpartition("-")
        kind = "trash" if kind.startswith("trash") and kind[5:].isdigit() else kind
        if kind in ("building", "next", "old", "trash") and pid.isdigit() and p.is_dir() and not _owner_alive(p, int(pid)):
            if kind == "old" and not out.exists():
                os.rename(p, out)
                removed.append(f"{p.name} (the previous site, put back as {out.name})")
                continue
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p.name)
    return removed


def _owner_alive(folder: Path, pid: int) -> bool:
    """Whether the build that made `folder` (named with its pid) still runs. A pid is reused by
    another process sooner or later: where /proc tells when a process started, the owner is the
    process of that pid that started when the owner file says (a staging folder) or before the
    folder got its name (old and trash folders: a rename sets the folder's ctime); elsewhere a
    live pid is taken as the owner."""
    if not _alive(pid):
        return False
    started = _start_time(pid)
    if started is None:
        return True
    try:
        recorded = (folder / OWNER_FILE).read_text(encoding="ascii").split()
    except OSError:  # no owner file (an old or trash folder, or a stage killed before it was written)
        recorded = None
    if recorded is not None and len(recorded) == 2 and recorded[0] == str(pid) and recorded[1] != "-":
        return recorded[1] == started
    try:
        named = folder.stat().st_ctime
    except OSError:
        return True  # gone meanwhile: nothing to remove
    return _seconds_since_epoch(started) <= named + 1.0  # (boot time is known to the second)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _start_time(pid: int) -> str | None:
    """When the process started, in clock ticks since boot (/proc/<pid>/stat's 22nd field), as
    text; None without /proc or such a process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # (the second field, the command's name in parentheses, may hold spaces: counted from its end)
    return text[text.rindex(")") + 2 :].split()[19]


def _seconds_since_epoch(ticks: str) -> float:
    with open("/proc/stat", encoding="ascii") as fh:
        boot = next(int(line.split()[1]) for line in fh if line.startswith("btime "))
    return boot + int(ticks) / os.sysconf("SC_CLK_TCK")


def swap_in(stage: Path, out: Path, later: Removals | None = None) -> None:
    """Replace `out` with `stage` (two renames: the old site exists until the new one is whole).
    `later`: the old site is deleted meanwhile by it (see Removals), not before this returns."""
    out = out.resolve()
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if old.exists():  # left by an earlier process of the same id that was killed mid-swap
        shutil.rmtree(old)
    (stage / OWNER_FILE).unlink(missing_ok=True)  # (not part of the site)
    if out.exists():
        os.rename(out, old)
    try:
        os.rename(stage, out)
    except BaseException:
        # Failed (or Ctrl-C) between the two renames: put the previous site back.
        if old.exists() and not out.exists():
            os.rename(old, out)
        raise
    if old.exists():
        if later is not None:
            later.add(old, out)
        else:
            shutil.rmtree(old)


class Removals:
    """Folders being deleted meanwhile (files no longer live: an old site, the old copies of
    replaced files, a staging folder emptied), so that the dev server's rebuild is live without
    waiting for it. Freeing a file's blocks waits on the disk (online discard: up to ~5 ms a file
    while other processes write, 39 ms of a one-report commit, seconds after a template edit),
    and nothing needs them gone first. Each folder is renamed to `.<out>.trash<N>-<pid>`, N
    random (48 bits: no counter shared by the sessions of a process is needed to keep the names
    apart), and `rm -rf` deletes it (a process: no share of this one's GIL; a thread
    where there is no rm). If it is stopped first, the next build removes the rest (remove_stale)."""

    def __init__(self) -> None:
        self._running: list = []  # the processes (or threads) deleting them

    def add(self, folder: Path, out: Path) -> None:
        """Delete `folder` (beside the output folder `out`) meanwhile."""
        out = Path(out).resolve()
        trash = out.parent / f".{out.name}.trash{int.from_bytes(os.urandom(6), 'big')}-{os.getpid()}"
        try:
            os.rename(folder, trash)
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            return
        self._running = [r for r in self._running if _running(r)]  # (poll() reaps the finished ones)
        rm = shutil.which("rm")
        if rm is not None:
            self._running.append(subprocess.Popen([rm, "-rf", "--", str(trash)], stdin=subprocess.DEVNULL,
                                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        else:
            thread = threading.Thread(target=shutil.rmtree, args=(trash,), kwargs={"ignore_errors": True},
                                      name="site-builder-remove", daemon=True)
            thread.start()
            self._running.append(thread)

    def wait(self) -> None:
        """Until every folder given to add() is gone."""
        while self._running:
            r = self._running.pop()
            r.wait() if hasattr(r, "wait") else r.join()


def _running(removal) -> bool:
    return removal.poll() is None if hasattr(removal, "poll") else removal.is_alive()


def discard(stage: Path) -> None:
    shutil.rmtree(stage, ignore_errors=True)
