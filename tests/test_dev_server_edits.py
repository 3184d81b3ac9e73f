"""The dev server's edit path takes shortcuts that loop over the changed reports only (H6's
work on issue 4): each must give what the plain computation gives, on real Sites loaded from the
seeds and edited, including the cases where the shortcut does not apply."""

from __future__ import annotations

import operator
import shutil
from pathlib import Path

from dataclasses import replace

from site_builder.render import search
from site_builder.render import search_docs
from site_builder.load import site as site_module
from site_builder.build import session as S
from site_builder.load.loader import load_site
from site_builder.build.output import Output
from site_builder.render import changes

CONTENT = Path(__file__).resolve().parents[1] / "content"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def naive_not_in_both(old, new):
    old_ids, new_ids = set(map(id, old)), set(map(id, new))
    return [r for r in old if id(r) not in new_ids], [r for r in new if id(r) not in old_ids]


def test_not_in_both_equals_the_plain_sets():
    a, b, c, d, e = (object() for _ in range(5))
    cases = [
        ([a, b, c], [a, b, c]),  # nothing
        ([a, b, c], [a, d, c]),  # one edited, in place
        ([a, b, c], [a, c, d]),  # one removed, one added: same length, shifted
        ([a, b, c], [c, b, a]),  # reordered only
        ([a, b, c], [b, c]),  # removed (other length)
        ([a, b], [a, e, b]),  # added
        ([], [a]),
    ]
    for old, new in cases:
        assert site_module.not_in_both(old, new) == naive_not_in_both(old, new), (old, new)


def loaded_pair(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    before = load_site(content)
    edit(content / "reports" / "jianguomen-2024.txt", "\t139\n", "\t141\n")
    after = load_site(content, known=before.known, previous=before)
    return before, after


def test_diff_of_an_edit_equals_the_diff_of_copies(tmp_path):
    """diff() short-cuts on the same agency map and on lists of one length; with copies of both
    (other dicts, lists in another arrangement of objects) it takes the plain path: same answer."""
    before, after = loaded_pair(tmp_path)
    fast = changes.diff(before, after)
    before_copy = type(before)(before.content_dir, list(before.reports), dict(before.agency_of), list(before.errors))
    after_copy = type(after)(after.content_dir, list(after.reports) + [], dict(after.agency_of), list(after.errors))
    plain = changes.diff(before_copy, after_copy)
    assert fast is not None and fast.reports == {("jianguomen", 2024)}
    assert fast == plain


def test_a_site_made_from_the_last_one_has_the_indexes_of_a_fresh_one(tmp_path):
    """Site.with_reports carries the last Site's indexes, updated for the edit (the load makes the
    dev server's Site so): each equals what a Site of the same reports computes from scratch."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    before = load_site(content)
    # every index computed, and kept values derived from the Site (an agency's search facts)
    before.groups, before.metric_counts, before.reports_by_year, dict(before.figure_entries)
    search.site_key(before)
    edit(content / "reports" / "jianguomen-2024.txt", "\t139\n", "\t141\n")
    after = load_site(content, known=before.known, previous=before)
    (content / "reports" / "taoranting-2017.txt").unlink()  # a report removed: assembled, then carried
    smaller = load_site(content, known=after.known, previous=after)
    for site in (after, smaller):
        assert {"groups", "metric_counts", "figure_entries", "reports_by_year"} <= set(vars(site)), "not carried"
        fresh = replace(site)
        assert site.groups == fresh.groups
        for year, rs in fresh.groups.by_year.items():  # (the very reports: an edit's put where it was)
            assert all(map(operator.is_, site.groups.by_year[year], rs)), year
        assert site.metric_counts == fresh.metric_counts and site.metrics_with_data == fresh.metrics_with_data
        assert dict(site.figure_entries) == dict(fresh.figure_entries)
        assert site.reports_by_year == fresh.reports_by_year
        assert search.site_key(site) == search.site_key(fresh)
        assert search_docs.metrics_given(site) == search_docs.metrics_given(fresh)
    assert "taoranting" in {a.slug for a in after.agencies} - {a.slug for a in smaller.agencies} or \
        len(smaller.reports_of("taoranting")) == len(after.reports_of("taoranting")) - 1


def test_the_search_key_of_an_edit_is_the_last_ones_only_while_the_documents_are_the_same(tmp_path):
    """site_key(last=...): the dev server's edit of report files keeps the last key while the
    search basis is the same (an edited figure), and hashes the basis again when it is not (a
    report removed; a title that now prints the agency's other name): always the key a Site of
    the same reports computes from scratch."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    before = load_site(content)
    key = search.site_key(before)
    report = content / "reports" / "jianguomen-2024.txt"
    edit(report, "\t139\n", "\t141\n")
    figure = load_site(content, known=before.known, previous=before)
    assert search.same_basis(before, figure)
    assert search.site_key(figure, last=(before, key)) == search.site_key(replace(figure)) == key
    titled = content / "reports" / "shanghai-kewei-2024.txt"
    edit(titled, "2024 年上海市科委政府", "2024 年上海市科学技术委员会政府")  # (the entry's name, not its alias)
    renamed = load_site(content, known=figure.known, previous=figure)
    assert renamed.agency_of[str(titled.relative_to(content))].slug == "shanghai-kewei"
    assert not search.same_basis(figure, renamed)
    assert search.site_key(renamed, last=(figure, key)) == search.site_key(replace(renamed)) != key
    (content / "reports" / "taoranting-2017.txt").unlink()
    smaller = load_site(content, known=renamed.known, previous=renamed)
    assert not search.same_basis(renamed, smaller)
    renamed_key = search.site_key(renamed)
    assert search.site_key(smaller, last=(renamed, renamed_key)) == search.site_key(replace(smaller)) != renamed_key


def test_warning_texts_reused_equal_fresh_ones(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    before = load_site(content)
    folder = S._Folder()  # (what the builds into one output folder keep)
    assert S._warning_texts(folder, before) == [str(w) for w in before.all_warnings]
    # a report now warned about (a cell dropped), and one fixed back again
    report = content / "reports" / "jianguomen-2024.txt"
    text = report.read_text(encoding="utf-8")
    edit(report, "\t139\n", "\t\n")
    after = load_site(content, known=before.known, previous=before)
    assert S._warning_texts(folder, after) == [str(w) for w in after.all_warnings]
    report.write_text(text, encoding="utf-8")
    again = load_site(content, known=after.known, previous=after)
    assert S._warning_texts(folder, again) == [str(w) for w in again.all_warnings]


def test_carry_all_equals_carrying_one_by_one(tmp_path):
    units = {("page", f"/p{i}/"): {f"p{i}/index.html": f"h{i}", "charts/shared.json": "s"} for i in range(6)}
    units[("static",)] = {"assets/a.css": "a"}

    def rendered(out):
        with out.unit(("page", "/p2/")):
            out.write("p2/index.html", "new")
        with out.unit(("page", "/p9/")):  # a unit the last render did not have
            out.write("p9/index.html", "nine")

    one = Output(tmp_path / "one")
    rendered(one)
    for key in [k for k in units if k not in one.units]:
        one.carry(key, units[key])
    other = Output(tmp_path / "other")
    rendered(other)
    other.carry_all(units)
    assert other.units == one.units and other.hashes == one.hashes
    assert other.changed == one.changed


def test_carry_all_of_an_incremental_render_copies_the_last_files(tmp_path):
    """With the last build's files (an incremental render's Output), carry_all() starts from
    them when each unit rendered again wrote every file it wrote then, and then knows that no file
    is gone; a unit that wrote a file it no longer writes (a chart another page still shows) takes
    the plain path, and leaves what is gone to be found by comparing the names."""
    units = {("page", f"/p{i}/"): {f"p{i}/index.html": f"h{i}", "charts/shared.json": "s"} for i in range(6)}
    units[("static",)] = {"assets/a.css": "a"}
    files = {rel: h for unit in units.values() for rel, h in unit.items()}
    (tmp_path / "live").mkdir()

    def rendered(out, *, drop_chart: bool):
        with out.unit(("page", "/p2/")):
            out.write("p2/index.html", "new")
            if not drop_chart:
                out.write("charts/shared.json", "s2")
        with out.unit(("page", "/p9/")):  # a unit the last render did not have
            out.write("p9/index.html", "nine")

    for drop_chart in (False, True):
        one = Output(tmp_path / f"one-{drop_chart}", files, base=tmp_path / "live")
        rendered(one, drop_chart=drop_chart)
        for key in [k for k in units if k not in one.units]:
            one.carry(key, units[key])
        other = Output(tmp_path / f"other-{drop_chart}", files, base=tmp_path / "live")
        rendered(other, drop_chart=drop_chart)
        written, rendered_units = dict(other.hashes), set(other.units)
        other.carry_all(units)
        assert other.units == one.units
        carried = {rel: h for key, unit in units.items() if key not in rendered_units for rel, h in unit.items()}
        # (a file two units write, the shared chart: the bytes written now, which the site has)
        assert other.hashes == {**carried, **written}
        assert set(other.hashes) == set(one.hashes)
        assert other.gone == ([] if not drop_chart else None)
        assert other.changed == one.changed

def test_an_edit_named_by_the_watcher_loads_only_that_file_and_equals_a_fresh_load(tmp_path, monkeypatch):
    """loader._edited: the files of the last build and its scan patched with the edited path
    (what the dev server hands the load after a file event): only that file is looked at, and
    the Site equals one loaded from nothing."""
    from site_builder.load import loader
    from site_builder.build.incremental import patched, scan
    from test_dev_server_edited_site import view

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    first_scan = scan([content])
    before = load_site(content, scanned=first_scan)
    report = content / "reports" / "jianguomen-2024.txt"
    edit(report, "\t139\n", "\t141\n")
    state = patched(first_scan, [str(report.resolve())], [content])
    looked_at = []
    real = loader._load
    monkeypatch.setattr(loader, "_load", lambda files, *a: looked_at.append(list(files)) or real(files, *a))
    after = load_site(content, known=before.known, files=before.files, scanned=state, previous=before)
    assert looked_at == [[content / "reports" / "jianguomen-2024.txt"]]
    monkeypatch.setattr(loader, "_load", real)
    assert view(after) == view(load_site(content))
    # a scan that is not the one the last Site was loaded from: every file, as before
    looked_at.clear()
    monkeypatch.setattr(loader, "_load", lambda files, *a: looked_at.append(list(files)) or real(files, *a))
    edit(report, "\t141\n", "\t143\n")
    other = patched(scan([content]), [str(report.resolve())], [content])
    again = load_site(content, known=after.known, files=after.files, scanned=other, previous=after)
    assert len(looked_at[0]) == len(before.files) > 1
    monkeypatch.setattr(loader, "_load", real)
    assert view(again) == view(load_site(content))


def test_inputs_since_an_edit_equals_the_listing(tmp_path):
    """_inputs_since answers an edit of files the last build read with that build's list, without
    a set of every cite path: the same list the full answer (a new listing) gives; a file added
    still takes the full answer."""
    from site_builder.render import PROJECT_ROOT

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "site"
    templates, static = PROJECT_ROOT / "templates", PROJECT_ROOT / "static"
    session = S.BuildSession()
    site = session.build(S.BuildOptions(content, out, templates, static, quiet=True, search=False, cache=False)).site
    last = session.last_build(out)
    # what the build keeps of the files it read (as BuildSession.build stores it)
    folder = S._Folder(files=(site.known, site.files, False))
    report = content / "reports" / "jianguomen-2024.txt"
    edit(report, "\t139\n", "\t141\n")
    from site_builder.build.incremental import current

    options = last.manifest.options
    now = current(content, templates, static, options)
    changed = now.changed_inputs(last.manifest)
    assert changed == {str(report.resolve())}
    fast, _ = S._inputs_since(content, folder, site, changed, now)
    assert fast is site.files
    plain, _ = S._inputs_since(content, S._Folder(), site, changed, now)  # (nothing kept: the full answer)
    assert [str(p) for p in fast] == [str(p) for p in plain]
    # a new report: listed anew, with it
    (content / "reports" / "new-2024.txt").write_text(report.read_text(encoding="utf-8"), encoding="utf-8")
    now = current(content, templates, static, options)
    listed, _ = S._inputs_since(content, folder, site, now.changed_inputs(last.manifest), now)
    assert listed is not site.files and content / "reports" / "new-2024.txt" in listed


def test_the_cite_paths_of_the_last_files_are_its_sites_known_keys(tmp_path):
    """BuildSession.build hands load_site the cite paths of the last build's list of files as its
    Site's `known` keys, in order (no str() of every Path again): they are cite_paths() of the
    files after a fresh load and after each kind of edit (the watcher's path, a full scan's)."""
    from site_builder.build.incremental import patched, scan
    from site_builder.load.loader import cite_paths

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    first_scan = scan([content])
    before = load_site(content, scanned=first_scan)
    assert list(before.known) == cite_paths(before.files, content)
    report = content / "reports" / "jianguomen-2024.txt"
    edit(report, "\t139\n", "\t141\n")
    state = patched(first_scan, [str(report.resolve())], [content])
    after = load_site(content, known=before.known, files=before.files, scanned=state, previous=before)
    assert after.files is before.files and list(after.known) == cite_paths(after.files, content)
    edit(report, "\t141\n", "\t143\n")
    again = load_site(content, known=after.known, files=after.files, scanned=scan([content]), previous=after,
                      cites=list(after.known))
    assert list(again.known) == cite_paths(again.files, content)
    assert again.reports != after.reports
