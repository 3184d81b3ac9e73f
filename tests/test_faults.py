"""Faults leave nothing behind (issue 18): a build killed at any stage leaves no process and
no folder behind and the previous site whole; an interrupted build says so; a stale staging
folder is removed by the next build; two builds into one folder take turns; a full disk, a
read-only folder or an output path that is a file is one line of error.

Real builds as programs (`python -m site_builder build`) on a generated corpus big enough that
each stage lasts long enough to be caught by polling for what it leaves on disk or starts."""

from __future__ import annotations

import errno
import filecmp
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.tools.synth import generate

ROOT = Path(__file__).resolve().parents[1]
LINUX = sys.platform.startswith("linux")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("faults") / "content"
    generate(content, agencies=60, years=list(range(2014, 2025)), seed=3, reports=500)
    return content


@pytest.fixture(scope="module")
def clean(corpus, tmp_path_factory) -> Path:
    """The corpus built once, cleanly: what every build after a fault must equal."""
    out = tmp_path_factory.mktemp("clean") / "_site"
    done = run_build(corpus, out)
    assert done.returncode == 0, done.stderr
    return out


def build_command(content: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "site_builder", "build", "--content", str(content), "--out", str(out), "--no-cache",
            *extra]


def env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def run_build(content: Path, out: Path, *extra: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(build_command(content, out, *extra), capture_output=True, text=True, env=env(),
                          cwd=cwd or out.parent)


def start_build(content: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(build_command(content, out, *extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env(), cwd=out.parent)


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (from /proc/<pid>/stat: its fourth field)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended meanwhile
        fields = text[text.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return text[text.rindex(")") + 2] != "Z"  # (a zombie has ended; only its entry is left)


def comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def stage_of(out: Path, pid: int) -> Path:
    return out.parent / f".{out.name}.building-{pid}"


def wait_for(condition, proc: subprocess.Popen, what: str, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the build ended before {what}: {proc.stderr.read()}")
        if time.monotonic() > end:
            proc.kill()
            pytest.fail(f"no {what} within {timeout:g} s")
        time.sleep(0.005)


def same_tree(a: Path, b: Path) -> list[str]:
    """The relative paths that differ between two folders (missing on either side, or other bytes)."""
    diffs = []
    names_a = {p.relative_to(a).as_posix() for p in a.rglob("*")}
    names_b = {p.relative_to(b).as_posix() for p in b.rglob("*")}
    diffs += sorted(names_a ^ names_b)
    for rel in sorted(names_a & names_b):
        pa, pb = a / rel, b / rel
        if pa.is_file() and not filecmp.cmp(pa, pb, shallow=False):
            diffs.append(rel)
    return diffs


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    """What builds left beside the output folder (staging, old and trash folders)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.") and p.is_dir())


# --- kill -9 at each stage


def _parsing(out, proc):
    # the parse pool runs before the staging folder exists
    return lambda: len(children(proc.pid)) >= 2 and not stage_of(out, proc.pid).exists()


def _rendering(out, proc):
    stage = stage_of(out, proc.pid)
    return lambda: (stage / "agencies").is_dir() and len(children(proc.pid)) >= 2


def _downloads(out, proc):
    data = stage_of(out, proc.pid) / "data"
    return lambda: data.is_dir() and any(p.suffix == ".part" for p in data.iterdir())


def _search(out, proc):
    return lambda: any(comm(c).startswith("pagefind") for c in children(proc.pid))


def _swap(out, proc):
    # the previous site renamed aside: the new one is (or is about to be) in place
    return lambda: (out.parent / f".{out.name}.old-{proc.pid}").exists()


STAGES = {"parse": _parsing, "render": _rendering, "downloads": _downloads, "search": _search, "swap": _swap}


def _build_reaching(stage: str, corpus: Path, out: Path):
    """A site built into `out`, then a second build of it started and caught in `stage`: (the
    first site's snapshot, the running build, its child processes at that moment)."""
    first = run_build(corpus, out)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    proc = start_build(corpus, out)
    wait_for(STAGES[stage](out, proc), proc, f"{stage} stage")
    return before, proc, children(proc.pid)


def _left_running(kids, seconds: float = 2.0) -> list[int]:
    """Those of `kids` still alive after up to `seconds`."""
    end = time.monotonic() + seconds
    while any(map(alive, kids)) and time.monotonic() < end:
        time.sleep(0.02)
    return [k for k in kids if alive(k)]


@pytest.mark.skipif(not LINUX, reason="finds a build's processes in /proc")
@pytest.mark.parametrize("stage", list(STAGES))
def test_a_build_killed_leaves_no_process_and_the_previous_site_whole(stage, corpus, clean, tmp_path):
    out = tmp_path / "_site"
    before, proc, kids = _build_reaching(stage, corpus, out)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert kids or stage == "swap", "the build had no child process at that point"
    assert _left_running(kids) == [], f"processes of the killed build left running ({stage})"
    if stage == "swap":  # killed between the renames or after: the previous site aside, or the new one whole
        if out.exists():
            assert snapshot(out) == before or not same_tree(out, clean)
        else:
            assert snapshot(out.parent / f".{out.name}.old-{proc.pid}") == before
    else:
        assert snapshot(out) == before
    again = run_build(corpus, out)
    assert again.returncode == 0, again.stderr
    assert not same_tree(out, clean)
    assert leftovers(out) == []


@pytest.mark.skipif(not LINUX, reason="finds a build's processes in /proc")
@pytest.mark.parametrize("signum,stage", [(signal.SIGTERM, "render"), (signal.SIGINT, "render"),
                                          (signal.SIGTERM, "parse"), (signal.SIGTERM, "downloads")])
def test_a_build_stopped_by_a_signal_stops_its_workers_and_says_interrupted(signum, stage, corpus, tmp_path):
    out = tmp_path / "_site"
    before, proc, kids = _build_reaching(stage, corpus, out)
    os.kill(proc.pid, signum)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode != 0
    assert err.splitlines() == ["interrupted"]
    assert _left_running(kids) == []
    assert snapshot(out) == before
    assert leftovers(out) == []


PORTABLE_PARENT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
import multiprocessing
from site_builder import lifeline

if sys.argv[1] == "portable":
    lifeline._prctl = lambda: None  # as where there is no prctl: the watching thread alone
with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"), initializer=lifeline.bind_to_parent,
                         initargs=(os.getpid(),)) as pool:
    print(pool.submit(os.getpid).result(), flush=True)
    pool.submit(time.sleep, 600)
    time.sleep(600)
"""


@pytest.mark.skipif(not LINUX, reason="finds a process in /proc")
@pytest.mark.parametrize("way", ["portable", "linux"])
def test_a_worker_ends_within_a_second_of_its_parent_either_way(way):
    parent = subprocess.Popen([sys.executable, "-c", PORTABLE_PARENT, way], stdout=subprocess.PIPE, text=True, env=env())
    worker = int(parent.stdout.readline())
    assert alive(worker)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    t0 = time.monotonic()
    while alive(worker) and time.monotonic() - t0 < 2.0:
        time.sleep(0.01)
    gone = time.monotonic() - t0
    assert not alive(worker), f"the worker outlived its parent ({way})"
    assert gone < 1.0


# --- what killed builds leave beside the output folder


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_the_next_build_removes_a_killed_builds_staging_folder_and_says_so(tmp_path):
    out = tmp_path / "_site"
    pid = _dead_pid()
    stage = tmp_path / f"._site.building-{pid}"
    (stage / "agencies").mkdir(parents=True)
    (stage / ".site-builder-owner").write_text(f"{pid} 12345\n")
    done = run_build(ROOT / "content", out)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == f"removed what stopped builds left beside {out}: ._site.building-{pid}"
    assert leftovers(out) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="tells a reused pid by /proc/<pid>/stat")
def test_a_staging_folder_whose_pid_another_process_reuses_is_removed(tmp_path):
    # a live process with the folder's pid, but not the one that wrote the owner file (another
    # start time): a reused pid, the folder is stale
    out = tmp_path / "_site"
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stage = tmp_path / f"._site.building-{other.pid}"
        stage.mkdir()
        (stage / ".site-builder-owner").write_text(f"{other.pid} 1\n")
        live = tmp_path / f"._site.building-{os.getpid()}"  # this process's, and it did start then
        live.mkdir()
        mine = Path(f"/proc/{os.getpid()}/stat").read_text()
        (live / ".site-builder-owner").write_text(f"{os.getpid()} {mine[mine.rindex(')') + 2:].split()[19]}\n")
        done = run_build(ROOT / "content", out)
        assert done.returncode == 0, done.stderr
        assert done.stderr.splitlines()[0] == f"removed what stopped builds left beside {out}: ._site.building-{other.pid}"
        assert leftovers(out) == [live.name]
    finally:
        other.kill()
        other.wait()


def test_a_site_renamed_aside_by_a_build_killed_mid_swap_is_put_back(tmp_path):
    out = tmp_path / "_site"
    assert run_build(ROOT / "content", out).returncode == 0
    before = snapshot(out)
    pid = _dead_pid()
    os.rename(out, tmp_path / f"._site.old-{pid}")  # what a kill between swap_in's two renames leaves
    done = run_build(ROOT / "content", out, "--strict")
    assert done.stderr.splitlines()[0] == (f"removed what stopped builds left beside {out}: "
                                           f"._site.old-{pid} (the previous site, put back as _site)")
    assert snapshot(out) == before


# --- two builds into one output folder


def test_a_second_build_with_no_wait_fails_at_once_while_one_runs(corpus, tmp_path):
    out = tmp_path / "_site"
    first = start_build(corpus, out)
    wait_for(lambda: (tmp_path / "._site.lock").exists() and children(first.pid), first, "the first build's workers")
    second = run_build(corpus, out, "--no-wait")
    assert second.returncode == 1
    assert second.stderr.splitlines() == [
        f"error: another build (pid {first.pid}) is writing into {out}: not waiting (--no-wait)"]
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err


def test_a_second_build_waits_for_the_first_and_says_for_whom(corpus, clean, tmp_path):
    out = tmp_path / "_site"
    first = start_build(corpus, out)
    wait_for(lambda: (tmp_path / "._site.lock").exists() and children(first.pid), first, "the first build's workers")
    second = start_build(corpus, out)
    _, err2 = second.communicate(timeout=180)
    _, err1 = first.communicate(timeout=10)
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    assert err2.splitlines()[0] == f"waiting for the build of pid {first.pid} into {out}…"
    assert not same_tree(out, clean)
    assert leftovers(out) == []


HOLD_LOCK = """
import sys
from pathlib import Path
from site_builder.build.lock import OutputLock
lock = OutputLock(Path(sys.argv[1]))
lock.acquire(wait=False)
print("held", flush=True)
sys.stdin.read()  # until the test closes it
"""


def test_the_dev_server_takes_the_lock_to_rebuild_and_lets_go_when_idle(project):
    import threading

    from site_builder.commands.serve import Rebuilder

    out = project / "_site"
    r = Rebuilder(project / "content", out, project / "templates", project / "static", search=False,
                  log=lambda text: None)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env())
    assert holder.stdout.readline() == "held\n"
    results = []
    rebuild = threading.Thread(target=lambda: results.append(r.rebuild()))
    rebuild.start()
    rebuild.join(1.0)
    assert rebuild.is_alive() and not out.exists()  # waiting for the other build
    holder.stdin.close()
    holder.wait()
    rebuild.join(60)
    assert results and results[0].ok
    r.wait()  # (its data downloads)
    idle = subprocess.run([sys.executable, "-c", HOLD_LOCK, str(out)], input="", capture_output=True, text=True,
                          env=env())
    assert idle.returncode == 0 and idle.stdout == "held\n", idle.stderr


# --- the environment's errors: one line each


@pytest.fixture
def mount(tmp_path):
    """mount(options) -> a fresh tmpfs mounted with them (as root; else the test is skipped)."""
    mounted = []

    def make(options: str) -> Path:
        if os.geteuid() != 0:
            pytest.skip("mounts a tmpfs: needs root")
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield make
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=True)


def test_a_full_disk_is_one_line_and_keeps_the_previous_site(corpus, mount, tmp_path):
    # room for one site (~66 MB) but not for a second beside it: the workers run out of space
    disk = mount("size=100m")
    out = disk / "_site"
    first = run_build(corpus, out, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    second = run_build(corpus, out, cwd=tmp_path)
    assert second.returncode == 1
    (line,) = second.stderr.splitlines()
    assert re.fullmatch(f"error: no space left on device writing {re.escape(str(out))}/\\S+: the previous site is untouched",
                        line), line
    assert snapshot(out) == before
    assert sorted(p.name for p in disk.iterdir()) == ["_site"]  # no staging folder, no lock file
    debug = run_build(corpus, out, "--debug", cwd=tmp_path)
    assert debug.returncode == 1 and "Traceback" in debug.stderr and debug.stderr.splitlines()[-1].startswith(
        "error: no space left on device writing ")


def test_a_full_disk_mocked_is_one_line(tmp_path, monkeypatch, capsys):
    # (where no tmpfs can be mounted: the same error raised by the write itself)
    from site_builder.build import output
    from site_builder.cli import main

    out = tmp_path / "_site"
    assert main(["build", "--content", str(ROOT / "content"), "--out", str(out), "--no-cache"]) == 0
    before = snapshot(out)
    capsys.readouterr()

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output, "_write_all", full)
    assert main(["build", "--content", str(ROOT / "content"), "--out", str(out), "--no-cache"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert re.fullmatch(f"error: no space left on device writing {re.escape(str(out))}/\\S+: the previous site is untouched",
                        line), line
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_a_read_only_output_folder_is_one_line(mount, tmp_path):
    disk = mount("size=20m")
    out = disk / "_site"
    first = run_build(ROOT / "content", out, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    second = run_build(ROOT / "content", out, cwd=tmp_path)
    assert second.returncode == 1
    assert second.stderr.splitlines() == [
        f"error: read-only file system writing {disk}/._site.lock: the previous site is untouched"]
    assert snapshot(out) == before


def test_an_output_folder_that_is_a_file_is_one_line(tmp_path):
    out = tmp_path / "_site"
    out.write_text("not a folder")
    done = run_build(ROOT / "content", out)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"error: the output folder {out} is a file: no site was written"]
    assert out.read_text() == "not a folder"
    inside = run_build(ROOT / "content", out / "_site", cwd=tmp_path)
    assert inside.stderr.splitlines() == [
        f"error: {out}, a folder of the output folder {out / '_site'}, is a file: no site was written"]


@pytest.mark.parametrize("code,words", [(errno.ENOSPC, "no space left on device"), (errno.EACCES, "permission denied"),
                                        (errno.EPERM, "permission denied"), (errno.EROFS, "read-only file system")])
def test_an_environment_error_names_the_site_file_a_staging_file_was_to_become(code, words, tmp_path):
    # (root ignores permission bits, so a denied write is not made for real here)
    from site_builder.build.output import environment_error

    out = tmp_path / "_site"
    out.mkdir()
    staged = tmp_path / f"._site.building-{os.getpid()}" / "agencies" / "a" / "index.html"
    assert str(environment_error(OSError(code, os.strerror(code), str(staged)), out)) == (
        f"{words} writing {out}/agencies/a/index.html: the previous site is untouched")
    assert environment_error(OSError(errno.EINVAL, "invalid"), out) is None  # not the environment's: a traceback


def test_a_stop_signal_inside_logging_or_an_import_is_put_off_until_after_it(monkeypatch):
    """logging's at-fork callback (pandas imports logging) and the import machinery's lock
    callback cannot pass an exception on: a stop signal landing there is raised again, to be
    taken after it; anywhere else it stops the build."""
    import logging
    import sys as _sys

    from site_builder import lifeline

    import threading

    raised = []
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)  # (on_interrupt sets it)
    monkeypatch.setattr(signal, "raise_signal", raised.append)
    monkeypatch.setattr(lifeline, "stop_children", lambda: None)
    code = compile("import sys\nframe = sys._getframe()\n", logging.__file__, "exec")
    scope: dict = {}
    exec(code, scope)
    assert lifeline.on_interrupt(signal.SIGTERM, scope["frame"]) is None
    assert raised == [signal.SIGTERM]
    # the import machinery likewise: an import's module lock is released by a weakref callback
    # of importlib._bootstrap, where a KeyboardInterrupt was printed as "Exception ignored"
    exec(compile("import sys\nframe = sys._getframe()\n", "<frozen importlib._bootstrap>", "exec"), scope)
    assert lifeline.on_interrupt(signal.SIGINT, scope["frame"]) is None
    assert raised == [signal.SIGTERM, signal.SIGINT]
    with pytest.raises(KeyboardInterrupt):
        lifeline.on_interrupt(signal.SIGTERM, _sys._getframe())
    assert raised == [signal.SIGTERM, signal.SIGINT]
