"""Old files deleted after the commit, meanwhile (the dev server's builds: output.Removals): the
live site is the new one as soon as the commit returns, and nothing is left beside it once the
deletion is done; a trash folder of a process that is gone is removed by the next build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from site_builder.build import output


def make(folder: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_commit_in_place_deletes_the_old_copies_later(tmp_path):
    out, stage = tmp_path / "site", tmp_path / ".site.building-1"
    make(out, {"a.html": "a", "d/b.html": "b", "d/gone.html": "gone"})
    staged = {output.staged_name("a.html"): "A", output.staged_name("d/new.html"): "new"}  # (an incremental stage is flat)
    make(stage, staged)
    removals = output.Removals()
    for _ in range(2):  # twice in one process: each commit's old files have their own folder
        removed = output.commit_in_place(stage, out, ["a.html", "d/new.html"], {"a.html", "d/b.html", "d/new.html"},
                                         later=removals)
        assert tree(out) == {"a.html": "A", "d/b.html": "b", "d/new.html": "new"}
        make(stage, staged)
    assert removed == []
    removals.wait()
    output.discard(stage)
    assert beside(out) == []


def test_swap_in_deletes_the_old_site_later(tmp_path):
    out, stage = tmp_path / "site", tmp_path / ".site.building-1"
    make(out, {f"p{i}/index.html": "old" for i in range(50)})
    make(stage, {"index.html": "new"})
    removals = output.Removals()
    output.swap_in(stage, out, later=removals)
    assert tree(out) == {"index.html": "new"}
    removals.wait()
    assert beside(out) == []


def test_a_dead_process_trash_is_removed_and_a_live_one_kept(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f".site.trash3-{int(gone.stdout)}"
    mine = tmp_path / f".site.trash0-{os.getpid()}"
    make(dead, {"x/old.html": "old"})
    make(mine, {"x/old.html": "old"})
    assert output.remove_stale(out) == [dead.name]
    assert beside(out) == [mine.name]
