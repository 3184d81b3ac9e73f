"""Output makes each folder once, the top-level ones under a random name renamed into place (so
that ext4 spreads them over untouched block groups, see output.py); staging_dir marks the
staging folder "top directory" and swap_in takes the mark off. None of it may change what is
written, leave a temporary name behind, or lose a folder another process made meanwhile."""

from __future__ import annotations

import os
from pathlib import Path

from site_builder import output
from site_builder.output import Output, staging_dir, swap_in


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def folders(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_dir())


def test_top_level_folders_get_their_names_and_nothing_else(tmp_path):
    out = Output(tmp_path / "site")  # (the root itself made too)
    out.write("index.html", "<p>home")
    for slug in ("a", "b"):
        out.write(f"agencies/{slug}/index.html", f"<p>{slug}")
        out.write(f"agencies/{slug}/2020/index.html", "<p>2020")
    out.write("data/records.csv", [b"agency\n", b"x\n"])
    out.write("charts/c.vl.json", "{}")
    assert folders(tmp_path / "site") == ["agencies", "agencies/a", "agencies/a/2020", "agencies/b", "agencies/b/2020",
                                          "charts", "data"]
    assert tree(tmp_path / "site")["data/records.csv"] == b"agency\nx\n"
    assert len(tree(tmp_path / "site")) == 7


def test_a_folder_already_there_is_kept_with_its_files(tmp_path):
    (tmp_path / "agencies" / "a").mkdir(parents=True)
    (tmp_path / "agencies" / "a" / "index.html").write_text("kept")
    output._mkdir_spread(str(tmp_path / "agencies"))  # another process made it first
    assert (tmp_path / "agencies" / "a" / "index.html").read_text() == "kept"
    assert os.listdir(tmp_path) == ["agencies"]
    out = Output(tmp_path)
    out.write("agencies/b/index.html", "new")
    assert tree(tmp_path) == {"agencies/a/index.html": b"kept", "agencies/b/index.html": b"new"}


def test_rename_noreplace_refuses_to_replace(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    try:
        done = output._rename_noreplace(str(tmp_path / "x"), str(tmp_path / "y"))
    except FileExistsError:
        done = None
    assert done in (None, False)  # refused, or not available here (then never used to replace)
    assert sorted(os.listdir(tmp_path)) == ["x", "y"]


def test_processes_making_the_same_folders_at_once(tmp_path):
    # the render workers and the downloads' process share the staging folder
    root = tmp_path / "stage"
    root.mkdir()
    pids = []
    for worker in range(4):
        pid = os.fork()
        if pid == 0:
            try:
                out = Output(root)
                for top in ("agencies", "charts", "metrics", "years"):
                    for i in range(30):
                        out.write(f"{top}/f{i}/w{worker}.txt", f"{worker}")
            except BaseException:
                os._exit(1)
            os._exit(0)
        pids.append(pid)
    assert all(os.waitpid(pid, 0)[1] == 0 for pid in pids)
    files = tree(root)
    assert len(files) == 4 * 4 * 30
    assert sorted(os.listdir(root)) == ["agencies", "charts", "metrics", "years"]  # no temporary name left


def test_staging_folder_marked_while_building_only(tmp_path):
    import fcntl
    import struct

    def flags(path: Path) -> int | None:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            return struct.unpack("i", fcntl.ioctl(fd, output._GETFLAGS, b"\0" * 8)[:4])[0]
        except OSError:
            return None  # not a file system with these flags
        finally:
            os.close(fd)

    out_dir = tmp_path / "out"
    stage = staging_dir(out_dir)
    before = flags(stage)
    if before is None or not output._set_topdir(stage, True):
        return  # nothing to check on this file system
    assert before & output._TOPDIR_FL
    Output(stage).write("agencies/a/index.html", "x")
    swap_in(stage, out_dir)
    assert not flags(out_dir) & output._TOPDIR_FL
    assert tree(out_dir) == {"agencies/a/index.html": b"x"}
