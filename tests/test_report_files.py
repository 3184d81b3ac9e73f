"""load.loader.report_files lists what Path.rglob("*") did, in Path order: the files a build
reads, and their order (which the Site's order and a duplicate report's winner follow)."""

import os
from pathlib import Path

import pytest

from site_builder.load.loader import report_files
from site_builder.readers import supported_suffixes


def _as_rglob_did(content: Path) -> list[Path]:
    suffixes = set(supported_suffixes())
    return sorted(p for p in (content / "reports").rglob("*")
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in suffixes)


def test_report_files_are_rglob_files_in_path_order(tmp_path):
    reports = tmp_path / "reports"
    for folder in ("a/b", "a-c", ".hidden", "d.txt"):  # (a folder named like a report is no report)
        (reports / folder).mkdir(parents=True)
    for name in ("a/b/x.txt", "a/b/中文.txt", "a-c/y.TXT", ".hidden/z.txt", ".dot.txt", "a/trailing.", "a/.txt"):
        (reports / name).write_text("x", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "o.txt").write_text("x", encoding="utf-8")
    try:
        os.symlink(tmp_path / "elsewhere", reports / "linked")  # a linked folder: not walked
        os.symlink(tmp_path / "elsewhere" / "o.txt", reports / "link.txt")  # a linked file: read
        os.symlink(tmp_path / "nowhere.txt", reports / "broken.txt")  # a broken link: not a file
    except (OSError, NotImplementedError):
        pytest.skip("no symbolic links here")
    got = report_files(tmp_path)
    assert got == _as_rglob_did(tmp_path)
    # "a/b/..." before "a-c/...": by parts, not by the strings ("/" > "-")
    assert [p.relative_to(reports).as_posix() for p in got] == [
        ".hidden/z.txt", "a/b/x.txt", "a/b/中文.txt", "a-c/y.TXT", "link.txt"]
