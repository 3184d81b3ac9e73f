"""site-builder build --serve: the rebuild logic (without a browser) and the real server on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from site_builder.commands.serve import ERROR_PAGE, Rebuilder, with_banner


def rebuilder(project: Path, **kw) -> Rebuilder:
    messages: list[str] = []
    r = Rebuilder(project / "content", project / "_site", project / "templates", project / "static",
                  search=False, log=messages.append, **kw)
    r.messages = messages
    return r


def penalty_2024(project: Path) -> str:
    """建国门 2024's 行政处罚 处理决定数量 (table 二) as the built site publishes it."""
    rows = (project / "_site" / "agencies" / "jianguomen" / "records.csv").read_text(encoding="utf-8").splitlines()
    (row,) = [r for r in rows if ",2024,penalty.decisions,total," in r]
    return row.split(",")[5]


def test_an_edited_report_shows_on_the_next_rebuild(project, no_charts):
    r = rebuilder(project)
    first = r.rebuild()
    assert first.ok and first.error is None and first.report_errors == []
    assert penalty_2024(project) == "139"

    report = project / "content" / "reports" / "jianguomen-2024.txt"
    text = report.read_text(encoding="utf-8")
    assert text.count("\t139\n") == 1
    report.write_text(text.replace("\t139\n", "\t141\n"), encoding="utf-8")
    second = r.rebuild_if_changed()
    assert second is not None and second.ok
    assert penalty_2024(project) == "141"


def records_row(project: Path) -> str:
    """The same figure's row in data/records.csv (the download written in the second step)."""
    rows = (project / "_site" / "data" / "records.csv").read_text(encoding="utf-8").splitlines()
    (row,) = [r for r in rows if ",jianguomen,2024,penalty.decisions,total," in r]
    return row


def _edit_penalty(project: Path, old: str, new: str) -> None:
    report = project / "content" / "reports" / "jianguomen-2024.txt"
    text = report.read_text(encoding="utf-8")
    assert text.count(f"\t{old}\n") == 1
    report.write_text(text.replace(f"\t{old}\n", f"\t{new}\n"), encoding="utf-8")


def test_an_edit_publishes_the_pages_then_the_data_downloads(project, no_charts):
    r = rebuilder(project)
    assert r.rebuild().ok
    assert ",139," in records_row(project)
    _edit_penalty(project, "139", "141")
    result = r.rebuild_if_changed()
    assert result.ok and penalty_2024(project) == "141"  # the pages (and the agency's records.csv)
    assert any("updating the data downloads" in m for m in r.messages)
    r.wait()
    assert ",141," in records_row(project)
    assert any(m.startswith("data downloads updated in") for m in r.messages)
    assert r.last.ok


def test_a_failed_downloads_step_is_shown_and_keeps_the_previous_files(project, no_charts, monkeypatch):
    import site_builder.render as render

    r = rebuilder(project)
    assert r.rebuild().ok
    _edit_penalty(project, "139", "141")
    real = render._write_downloads

    def broken(*a, **k):
        raise OSError("no space left on device")

    monkeypatch.setattr(render, "_write_downloads", broken)
    assert r.rebuild_if_changed().ok  # the pages went live
    r.wait()
    assert penalty_2024(project) == "141" and ",139," in records_row(project)
    assert not r.last.ok and "data downloads" in r.last.error and "no space left on device" in r.last.error
    assert "no space left on device" in (project / "_site" / ERROR_PAGE).read_text(encoding="utf-8")
    assert any("build failed" in m and "no space left" in m for m in r.messages)
    monkeypatch.setattr(render, "_write_downloads", real)
    _edit_penalty(project, "141", "142")
    assert r.rebuild_if_changed().ok
    r.wait()
    assert r.last.ok and ",142," in records_row(project) and not (project / "_site" / ERROR_PAGE).exists()


def test_nothing_changed_means_no_rebuild(project, no_charts):
    r = rebuilder(project)
    r.rebuild()
    assert r.rebuild_if_changed() is None
    # livereload calls once per watched folder that changed: after one rebuild the rest do nothing
    (project / "static" / "js" / "charts.js").write_text("// edited\n", encoding="utf-8")
    assert r.rebuild_if_changed() is not None
    assert r.rebuild_if_changed() is None


def test_a_broken_template_keeps_the_old_site_and_shows_the_error(project, no_charts):
    r = rebuilder(project)
    assert r.rebuild().ok
    before = (project / "_site" / "index.html").read_text(encoding="utf-8")

    base = project / "templates" / "base.html"
    good = base.read_text(encoding="utf-8")
    base.write_text(good.replace("</main>", "{% if %}</main>"), encoding="utf-8")
    result = r.rebuild_if_changed()
    assert result is not None and not result.ok
    assert "base.html" in result.error and "TemplateSyntaxError" in result.error
    assert any("build failed" in m and "base.html" in m for m in r.messages)  # the terminal
    # the last good site is still served, whole
    assert (project / "_site" / "index.html").read_text(encoding="utf-8") == before
    assert not list(project.glob("._site.building-*"))
    # ... and the browser is told: an error page, and a banner on every page served
    error_page = (project / "_site" / ERROR_PAGE).read_text(encoding="utf-8")
    assert "Build failed" in error_page and "base.html" in error_page
    shown = with_banner(before, r.last)
    assert 'id="site-builder-build-error"' in shown and "TemplateSyntaxError" in shown
    assert shown.index("site-builder-build-error") > shown.index("<body")

    base.write_text(good, encoding="utf-8")
    fixed = r.rebuild_if_changed()
    assert fixed.ok and not (project / "_site" / ERROR_PAGE).exists()
    assert with_banner(before, r.last) == before


def test_a_broken_report_is_left_out_and_its_error_shown(project, no_charts):
    (project / "content" / "reports" / "broken-2020.txt").write_text("这不是一份报告。\n没有标题。\n", encoding="utf-8")
    r = rebuilder(project)
    result = r.rebuild()
    assert result.ok  # one broken report never takes the site down
    assert len(result.report_errors) == 1 and "reports/broken-2020.txt:1" in result.report_errors[0]
    assert any("reports/broken-2020.txt:1" in m for m in r.messages)
    shown = with_banner((project / "_site" / "index.html").read_text(encoding="utf-8"), result)
    assert "reports/broken-2020.txt:1: no report title found" in shown


def test_the_banner_escapes_the_message(project, no_charts):
    from site_builder.commands.serve import BuildResult

    page = with_banner("<html><body><p>x</p></body></html>", BuildResult(False, 0.1, error="<script>alert(1)</script>"))
    assert "<script>" not in page and "&lt;script&gt;" in page


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except (OSError, urllib.error.URLError) as exc:
            last = exc
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def test_the_server_serves_rebuilds_and_shows_errors(project):
    port = free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    log = project / "serve.log"
    with open(log, "w", encoding="utf-8") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "build", "--serve", "--host", "127.0.0.1", "--port", str(port),
             "--content", "content", "--out", "_site", "--templates", "templates", "--static", "static"],
            cwd=project, stdout=sink, stderr=subprocess.STDOUT, env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            status, page = wait_for(lambda: (r := get(base + "/")) and r[0] == 200 and r, 240, "the first build")
            assert "livereload.js" in page  # the reload script is injected into pages
            assert "site-builder-build-error" not in page
            status, _ = get(base + "/agencies/jianguomen/")
            assert status == 200
            status, missing = get(base + "/no-such-page/")
            assert status == 404

            template = project / "templates" / "base.html"
            good = template.read_text(encoding="utf-8")
            template.write_text(good.replace("</main>", "{% if %}</main>"), encoding="utf-8")
            _, page = wait_for(lambda: (r := get(base + "/")) and "site-builder-build-error" in r[1] and r, 240,
                               "the error banner")
            assert "base.html" in page and "TemplateSyntaxError" in page
            assert proc.poll() is None  # still serving

            template.write_text(good, encoding="utf-8")
            wait_for(lambda: "site-builder-build-error" not in get(base + "/")[1], 240, "the fixed build")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
    output = log.read_text(encoding="utf-8")
    assert "build failed" in output and "base.html" in output  # the terminal said so too
