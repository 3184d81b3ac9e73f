"""benchmarks/page_weights.py, which the benchmark's budgets rest on: every page gets a type
(an unknown URL pattern a type of its own, never dropped), and every page over 300 KB and data
file over 25 MB is flagged."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def weights():
    spec = importlib.util.spec_from_file_location("page_weights", ROOT / "benchmarks" / "page_weights.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (its dataclasses look their module up there)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("rel, kind", [
    ("index.html", "home"),
    ("agencies/index.html", "agencies index"),
    ("agencies/initial/c/index.html", "initial page"),
    ("agencies/initial/c/page/2/index.html", "initial page"),
    ("agencies/chengguan-zhen-yuzhong-xian/index.html", "agency"),
    ("agencies/chengguan-zhen-yuzhong-xian/2024/index.html", "report"),
    ("years/index.html", "years index"),
    ("years/2024/index.html", "year"),
    ("years/2024/page/3/index.html", "year list page"),
    ("metrics/index.html", "figure index"),
    ("metrics/requests.new/index.html", "figure"),
    ("metrics/requests.new/page/2/index.html", "figure list page"),
    ("regions/index.html", "region index"),
    ("regions/gansu-sheng/lanzhou-shi/yuzhong-xian/index.html", "region"),
    ("regions/gansu-sheng/page/2/index.html", "region list page"),
    ("quality/index.html", "quality"),
    ("about/index.html", "prose"),
    ("compare/index.html", "other /compare/"),
    ("compare/2024/chengguan/index.html", "other /compare/<n>/<x>/"),
    ("feeds/page/2/index.html", "other /feeds/page/<n>/"),
    ("agencies/a/2024/x/index.html", "other /agencies/<x>/<n>/<x>/"),
])
def test_every_page_has_a_type(weights, rel, kind):
    assert weights.page_type(rel, frozenset({"about", "methodology"})) == kind


def test_weigh_flags_pages_and_data_files_over_budget(weights, tmp_path):
    files = {
        "index.html": 1_000,
        "years/2024/index.html": 300_001,  # over by one byte
        "years/2023/index.html": 300_000,  # exactly at the budget: fine
        "metrics/requests.new/index.html": 120_000,
        "compare/index.html": 400_000,  # unknown kind: still weighed and flagged
        "data/records.csv": 25_000_001,
        "data/records-2024.csv": 1_000,
        "charts/metric-requests-new.vl.json": 7_000,
        "charts/agency-x-requests.vl.json": 3_000,
        "sitemap.xml": 2_000,
        "agencies/a/records.csv": 500,
        "agencies/b/records.csv": 900,
        "sitemaps/sitemap-2.xml": 100,
        "pagefind/fragment/x.pf_fragment": 50_000_000,  # the search index: not a page nor a data file
    }
    for rel, n in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * n)
    w = weights.weigh(tmp_path)
    assert w.pages == 5 and w.files == len(files) and w.total == sum(files.values())
    assert w.heaviest["year"] == ("years/2024/index.html", 300_001, 2)
    assert w.heaviest["other /compare/"] == ("compare/index.html", 400_000, 1)
    assert w.over_page == [("compare/index.html", 400_000), ("years/2024/index.html", 300_001)]
    assert w.data == [("data/records-2024.csv", 1_000), ("data/records.csv", 25_000_001)]
    assert w.over_data == [("data/records.csv", 25_000_001)]
    assert w.chart == ("charts/metric-requests-new.vl.json", 7_000) and w.charts == 2
    assert w.top == [("sitemap.xml", 2_000)]
    assert w.others == {"agencies": ("agencies/b/records.csv", 900, 2), "sitemaps": ("sitemaps/sitemap-2.xml", 100, 1)}
    groups = weights.heaviest_of_groups(w)
    assert groups == [("figure", "metrics/requests.new/index.html", 120_000),
                      ("year", "years/2024/index.html", 300_001),
                      ("index", "index.html", 1_000)]  # no region page in this site: none measured
    text = weights.report(w)
    assert "OVER     400 KB  /compare/" in text and "OVER    25.0 MB  /data/records.csv" in text
    assert "900 B  /agencies/b/records.csv (the heaviest of 2 other files under /agencies/)" in text
    assert "HTML pages over 300 KB: 2" in text and "data files over 25 MB: 1" in text
