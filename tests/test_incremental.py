"""An incremental rebuild gives exactly the site a clean build of the same content gives.

Each test builds, changes one input (a report, a template, agencies.toml; a report deleted or
added), rebuilds incrementally — in the same process as the dev server does, and from the
manifest on disk as a second `site-builder build` does — and compares the whole output tree,
byte for byte, with a fresh build of the changed content into another folder.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from site_builder.commands import build as build_cmd
from site_builder.render import PROJECT_ROOT
from site_builder.synth import generate
from site_builder.timings import Timings

TEMPLATES = PROJECT_ROOT / "templates"
STATIC = PROJECT_ROOT / "static"


def tree(root: Path) -> dict[str, bytes]:
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            p = Path(dirpath, name)
            out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


def assert_same_tree(built: Path, fresh: Path) -> None:
    a, b = tree(built), tree(fresh)
    assert sorted(set(a) - set(b)) == [], "files only in the incremental build (stale)"
    assert sorted(set(b) - set(a)) == [], "files missing from the incremental build"
    differ = sorted(k for k in a if a[k] != b[k])
    assert differ == [], f"{len(differ)} file(s) differ from a clean build, e.g. {differ[:5]}"


def clean_build(content: Path, out: Path, templates: Path = TEMPLATES, search: bool = True) -> None:
    build_cmd.build(content, out, templates, STATIC, quiet=True, search=search, cache_dir=None, incremental=False)


@pytest.fixture()
def content(tmp_path) -> Path:
    # 5 agencies x 3 years: all three eras and layouts, a few agencies of each kind
    generate(tmp_path / "content", agencies=5, years=[2016, 2020, 2023], seed=11)
    # files written a while ago, as a real content folder's are: the first build records them
    # by size and mtime, and the edit a test makes is the only recent file
    past = os.stat(tmp_path).st_mtime_ns - 600_000_000_000
    for p in (tmp_path / "content").rglob("*"):
        os.utime(p, ns=(past, past))
    return tmp_path / "content"


def _bump_first_figure(path: Path) -> None:
    """Change one printed figure of a report (the 主动公开 total, stated in its prose)."""
    data = path.read_bytes()
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    text = data[len(bom):].decode("utf-8")
    m = re.search(r"主动公开政府信息(?:总数为)?\s*(\d+)", text)
    assert m, path
    # another last digit: the file keeps its size, as most edits of one figure do (so the build
    # cannot tell the edit from the file's size, nor, within one mtime tick, from its mtime)
    last = m.group(1)[-1]
    text = text[: m.end(1) - 1] + str((int(last) + 1) % 10) + text[m.end(1):]
    path.write_bytes(bom + text.encode("utf-8"))
    assert len(path.read_bytes()) == len(data)


def _utf8_report(content: Path) -> Path:
    for p in sorted((content / "reports").glob("*.txt")):
        try:
            p.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        if re.search(r"主动公开政府信息(?:总数为)?\s*\d+", p.read_text(encoding="utf-8-sig")):
            return p
    raise AssertionError("no UTF-8 report with a 主动公开 figure")


def test_edited_report_in_process(content, tmp_path):
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build_cmd.build(content, out, TEMPLATES, STATIC, quiet=True, cache_dir=tmp_path / "cache")
    before = tree(out)
    report = _utf8_report(content)
    _bump_first_figure(report)
    site = build_cmd.build(content, out, TEMPLATES, STATIC, quiet=True, cache_dir=tmp_path / "cache")
    assert site.build_stats["incremental"]
    after = tree(out)
    changed = {k for k in after if before.get(k) != after[k]}
    assert changed, "the edit changed nothing in the site"
    assert any(k.endswith("index.html") and report.stem.rsplit("-", 1)[0] in k for k in changed), sorted(changed)[:10]
    clean_build(content, fresh)
    assert_same_tree(out, fresh)


def test_no_change_rebuild_writes_nothing(content, tmp_path):
    out = tmp_path / "site"
    build_cmd.build(content, out, TEMPLATES, STATIC, quiet=True, search=False, cache_dir=tmp_path / "cache")
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    t = Timings()
    build_cmd.build(content, out, TEMPLATES, STATIC, quiet=True, search=False, cache_dir=tmp_path / "cache", timings=t)
    assert "render" not in t.seconds and "parse" not in t.seconds  # returned before loading anything
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps
    # a new process (no Site in memory) finds the manifest on disk and says "up to date"
    build_cmd._LAST.clear()
    assert build_cmd.build(content, out, TEMPLATES, STATIC, quiet=True, search=False,
                           cache_dir=tmp_path / "cache", allow_up_to_date=True) is None


def test_edited_report_from_the_manifest_on_disk(content, tmp_path):
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build_cmd.build(content, out, TEMPLATES, STATIC, quiet=True, search=False, cache_dir=tmp_path / "cache")
    build_cmd._LAST.clear()  # as a second `site-builder build` process
    _bump_first_figure(_utf8_report(content))
    site = build_cmd.build(content, out, TEMPLATES, STATIC, quiet=True, search=False, cache_dir=tmp_path / "cache")
    assert site.build_stats["incremental"]
    assert 0 < site.build_stats["changed"] < site.build_stats["files"]
    clean_build(content, fresh, search=False)
    assert_same_tree(out, fresh)


def test_edited_template(content, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build_cmd.build(content, out, templates, STATIC, quiet=True, search=False, cache_dir=tmp_path / "cache")
    base = next(p for p in sorted(templates.glob("*.html")) if "</body>" in p.read_text(encoding="utf-8"))
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- edited -->\n</body>"), encoding="utf-8")
    build_cmd.build(content, out, templates, STATIC, quiet=True, search=False, cache_dir=tmp_path / "cache")
    assert b"<!-- edited -->" in (out / "index.html").read_bytes()
    clean_build(content, fresh, templates, search=False)
    assert_same_tree(out, fresh)


def test_edited_agencies_toml(content, tmp_path):
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build_cmd.build(content, out, TEMPLATES, STATIC, quiet=True, search=False, cache_dir=tmp_path / "cache")
    toml = content / "agencies.toml"
    text = toml.read_text(encoding="utf-8")
    district = re.search(r'district = "([^"]+)"', text).group(1)
    toml.write_text(text.replace(f'district = "{district}"', 'district = "改名区"', 1), encoding="utf-8")
    build_cmd.build(content, out, TEMPLATES, STATIC, quiet=True, search=False, cache_dir=tmp_path / "cache")
    clean_build(content, fresh, search=False)
    assert_same_tree(out, fresh)


def test_deleted_and_added_report_leave_no_stale_pages(content, tmp_path):
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build_cmd.build(content, out, TEMPLATES, STATIC, quiet=True, cache_dir=tmp_path / "cache")
    victim = sorted((content / "reports").glob("*.txt"))[0]
    slug, year = victim.stem.rsplit("-", 1)
    page = next(p for p in tree(out) if p.startswith("agencies/") and f"/{year}/" in p and slug in p)
    moved = tmp_path / victim.name
    shutil.move(victim, moved)
    build_cmd.build(content, out, TEMPLATES, STATIC, quiet=True, cache_dir=tmp_path / "cache")
    assert not (out / page).exists(), "the deleted report's page is still published"
    clean_build(content, fresh)
    assert_same_tree(out, fresh)
    # and back again
    shutil.move(moved, victim)
    build_cmd.build(content, out, TEMPLATES, STATIC, quiet=True, cache_dir=tmp_path / "cache")
    assert (out / page).exists()
    shutil.rmtree(fresh)
    clean_build(content, fresh)
    assert_same_tree(out, fresh)


def test_a_failed_incremental_build_leaves_the_site_whole(content, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    out = tmp_path / "site"
    build_cmd.build(content, out, templates, STATIC, quiet=True, search=False, cache_dir=tmp_path / "cache")
    before = tree(out)
    _bump_first_figure(_utf8_report(content))
    (templates / "index.html").write_text("{% broken", encoding="utf-8")
    with pytest.raises(Exception):
        build_cmd.build(content, out, templates, STATIC, quiet=True, search=False, cache_dir=tmp_path / "cache")
    assert tree(out) == before
    assert not list(tmp_path.glob(".site.building-*")), "the staging folder was left behind"


def test_a_recent_file_is_compared_by_its_bytes(tmp_path):
    """An edit within one mtime tick that keeps the size must not look unchanged ("racily clean"),
    and a file recorded by hash while recent is still the same file once it is older."""
    from site_builder.incremental import Manifest, scan

    f = tmp_path / "r.txt"
    f.write_text("建国门街道2024年 17 件", encoding="utf-8")
    first = Manifest("code", {}, scan([tmp_path]))
    assert next(iter(first.inputs.values()))[2] is not None  # recorded with its hash: it is new
    old = f.stat().st_mtime_ns - 10_000_000_000
    os.utime(f, ns=(old, old))
    later = Manifest("code", {}, scan([tmp_path]))
    assert next(iter(later.inputs.values()))[2] is None  # by size and mtime now
    assert later.same_inputs(first)  # the bytes are those the first scan hashed
    f.write_text("建国门街道2024年 18 件", encoding="utf-8")  # same size
    os.utime(f, ns=(old, old))  # and the same mtime
    assert not Manifest("code", {}, scan([tmp_path])).same_inputs(first)
