"""site-builder build --serve: build, serve the output on localhost, rebuild on change, reload.

Like `mkdocs serve` and `zola serve`: every rebuild renders into a staging folder that replaces the
served one only when it is whole (session.BuildSession.build does that), so a broken template or a bug
leaves the last good site in place. The error is printed in the terminal and shown in the
browser: every HTML page served gets a banner with the message (and /_build_error.html holds it
in full), until a rebuild succeeds. Reports that could not be read are a normal, successful build
(one broken report never takes the site down); their messages get the same banner as warnings.

Changes are told by the operating system (site_builder/build/watch.py: inotify on Linux): the rebuild
stats only the files an event named and patches the last build's scan with them, instead of
scanning every input file; a full scan whenever the events may not say everything (an overflow, a
folder created or moved, ...). Without inotify, or if its watches cannot be had, the folders are
polled with full scans. livereload serves the pages and tells the browser to reload; its own
polling watcher (a walk and two stats per file every 0.8 s) is not used.

A rebuild after edited reports publishes the pages first (the browser reloads then) and brings
the data downloads (hundreds of MB at a province's size) up to date in a second step, on a
thread, each file replaced whole; if that step fails, its error is shown like any build's.

One build session (session.BuildSession) lives as long as the server: each rebuild starts from
the last build in memory.
"""

from __future__ import annotations

import gc
import html
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateSyntaxError

from site_builder.build import watch
from site_builder.commands import build as build_command
from site_builder.exceptions import SiteBuilderError
from site_builder.build.incremental import changed_paths, patched, scan_inputs
from site_builder.build.session import BuildOptions, BuildSession

# livereload and tornado (~70 ms of imports) are imported where the server is made, not here:
# cli.py imports this module for every command, and `site-builder build` without --serve never
# needs them.

ERROR_PAGE = "_build_error.html"
SETTLE_SECONDS = 0.3  # polling: an editor's save is often several writes: wait until the files are quiet
# With file events: the rebuild starts once no event came for QUIET_SECONDS (an editor's save,
# temporary file, rename and all, is a burst of a few milliseconds), or MAX_WAIT_SECONDS after the
# first event of a longer stream (a copy of many files), whichever comes first.
QUIET_SECONDS = 0.02
MAX_WAIT_SECONDS = 1.0
POLL_SECONDS = 1.0  # without file events: a full scan this often
# Frozen heaps are collected in full (cycles among what the builds since dropped) after this many
# rebuilds, once the server has been idle for IDLE_SECONDS (see keep_out_of_gc).
COLLECT_EVERY = 10
IDLE_SECONDS = 5.0


def keep_out_of_gc() -> None:
    """Move every object alive now out of the cyclic collector's reach (gc.freeze), after a build.

    The dev server keeps the last build in memory (at a province's size some 3 million objects:
    reports, figures, indexes). A full collection walks all of them, 0.5-0.7 s at 20,000 reports,
    and the allocations of one rebuild set one off every few edits, in the middle of the edit's
    rebuild. Frozen, they are skipped; the objects a later build makes are collected as usual.
    What the builds since drop is freed by reference counting; only cycles among it wait for
    collect_frozen() (run when idle)."""
    gc.freeze()


def collect_frozen() -> None:
    """A full collection of everything, frozen objects included, then frozen again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@dataclass
class BuildResult:
    ok: bool
    seconds: float
    error: str | None = None  # why the build failed (the served site is the previous one)
    report_errors: list[str] = field(default_factory=list)  # reports left out of a successful build
    pages: int = 0

    @property
    def problems(self) -> list[str]:
        return ([self.error] if self.error else []) + self.report_errors


class Rebuilder:
    """Runs builds for the dev server, in one build session, and remembers the outcome of the
    last one."""

    def __init__(self, content: Path, out: Path, templates: Path, static: Path, base_url: str | None = None,
                 search: bool = True, log=None, session: BuildSession | None = None,
                 charts_dir: Path | None = BuildOptions.charts_dir):
        # the dev server's builds: quiet (it logs its own lines), the data downloads a second step
        self.options = BuildOptions(content, out, templates, static, quiet=True, base_url=base_url, search=search,
                                    defer_downloads=True, charts_dir=charts_dir)
        self.session = session if session is not None else BuildSession()
        self.log = log or (lambda text: print(text, file=sys.stderr, flush=True))
        self.last: BuildResult | None = None
        self._built_state: tuple | None = None
        self._downloads: threading.Thread | None = None  # the second step of the last rebuild
        self._frozen_builds = 0  # builds since the last full collection (collect_frozen)
        self._built_at = 0.0  # time.monotonic() of the last build's end
        # called as soon as a rebuild's pages are live (or it failed), before its terminal output
        # and its data downloads: the dev server's reload of the browsers
        self.on_live = None
        self._warned: set[str] = set()  # the warnings printed so far

    @property
    def content(self) -> Path:
        return self.options.content

    @property
    def out(self) -> Path:
        return self.options.out

    @property
    def templates(self) -> Path:
        return self.options.templates

    @property
    def static(self) -> Path:
        return self.options.static

    def watched(self) -> list[Path]:
        return [p for p in (self.content, self.templates, self.static) if p.exists()]

    def roots(self) -> list[Path]:
        """The folders a build's scan covers (incremental.scan_inputs), missing ones too."""
        return [self.content, self.templates, self.static]

    def state(self) -> dict:
        """Every watched file (hidden ones aside, as the build reads none) with its size and
        mtime: equal states need no rebuild. The build manifest's own scan of its inputs
        (incremental.scan_inputs: one scandir walk and a stat per file; 0.14 s at 20,000 files),
        so that the build takes it as its own."""
        return scan_inputs(self.content, self.templates, self.static)

    def rebuild(self, state: dict | None = None) -> BuildResult:
        self.wait()  # the last rebuild's downloads first (the next build starts from them)
        self._built_state = state if state is not None else self.state()
        t0 = time.perf_counter()
        try:
            built = self.session.build(self.options, scanned=self._built_state)
        except Exception as exc:  # any failure, a template syntax error as much as a bug: keep serving
            result = BuildResult(False, time.perf_counter() - t0, error=describe(exc))
            self._write_error_page(result)
            self.last = result
            self._live(result)
            self.log(f"build failed ({result.seconds:.2f}s); still serving the previous site:\n{result.error}")
        else:
            # an incremental build keeps files it did not produce: the error page goes explicitly
            (self.out / ERROR_PAGE).unlink(missing_ok=True)
            site = built.site
            result = BuildResult(True, time.perf_counter() - t0, report_errors=[str(e) for e in site.errors],
                                 pages=len(site.reports))
            self.last = result
            self._live(result)
            for message in result.report_errors:
                self.log(f"error: {message}")
            warnings = built.warnings
            # (each warning once while it lasts: at a province's size a thousand reports may break
            # a consistency rule, and an edit of one would print them all again)
            new = [w for w in warnings if w not in self._warned]
            if new:
                self.log("\n".join(f"warning: {w}" for w in new))
            self._warned = set(warnings)
            rendered = built.stats.pages_rendered
            pending = self.session.pending_downloads(self.out)
            self.log(f"rebuilt {len(site.reports)} report(s) in {result.seconds:.2f}s"
                     + (f" ({rendered} page(s) rendered)" if rendered is not None else "")
                     + (f"; {len(result.report_errors)} report(s) could not be read" if result.report_errors else "")
                     + (f"; {len(warnings)} warning(s), {len(new)} new" if len(new) < len(warnings) else "")
                     + ("; updating the data downloads" if pending else ""))
            if pending:
                self._downloads = threading.Thread(target=self._finish_downloads, name="downloads", daemon=True)
                self._downloads.start()
        keep_out_of_gc()
        self._frozen_builds += 1
        self._built_at = time.monotonic()
        return result

    def _live(self, result: BuildResult) -> None:
        if self.on_live is not None:
            self.on_live(result)

    def wait(self) -> None:
        """Until the second step of the last rebuild (the data downloads), if any, is done."""
        if self._downloads is not None:
            self._downloads.join()
            self._downloads = None

    def _finish_downloads(self) -> None:
        t0 = time.perf_counter()
        try:
            seconds = self.session.finish_downloads(self.out)
        except Exception as exc:  # the pages are live; the previous data files stay, and say so
            result = BuildResult(False, time.perf_counter() - t0,
                                 error="the data downloads (data/) were not updated: " + describe(exc))
            self.log(f"build failed ({result.seconds:.2f}s); still serving the previous data downloads:\n{result.error}")
            self._write_error_page(result)
            self.last = result
        else:
            if seconds is not None:
                self.log(f"data downloads updated in {seconds:.2f}s")

    def rebuild_changed(self, changes) -> BuildResult | None:
        """The file watcher's callback: a rebuild for the files it saw change (watch.Changes),
        from the last build's scan patched with just those files; from a full scan when the
        events may not have said everything (changes.full) or no build was made yet. None when
        nothing the build reads changed (a file written with the same bytes and mtime, a file
        created and removed again)."""
        base = self._built_state
        state = None
        if changes.full is None and base is not None:
            state = patched(base, changes.paths, self.roots())
            if state is not None and not changed_paths(state, base, state.patched):
                return None
        if state is None:
            if changes.full is not None:
                self.log(f"scanning every input file: {changes.full}")
            state = self.state()
            if state == base:
                return None
        return self.rebuild(state)

    def collect_if_idle(self) -> bool | None:
        """The full collection of what the last builds dropped in cycles (collect_frozen), once
        COLLECT_EVERY builds were made and nothing has been built for IDLE_SECONDS. True: done;
        False: not needed; None: not idle yet (ask again later)."""
        if self._frozen_builds < COLLECT_EVERY:
            return False
        idle = time.monotonic() - self._built_at > IDLE_SECONDS and (
            self._downloads is None or not self._downloads.is_alive())
        if not idle:
            return None
        collect_frozen()
        self._frozen_builds = 0
        return True

    def rebuild_if_changed(self) -> BuildResult | None:
        """Polling (no file events): a full scan, and a rebuild when it differs from the last
        build's; when idle, the collection of what the last builds dropped."""
        state = self.state()
        if state == self._built_state:
            self.collect_if_idle()
            return None
        newest = max((entry[1] for entry in state.values()), default=0) / 1e9
        quiet_for = time.time() - newest
        if 0 <= quiet_for < SETTLE_SECONDS:
            time.sleep(SETTLE_SECONDS - quiet_for)
            state = None  # (may have changed meanwhile)
        return self.rebuild(state)

    def _write_error_page(self, result: BuildResult) -> None:
        # the previous site stays; the page with the full message goes beside it (the next
        # successful build replaces the whole folder, page included)
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / ERROR_PAGE).write_text(error_page(result), encoding="utf-8")


def describe(exc: BaseException) -> str:
    """The message a maintainer needs: ours are self-explanatory, anything else gets its traceback."""
    if isinstance(exc, SiteBuilderError):
        return str(exc)
    location = ""
    # Jinja's errors name the template file and line: put that first
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    if name and line:
        location = f"{name}:{line}: "
        if isinstance(exc, TemplateSyntaxError):  # file, line and message say it all
            return f"{location}{type(exc).__name__}: {exc}"
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-8))
    return f"{location}{type(exc).__name__}: {exc}\n\n{trace}"


_BANNER_STYLE = (
    "position:relative;z-index:2147483647;margin:0;padding:1rem;font:14px/1.5 monospace;"
    "white-space:pre-wrap;word-break:break-word;border-bottom:3px solid {border};background:{bg};color:#111"
)


def banner(result: BuildResult) -> str:
    """HTML put at the top of every page while the last build failed or left reports out."""
    if result.error:
        head = "构建失败，显示的是上一次成功构建的网站 · Build failed; you are looking at the last good build"
        body = result.error
        colours = {"border": "#b00020", "bg": "#fde7ea"}
    elif result.report_errors:
        head = f"{len(result.report_errors)} 份报告无法读取，未收入网站 · report(s) could not be read and were left out"
        body = "\n".join(result.report_errors)
        colours = {"border": "#b26a00", "bg": "#fff4e0"}
    else:
        return ""
    # the dev server sends no Content-Security-Policy, so an inline style is fine here (and only here)
    return (
        f'<div id="site-builder-build-error" role="alert" style="{_BANNER_STYLE.format(**colours)}">'
        f"<strong>{html.escape(head)}</strong>\n{html.escape(body)}</div>"
    )


def error_page(result: BuildResult) -> str:
    return (
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>构建失败 Build failed</title></head>'
        f"<body>{banner(result)}</body></html>\n"
    )


def with_banner(page: str, result: BuildResult | None) -> str:
    """The page with the build's problems shown first thing in <body> (unchanged when there are none)."""
    text = banner(result) if result else ""
    if not text:
        return page
    lower = page.lower()
    at = lower.find("<body")
    if at == -1:
        return text + page
    end = page.find(">", at) + 1
    return page[:end] + text + page[end:]


# --- the server ------------------------------------------------------------------------------------


def make_handler(rebuilder: Rebuilder):
    """livereload's static file handler, with the banner injected into HTML while there are problems."""
    from livereload.handlers import StaticFileHandler

    class DevHandler(StaticFileHandler):
        async def get(self, path: str, include_body: bool = True) -> None:
            result = rebuilder.last
            if result is None or not result.problems:
                return await super().get(path, include_body)
            target = self._html_file(path)
            if target is None:
                if result.error and self._missing(path):
                    return self._send(error_page(result), 500)  # no earlier build to fall back on
                return await super().get(path, include_body)
            self._send(with_banner(target.read_text(encoding="utf-8"), result), 200)

        def _html_file(self, path: str) -> Path | None:
            root = rebuilder.out.resolve()
            candidate = (root / path).resolve()
            if candidate.is_dir():
                if path and not path.endswith("/"):
                    return None  # tornado redirects /x to /x/ first
                candidate = candidate / "index.html"
            if root not in candidate.parents or candidate.suffix != ".html" or not candidate.is_file():
                return None
            return candidate

        def _missing(self, path: str) -> bool:
            candidate = rebuilder.out / path
            return not (candidate / "index.html" if candidate.is_dir() else candidate).exists()

        _generated = False

        def compute_etag(self):
            # StaticFileHandler's etag hashes the file on disk; a page with a banner is not that file
            return None if self._generated else super().compute_etag()

        def _send(self, text: str, status: int) -> None:
            self._generated = True
            self.set_status(status)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(text)

        def write_error(self, status_code: int, **kwargs) -> None:
            if status_code == 404 and (rebuilder.out / "404.html").is_file():
                self._generated = True
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(with_banner((rebuilder.out / "404.html").read_text(encoding="utf-8"), rebuilder.last))
            else:
                super().write_error(status_code, **kwargs)

    return DevHandler


def _reload_browsers() -> None:
    from livereload.handlers import LiveReloadHandler

    # (called directly, not through livereload's poll_tasks, which drops a reload within 3 s of
    # the last one: a second save soon after the first would rebuild and not reload)
    LiveReloadHandler.reload_waiters(path="*")  # "*": the whole page (not a stylesheet swapped in)


def _livereload_watcher_class():
    from livereload.watcher import Watcher

    class EventWatcher(Watcher):
        """livereload's watcher interface, fed by file events (watch.InotifyWatcher): start()
        returns True, so livereload starts no polling of its own; each burst of events, once
        quiet, is one rebuild (Rebuilder.rebuild_changed) on the server's IOLoop, then one reload
        of the browsers. Without events (watch.start says why), a full scan every POLL_SECONDS."""

        def __init__(self, rebuilder: Rebuilder, reload=_reload_browsers):
            super().__init__()
            self.rebuilder = rebuilder
            self.reload = reload
            self.events = None  # the watch.InotifyWatcher, while it works
            rebuilder.on_live = self._live
            self.loop = None
            self._timer = None
            self._first = 0.0  # time.monotonic() of the first event of the burst being waited out
            self._poller = None
            self._collect = None
            # (livereload watches its current folder when no task is registered)
            for folder in rebuilder.watched():
                Watcher.watch(self, str(folder))

        def watch(self, path, func=None, delay=None, ignore=None):
            raise NotImplementedError("the dev server's folders are watched by file events")

        def start(self, callback) -> bool:
            from tornado.ioloop import IOLoop

            self.loop = IOLoop.current()
            self.events, why = watch.start(self.rebuilder.roots(), notify=self._notify)
            if self.events is None:
                self._poll_instead(why)
            else:
                # a full scan once the watches are set: what changed during the first build (at a
                # province's size, half a minute without watches) made no event to be seen by
                self.loop.add_callback(self._rebuild, watch.Changes(frozenset(), "the watches were just set"))
            callback()  # livereload's queued message: reload the pages a previous server left open
            return True

        def examine(self):
            return self._changes.pop() if self._changes else (None, None)

        def stop(self) -> None:
            if self.events is not None:
                self.events.close()
                self.events = None
            if self._poller is not None:
                self._poller.stop()

        # -- events ------------------------------------------------------------------------------

        def _notify(self) -> None:  # the watcher's thread
            self.loop.add_callback(self._schedule)

        def _schedule(self) -> None:
            if self._timer is None and self.events is not None:
                self._first = time.monotonic()
                self._timer = self.loop.call_later(QUIET_SECONDS, self._settled)

        def _settled(self) -> None:
            self._timer = None
            events = self.events
            if events is None:
                return
            now = time.monotonic()
            quiet_for = now - events.last_event
            if quiet_for < QUIET_SECONDS and now - self._first < MAX_WAIT_SECONDS:
                self._timer = self.loop.call_later(QUIET_SECONDS - quiet_for, self._settled)
                return
            changes = events.take()
            if events.failed is not None:
                self._poll_instead(events.failed)
            if changes.paths or changes.full is not None:
                self._rebuild(changes)

        def _rebuild(self, changes) -> None:
            self._rebuilt(self.rebuilder.rebuild_changed(changes))

        def _live(self, result: BuildResult) -> None:  # (Rebuilder.on_live: the pages are live)
            self.filepath = "*"
            self.reload()

        def _rebuilt(self, result: BuildResult | None) -> None:
            if result is None:
                return
            if self._collect is None:
                self._collect = self.loop.call_later(IDLE_SECONDS + 0.5, self._collect_when_idle)

        def _collect_when_idle(self) -> None:
            self._collect = None
            if self.rebuilder.collect_if_idle() is None:
                self._collect = self.loop.call_later(IDLE_SECONDS, self._collect_when_idle)

        # -- no events: polling ------------------------------------------------------------------

        def _poll_instead(self, why: str) -> None:
            from tornado.ioloop import PeriodicCallback

            if self.events is not None:
                self.events.close()
                self.events = None
            self.rebuilder.log(f"watching by polling (a full scan every {POLL_SECONDS:g} s): {why}")
            self._poller = PeriodicCallback(lambda: self._rebuilt(self.rebuilder.rebuild_if_changed()),
                                            POLL_SECONDS * 1000)
            self._poller.start()

    return EventWatcher


def make_server(rebuilder: Rebuilder):
    from livereload import Server

    server = Server(watcher=_livereload_watcher_class()(rebuilder))
    server.SFH = make_handler(rebuilder)
    return server


def run(args) -> int:
    """`site-builder build --serve`: the build's own options, served and rebuilt on change."""
    templates, static = build_command.folders(args)
    # the first build is the server's own, so that a broken one still shows its error in the browser
    serve(args.content, args.out, templates, static, host=args.host, port=args.port, base_url=args.base_url,
          charts_dir=build_command.charts_dir(args))
    return 0


def serve(content: Path, out: Path, templates: Path, static: Path, host: str = "127.0.0.1", port: int = 8000,
          base_url: str | None = None, charts_dir: Path | None = BuildOptions.charts_dir) -> None:
    rebuilder = Rebuilder(content, out, templates, static, base_url=base_url or f"http://{host}:{port}",
                          charts_dir=charts_dir)
    rebuilder.rebuild()
    server = make_server(rebuilder)
    print(f"serving {Path(out).resolve()} on http://{host}:{port}/ (watching "
          + ", ".join(str(p) for p in rebuilder.watched()) + "; Ctrl-C to stop)", file=sys.stderr, flush=True)
    server.serve(host=host, port=port, root=str(Path(out).resolve()), restart_delay=0)
