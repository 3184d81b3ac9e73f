"""`site-builder build` as a program ends right after the build (no teardown of its objects):
its output must still be complete, its summary printed and its exit status right. In-process
callers of cli.main(argv) get the status returned, as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from site_builder.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "site_builder", *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_the_program_prints_its_summary_and_exits_0_with_every_file_written(tmp_path):
    out = tmp_path / "_site"
    done = run("build", "--content", str(ROOT / "content"), "--out", str(out), "--no-cache", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("built ")
    assert (out / "index.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert (out / "data" / "records.json").read_bytes().endswith(b"\n]\n")
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("._site.")]


def test_the_program_exits_1_on_an_error(tmp_path):
    done = run("build", "--content", str(tmp_path / "missing"), "--out", str(tmp_path / "_site"), cwd=tmp_path)
    assert done.returncode == 1 and "error:" in done.stderr


def test_an_in_process_caller_gets_the_status(tmp_path):
    assert main(["build", "--content", str(ROOT / "content"), "--out", str(tmp_path / "_site"), "--no-cache"]) == 0
    assert (tmp_path / "_site" / "sitemap.xml").is_file()
