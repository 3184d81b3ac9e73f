"""Writing the built site: into a fresh staging folder, swapped in only when the build succeeded,
so a failed or interrupted build leaves the previous site whole."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


class Output:
    def __init__(self, root: Path):
        self.root = root
        self.written: list[str] = []

    def write(self, relpath: str, data: str | bytes) -> None:
        target = self.root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        target.write_bytes(data)
        self.written.append(relpath)

    def copy(self, relpath: str, source: Path) -> None:
        target = self.root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        self.written.append(relpath)


def staging_dir(out: Path) -> Path:
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = out.parent / f".{out.name}.building-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir()
    return stage


def swap_in(stage: Path, out: Path) -> None:
    """Replace `out` with `stage` (two renames: the old site exists until the new one is whole)."""
    out = out.resolve()
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.rename(out, old)
    os.rename(stage, out)
    if old.exists():
        shutil.rmtree(old)


def discard(stage: Path) -> None:
    shutil.rmtree(stage, ignore_errors=True)
