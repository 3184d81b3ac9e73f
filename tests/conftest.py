from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
REPORTS = CONTENT / "reports"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


# --- Trust tests (bad input, safe output, CSP, valid HTML, browser): one seed build per session.


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory) -> Path:
    """The five seed reports built once into a temporary folder (read-only for tests)."""
    from site_builder.cli import main

    out = tmp_path_factory.mktemp("seed") / "_site"
    code = main(["build", "--content", str(CONTENT), "--out", str(out)])
    assert code == 0, "the seed site does not build"
    return out


def one_report_province(root: Path, agencies: int, seed: int) -> tuple[Path, Path]:
    """(content folder, built site) of `agencies` synthetic one-report agencies of 2024, made
    under `root` with the CLI (synth, then build without a cache)."""
    from site_builder.cli import main

    content, out = root / "content", root / "site"
    assert main(["synth", "--agencies", str(agencies), "--shape", "agencies", "--years", "2024", "--seed", str(seed),
                 "--out", str(content)]) == 0
    assert main(["build", "--content", str(content), "--out", str(out), "--no-cache"]) == 0
    return content, out


@pytest.fixture(scope="session")
def netlify_rules():
    """The [[headers]] rules of netlify.toml (the CSP the published site is served with)."""
    from browser.netlify import header_rules

    return header_rules(ROOT / "netlify.toml")


@pytest.fixture
def project(tmp_path):
    """A copy of content/, templates/ and static/ that a test may edit (the dev server's tests).
    The dev server freezes each build's objects out of the collector's reach (serve.keep_out_of_gc):
    unfrozen afterwards, so that the rest of the test run collects as usual."""
    import gc
    import shutil

    for name in ("content", "templates", "static"):
        shutil.copytree(ROOT / name, tmp_path / name)
    yield tmp_path
    gc.unfreeze()


@pytest.fixture
def no_charts(monkeypatch):
    """Build without charts, for tests about loading and output that build many sites
    (a chart is rendered by vl-convert and dominates build time). Pages still render."""
    import site_builder.render.charts as charts_mod
    from site_builder.render import page_charts

    monkeypatch.setattr(page_charts, "agency_charts", lambda site, slug, kinds=None: [])
    monkeypatch.setattr(page_charts, "metric_charts", lambda site, metric_id, kinds=None: [])
    monkeypatch.setattr(charts_mod, "prerender", lambda kinds: None)  # renders every chart up front


def pytest_configure(config):
    config.addinivalue_line("markers", "keeps_charts: a bad-input test that builds with real charts")
