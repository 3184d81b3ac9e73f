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

from site_builder.render import PROJECT_ROOT
from site_builder.build.session import BuildOptions, BuildSession
from site_builder.tools.synth import generate
from site_builder.build.timings import Timings
from sitefiles import tree

TEMPLATES = PROJECT_ROOT / "templates"
STATIC = PROJECT_ROOT / "static"


def assert_same_tree(built: Path, fresh: Path) -> None:
    a, b = tree(built), tree(fresh)
    assert sorted(set(a) - set(b)) == [], "files only in the incremental build (stale)"
    assert sorted(set(b) - set(a)) == [], "files missing from the incremental build"
    differ = sorted(k for k in a if a[k] != b[k])
    assert differ == [], f"{len(differ)} file(s) differ from a clean build, e.g. {differ[:5]}"


def clean_build(content: Path, out: Path, templates: Path = TEMPLATES, search: bool = True) -> None:
    BuildSession().build(BuildOptions(content, out, templates, STATIC, quiet=True, search=search, cache=False,
                                      incremental=False))


def build(session: BuildSession, content: Path, out: Path, templates: Path = TEMPLATES, timings=None, **options):
    """One quiet build in `session` (a session is one `site-builder build` process, or the dev server)."""
    return session.build(BuildOptions(content, out, templates, STATIC, quiet=True, **options), timings=timings)


@pytest.fixture()
def session() -> BuildSession:
    return BuildSession()


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


def test_edited_report_in_process(content, tmp_path, session):
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build(session, content, out, TEMPLATES, cache_dir=tmp_path / "cache")
    before = tree(out)
    report = _utf8_report(content)
    _bump_first_figure(report)
    assert build(session, content, out, TEMPLATES, cache_dir=tmp_path / "cache").stats.incremental
    after = tree(out)
    changed = {k for k in after if before.get(k) != after[k]}
    assert changed, "the edit changed nothing in the site"
    assert any(k.endswith("index.html") and report.stem.rsplit("-", 1)[0] in k for k in changed), sorted(changed)[:10]
    clean_build(content, fresh)
    assert_same_tree(out, fresh)


def test_no_change_rebuild_writes_nothing(content, tmp_path, session):
    out = tmp_path / "site"
    build(session, content, out, TEMPLATES, search=False, cache_dir=tmp_path / "cache")
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    t = Timings()
    build(session, content, out, TEMPLATES, search=False, cache_dir=tmp_path / "cache", timings=t)
    assert "render" not in t.seconds and "parse" not in t.seconds  # returned before loading anything
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps
    # a new process (no Site in memory) finds the manifest on disk and says "up to date"
    assert build(BuildSession(), content, out, TEMPLATES, search=False, cache_dir=tmp_path / "cache",
                 allow_up_to_date=True) is None


def test_no_change_build_imports_neither_load_nor_render(content, tmp_path):
    """`site-builder build` with no input changed, as a new process: done after its check, without
    importing the load and render phases (their imports alone were ~0.4 s of a 1.1 s answer at
    20,000 reports)."""
    import subprocess
    import sys

    from site_builder.cli import main

    out = tmp_path / "site"
    command = ["build", "--content", str(content), "--out", str(out), "--cache", str(tmp_path / "cache")]
    assert main(command) == 0
    program = ("import sys; from site_builder.cli import main; "
               f"code = main({command!r}); "
               "print(sorted(m for m in sys.modules if m.startswith(('site_builder.render', "
               "'site_builder.load.loader', 'site_builder.parser', 'site_builder.commands.serve', "
               "'jinja2', 'pandas', 'altair', 'pyarrow'))), code)")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, cwd=tmp_path)
    assert "is up to date" in done.stdout, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "[] 0", done.stdout


def test_edited_report_from_the_manifest_on_disk(content, tmp_path, session):
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build(session, content, out, TEMPLATES, search=False, cache_dir=tmp_path / "cache")
    _bump_first_figure(_utf8_report(content))
    # as a second `site-builder build` process: a session of its own
    stats = build(BuildSession(), content, out, TEMPLATES, search=False, cache_dir=tmp_path / "cache").stats
    assert stats.incremental
    assert 0 < stats.changed < stats.files
    clean_build(content, fresh, search=False)
    assert_same_tree(out, fresh)


def test_edited_template(content, tmp_path, session):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build(session, content, out, templates, search=False, cache_dir=tmp_path / "cache")
    base = next(p for p in sorted(templates.glob("*.html")) if "</body>" in p.read_text(encoding="utf-8"))
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- edited -->\n</body>"), encoding="utf-8")
    build(session, content, out, templates, search=False, cache_dir=tmp_path / "cache")
    assert b"<!-- edited -->" in (out / "index.html").read_bytes()
    clean_build(content, fresh, templates, search=False)
    assert_same_tree(out, fresh)


def test_edited_agencies_toml(content, tmp_path, session):
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build(session, content, out, TEMPLATES, search=False, cache_dir=tmp_path / "cache")
    toml = content / "agencies.toml"
    text = toml.read_text(encoding="utf-8")
    district = re.search(r'district = "([^"]+)"', text).group(1)
    toml.write_text(text.replace(f'district = "{district}"', 'district = "改名区"', 1), encoding="utf-8")
    build(session, content, out, TEMPLATES, search=False, cache_dir=tmp_path / "cache")
    clean_build(content, fresh, search=False)
    assert_same_tree(out, fresh)


def test_deleted_and_added_report_leave_no_stale_pages(content, tmp_path, session):
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build(session, content, out, TEMPLATES, cache_dir=tmp_path / "cache")
    victim = sorted((content / "reports").glob("*.txt"))[0]
    slug, year = victim.stem.rsplit("-", 1)
    page = next(p for p in tree(out) if p.startswith("agencies/") and f"/{year}/" in p and slug in p)
    moved = tmp_path / victim.name
    shutil.move(victim, moved)
    build(session, content, out, TEMPLATES, cache_dir=tmp_path / "cache")
    assert not (out / page).exists(), "the deleted report's page is still published"
    clean_build(content, fresh)
    assert_same_tree(out, fresh)
    # and back again
    shutil.move(moved, victim)
    build(session, content, out, TEMPLATES, cache_dir=tmp_path / "cache")
    assert (out / page).exists()
    shutil.rmtree(fresh)
    clean_build(content, fresh)
    assert_same_tree(out, fresh)


def test_a_failed_incremental_build_leaves_the_site_whole(content, tmp_path, session):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    out = tmp_path / "site"
    build(session, content, out, templates, search=False, cache_dir=tmp_path / "cache")
    before = tree(out)
    _bump_first_figure(_utf8_report(content))
    (templates / "index.html").write_text("{% broken", encoding="utf-8")
    with pytest.raises(Exception):
        build(session, content, out, templates, search=False, cache_dir=tmp_path / "cache")
    assert tree(out) == before
    assert not list(tmp_path.glob(".site.building-*")), "the staging folder was left behind"


# --- the dev server's case: the previous Site in memory, only the pages a change touches rendered ---------


class Session:
    """One output folder rebuilt in one build session again and again, as `build --serve` does;
    after each rebuild the whole tree is compared with a clean build of the same content."""

    def __init__(self, content: Path, tmp_path: Path, templates: Path = TEMPLATES, jobs: int | None = None):
        self.content, self.tmp, self.templates, self.jobs = content, tmp_path, templates, jobs
        self.session = BuildSession()
        self.out = tmp_path / "site"
        self.fresh = 0
        built = self.build()
        self.site = built.site
        assert not built.stats.render_incremental
        self.pages = sum(1 for p in tree(self.out) if p.endswith(".html"))

    def build(self, **options):
        return build(self.session, self.content, self.out, self.templates, search=False, cache_dir=self.tmp / "cache",
                     jobs=self.jobs, **options)

    def rebuild(self, incremental: bool = True) -> tuple[int, set[str]]:
        """Rebuild; check it is the clean build's tree. Returns (pages rendered, files changed)."""
        before = tree(self.out)
        built = self.build()
        self.site, stats = built.site, built.stats
        assert stats.incremental
        assert stats.render_incremental is incremental, stats
        after = tree(self.out)
        self.fresh += 1
        fresh = self.tmp / f"fresh-{self.fresh}"
        clean_build(self.content, fresh, self.templates, search=False)
        assert_same_tree(self.out, fresh)
        assert_manifest_is_the_tree(self.session, self.out)
        changed = {k for k in after.keys() | before.keys() if before.get(k) != after.get(k)}
        return stats.pages_rendered, changed


def assert_manifest_is_the_tree(session: BuildSession, out: Path) -> None:
    """What the last build into `out` records of its files (its manifest's outputs, and its
    render's units, which the next build carries) is every file of the site with its bytes' hash."""
    from site_builder.build.output import content_hash

    last = session.last_build(out)
    files = {rel: content_hash(data) for rel, data in tree(out).items()}
    assert last.manifest.outputs == files
    in_units: dict[str, str] = {}
    for unit in last.render.units.values():
        in_units.update(unit)
    assert in_units == files


def _reports(content: Path, slug: str = "", year: int | None = None) -> list[Path]:
    return [p for p in sorted((content / "reports").glob("*.txt"))
            if p.stem.startswith(slug) and (year is None or p.stem.endswith(f"-{year}"))]


def _edit_text(path: Path, old: str, new: str) -> None:
    data = path.read_bytes()
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    text = data[len(bom):].decode("utf-8")
    assert old in text, (path, old)
    path.write_bytes(bom + text.replace(old, new, 1).encode("utf-8"))


@pytest.mark.parametrize("year", [2016, 2020, 2023])
def test_an_edited_figure_renders_only_the_pages_that_show_it(content, tmp_path, year):
    s = Session(content, tmp_path)
    report = _reports(content, "fujia-jiedao", year)[0]
    _bump_first_figure(report)
    rendered, changed = s.rebuild()
    # the report, its agency, its year, the metric pages of the figure (and, for the agency's
    # latest report, the home page with its headlines and the pages of its region and those above
    # it, up to /regions/: four at most): a handful of the site's pages
    latest = year == 2023
    assert 3 <= rendered <= 8 + (4 if latest else 0) < s.pages, rendered
    # its latest figures are shown on its region's page (the 主动公开 total is a key figure there)
    regions = {k for k in changed if k.startswith("regions/")}
    assert len(regions) == 1 if latest else regions == set(), sorted(regions)
    slug = "fujia-jiedao-00001"
    assert f"agencies/{slug}/{year}/index.html" in changed
    assert f"agencies/{slug}/index.html" in changed
    assert f"years/{year}/index.html" in changed
    assert any(k.startswith("metrics/") for k in changed), sorted(changed)
    assert "data/records.csv" in changed and f"agencies/{slug}/records.csv" in changed
    # no other agency's or year's page changed
    others = {k for k in changed if k.startswith("agencies/") and not k.startswith(f"agencies/{slug}/")}
    assert others == set(), sorted(others)
    assert {k for k in changed if k.startswith("years/")} == {f"years/{year}/index.html"}


def test_an_edited_headline_figure_of_a_latest_report_updates_the_home_page(content, tmp_path):
    s = Session(content, tmp_path)
    report = _reports(content, "fenglong-jiaoyu-ju", 2023)[0]
    _edit_text(report, "申请数量\t30\t0\t0\t3\t3\t3\t39", "申请数量\t31\t0\t0\t3\t3\t3\t40")
    rendered, changed = s.rebuild()
    assert "index.html" in changed  # its table of each agency's latest requests
    assert "agencies/index.html" not in changed and rendered < s.pages / 2


def test_added_reports_a_new_year_and_a_new_agency(content, tmp_path):
    s = Session(content, tmp_path)
    # a 2024 report for an agency that has 2023: a new year page; the 2023 page links to it
    src = _reports(content, "fujia-jiedao", 2023)[0]
    new = src.with_name(src.name.replace("2023", "2024"))
    shutil.copy(src, new)
    _edit_text(new, "2023", "2024")  # the first mention is the title's
    rendered, changed = s.rebuild()
    assert (s.out / "years/2024/index.html").is_file()
    assert "years/index.html" in changed and "index.html" in changed and "sitemap.xml" in changed
    assert "feed.xml" in changed
    assert '/agencies/fujia-jiedao-00001/2024/' in (s.out / "agencies/fujia-jiedao-00001/2023/index.html").read_text(encoding="utf-8")
    assert rendered < s.pages
    # a report of an agency agencies.toml does not know: a new agency page, the agencies list
    src = _reports(content, "ninghua-qu", 2020)[0]
    other = src.with_name("newcomer-2020.txt")
    shutil.copy(src, other)
    title = next(line for line in other.read_bytes().decode("utf-8-sig").splitlines() if "2020" in line)
    name = next(n for n in ("宁华区人民政府", "宁华区政府") if n in title)  # agencies.toml: name, alias
    _edit_text(other, name, "新设区人民政府")
    rendered, changed = s.rebuild()
    assert "agencies/index.html" in changed
    assert any(k.startswith("agencies/") and k.endswith("/2020/index.html") and "ninghua" not in k
               and k not in tree(tmp_path / "fresh-1") for k in changed)


def test_deleted_reports_take_their_pages_years_and_metrics_with_them(content, tmp_path):
    s = Session(content, tmp_path)
    pages_before = {k for k in tree(s.out) if k.endswith(".html")}
    # the first report of an agency: its page goes, the next one loses its "previous" link
    first = _reports(content, "ninghua-qu", 2016)[0]
    first.unlink()
    rendered, changed = s.rebuild()
    assert not (s.out / "agencies/ninghua-qu-00002/2016").exists()
    assert "agencies/ninghua-qu-00002/2020/index.html" in changed
    assert rendered < s.pages
    # every 2016 report (the only pre-2019 ones): the year goes, and the metrics only they gave
    for p in _reports(content, year=2016):
        p.unlink()
    rendered, changed = s.rebuild()
    pages_after = {k for k in tree(s.out) if k.endswith(".html")}
    assert "years/2016/index.html" not in pages_after
    gone_metrics = {k for k in pages_before - pages_after if k.startswith("metrics/")}
    assert gone_metrics, "no metric page went with the pre-2019 reports"
    assert "metrics/index.html" in changed and "sitemap.xml" in changed


def test_a_report_that_becomes_unreadable_and_readable_again(content, tmp_path):
    s = Session(content, tmp_path)
    victim = _reports(content, "xinxing-weijian-wei", 2020)[0]
    good = victim.read_bytes()
    victim.write_text("这不是一份报告\n", encoding="utf-8")
    _rendered, changed = s.rebuild()
    assert victim.name in (s.out / "index.html").read_text(encoding="utf-8")  # listed as unreadable
    assert not (s.out / "agencies/xinxing-weijian-wei-00004/2020").exists()
    victim.write_bytes(good)
    _rendered, changed = s.rebuild()
    assert victim.name not in (s.out / "index.html").read_text(encoding="utf-8")
    assert (s.out / "agencies/xinxing-weijian-wei-00004/2020/index.html").is_file()


def test_a_touched_report_renders_nothing(content, tmp_path):
    s = Session(content, tmp_path)
    report = _reports(content, "xibao-fagai-wei", 2020)[0]
    later = report.stat().st_mtime_ns + 5_000_000_000
    os.utime(report, ns=(later, later))
    rendered, changed = s.rebuild()
    assert rendered == 0 and changed == set()


def test_agencies_toml_rename_slug_and_alias_render_in_full(content, tmp_path):
    s = Session(content, tmp_path)
    toml = content / "agencies.toml"
    text = toml.read_text(encoding="utf-8")
    # 福嘉街道 becomes 福嘉新街道 under another slug; its reports (which say 福嘉街道办事处) follow by alias
    text = text.replace('[agencies."福嘉街道"]\nslug = "fujia-jiedao-00001"\naliases = ["福嘉街道办事处"]',
                        '[agencies."福嘉新街道"]\nslug = "fujia-xin-jiedao"\naliases = ["福嘉街道办事处", "福嘉街道"]')
    assert "fujia-xin-jiedao" in text
    toml.write_text(text, encoding="utf-8")
    _rendered, changed = s.rebuild(incremental=False)
    assert (s.out / "agencies/fujia-xin-jiedao/2020/index.html").is_file()
    assert not (s.out / "agencies/fujia-jiedao-00001").exists()
    assert "福嘉新街道" in (s.out / "index.html").read_text(encoding="utf-8")


def test_a_template_edit_renders_in_full_and_a_report_edit_after_it_only_its_pages(content, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    s = Session(content, tmp_path, templates=templates)
    base = templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- edited -->\n</body>"), encoding="utf-8")
    rendered, changed = s.rebuild(incremental=False)
    assert rendered == s.pages
    assert all(b"<!-- edited -->" in (s.out / k).read_bytes() for k in changed if k.endswith(".html"))
    _bump_first_figure(_reports(content, "fenglong-jiaoyu-ju", 2020)[0])
    rendered, _changed = s.rebuild()
    assert rendered < s.pages / 2


def test_many_edits_in_a_row(content, tmp_path):
    """The dev server's life: each rebuild starts from the state the last incremental one left."""
    s = Session(content, tmp_path)
    _bump_first_figure(_reports(content, "fujia-jiedao", 2020)[0])
    s.rebuild()
    moved = tmp_path / "kept.txt"
    shutil.move(_reports(content, "xibao-fagai-wei", 2023)[0], moved)
    s.rebuild()
    _bump_first_figure(_reports(content, "xibao-fagai-wei", 2020)[0])
    s.rebuild()
    shutil.move(moved, content / "reports" / "xibao-fagai-wei-00005-2023.txt")
    s.rebuild()
    _bump_first_figure(_reports(content, "fujia-jiedao", 2020)[0])
    _bump_first_figure(_reports(content, "ninghua-qu", 2023)[0])
    s.rebuild()
    # the Site's indexes were carried from Site to Site (Site.with_reports), updated for each
    # change: they equal those a Site of the same reports builds from scratch
    from dataclasses import replace

    from kept_rows import kept_and_made

    site = s.site
    fresh = replace(site)  # (the same fields, no index computed yet)
    assert {"groups", "metric_counts", "figure_entries", "reports_by_year"} <= set(vars(site)), "not carried"
    assert site.groups == fresh.groups and site.metric_counts == fresh.metric_counts
    assert dict(site.figure_entries) == dict(fresh.figure_entries)
    assert site.reports_by_year == fresh.reports_by_year
    assert [site.totals_of(r) for r in site.reports] == [fresh.totals_of(r) for r in fresh.reports]
    # each kept row is the row those pages would make now (those of changed agencies are gone)
    checked = 0
    for page, kept, made in kept_and_made(site, fresh):
        assert {slug: made[slug] for slug in kept} == kept, page
        checked += len(kept)
    assert checked


def test_parallel_render_is_byte_identical(content, tmp_path, monkeypatch):
    """Pages split between two processes: the same files, and the same manifest, as one process."""
    import site_builder.render as render

    monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", 1)
    calls = []
    real = render._run_parallel
    monkeypatch.setattr(render, "_run_parallel", lambda *a, **k: calls.append(1) or real(*a, **k))
    one, two = tmp_path / "one", tmp_path / "two"
    session = BuildSession()
    build(session, content, one, TEMPLATES, search=False, cache_dir=tmp_path / "c1", jobs=1)
    assert calls == []
    built = build(session, content, two, TEMPLATES, search=False, cache_dir=tmp_path / "c2", jobs=2)
    assert calls == [1]
    assert_same_tree(two, one)
    assert session.last_build(two).manifest.outputs == session.last_build(one).manifest.outputs
    assert built.stats.files == len(tree(two))


def test_record_files_reuse_the_bytes_of_unchanged_reports(content, tmp_path):
    """The record files: rewritten around changed reports (one without figures now, one with a
    figure less, one gone) they are what a full write gives (whose bytes tests/test_downloads*.py
    compare with the csv and json modules), and again from those files (the layout of a
    rewritten file is right)."""
    from dataclasses import replace

    from site_builder.load.loader import Site, load_site
    from site_builder.build.output import Output
    from site_builder.render import records_files

    def expected(site: Site) -> dict[str, bytes]:
        fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
        records_files.write(site, Output(fresh))
        return written(fresh)

    def written(root: Path, base: Path | None = None) -> dict[str, bytes]:
        files = {k: v for k, v in tree(root).items() if k.startswith("data/records")}
        if base is not None:  # files kept as they were are not written again
            files.update({k: v for k, v in tree(base).items() if k.startswith("data/records") and k not in files})
        return files

    def key(site: Site, r) -> tuple[str, int]:
        return (site.agency_of[r.path].slug, r.year)

    def unstaged(stage: Path) -> None:
        """An incremental stage's flat files (output.staged_name) put in the site's tree, as the
        commit puts them."""
        for f in list(stage.iterdir()):
            rel = f.name.replace("%2F", "/").replace("%25", "%")
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(f, stage / rel)

    site = load_site(content)
    first = tmp_path / "first"
    out = Output(first)
    layout = records_files.write(site, out)
    from site_builder.render.downloads import records_csv_chunks
    assert written(first)["data/records.csv"] == "".join(records_csv_chunks(site.reports, site.agency_of)).encode("utf-8")

    reports = list(site.reports)
    changed = {key(site, reports[i]) for i in (1, 5, 9)}
    reports[1] = replace(reports[1], figures=[])
    reports[5] = replace(reports[5], figures=reports[5].figures[:-1])
    del reports[9]
    edited = Site(content_dir=site.content_dir, reports=reports, agency_of=site.agency_of)
    second = tmp_path / "second"
    out2 = Output(second, previous=dict(out.hashes), base=first)
    layout = records_files.write(edited, out2, layout, changed)
    unstaged(second)
    assert written(second, first) == expected(edited)
    for p in set(out2.hashes) - set(out2.changed):  # (the live site as a commit leaves it)
        (second / p).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(first / p, second / p)

    reports = list(edited.reports)  # the one without figures stays so, between two that change
    reports[0] = replace(reports[0], figures=reports[0].figures[1:])
    reports[2] = replace(reports[2], figures=reports[2].figures[:3])
    again = Site(content_dir=site.content_dir, reports=reports, agency_of=site.agency_of)
    third = tmp_path / "third"
    records_files.write(again, Output(third, base=second), layout, {key(site, reports[0]), key(site, reports[2])})
    unstaged(third)
    assert written(third) == expected(again)
    # a live file that is not the one the layout describes: every chunk formatted anew
    (second / "data/records.csv").write_bytes(b"something else")
    fourth = tmp_path / "fourth"
    records_files.write(edited, Output(fourth, base=second), layout, set())
    unstaged(fourth)
    assert written(fourth) == expected(edited)


def test_an_in_place_commit_cut_short_puts_every_file_back(tmp_path, monkeypatch):
    """commit_in_place replaces and removes files in the live site one by one; a failure at any
    step (here the third rename) undoes the steps before it."""
    from site_builder.build import output

    out, stage = tmp_path / "site", tmp_path / "stage"
    for rel, text in {"a.html": "a", "d/b.html": "b", "d/gone.html": "gone", "e/old.html": "old"}.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    # (the stage as an incremental Output writes it: its files flat, the search index a folder)
    for rel, text in {output.staged_name("a.html"): "A", output.staged_name("d/new.html"): "new",
                      "pagefind/x.js": "index"}.items():
        (stage / rel).parent.mkdir(parents=True, exist_ok=True)
        (stage / rel).write_text(text)
    before = tree(out)
    real, calls = os.rename, []

    def failing_rename(src, dst):
        calls.append(src)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(src, dst)

    monkeypatch.setattr(output.os, "rename", failing_rename)
    with pytest.raises(OSError, match="disk full"):
        output.commit_in_place(stage, out, ["a.html", "d/new.html"], {"a.html", "d/b.html", "d/new.html"}, dirs=("pagefind",))
    monkeypatch.setattr(output.os, "rename", real)
    assert tree(out) == before
    assert not list(tmp_path.glob(".site.*")), "the files kept aside were left behind"
    # and when nothing fails: the new files, the index folder, and no empty folder left
    # (the stage as an incremental Output writes it: its files flat, the search index a folder)
    for rel, text in {output.staged_name("a.html"): "A", output.staged_name("d/new.html"): "new",
                      "pagefind/x.js": "index"}.items():
        (stage / rel).parent.mkdir(parents=True, exist_ok=True)
        (stage / rel).write_text(text)
    assert output.commit_in_place(stage, out, ["a.html", "d/new.html"], {"a.html", "d/b.html", "d/new.html"},
                                  dirs=("pagefind",)) == ["d/gone.html", "e/old.html"]
    assert tree(out) == {"a.html": b"A", "d/b.html": b"b", "d/new.html": b"new", "pagefind/x.js": b"index"}
    assert not (out / "e").exists()


def test_a_recent_file_is_compared_by_its_bytes(tmp_path):
    """An edit within one mtime tick that keeps the size must not look unchanged ("racily clean"),
    and a file recorded by hash while recent is still the same file once it is older."""
    from site_builder.build.incremental import Manifest, scan

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


def _downloads(files: dict) -> dict:
    return {k: v for k, v in files.items() if k.startswith("data/")}


def _defer(s: Session) -> tuple[dict, dict]:
    """One rebuild with defer_downloads, as the dev server runs it: (tree after the pages, tree
    after the downloads). The first step's tree is the clean build's but for the data files,
    which are the previous ones; no manifest claims them until the second step is done."""
    from site_builder.build.incremental import load_manifest

    before = tree(s.out)
    assert s.build(defer_downloads=True).stats.render_incremental
    assert s.session.pending_downloads(s.out)
    pages = tree(s.out)
    s.fresh += 1
    fresh = s.tmp / f"fresh-{s.fresh}"
    clean_build(s.content, fresh, s.templates, search=False)
    expected = tree(fresh)
    assert {k: v for k, v in pages.items() if not k.startswith("data/")} == {
        k: v for k, v in expected.items() if not k.startswith("data/")}
    assert _downloads(pages) == _downloads(before) and len(_downloads(pages)) > 6
    assert load_manifest(s.tmp / "cache", s.out) is None
    assert s.session.finish_downloads(s.out) is not None
    assert not s.session.pending_downloads(s.out)
    assert_same_tree(s.out, fresh)
    assert_manifest_is_the_tree(s.session, s.out)
    manifest = load_manifest(s.tmp / "cache", s.out)
    assert manifest is not None and manifest.outputs == s.session.last_build(s.out).manifest.outputs
    return pages, tree(s.out)


def test_deferred_downloads_come_second_and_end_as_a_clean_build(content, tmp_path):
    s = Session(content, tmp_path)
    _bump_first_figure(_reports(content, "fujia-jiedao", 2020)[0])
    pages, done = _defer(s)
    assert pages["data/records.csv"] != done["data/records.csv"]  # the edit reached the downloads second
    # a report removed, then one edited and one added back: each rebuild's downloads from the last's
    moved = tmp_path / "kept.txt"
    shutil.move(_reports(content, "xibao-fagai-wei", 2023)[0], moved)
    _defer(s)
    _bump_first_figure(_reports(content, "ninghua-qu", 2023)[0])
    shutil.move(moved, content / "reports" / "xibao-fagai-wei-00005-2023.txt")
    _defer(s)
    # a build that finds them pending writes them first (a caller that never calls finish)
    _bump_first_figure(_reports(content, "fujia-jiedao", 2016)[0])
    s.build(defer_downloads=True)
    assert s.session.pending_downloads(s.out)
    s.rebuild()
    assert not s.session.pending_downloads(s.out)


def test_deferred_downloads_of_years_in_parts_end_as_a_clean_build(content, tmp_path, monkeypatch):
    """With small budgets (no records.csv/json, every year in parts): an edit, a report removed
    (its year's parts shift) and a report of a new year (its files appear, the home page lists
    them) each end as a clean build, pages first and the data files second."""
    from site_builder.render import records_files

    monkeypatch.setattr(records_files, "LIMITS", records_files.Limits(whole=100_000, part=40_000))
    s = Session(content, tmp_path)
    assert not (s.out / "data/records.csv").exists() and (s.out / "data/records-2020-2.csv").exists()
    _bump_first_figure(_reports(content, "fujia-jiedao", 2020)[0])
    pages, done = _defer(s)
    edited = [k for k in done if k.startswith("data/records-2020") and b",fujia-jiedao" in done[k] and k.endswith(".csv")]
    assert len(edited) == 1 and pages[edited[0]] != done[edited[0]]
    assert all(pages[k] == done[k] for k in done if k.startswith("data/records-2016"))
    shutil.move(_reports(content, "xibao-fagai-wei", 2023)[0], tmp_path / "kept.txt")
    _defer(s)
    src = _reports(content, "fujia-jiedao", 2023)[0]
    new = src.with_name(src.name.replace("2023", "2024"))
    shutil.copy(src, new)
    _edit_text(new, "2023", "2024")
    pages, done = _defer(s)
    assert "data/records-2024.csv" in done and b"records-2024.csv" in pages["index.html"]


def test_a_failed_downloads_step_keeps_the_previous_files_and_the_next_build_writes_them(content, tmp_path, monkeypatch):
    import site_builder.render.records_files as records_files
    from site_builder.build.incremental import load_manifest

    s = Session(content, tmp_path)
    before = tree(s.out)
    _bump_first_figure(_reports(content, "fujia-jiedao", 2020)[0])
    s.build(defer_downloads=True)
    real = records_files.write

    def broken(site, out, *a, **k):
        real(site, out, *a, **k)  # written into the staging folder, then the step fails
        raise OSError("disk full")

    monkeypatch.setattr(records_files, "write", broken)
    with pytest.raises(OSError, match="disk full"):
        s.session.finish_downloads(s.out)
    assert _downloads(tree(s.out)) == _downloads(before)
    assert load_manifest(tmp_path / "cache", s.out) is None  # nothing claims the downloads are current
    assert not list(tmp_path.glob(".site.building-*"))
    monkeypatch.setattr(records_files, "write", real)
    # the next rebuild (another edit, or none) brings them up to date, in full
    _bump_first_figure(_reports(content, "ninghua-qu", 2023)[0])
    _defer(s)


def test_the_report_files_a_rebuild_loads_are_those_a_listing_finds(content, tmp_path, monkeypatch):
    """In the dev server's process the report files come from the last build and the inputs
    changed since, not a walk of the folder: the same list, in report_files()' order."""
    import site_builder.load.loader as load

    s = Session(content, tmp_path)
    seen = []
    real = load.load_site
    monkeypatch.setattr(load, "load_site", lambda *a, **k: seen.append(k.get("files")) or real(*a, **k))
    (content / "reports" / "sub").mkdir()
    shutil.move(_reports(content, "xibao-fagai-wei", 2023)[0], content / "reports" / "sub" / "xibao-fagai-wei-2023.txt")
    shutil.copy(_reports(content, "fujia-jiedao", 2020)[0], content / "reports" / "fujia-jiedao-copy-2020.txt")
    (content / "reports" / ".draft.txt").write_text("草稿", encoding="utf-8")
    (content / "reports" / "readme.md").write_text("not a report", encoding="utf-8")
    _bump_first_figure(_reports(content, "ninghua-qu", 2023)[0])
    s.rebuild()  # (its first load is the rebuild's, the second the clean build's it is compared with)
    assert seen[0] is not None and seen[0] == load.report_files(content)
    seen.clear()
    (content / "reports" / "sub" / "xibao-fagai-wei-2023.txt").unlink()
    s.rebuild()
    assert seen[0] is not None and seen[0] == load.report_files(content)


def test_an_output_folder_removed_or_replaced_is_built_in_full_in_process(content, tmp_path):
    s = Session(content, tmp_path)
    shutil.rmtree(s.out)
    assert not s.build().stats.render_incremental and (s.out / "index.html").is_file()
    moved = tmp_path / "elsewhere"
    shutil.copytree(s.out, moved)
    shutil.rmtree(s.out)
    moved.rename(s.out)  # the same files, another folder: not trusted
    _bump_first_figure(_reports(content, "fujia-jiedao", 2020)[0])
    assert not s.build().stats.render_incremental
    clean_build(content, tmp_path / "fresh", search=False)
    assert_same_tree(s.out, tmp_path / "fresh")


def test_static_files_are_published_once_fingerprinted(content, tmp_path):
    """static/ is published as /assets/<name>.<hash>.<ext> only (no plain /static/ copy of the
    Vega bundle beside it), and every asset a page links is there."""
    out = tmp_path / "site"
    clean_build(content, out, search=False)
    files = tree(out)
    assert not [k for k in files if k.startswith("static/")]
    linked = set()
    for rel, data in files.items():
        if rel.endswith(".html"):
            linked |= set(re.findall(r'(?:href|src|data-vega|data-[a-z-]+)="/((?:assets|static)/[^"]+)"', data.decode("utf-8")))
    assert any(k.startswith("assets/vendor/vega.bundle.") for k in linked)
    assert sorted(k for k in linked if k not in files) == []
