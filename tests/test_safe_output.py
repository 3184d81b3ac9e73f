"""Safe output: the build writes into a staging folder beside the output and swaps it in only
when everything has been written, so a failed or interrupted build leaves the previous site
byte-for-byte as it was, and never a half-written folder or a staging folder behind."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from jinja2 import TemplateSyntaxError

import site_builder.render as render_mod
import site_builder.render.search as search_mod
import site_builder.build.output as output_mod
from browser.seeds import CONTENT, copy_seed_content
from site_builder.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def content(tmp_path) -> Path:
    return copy_seed_content(tmp_path / "content")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    """Staging or old-site folders the build left beside the output."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture
def previous_site(tmp_path, content, no_charts) -> tuple[Path, dict[str, bytes]]:
    """A site built earlier (without charts: these tests are about files, not what is in them)."""
    out = tmp_path / "_site"
    assert main(["build", "--content", str(content), "--out", str(out)]) == 0
    before = snapshot(out)
    assert "index.html" in before and "data/records.csv" in before
    return out, before


def failing_render(exc: BaseException, after_files: int = 2):
    """A render that writes some files into the staging folder, then fails."""
    real = render_mod.render_site

    def render(site, output, templates, static, **options):
        original_write = output.write
        count = 0

        def write(relpath, data):
            nonlocal count
            original_write(relpath, data)
            count += 1
            if count >= after_files:
                raise exc

        output.write = write
        real(site, output, templates, static, **options)
        raise exc  # the render wrote fewer files than expected: fail at its end

    return render


# A build after the first is incremental when an input changed (only changed files are written),
# and a clean rebuild with --full. Both must leave the previous site whole when they fail.
MODES = ("full", "incremental")


def next_build(mode: str, content: Path, out: Path, *extra: str) -> list[str]:
    """The arguments of a build that has work to do: --full, or an incremental one after a change
    (a new report: the 建国门 2024 seed retitled 2023)."""
    if mode == "incremental":
        seed = (content / "reports" / "jianguomen-2024.txt").read_text(encoding="utf-8")
        (content / "reports" / "jianguomen-2023.txt").write_text(seed.replace("2024年政府信息公开", "2023年政府信息公开", 1), encoding="utf-8")
    return ["build", "--content", str(content), "--out", str(out), *(["--full"] if mode == "full" else []), *extra]


@pytest.mark.parametrize("mode", MODES)
def test_a_render_error_leaves_the_previous_site_untouched(mode, content, previous_site, monkeypatch):
    out, before = previous_site
    monkeypatch.setattr(render_mod, "render_site", failing_render(RuntimeError("template blew up")))
    with pytest.raises(RuntimeError, match="template blew up"):
        main(next_build(mode, content, out))
    assert snapshot(out) == before
    assert leftovers(out) == []


@pytest.mark.parametrize("mode", MODES)
def test_an_interrupted_build_leaves_the_previous_site_untouched(mode, content, previous_site, monkeypatch, capsys):
    out, before = previous_site
    monkeypatch.setattr(render_mod, "render_site", failing_render(KeyboardInterrupt()))
    assert main(next_build(mode, content, out)) == 130
    assert "interrupted" in capsys.readouterr().err
    assert snapshot(out) == before
    assert leftovers(out) == []


@pytest.mark.parametrize("mode", MODES)
def test_a_failing_search_index_leaves_the_previous_site_untouched(mode, content, previous_site, monkeypatch):
    """The search index is built beside the pages, into the staging folder, before the commit."""
    out, before = previous_site
    real = search_mod.start_index

    def index_then_fail(site_dir, docs):
        job = real(site_dir, docs)
        finish = job.wait

        def wait():
            finish()  # the new index is written ...
            raise KeyboardInterrupt  # ... and then the build is stopped

        job.wait = wait
        return job

    monkeypatch.setattr(search_mod, "start_index", index_then_fail)
    assert main(next_build(mode, content, out)) == 130
    assert snapshot(out) == before
    assert leftovers(out) == []


@pytest.mark.parametrize("mode", MODES)
def test_a_broken_template_leaves_the_previous_site_untouched(mode, content, previous_site, tmp_path, root):
    out, before = previous_site
    templates = tmp_path / "templates"
    shutil.copytree(root / "templates", templates)
    # A syntax error in one template: the pages rendered before it are already in staging.
    index = templates / "index.html"
    index.write_text("{% if %}\n" + index.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(TemplateSyntaxError):
        main(next_build(mode, content, out, "--templates", str(templates)))
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_a_first_failed_build_leaves_no_output_folder(content, tmp_path, monkeypatch, no_charts):
    out = tmp_path / "_site"
    monkeypatch.setattr(render_mod, "render_site", failing_render(RuntimeError("boom"), after_files=1))
    with pytest.raises(RuntimeError):
        main(["build", "--content", str(content), "--out", str(out)])
    assert not out.exists()
    assert leftovers(out) == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".cache") == ["content"]


@pytest.mark.parametrize("mode", MODES)
def test_a_failure_between_the_two_renames_puts_the_previous_site_back(mode, content, previous_site, monkeypatch):
    """A full build's swap moves the old site aside, then the new one in; an incremental one
    moves the old files (and search index) aside, then the new ones in. If a move into the
    site fails (or Ctrl-C lands between them) the old site must go back where it was."""
    out, before = previous_site
    real_rename = os.rename
    calls = []
    live = out.resolve()

    def rename(src, dst):
        calls.append((Path(src).name, Path(dst).name))
        into_site = Path(dst) == live or live in Path(dst).parents
        if into_site and not Path(src).name.startswith(f".{out.name}.old-") and f".{out.name}.old-" not in str(src):
            raise KeyboardInterrupt
        return real_rename(src, dst)

    monkeypatch.setattr(output_mod.os, "rename", rename)
    assert main(next_build(mode, content, out)) == 130
    assert any(dst in (out.name, "pagefind") for _, dst in calls), f"nothing was ever moved into the site: {calls}"
    monkeypatch.setattr(output_mod.os, "rename", real_rename)
    assert snapshot(out) == before
    assert leftovers(out) == []


@pytest.mark.parametrize("mode", MODES)
def test_a_successful_build_replaces_the_site_whole(mode, content, previous_site):
    """A file of the previous build that the new one does not write is gone afterwards."""
    out, before = previous_site
    (out / "stale.html").write_text("old", encoding="utf-8")
    # (each `main` is a build session of its own, as a new process: it does not know the file is there)
    assert main(next_build(mode, content, out)) == 0
    assert not (out / "stale.html").exists()
    after = snapshot(out)
    if mode == "full":
        assert after == before
    else:
        assert "agencies/jianguomen/2023/index.html" in after
        assert {f for f in before if not f.startswith("pagefind/")} <= set(after)
    assert leftovers(out) == []


def test_the_same_input_builds_byte_identical_sites(seed_site, tmp_path):
    """Charts included: two builds of the seeds are the same, file for file, byte for byte."""
    before = snapshot(seed_site)
    again = tmp_path / "again"
    assert main(["build", "--content", str(CONTENT), "--out", str(again)]) == 0
    after = snapshot(again)
    assert sorted(after) == sorted(before)
    differing = [name for name in before if before[name] != after[name]]
    assert differing == [], f"files differ between two builds of the same input: {differing[:10]}"


# --- the Content-Security-Policy netlify.toml sends --------------------------------------------


def test_netlify_sends_a_strict_content_security_policy(netlify_rules):
    from browser.netlify import csp_of, parse_csp, sources

    policy = csp_of(netlify_rules, "/index.html")
    assert policy, "netlify.toml sends no Content-Security-Policy for the site's pages"
    assert csp_of(netlify_rules, "/agencies/jianguomen/2024/") == policy, "the policy must cover every page"
    directives = parse_csp(policy)
    scripts = sources(directives, "script-src")
    assert scripts, "the policy does not restrict scripts (no script-src or default-src)"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, scripts
    assert not any(s.startswith(("http:", "https:", "*")) or s == "*" for s in sources(directives, "default-src")), directives


def test_every_page_holds_to_the_policy(seed_site, netlify_rules):
    """Parse every built page: no inline script unless its hash is in the policy, no event
    handler attributes, no style the policy blocks, nothing loaded from another origin."""
    from browser.netlify import csp_of, parse_csp
    from browser.sitecheck import csp_problems, css_foreign_urls, html_pages, soup_of, url_of

    policy = csp_of(netlify_rules, "/index.html")
    assert policy, "netlify.toml sends no Content-Security-Policy"
    directives = parse_csp(policy)
    problems = []
    pages = html_pages(seed_site)
    assert len(pages) > 10, f"only {len(pages)} pages were built"
    for page in pages:
        url = url_of(seed_site, page)
        problems += [f"{url}: {p}" for p in csp_problems(soup_of(page), url, directives)]
    for css in sorted(seed_site.rglob("*.css")):
        problems += [f"{css.relative_to(seed_site)}: loads {u}" for u in css_foreign_urls(css.read_text(encoding="utf-8"))]
    assert not problems, f"{len(problems)} CSP problem(s):\n" + "\n".join(problems[:40])


def test_a_killed_build_leaves_nothing_the_next_build_keeps(content, tmp_path, no_charts):
    """A build killed outright (SIGKILL, power cut) cannot clean up: the next build removes
    the folders of builds whose process is gone, and never those of one still running."""
    out = tmp_path / "_site"
    dead = 4_000_000  # above any pid the kernel hands out by default (pid_max 4194304 is rare)
    while True:
        try:
            os.kill(dead, 0)
            dead += 1
        except ProcessLookupError:
            break
        except PermissionError:
            dead += 1
    for kind in ("building", "next", "old"):
        (tmp_path / f"._site.{kind}-{dead}" / "agencies").mkdir(parents=True)
    running = tmp_path / f"._site.building-{os.getppid()}"  # a live process: pytest's parent
    running.mkdir()
    assert main(["build", "--content", str(content), "--out", str(out)]) == 0
    assert (out / "index.html").is_file()
    assert leftovers(out) == [running.name]
