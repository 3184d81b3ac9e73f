"""A dev-server rebuild after report edits loads them into the last Site (loader._patched) instead
of assembling every report again: the Site it gives must equal the one assemble() gives, and
any edit it cannot patch (a report now of another agency or year, a broken file, two reports of
one agency and year) must fall back to assembling."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.load import loader
from site_builder.load.loader import load_site, report_files

CONTENT = Path(__file__).resolve().parents[1] / "content"


def view(site) -> tuple:
    return (
        [(r.path, r.year, r.agency, r.figures, r.warnings) for r in site.reports],
        {p: a for p, a in site.agency_of.items()},
        [str(e) for e in site.errors],
        [str(w) for w in site.all_warnings],
        site.agencies, site.years,
        {a.slug: [r.path for r in site.reports_of(a.slug)] for a in site.agencies},
        {y: [(r.path, r.figures) for r in site.reports_in(y)] for y in site.years},
        site.hashes, {c: (e[0], e[1]) for c, e in site.known.items()},
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("change, patched", [
    ("a figure", True),
    ("nothing", True),
    ("the year in the title", False),
    ("the agency in the title", False),
    ("an unreadable report", False),
])
def test_a_patched_site_equals_an_assembled_one(tmp_path, monkeypatch, change, patched):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    before = load_site(content)
    report = content / "reports" / "jianguomen-2024.txt"
    if change == "a figure":
        edit(report, "\t139\n", "\t141\n")
    elif change == "the year in the title":
        edit(report, "2024年", "2023年")
    elif change == "the agency in the title":
        edit(report, "建国门街道", "东华门街道")
    elif change == "an unreadable report":
        report.write_bytes(b"\xff\xfe\x00garbage")
    calls = []
    real = loader._patched
    monkeypatch.setattr(loader, "_patched", lambda *a, **k: calls.append(real(*a, **k)) or calls[-1])
    files = report_files(content)
    got = load_site(content, known=before.known, files=files, previous=before)
    assert calls and (calls[0] is not None) == patched
    assert view(got) == view(load_site(content, known=before.known, files=files))
    unchanged = [r for r in got.reports if r.path != "reports/jianguomen-2024.txt"]
    assert all(any(r is s for s in before.reports) for r in unchanged)  # the same objects: changes.diff relies on it
    for y in got.years:  # a year's reports are the site's of that year, in its order
        assert got.reports_in(y) == [r for r in got.reports if r.year == y]


def test_two_reports_of_one_agency_and_year_are_assembled(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    twin = content / "reports" / "jianguomen-2024-copy.txt"
    shutil.copy(content / "reports" / "jianguomen-2024.txt", twin)
    before = load_site(content)
    assert any(w.code == "duplicate" for w in before.warnings)
    edit(twin, "\t139\n", "\t141\n")
    files = report_files(content)
    assert loader._patched(before, content, files, loader.cite_paths(files, content),
                         loader.load_reports(files, content, known=before.known)) is None
    assert view(load_site(content, known=before.known, files=files, previous=before)) == \
        view(load_site(content, known=before.known, files=files))
