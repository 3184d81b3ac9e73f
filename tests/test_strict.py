"""--strict, for maintainers' CI: every warning or unreadable report fails the build with a
non-zero exit and leaves the previous site untouched. Without it the build finishes and lists
every problem at the end, after the pages are written."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser.seeds import copy_seed_content
from site_builder.cli import main

# Charts are left out: they play no part in --strict, and each build would render them anew.
pytestmark = pytest.mark.usefixtures("no_charts")

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
SEED = CONTENT / "reports" / "jianguomen-2024.txt"


def content_with(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    content = copy_seed_content(tmp_path / "content")
    for rel, data in files.items():
        (content / rel).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return content


def negative_cell_report() -> str:
    """The 建国门 seed as a 2023 report whose 本年新收 row has one negative cell."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    lines[0] = lines[0].replace("2024年", "2023年")
    label = next(i for i, l in enumerate(lines) if "本年新收" in l and i > 50)
    assert lines[label + 2].strip() == "1"
    lines[label + 2] = "\t-1"
    return "\n".join(lines)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


PROBLEMS = {
    "a warning": ({"reports/jianguomen-2023.txt": negative_cell_report()}, "reports/jianguomen-2023.txt:", "negative"),
    "an unreadable report": ({"reports/zz-empty.txt": b""}, "reports/zz-empty.txt", "empty"),
    "a duplicate report": ({"reports/zz-copy.txt": SEED.read_bytes()}, "reports/zz-copy.txt:2:", "second report"),
}


@pytest.mark.parametrize("case", sorted(PROBLEMS))
def test_without_strict_the_build_finishes_and_lists_the_problem_at_the_end(case, tmp_path, capsys):
    files, where, words = PROBLEMS[case]
    content = content_with(tmp_path, files)
    out = tmp_path / "site"
    assert main(["build", "--content", str(content), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert (out / "index.html").is_file()
    problem_lines = [l for l in captured.err.splitlines() if where in l and words in l]
    assert problem_lines, captured.err
    assert problem_lines[0].startswith(("warning: ", "error: "))
    # The summary closes the build and counts the problem.
    summary = captured.out.strip().splitlines()[-1]
    assert summary.startswith("built ")
    assert "warning(s)" in summary or "could not be read" in summary


@pytest.mark.parametrize("case", sorted(PROBLEMS))
def test_strict_fails_on_the_problem_and_keeps_the_previous_site(case, tmp_path, capsys):
    files, where, words = PROBLEMS[case]
    out = tmp_path / "site"
    seeds = copy_seed_content(tmp_path / "seeds")
    assert main(["build", "--content", str(seeds), "--out", str(out), "--strict"]) == 0, "the seeds must pass --strict"
    before = snapshot(out)
    content = content_with(tmp_path, files)
    capsys.readouterr()
    code = main(["build", "--content", str(content), "--out", str(out), "--strict"])
    err = capsys.readouterr().err
    assert code != 0
    assert "--strict" in err
    assert any(where in l and words in l for l in err.splitlines()), err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == []


def test_strict_on_a_first_build_writes_nothing(tmp_path, capsys):
    content = content_with(tmp_path, {"reports/zz-empty.txt": b"\x00\x01binary"})
    out = tmp_path / "site"
    assert main(["build", "--content", str(content), "--out", str(out), "--strict"]) == 1
    assert not out.exists()
    assert "zz-empty.txt" in capsys.readouterr().err


def test_strict_passes_on_the_seeds(tmp_path):
    """Maintainers' CI builds with --strict: the seeds themselves must stay clean."""
    seeds = copy_seed_content(tmp_path / "seeds")
    assert main(["build", "--content", str(seeds), "--out", str(tmp_path / "site"), "--strict"]) == 0
