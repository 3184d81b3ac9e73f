from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
REPORTS = CONTENT / "reports"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
