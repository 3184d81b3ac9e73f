"""One build session: a build, and what it keeps for the next build in this process.

`site-builder build` makes a session and builds once. `site-builder build --serve` keeps one
alive while it serves (commands/serve.py), so that each rebuild starts from the last one in
memory: after an edit of reports only the edited files are loaded again and only the pages
that show them rendered again (see BuildSession.build). Everything one build leaves for the
next lives in the session; a new session builds as a new process would (from the manifest and
the parse cache on disk).

What a build is asked to do travels as one frozen BuildOptions.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import chain, compress
from operator import is_not
from pathlib import Path

from typing import TYPE_CHECKING

from site_builder.load.cache import ReportCache, default_cache_dir
from site_builder.exceptions import BuildAborted, SiteBuilderError
from site_builder.build.incremental import Manifest, forget_manifest, load_manifest, output_intact, save_manifest
from site_builder.build.incremental import current as current_manifest
from site_builder.build.output import Output, Removals, commit_in_place, discard, environment_errors, remove_stale
from site_builder.build.output import staging_dir, swap_in
from site_builder.build.lock import OutputLock
from site_builder.build.timings import Timings

# The load and render phases are imported by the builds that use them (see _build), not here: a
# build that finds no input changed is done in the time of its check (~0.6 s at a province's
# size), and their imports would add ~0.4 s to it.
if TYPE_CHECKING:
    from site_builder.load.agencies import AgencyBook
    from site_builder.load.loader import Site
    from site_builder.render import RenderState


@dataclass(frozen=True)
class BuildOptions:
    """What one build is asked to do (the `site-builder build` options, and the dev server's)."""

    content: Path
    out: Path
    templates: Path
    static: Path
    strict: bool = False  # any warning or unreadable report fails the build (BuildAborted)
    quiet: bool = False  # print nothing (the dev server logs its own lines)
    base_url: str | None = None  # None: $SITE_URL, else https://example.org
    search: bool = True  # build the search index
    cache: bool = True  # False: no parse cache and no manifest (--no-cache)
    cache_dir: Path | None = None  # the cache folder; None: default_cache_dir(out)
    incremental: bool = True  # False: a clean build, whatever the last one left
    jobs: int | None = None  # processes for parsing and rendering (None: one per core)
    # a build that finds nothing changed and has no Site in memory returns None instead of
    # loading one (the CLI's case: it needs no Site to say "up to date")
    allow_up_to_date: bool = False
    # the dev server's two steps: an incremental build publishes its pages and leaves the data
    # downloads to BuildSession.finish_downloads() (a build that finds them pending finishes them
    # first, and a failure there is this build's)
    defer_downloads: bool = False
    # where the kinds of chart are kept between build processes (charts.Templates); None: nowhere
    charts_dir: Path | None = Path(".cache") / "charts"
    # another build has the output folder's lock (build/lock.py): wait for it (saying so), or
    # fail at once (--no-wait)
    wait: bool = True

    def __post_init__(self) -> None:
        for name in ("content", "out", "templates", "static"):
            object.__setattr__(self, name, Path(getattr(self, name)))
        if self.cache_dir is not None:
            object.__setattr__(self, "cache_dir", Path(self.cache_dir))

    @property
    def cache_root(self) -> Path | None:
        """The cache folder this build uses (parse cache, manifest), None without one."""
        if not self.cache:
            return None
        return self.cache_dir if self.cache_dir is not None else default_cache_dir(self.out)


@dataclass(frozen=True)
class BuildStats:
    files: int  # files of the site
    changed: int  # files whose bytes this build wrote
    incremental: bool  # written into the live site (not a staging folder swapped in)
    pages_rendered: int | None
    render_incremental: bool | None  # only the pages an edit of reports touched were rendered


@dataclass(frozen=True)
class Built:
    """What a build made: its Site, its numbers, its warnings as text (every report's gathered)."""

    site: Site
    stats: BuildStats
    warnings: list[str]


@dataclass(frozen=True)
class LastBuild:
    """The last successful build into an output folder, as the next build in the session uses it."""

    manifest: Manifest
    site: Site
    render: RenderState  # what the next render needs to render only what changed
    stats: BuildStats


@dataclass
class _Folder:
    """What the builds into one output folder left for the next (see BuildSession)."""

    last: LastBuild | None = None
    identity: tuple | None = None  # (device, inode) of the folder as the last build left it
    # the data downloads of `last` are still to write (finish_downloads), and the cache folder
    # to save its manifest in once they are
    pending: bool = False
    pending_cache: Path | None = None
    # the report files the last load read: its Site's `known` (keyed by their cite paths), the
    # list, and whether one of them lies in a hidden folder
    files: tuple[dict, list[Path], bool] | None = None
    # the warnings of the last build as text: (its Site's reports list, each report's warnings)
    warnings: tuple[list, list] | None = None
    # agencies.toml as the last build loaded it: (its scan entry, the book)
    book: tuple[tuple, AgencyBook] | None = None
    # the build before `last`, while `last` has its data downloads pending: let go by their
    # step, once the pages are live (freeing what its Site alone held, a full set of ranks among
    # them, is ~30 ms at a province's size: not to be paid before the browser reloads)
    retired: LastBuild | None = None


class BuildSession:
    """Builds, each from what the last one in this session left: per output folder its manifest,
    Site and render state (LastBuild), the files it read, their warnings as text and the agency
    book; per cache folder the parse cache (its index read once); the old files being deleted
    meanwhile. `site-builder build` makes one; `--serve` keeps one for all its rebuilds. Two
    sessions share none of it: a new one builds as a new process would."""

    def __init__(self) -> None:
        self._folders: dict[str, _Folder] = {}  # output folder (resolved) -> what its builds left
        # The parse cache of each cache folder: its index of some 20,000 entries is read once, not
        # on every dev-server rebuild (~10 ms an edit at a province's size). The index knows what
        # this session stored since; a pack another process merged or removed meanwhile is a miss
        # (the report is parsed again), one it added is not seen.
        self._caches: dict[str, ReportCache] = {}
        self._downloads_lock = threading.Lock()  # one data-downloads step at a time
        # per output folder the lock that keeps other processes' builds out (build/lock.py),
        # and how many steps of this session hold it now (build() runs finish_downloads())
        self._locks: dict[str, tuple[OutputLock, int]] = {}
        self._locks_guard = threading.Lock()
        self.removals = Removals()  # old sites and replaced files being deleted meanwhile

    def last_build(self, out: Path) -> LastBuild | None:
        """The last successful build into `out` in this session."""
        folder = self._folders.get(str(Path(out).resolve()))
        return folder.last if folder is not None else None

    def pending_downloads(self, out: Path) -> bool:
        """Whether the last build into `out` left its data downloads to finish_downloads()."""
        folder = self._folders.get(str(Path(out).resolve()))
        return folder is not None and folder.pending

    @contextmanager
    def _locked(self, out: Path, wait: bool = True):
        """The output folder's lock held for the block: taken when no step of this session
        holds it yet (the dev server takes it for each rebuild, and lets go when idle)."""
        key = str(Path(out).resolve())
        with self._locks_guard:
            lock, depth = self._locks.get(key) or (OutputLock(out), 0)
            if depth == 0:
                lock.acquire(wait)
            self._locks[key] = (lock, depth + 1)
        try:
            yield
        finally:
            with self._locks_guard:
                lock, depth = self._locks[key]
                if depth == 1:
                    del self._locks[key]
                    lock.release()
                else:
                    self._locks[key] = (lock, depth - 1)

    def finish_downloads(self, out: Path, quiet: bool = True) -> float | None:
        """_finish_downloads() under the output folder's lock."""
        if not self.pending_downloads(out):
            return None
        with environment_errors(out), self._locked(out):
            return self._finish_downloads(out, quiet)

    def _finish_downloads(self, out: Path, quiet: bool = True) -> float | None:
        """Step two of a build with defer_downloads: bring the data downloads (records.csv/json,
        quality.csv, notes.csv) of the site in `out` up to date, each file replaced whole (written
        beside, renamed over the live one); then save the build manifest, which until now claimed
        nothing (a new process builds in full). Returns the seconds it took, None when nothing was
        pending. On failure the previous files stay, the error is raised, and the next build writes
        the downloads again."""
        folder = self._folders.get(str(Path(out).resolve()))
        with self._downloads_lock:
            if folder is None or not folder.pending:
                return None
            folder.pending, folder.retired = False, None
            t0 = time.perf_counter()
            last = folder.last
            site = last.site
            stage = staging_dir(Path(out))
            from site_builder.render import write_pending_downloads

            try:
                output = Output(stage, last.manifest.outputs, base=Path(out))
                # (the data files the pages step carried: a year's parts may shift, one may go)
                before = set(last.render.units.get(("downloads",), {}))
                write_pending_downloads(site, output, last.render)
                gone = commit_in_place(stage, Path(out), output.changed, set(output.hashes), previous=before,
                                       later=self.removals)
            except BaseException:
                discard(stage)
                raise
            for relpath in gone:
                last.manifest.outputs.pop(relpath, None)
            last.manifest.outputs.update(output.hashes)
            save_manifest(folder.pending_cache, Path(out), last.manifest)
            seconds = time.perf_counter() - t0
        if not quiet:
            print(f"data downloads: {len(output.changed)} file(s) updated in {seconds:.2f}s")
        return seconds

    def build(self, options: BuildOptions, timings: Timings | None = None, scanned: dict | None = None) -> Built | None:
        """_build() under the output folder's lock (build/lock.py): one build at a time. An error
        of the environment (a full disk, no permission, a read-only file system: see
        output.environment_error) is raised as one SiteBuilderError line, wherever it happened
        (a worker's arrives here as the OSError it raised)."""
        out = options.out
        _check_folder(out)
        with environment_errors(out), self._locked(out, options.wait):
            return self._build(options, timings, scanned)

    def _build(self, options: BuildOptions, timings: Timings | None = None, scanned: dict | None = None) -> Built | None:
        """Load, render and publish the site. Raises BuildAborted under `strict`.

        A first build renders into a staging folder and swaps it in. With a manifest of the
        previous build (this session's, or the one in the cache folder), a build writes only the
        files whose bytes changed and removes those no longer produced; when no input changed at
        all it returns at once (None when `allow_up_to_date` and no Site is in memory). `scanned`:
        incremental.scan_inputs() of the build's folders, just taken by the caller (the dev
        server's watcher), or incremental.patched() of the last one.
        """
        o = options
        t = timings if timings is not None else Timings()
        out = o.out
        cache_root = o.cache_root
        key = str(out.resolve())
        left = remove_stale(out.resolve()) if out.resolve().parent.is_dir() else []
        if left:  # (what killed builds left: said here, since they could not say it)
            print(f"removed what stopped builds left beside {out}: {', '.join(left)}", file=sys.stderr)
        self.finish_downloads(out)
        folder = self._folders.setdefault(key, _Folder())
        manifest_options = {"base_url": o.base_url, "SITE_URL": os.environ.get("SITE_URL"), "search": o.search,
                            "strict": o.strict}
        with t.stage("scan"):
            now = current_manifest(o.content, o.templates, o.static, manifest_options, scanned)
            last = folder.last if o.incremental else None
            previous = last.manifest if last else (load_manifest(cache_root, out) if o.incremental else None)
            if previous is not None and not (_same_folder(out, folder) if last is not None
                                             else output_intact(out, previous)):
                previous, last = None, None
        stale = last is not None and last.render.pending is not None  # its downloads' second step failed
        changed = now.changed_inputs(previous) if previous is not None else None
        if changed is not None and not changed and (last is not None or o.allow_up_to_date) and not stale:
            if not o.quiet:
                for e in previous.summary.get("errors", []):
                    print(f"error: {e}", file=sys.stderr)
                for w in previous.summary.get("warnings", []):
                    print(f"warning: {w}", file=sys.stderr)
                print(f"{out} is up to date ({previous.summary.get('reports', '?')} report(s), "
                      f"{len(previous.outputs)} files; no input changed) in {t.total():.2f}s")
            if last is None:
                return None
            return Built(last.site, replace(last.stats, changed=0, pages_rendered=0),
                         previous.summary.get("warnings", []))
        folder.last = None
        # (the phases' modules, imported once a build has work to do: see the note at the top)
        from site_builder.load.loader import REPORTS_DIR, default_jobs, load_site
        from site_builder.render import diff_previous, render_site
        from site_builder.render.charts import Templates as ChartKinds, prerender
        from site_builder.render.search import OUTPUT_DIR as SEARCH_DIR, site_documents, site_key, start_index

        cache = self._report_cache(cache_root) if cache_root is not None else None
        if last is None:
            changed = None  # (the files changed since a build of this session, which has no Site here)
        files, book = _inputs_since(o.content, folder, last.site if last else None, changed, now)
        # Only report files changed since the last build in this session: load them into its
        # Site, and render what they touch. Anything else (a template, static file,
        # agencies.toml, a prose page, code, options): all.
        reports_dir = str((o.content / REPORTS_DIR).resolve()) + os.sep
        reports_only = last is not None and changed is not None and all(p.startswith(reports_dir) for p in changed)
        # (the cite paths of the last build's list of files: its Site's `known`, in that order)
        cites = list(last.site.known) if last is not None and files is last.site.files else None
        site = load_site(o.content, cache=cache, jobs=o.jobs, timings=t, known=last.site.known if last else None,
                         files=files, book=book, scanned=now.inputs, previous=last.site if reports_only else None,
                         cites=cites)
        held = folder.files
        # whether a cite path lies in a hidden folder: inherited while the list of files is the last one
        hidden = held[2] if held is not None and held[1] is site.files else any("/." in c for c in site.known)
        folder.files = (site.known, site.files, hidden)  # (the list load_site made when it was not given one)
        warnings = _warning_texts(folder, site)  # (made once: every report's warnings gathered)
        problems = [str(e) for e in site.errors] + warnings
        if o.strict and problems:
            raise BuildAborted(f"--strict: {len(problems)} problem(s), the site was not written:\n  "
                               + "\n  ".join(problems))
        render_previous = (last.site, last.render) if reports_only else None
        stage = staging_dir(out)
        live = out if previous is not None else None  # incremental: unchanged files stay where they are
        later = self.removals if o.defer_downloads else None  # the dev server does not wait for old files to go
        render_stats: dict = {}
        # Search documents come from the Site, not the pages: the index is built from them on the
        # second core while the pages render, into the staging folder; an incremental build builds
        # it only when their key changed (and swaps the folder in whole), else keeps the live one.
        # (cheap; the documents are made only to be indexed. An edit of reports: the last key, when
        # the documents' basis is the same)
        last_key = previous.summary.get("search_key") if reports_only else None
        search_key = site_key(site, last=(last.site, last_key) if last_key is not None else None) if o.search else None
        index_job = None
        try:
            if o.search and (live is None or search_key != previous.summary.get("search_key")
                             or not (out / SEARCH_DIR / "pagefind-entry.json").is_file()):
                index_job = start_index(stage, site_documents(site))
            output = Output(stage, previous.outputs if previous else None, base=live, timings=t)
            chart_kinds = None  # (an incremental render: the last render's)
            if render_previous is None:
                # (no records stage: the data downloads stream each report's rows as they write them)
                chart_kinds = ChartKinds(o.charts_dir)
                with t.stage("charts"):
                    prerender(chart_kinds)  # each kind of chart's spec built once (Altair), before the pages and any worker need it
            with t.stage("render"):
                state = render_site(site, output, o.templates, o.static, base_url=o.base_url, previous=render_previous,
                                    jobs=o.jobs or default_jobs(), stats=render_stats,
                                    defer_downloads=o.defer_downloads,
                                    changes=diff_previous(site, render_previous), charts=chart_kinds)
            if index_job is not None:  # started before the pages: this stage is only the wait
                with t.stage("search"):
                    index_job.wait()
            with t.stage("commit"):
                if live is None:
                    swap_in(stage, out, later=later)
                else:
                    forget_manifest(cache_root, out)  # a commit cut short leaves no manifest to trust
                    # in this session the last build's files are known (its manifest); from the manifest on
                    # disk, the live folder is walked: it may hold files written there since
                    # (the files' names as the dicts' key views: their difference is taken in C, with no
                    # set made of each build's 27,000 names first)
                    commit_in_place(stage, out, output.changed, output.hashes.keys(), dirs=(SEARCH_DIR,),
                                    previous=previous.outputs.keys() if last is not None else None, later=later,
                                    gone=output.gone)
        except BaseException:
            if index_job is not None:
                index_job.cancel()
            discard(stage)
            raise
        now.outputs = output.hashes
        now.summary = {"reports": len(site.reports), "agencies": len(site.agencies), "search_key": search_key,
                       "errors": [str(e) for e in site.errors], "warnings": warnings}
        if state.pending is None:
            save_manifest(cache_root, out, now)
        else:  # the manifest is saved once the downloads are current
            folder.pending, folder.pending_cache = True, cache_root
            folder.retired = last
        stats = BuildStats(files=len(output.hashes), changed=len(output.changed), incremental=live is not None,
                           pages_rendered=render_stats.get("pages"), render_incremental=render_stats.get("incremental"))
        folder.last = LastBuild(now, site, state, stats)
        folder.identity = _identity(out)
        if not o.quiet:
            print(f"stages: {t.line()}" + (f"; incremental, {render_stats.get('pages')} page(s) rendered, "
                                           f"{len(output.changed)} file(s) changed" if live is not None else "")
                  + ("; data downloads still to write" if state.pending is not None else ""))
            report_summary(site, len(output.written), out, t.total())
        return Built(site, stats, warnings)

    def _report_cache(self, root: Path) -> ReportCache:
        key = str(Path(root).resolve())
        cache = self._caches.get(key)
        if cache is None:
            cache = self._caches[key] = ReportCache(root)
        return cache


def _check_folder(out: Path) -> None:
    """Raise when the output folder, or the nearest of its parents that exists, is a file."""
    for path in (out, *out.parents):
        if path.exists():
            if path.is_dir():
                return
            what = f"the output folder {out}" if path == out else f"{path}, a folder of the output folder {out},"
            raise SiteBuilderError(f"{what} is a file: no site was written")


def _identity(out: Path) -> tuple | None:
    try:
        st = os.stat(out)
    except OSError:
        return None
    if not all(os.path.isfile(os.path.join(out, name)) for name in ("index.html", "404.html", "sitemap.xml")):
        return None  # emptied
    return (st.st_dev, st.st_ino)


def _same_folder(out: Path, folder: _Folder) -> bool:
    """In the session that built it: `out` is still the folder it left (not removed, replaced or
    emptied at the top). Checking every file it wrote, as a new process does (output_intact),
    is a stat per page, a quarter of a second at a province's size; a file deleted by hand
    from inside the served folder is noticed by the next build in a new process."""
    return folder.identity is not None and _identity(out) == folder.identity


def _warning_texts(folder: _Folder, site: Site) -> list[str]:
    """[str(w) for w in site.all_warnings], with the text of each report the last build into the
    folder also had (the very object: the load phase keeps an unchanged report's) taken from
    that build instead of made again: a dev-server rebuild after an edit makes the edited
    report's, not those of the 20,000 others (~1,000 warnings at a province's size)."""
    reports = site.reports
    held = folder.warnings
    if held is not None and len(held[0]) == len(reports):
        texts = list(held[1])
        # (the positions whose report is another object, found in C: a province has 20,000)
        for i in compress(range(len(reports)), map(is_not, held[0], reports)):
            texts[i] = tuple(map(str, reports[i].warnings))
    else:
        texts = [tuple(map(str, r.warnings)) for r in reports]
    folder.warnings = (reports, texts)
    return [str(w) for w in site.warnings] + list(chain.from_iterable(texts))


def _inputs_since(content: Path, folder: _Folder, site: Site | None, changed: set[str] | None,
                  now: Manifest) -> tuple[list[Path] | None, AgencyBook]:
    """The report files and the agency book for load_site, from the last build into the folder
    and the inputs changed since (its manifest against this one's scan): no second walk of the
    reports folder, and agencies.toml parsed again only when it changed (both cost as much as the
    rest of a one-report rebuild at a province's size). Files None: load_site lists them."""
    from site_builder.load.agencies import AgencyBook
    from site_builder.load.loader import REPORTS_DIR
    from site_builder.readers import supported_suffixes

    toml = content / "agencies.toml"
    entry = now.inputs.get(str(toml.resolve()))
    cached = folder.book
    if entry is not None and cached is not None and changed is not None and str(toml.resolve()) not in changed:
        book = cached[1]  # (a book does not change once loaded: its slugs are made per build, by places.py)
    else:
        book = AgencyBook.load(toml, previous=cached[1] if cached is not None else None)
        folder.book = (entry, book) if entry is not None else None
    reports_folder = content / REPORTS_DIR
    if site is None or changed is None or not reports_folder.is_dir():
        return None, book
    reports_dir = str(reports_folder.resolve()) + os.sep
    last = folder.files
    if last is not None and last[0] is site.known:
        if last[2]:
            return None, book  # a file in a hidden folder: listed, but not scanned (its changes unseen)
        known, inputs = site.known, now.inputs
        if all(p in inputs and REPORTS_DIR + "/" + p[len(reports_dir):].replace(os.sep, "/") in known
               for p in changed if p.startswith(reports_dir)):
            # files edited only (each still there, and read by the last build): the last build's
            # list, without a set of its 20,000 cite paths (a Path each costs microseconds)
            return last[1], book
    suffixes = set(supported_suffixes())
    cites = set(site.known)  # cite paths ("reports/..."): every report file the last build read
    if any("/." in c for c in cites):
        return None, book  # a file in a hidden folder: listed, but not scanned (its changes unseen)
    for path in changed:
        if not path.startswith(reports_dir):
            continue
        cite = REPORTS_DIR + "/" + path[len(reports_dir):].replace(os.sep, "/")
        name = os.path.basename(path)
        if path in now.inputs and not name.startswith(".") and os.path.splitext(name)[1].lower() in suffixes:
            cites.add(cite)
        else:
            cites.discard(cite)
    # report_files() order: sorted as paths (by their parts)
    return [content / cite for cite in sorted(cites, key=lambda c: c.split("/"))], book


def report_summary(site: Site, files: int, out: Path, seconds: float) -> None:
    for e in site.errors:
        print(f"error: {e}", file=sys.stderr)
    warnings = site.all_warnings
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(
        f"built {len(site.reports)} report(s) of {len(site.agencies)} agencies into {out}: {files} files in {seconds:.2f}s"
        + (f"; {len(site.errors)} report(s) could not be read" if site.errors else "")
        + (f"; {len(warnings)} warning(s)" if warnings else "")
    )
