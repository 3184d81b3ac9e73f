"""An edit that moves its peers' ranks, as the dev server rebuilds it: the peers' report pages are
redrawn from their live copies (render/reranked.py), and the site must still be, byte for byte,
the one a clean build of the edited content gives; a live page that is not what the last build
wrote is rendered in full instead. And the feed is rendered again only for its newest reports."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from site_builder.build.session import BuildOptions, BuildSession
from site_builder.load.indicators import peer_reports
from site_builder.load.loader import load_site
import site_builder.render as render
from site_builder.render import PROJECT_ROOT, changes, feeds, pages, reranked
from site_builder.tools.synth import generate
from sitefiles import tree

TEMPLATES = PROJECT_ROOT / "templates"
STATIC = PROJECT_ROOT / "static"
_DISCLOSED = re.compile(r"（一）予以公开((?:[ \t]+\d+){7})")


@pytest.fixture()
def content(tmp_path) -> Path:
    # (12 synthetic agencies, two years: among them four 区县部门 of 北京市 ranked together)
    generate(tmp_path / "content", agencies=12, years=[2022, 2023], seed=11)
    return tmp_path / "content"


def _options(content: Path, out: Path, **more) -> BuildOptions:
    return BuildOptions(content, out, TEMPLATES, STATIC, quiet=True, search=False, cache=False, **more)


def _ranked_report(content: Path) -> tuple[Path, list[str]]:
    """A report with three peers or more whose 予以公开 row is printed on one line, and the
    pages (relpaths) of its peers."""
    site = load_site(content)
    for r in site.reports:
        peers = peer_reports(site, r)
        text = (content / r.path).read_bytes().decode("utf-8", errors="replace")
        if len(peers) > 2 and _DISCLOSED.search(text):
            return content / r.path, [f"agencies/{site.agency_of[p.path].slug}/{p.year}/index.html"
                                      for p in peers if p is not r]
    raise AssertionError("no report with peers and a one-line 予以公开 row")


def _disclose_more(report: Path, step: int) -> None:
    """Its table 三 予以公开 row's first column and total raised by `step`: its rates change."""
    text = report.read_bytes().decode("utf-8")
    m = _DISCLOSED.search(text)
    cells = re.split(r"([ \t]+)", m.group(1))
    nums = cells[2::2]
    nums[0], nums[-1] = str(int(nums[0]) + step), str(int(nums[-1]) + step)
    cells[2::2] = nums
    report.write_bytes((text[: m.start(1)] + "".join(cells) + text[m.end(1):]).encode("utf-8"))


def _clean(content: Path, out: Path) -> dict[str, bytes]:
    BuildSession().build(_options(content, out, incremental=False))
    return tree(out)


@pytest.fixture()
def reranks(monkeypatch) -> list[tuple[str, bool]]:
    """(page URL, redrawn from its live copy) of each page rerank() was asked for."""
    asked: list[tuple[str, bool]] = []
    original = reranked.rerank

    def counted(spec, *args):
        done = original(spec, *args)
        asked.append((spec.url, done))
        return done

    monkeypatch.setattr(reranked, "rerank", counted)
    return asked


def test_a_rank_moving_edit_redraws_the_peers_pages_as_a_clean_build_renders_them(content, tmp_path, reranks,
                                                                                  no_charts):
    session, out = BuildSession(), tmp_path / "site"
    session.build(_options(content, out))
    before = tree(out)
    report, peers = _ranked_report(content)
    for n, step in enumerate((500, -500, 37), 1):  # to the top of its group, back, a little
        _disclose_more(report, step)
        built = session.build(_options(content, out))
        assert built.stats.render_incremental
        after = tree(out)
        assert after == _clean(content, tmp_path / f"clean-{n}")
        if n == 1:
            moved = [p for p in peers if before[p] != after[p]]
            assert moved, "the edit moved no peer's rank"
            assert {url.strip("/") + "/index.html" for url, done in reranks if done} >= set(moved)
        before = after
    assert all(done for _, done in reranks), reranks


def test_a_live_page_not_as_the_last_build_wrote_it_is_rendered_in_full(content, tmp_path, reranks, no_charts):
    session, out = BuildSession(), tmp_path / "site"
    session.build(_options(content, out))
    report, peers = _ranked_report(content)
    for page in peers:  # (changed behind the build's back)
        (out / page).write_bytes((out / page).read_bytes().replace(b"</body>", b"<!-- edited --></body>"))
    _disclose_more(report, 500)
    session.build(_options(content, out))
    assert reranks and not any(done for _, done in reranks)
    # the pages asked for are rendered, as a clean build renders them (the others, their ranks
    # unmoved, are not looked at: the live site is trusted to be what the last build wrote)
    asked = {url.strip("/") + "/index.html" for url, _ in reranks}
    built, clean = tree(out), _clean(content, tmp_path / "clean")
    assert {p: built[p] for p in asked} == {p: clean[p] for p in asked}
    assert {p: b for p, b in built.items() if p not in peers} == {p: b for p, b in clean.items() if p not in peers}


def test_in_feed_is_whether_the_report_is_among_the_feeds_entries(content, monkeypatch):
    site = load_site(content)
    for entries in (1, 5, 13, 30):
        monkeypatch.setattr(feeds, "FEED_ENTRIES", entries)
        text = feeds.atom("https://example.org", site, "t")
        listed = set(re.findall(r"<id>https://example.org/agencies/([^/]+)/(\d+)/</id>", text))
        for r in site.reports:
            key = (site.agency_of[r.path].slug, str(r.year))
            assert feeds.in_feed(site, key[0], r.year) == (key in listed), (entries, key)


HEADLINES = ("requests.new", "outcome.withheld", "outcome.total")  # (the home page's columns)


def test_the_home_page_is_touched_by_an_edit_of_the_agencies_it_lists_alone(tmp_path):
    # (one more agency than the home page's table of latest reports lists)
    content = tmp_path / "content"
    generate(content, agencies=pages.HOME_ROWS + 1, years=[2023], seed=5)
    env = render.environment(TEMPLATES)
    env.globals["asset_url"] = lambda name: name

    def home(site) -> str:
        page = pages.index_page(site)
        return env.get_template(page.template).render(page=page, site=site, base_url="", downloads=[],
                                                      prose_pages=[], **page.context)

    site = load_site(content)
    for agency, on_home in ((site.agencies[-1], False), (site.agencies[0], True)):
        # its latest report's headline figures, one more each
        reports = [replace(r, figures=[f._replace(value=f.value + 1) if f.metric in HEADLINES else f
                                       for f in r.figures]) if site.agency_of[r.path] is agency else r
                   for r in site.reports]
        edited = site.with_reports(reports)
        ch = changes.diff(site, edited)
        assert ch.reports == {(agency.slug, 2023)}
        index = next(s for s in pages.page_specs(edited, [], touched=ch) if s.kind == "index")
        assert render.affected(index, ch) is on_home
        assert (home(site) != home(edited)) is on_home  # (the page a full build writes)


def _counted(site) -> tuple:
    """The /quality/ page's counts as one pass over every report makes them."""
    years, provinces, broken = {}, {}, {}
    for r in site.reports:
        a = site.agency_of[r.path]
        found = [c for c in r.checks if not c.passed]
        for counts, key in ((years, r.year), (provinces, a.province)):
            n, with_breaks, total = counts.get(key, (0, 0, 0))
            counts[key] = (n + 1, with_breaks + bool(found), total + len(found))
        if found:
            broken[a.slug] = broken.get(a.slug, ()) + tuple((r, c) for c in found)
    return years, provinces, broken


def test_the_quality_counts_a_site_patches_equal_a_pass_over_its_reports(content):
    site = load_site(content)
    assert tuple(site.quality_counts) == _counted(site)
    reports = list(site.reports)

    def broken(r, n: int):  # its first n checks broken (0: every check passed)
        return replace(r, checks=[c._replace(printed=c.expected + (1 if i < n else 0)) for i, c in enumerate(r.checks)])

    edits = [
        lambda rs: [broken(r, 2) if i == 3 else r for i, r in enumerate(rs)],  # a check broken
        lambda rs: [broken(r, 0) if i in (3, 5) else r for i, r in enumerate(rs)],  # mended
        lambda rs: rs[:7] + rs[8:],  # a report gone (its year's and province's counts less)
        lambda rs: [broken(r, 1) for r in rs if site.agency_of[r.path].slug != site.agency_of[rs[0].path].slug],
        lambda rs: reports,  # as it was
    ]
    for edit in edits:
        edited = site.with_reports(edit(list(site.reports)))
        assert "quality_counts" in edited.__dict__  # (patched, not counted again)
        assert tuple(edited.quality_counts) == _counted(edited)
        site = edited
