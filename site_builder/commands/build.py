"""site-builder build [--content DIR] [--out DIR] [--strict] [--serve]"""

from __future__ import annotations

import copy
import os
from itertools import chain, compress
from operator import is_not
import sys
import threading
import time
from pathlib import Path

from site_builder.exceptions import BuildAborted
from site_builder.agencies import AgencyBook
from site_builder.load import REPORTS_DIR, Site, default_jobs, load_site
from site_builder.readers import supported_suffixes
from site_builder.cache import ReportCache, default_cache_dir
from site_builder.incremental import Manifest, forget_manifest, load_manifest, output_intact, save_manifest
from site_builder.incremental import current as current_manifest
from site_builder.output import Output, commit_in_place, discard, staging_dir, swap_in
from site_builder.timings import Timings
from site_builder.render import PROJECT_ROOT, RenderState, diff_previous, render_site, write_pending_downloads
from site_builder.charts import Templates as ChartKinds, prerender
from site_builder.search import OUTPUT_DIR as SEARCH_DIR, site_documents, site_key, start_index


def add_parser(sub) -> None:
    p = sub.add_parser("build", help="parse every report and write the static site")
    p.add_argument("--content", default="content", type=Path, help="content folder (default: content)")
    p.add_argument("--out", default="_site", type=Path, help="output folder (default: _site)")
    p.add_argument("--templates", default=None, type=Path, help="templates folder (default: ./templates, else the bundled one)")
    p.add_argument("--static", default=None, type=Path, help="static folder (default: ./static, else the bundled one)")
    p.add_argument("--strict", action="store_true", help="fail the build on any warning or unreadable report")
    p.add_argument("--serve", action="store_true", help="serve on localhost, rebuild on change, reload the browser")
    p.add_argument("--base-url", default=None, help="absolute URL the site is served from, for canonical links, sitemap and feed (default: $SITE_URL, else https://example.org)")
    p.add_argument("--full", action="store_true", help="rebuild everything, ignoring the previous build's manifest")
    p.add_argument("--cache", default=None, type=Path, help="cache folder for parsed reports and the build manifest (default: $SITE_BUILDER_CACHE, else .cache/site-builder beside --out)")
    p.add_argument("--no-cache", action="store_true", help="parse every report and render every page; keep no cache")
    p.add_argument("--jobs", default=None, type=int, help="processes for parsing and rendering (default: one per core)")
    p.add_argument("--port", default=8000, type=int)
    p.add_argument("--host", default="127.0.0.1")
    p.set_defaults(func=run)


def resolve_dir(given: Path | None, name: str) -> Path:
    if given is not None:
        return given
    local = Path(name)
    return local if local.is_dir() else PROJECT_ROOT / name


# The last build of each output folder in this process (its manifest, Site and render state):
# the dev server rebuilds with these in memory, so one edited report is parsed again, and only
# the pages that show it are rendered again.
_LAST: dict[str, tuple[Manifest, Site, RenderState]] = {}
_DEFAULT = object()
# Output folders whose data downloads a build with defer_downloads left to finish_downloads()
# (the cache folder to save the manifest in, once they are written); the lock makes one at a time.
_PENDING: dict[str, Path | None] = {}
_PENDING_LOCK = threading.Lock()


def pending_downloads(out: Path) -> bool:
    """Whether the last build into `out` left its data downloads to finish_downloads()."""
    return str(Path(out).resolve()) in _PENDING


def finish_downloads(out: Path, quiet: bool = True) -> float | None:
    """Step two of a build with defer_downloads: bring the data downloads (records.csv/json,
    quality.csv, notes.csv) of the site in `out` up to date, each file replaced whole (written
    beside, renamed over the live one); then save the build manifest, which until now claimed
    nothing (a new process builds in full). Returns the seconds it took, None when nothing was
    pending. On failure the previous files stay, the error is raised, and the next build writes
    the downloads again."""
    key = str(Path(out).resolve())
    with _PENDING_LOCK:
        if key not in _PENDING:
            return None
        cache_root = _PENDING.pop(key)
        t0 = time.perf_counter()
        manifest, site, state = _LAST[key]
        stage = staging_dir(Path(out))
        try:
            output = Output(stage, manifest.outputs, base=Path(out))
            write_pending_downloads(site, output, state)
            commit_in_place(stage, Path(out), output.changed, set(output.hashes), previous=set(), later=True)
        except BaseException:
            discard(stage)
            raise
        manifest.outputs.update(output.hashes)
        save_manifest(cache_root, Path(out), manifest)
        seconds = time.perf_counter() - t0
    if not quiet:
        print(f"data downloads: {len(output.changed)} file(s) updated in {seconds:.2f}s")
    return seconds


# where the kinds of chart are kept between build processes (charts.Templates), by default
CHARTS_DIR = Path(".cache") / "charts"


def build(content: Path, out: Path, templates: Path, static: Path, strict: bool = False, quiet: bool = False,
          base_url: str | None = None, search: bool = True, *, timings: Timings | None = None,
          cache_dir=_DEFAULT, incremental: bool = True, jobs: int | None = None,
          allow_up_to_date: bool = False, defer_downloads: bool = False, scanned: dict | None = None,
          charts_dir: Path | None = CHARTS_DIR) -> Site | None:
    """Load, render and publish the site. Raises BuildAborted under --strict.

    A first build renders into a staging folder and swaps it in. With a manifest of the
    previous build (this process's, or the one in the cache folder), a build writes only the
    files whose bytes changed and removes those no longer produced; when no input changed at
    all it returns at once (None when `allow_up_to_date` and no Site is in memory: the CLI's
    case, which needs no Site to say "up to date"). `cache_dir=None` disables the parse cache
    and the manifest; `incremental=False` forces a clean build.

    `defer_downloads` (the dev server's option): an incremental build publishes its pages and
    leaves the data downloads to finish_downloads(), to be called next (a build that finds them
    pending finishes them first, and a failure there is this build's).
    """
    t = timings if timings is not None else Timings()
    out = Path(out)
    cache_root = default_cache_dir(out) if cache_dir is _DEFAULT else (Path(cache_dir) if cache_dir else None)
    key = str(out.resolve())
    finish_downloads(out)
    options = {"base_url": base_url, "SITE_URL": os.environ.get("SITE_URL"), "search": search, "strict": strict}
    with t.stage("scan"):
        now = current_manifest(Path(content), Path(templates), Path(static), options, scanned)
        last = _LAST.get(key) if incremental else None
        previous = last[0] if last else (load_manifest(cache_root, out) if incremental else None)
        if previous is not None and not (_same_folder(out, key) if last is not None else output_intact(out, previous)):
            previous, last = None, None
    stale = last is not None and last[2].pending is not None  # its downloads' second step failed
    changed = now.changed_inputs(previous) if previous is not None else None
    if changed is not None and not changed and (last is not None or allow_up_to_date) and not stale:
        if not quiet:
            for e in previous.summary.get("errors", []):
                print(f"error: {e}", file=sys.stderr)
            for w in previous.summary.get("warnings", []):
                print(f"warning: {w}", file=sys.stderr)
            print(f"{out} is up to date ({previous.summary.get('reports', '?')} report(s), {len(previous.outputs)} files; "
                  f"no input changed) in {t.total():.2f}s")
        if last:
            last[1].build_stats.update(changed=0, pages_rendered=0)
        return last[1] if last else None
    _LAST.pop(key, None)
    cache = _report_cache(cache_root) if cache_root is not None else None
    if last is None:
        changed = None  # (the files changed since a build of this process, which has no Site here)
    files, book = _inputs_since(Path(content), key, last[1] if last else None, changed, now)
    # Only report files changed since the last build in this process: load them into its Site,
    # and render what they touch. Anything else (a template, static file, agencies.toml, a prose
    # page, code, options): all.
    reports_dir = str((Path(content) / REPORTS_DIR).resolve()) + os.sep
    reports_only = last is not None and changed is not None and all(p.startswith(reports_dir) for p in changed)
    site = load_site(content, cache=cache, jobs=jobs, timings=t, known=last[1].known if last else None,
                     files=files, book=book, scanned=now.inputs, previous=last[1] if reports_only else None)
    held = _FILES.get(key)
    # whether a cite path lies in a hidden folder: inherited while the list of files is the last one
    hidden = held[2] if held is not None and held[1] is site.files else any("/." in c for c in site.known)
    _FILES[key] = (site.known, site.files, hidden)  # (the list load_site made when it was not given one)
    warnings = _warning_texts(key, site)  # (made once: every report's warnings gathered)
    problems = [str(e) for e in site.errors] + warnings
    if strict and problems:
        raise BuildAborted(f"--strict: {len(problems)} problem(s), the site was not written:\n  " + "\n  ".join(problems))
    render_previous = (last[1], last[2]) if reports_only and len(last) > 2 else None
    stage = staging_dir(out)
    live = out if previous is not None else None  # incremental: unchanged files stay where they are
    render_stats: dict = {}
    # Search documents come from the Site, not the pages: the index is built from them on the
    # second core while the pages render, into the staging folder; an incremental build builds
    # it only when their key changed (and swaps the folder in whole), else keeps the live one.
    search_key = site_key(site) if search else None  # cheap; the documents are made only to be indexed
    index_job = None
    try:
        if search and (live is None or search_key != previous.summary.get("search_key")
                       or not (out / SEARCH_DIR / "pagefind-entry.json").is_file()):
            index_job = start_index(stage, site_documents(site))
        output = Output(stage, previous.outputs if previous else None, base=live, timings=t)
        jobs = jobs or default_jobs()
        chart_kinds = None  # (an incremental render: the last render's)
        if render_previous is None:
            # (no records stage: the data downloads stream each report's rows as they write them)
            chart_kinds = ChartKinds(charts_dir)
            with t.stage("charts"):
                prerender(chart_kinds)  # each kind of chart's spec built once (Altair), before the pages and any worker need it
        with t.stage("render"):
            state = render_site(site, output, templates, static, base_url=base_url, previous=render_previous,
                                jobs=jobs, stats=render_stats, defer_downloads=defer_downloads,
                                changes=diff_previous(site, render_previous), charts=chart_kinds)
        if index_job is not None:  # started before the pages: this stage is only the wait
            with t.stage("search"):
                index_job.wait()
        with t.stage("commit"):
            # the dev server (defer_downloads) does not wait for the old files to be deleted
            if live is None:
                swap_in(stage, out, later=defer_downloads)
            else:
                forget_manifest(cache_root, out)  # a commit cut short leaves no manifest to trust
                # in this process the last build's files are known (its manifest); from the manifest on
                # disk, the live folder is walked: it may hold files written there since
                # (the files' names as the dicts' key views: their difference is taken in C, with no
                # set made of each build's 27,000 names first)
                commit_in_place(stage, out, output.changed, output.hashes.keys(), dirs=(SEARCH_DIR,),
                                previous=previous.outputs.keys() if last is not None else None, later=defer_downloads)
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
    else:
        _PENDING[key] = cache_root  # the manifest is saved once the downloads are current
    _LAST[key] = (now, site, state)
    _FOLDER[key] = _identity(out)
    site.build_stats.update({"files": len(output.hashes), "changed": len(output.changed), "incremental": live is not None,
                        "pages_rendered": render_stats.get("pages"), "render_incremental": render_stats.get("incremental")})
    if not quiet:
        print(f"stages: {t.line()}" + (f"; incremental, {render_stats.get('pages')} page(s) rendered, "
                                       f"{len(output.changed)} file(s) changed" if live is not None else "")
              + ("; data downloads still to write" if state.pending is not None else ""))
        report_summary(site, len(output.written), out, t.total())
    return site


# The parse cache of each cache folder, kept by this process between builds: its index of some
# 20,000 entries is read once, not on every dev-server rebuild (~10 ms an edit at a province's
# size). The index knows what this process stored since; a pack another process merged or
# removed meanwhile is a miss (the report is parsed again), one it added is not seen.
_CACHES: dict[str, ReportCache] = {}


def _report_cache(root: Path) -> ReportCache:
    key = str(Path(root).resolve())
    cache = _CACHES.get(key)
    if cache is None:
        cache = _CACHES[key] = ReportCache(root)
    return cache


# the output folder as the last build in this process left it: (device, inode)
_FOLDER: dict[str, tuple] = {}


def _identity(out: Path) -> tuple | None:
    try:
        st = os.stat(out)
    except OSError:
        return None
    if not all(os.path.isfile(os.path.join(out, name)) for name in ("index.html", "404.html", "sitemap.xml")):
        return None  # emptied
    return (st.st_dev, st.st_ino)


def _same_folder(out: Path, key: str) -> bool:
    """In the process that built it: `out` is still the folder it left (not removed, replaced or
    emptied at the top). Checking every file it wrote, as a new process does (output_intact),
    is a stat per page, a quarter of a second at a province's size; a file deleted by hand
    from inside the served folder is noticed by the next build in a new process."""
    return _FOLDER.get(key) is not None and _identity(out) == _FOLDER[key]


# the report files the last build in this process loaded (its Site's `known`, whose keys are
# their cite paths, the list, and whether one of them lies in a hidden folder)
_FILES: dict[str, tuple[dict, list[Path], bool]] = {}

# the warnings of the last build in this process, as text: output folder -> (its Site's reports
# list, each report's warnings as text, in that order)
_WARNINGS: dict[str, tuple[list, list]] = {}


def _warning_texts(key: str, site: Site) -> list[str]:
    """[str(w) for w in site.all_warnings], with the text of each report the last build in this
    process also had (the very object: the load phase keeps an unchanged report's) taken from
    that build instead of made again: a dev-server rebuild after an edit makes the edited
    report's, not those of the 20,000 others (~1,000 warnings at a province's size)."""
    reports = site.reports
    held = _WARNINGS.get(key)
    if held is not None and len(held[0]) == len(reports):
        texts = list(held[1])
        # (the positions whose report is another object, found in C: a province has 20,000)
        for i in compress(range(len(reports)), map(is_not, held[0], reports)):
            texts[i] = tuple(map(str, reports[i].warnings))
    else:
        texts = [tuple(map(str, r.warnings)) for r in reports]
    _WARNINGS[key] = (reports, texts)
    return [str(w) for w in site.warnings] + list(chain.from_iterable(texts))

# agencies.toml as the last build in this process loaded it: output folder -> (its scan entry, book)
_BOOKS: dict[str, tuple[tuple, AgencyBook]] = {}


def _inputs_since(content: Path, key: str, site: Site | None, changed: set[str] | None,
                  now: Manifest) -> tuple[list[Path] | None, AgencyBook]:
    """The report files and the agency book for load_site, from the last build in this process
    and the inputs changed since (its manifest against this one's scan): no second walk of the
    reports folder, and agencies.toml parsed again only when it changed (both cost as much as the
    rest of a one-report rebuild at a province's size). Files None: load_site lists them."""
    toml = content / "agencies.toml"
    entry = now.inputs.get(str(toml.resolve()))
    cached = _BOOKS.get(key)
    if entry is not None and cached is not None and changed is not None and str(toml.resolve()) not in changed:
        book = copy.copy(cached[1])
        book._derived = {}  # agencies found by name only are made afresh, in this build's order
    else:
        book = AgencyBook.load(toml)
        if entry is not None:
            _BOOKS[key] = (entry, copy.copy(book))
        else:
            _BOOKS.pop(key, None)
    folder = content / REPORTS_DIR
    if site is None or changed is None or not folder.is_dir():
        return None, book
    reports_dir = str(folder.resolve()) + os.sep
    last = _FILES.get(key)
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


def run(args) -> int:
    templates = resolve_dir(args.templates, "templates")
    static = resolve_dir(args.static, "static")
    # the chart kinds' specs are kept across builds (keyed by the Altair version and the charts code)
    charts_dir = (args.cache / "charts") if getattr(args, "cache", None) else CHARTS_DIR
    if args.serve:
        from site_builder.commands.serve import serve

        # serve builds first itself, so that a broken first build still shows its error in the browser
        serve(args.content, args.out, templates, static, host=args.host, port=args.port, base_url=args.base_url)
        return 0
    cache_dir = None if args.no_cache else (args.cache if args.cache is not None else _DEFAULT)
    build(args.content, args.out, templates, static, strict=args.strict, base_url=args.base_url,
          cache_dir=cache_dir, incremental=not (args.full or args.no_cache), jobs=args.jobs, allow_up_to_date=True,
          charts_dir=charts_dir)
    return 0
