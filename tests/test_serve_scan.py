"""The dev server scans the watched folders to see that something changed, and hands that scan
to the build (BuildSession.build(scanned=...)) instead of the build scanning 20,000 files again."""

from __future__ import annotations

from site_builder.build import incremental
from site_builder.commands.serve import Rebuilder
from site_builder.build.session import BuildOptions, BuildSession


def test_an_edit_is_scanned_once_and_built_from_that_scan(project, no_charts, monkeypatch):
    r = Rebuilder(project / "content", project / "_site", project / "templates", project / "static",
                  search=False, log=lambda m: None)
    assert r.rebuild().ok
    scans = []
    real = incremental.scan
    monkeypatch.setattr(incremental, "scan", lambda roots: scans.append(roots) or real(roots))
    monkeypatch.setattr("site_builder.commands.serve.SETTLE_SECONDS", 0)
    report = project / "content" / "reports" / "jianguomen-2024.txt"
    report.write_text(report.read_text(encoding="utf-8").replace("\t139\n", "\t141\n"), encoding="utf-8")
    result = r.rebuild_if_changed()
    assert result is not None and result.ok
    assert len(scans) == 1  # the watcher's; the build took it
    rows = (project / "_site" / "agencies" / "jianguomen" / "records.csv").read_text(encoding="utf-8")
    assert ",2024,penalty.decisions,total,141," in rows
    # the manifest the build kept is that scan: nothing changed since, so nothing to rebuild
    assert r.rebuild_if_changed() is None


def test_a_build_from_a_given_scan_equals_one_that_scans(project, no_charts):
    roots = [project / "content", project / "templates", project / "static"]
    def options(out):
        return BuildOptions(project / "content", out, project / "templates", project / "static", quiet=True, search=False)

    a = BuildSession().build(options(project / "a"), scanned=incremental.scan(roots)).site
    b = BuildSession().build(options(project / "b")).site
    files = lambda out: {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}  # noqa: E731
    assert files(project / "a") == files(project / "b")
    assert len(a.reports) == len(b.reports) > 0


def test_the_first_edit_after_a_full_build_lists_no_report_file_again(project, no_charts, monkeypatch):
    # the full build's list of report files is kept for the next build in the session (a list of
    # 20,000 Paths made again, and their cite paths, cost ~80 ms at a province's size)
    import site_builder.load.loader as load

    r = Rebuilder(project / "content", project / "_site", project / "templates", project / "static",
                  search=False, log=lambda m: None)
    assert r.rebuild().ok
    listed, cited = [], []
    real_list, real_cite = load.report_files, load.cite_paths
    monkeypatch.setattr(load, "report_files", lambda *a: listed.append(1) or real_list(*a))
    monkeypatch.setattr(load, "cite_paths", lambda *a: cited.append(1) or real_cite(*a))
    monkeypatch.setattr("site_builder.commands.serve.SETTLE_SECONDS", 0)
    report = project / "content" / "reports" / "jianguomen-2024.txt"
    report.write_text(report.read_text(encoding="utf-8").replace("\t139\n", "\t141\n"), encoding="utf-8")
    result = r.rebuild_if_changed()
    assert result is not None and result.ok
    assert listed == [] and cited == []
    rows = (project / "_site" / "agencies" / "jianguomen" / "records.csv").read_text(encoding="utf-8")
    assert ",2024,penalty.decisions,total,141," in rows
