"""The five seed reports: the fixed input of the trust tests, whatever else content/ holds."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
SEED_REPORTS = (
    "donghuashi-2019.txt",
    "jianguomen-2011.txt",
    "jianguomen-2024.txt",
    "taoranting-2017.txt",
    "xinqi-2013.txt",
)


def copy_seed_content(dest: Path) -> Path:
    """dest/ = the seeds, agencies.toml and the Markdown pages; returns dest."""
    (dest / "reports").mkdir(parents=True)
    for name in SEED_REPORTS:
        shutil.copyfile(CONTENT / "reports" / name, dest / "reports" / name)
    shutil.copyfile(CONTENT / "agencies.toml", dest / "agencies.toml")
    if (CONTENT / "pages").is_dir():
        shutil.copytree(CONTENT / "pages", dest / "pages")
    return dest
