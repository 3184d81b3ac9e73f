"""The dev server keeps its last build out of the cyclic collector's reach (a full collection of a
province's Site costs half a second, set off in the middle of an edit's rebuild), and collects it
in full only when idle, every COLLECT_EVERY rebuilds."""

from __future__ import annotations

import gc

from site_builder.commands import serve
from site_builder.commands.serve import Rebuilder


def test_a_build_leaves_its_objects_frozen_and_an_idle_server_collects_them(project, no_charts, monkeypatch):
    r = Rebuilder(project / "content", project / "_site", project / "templates", project / "static",
                  search=False, log=lambda text: None)
    gc.unfreeze()
    assert r.rebuild().ok
    r.wait()
    assert gc.get_freeze_count() > 0  # the Site and everything else alive, out of the collector's walks
    collected = []
    real = serve.collect_frozen
    monkeypatch.setattr(serve, "collect_frozen", lambda: collected.append(1) or real())
    monkeypatch.setattr(serve, "COLLECT_EVERY", 2)
    monkeypatch.setattr(serve, "IDLE_SECONDS", 0.0)
    assert r.rebuild_if_changed() is None and collected == []  # one build so far: not yet
    report = project / "content" / "reports" / "jianguomen-2024.txt"
    report.write_text(report.read_text(encoding="utf-8").replace("\t139\n", "\t141\n"), encoding="utf-8")
    assert r.rebuild_if_changed().ok
    r.wait()
    monkeypatch.setattr(serve, "IDLE_SECONDS", 3600.0)
    assert r.rebuild_if_changed() is None and collected == []  # not idle long enough
    monkeypatch.setattr(serve, "IDLE_SECONDS", 0.0)
    assert r.rebuild_if_changed() is None and collected == [1]  # idle, two builds: collected, frozen again
    assert gc.get_freeze_count() > 0
    assert r.rebuild_if_changed() is None and collected == [1]  # (counted afresh)
