"""Output makes the folders of the files it writes, each once: the pages' files land where their
paths say, and a folder another process made first (the render workers and the downloads'
process share one staging folder) is used, with what it holds."""

from __future__ import annotations

import os
from pathlib import Path

from site_builder.build.output import Output


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def folders(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_dir())


def test_files_land_in_their_folders_and_nothing_else_is_made(tmp_path):
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
    (tmp_path / "agencies" / "a" / "index.html").write_text("kept")  # another process made it first
    out = Output(tmp_path)
    out.write("agencies/b/index.html", "new")
    assert tree(tmp_path) == {"agencies/a/index.html": b"kept", "agencies/b/index.html": b"new"}


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
    assert sorted(os.listdir(root)) == ["agencies", "charts", "metrics", "years"]
