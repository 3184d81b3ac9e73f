"""How long pages of a built site take to load in Chromium at a phone's width (390 px).

    python benchmarks/phone_load.py SITE /years/2024/ /metrics/requests.new/ [--runs 3]

The site is served by a local HTTP server (127.0.0.1, a thread of this process); Debian's
Chromium is driven by Playwright, headless. Each run opens the page in a new browser context
(empty cache, a 390 x 844 viewport) and measures, from the start of the navigation:

- load: the `load` event's end (PerformanceNavigationTiming.loadEventEnd): the HTML parsed,
  its styles, scripts and images loaded;
- settled: the last layout change — the page's scroll height or width changing (checked every
  animation frame) or a layout shift reported by Chromium — once one second has passed without
  any after `load` (the charts drawn, the tables sorted or folded by script); `load` when none.

Several runs per page (after one uncounted load of the home page: the browser's first page
also starts its processes); the median of each is printed with the slowest. A run that does not
load within 300 s, or settle within 60 s after it, is counted and said as such, not timed.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Nothing leaves the machine (a request elsewhere would time the network, not the page): every
# host but 127.0.0.1 is resolved to nowhere by Chromium itself (no request interception, which
# would add a round trip through this process to each request).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
WIDTH, HEIGHT = 390, 844
QUIET_MS = 1000  # no layout change for this long after `load`: the page has settled
LOAD_TIMEOUT_MS = 300_000  # the 48 MB figure page of issue 14 took 103 s; a run slower than this counts as not loaded
SETTLE_TIMEOUT_MS = 60_000  # after `load`: a page still changing its layout then counts as never settled
_LOAD_END = "performance.getEntriesByType('navigation')[0].loadEventEnd"

# Before any page script: the time of the last layout change, watched every animation frame
# (scroll size) and through Chromium's layout-shift entries.
_WATCH = """
window.__lastChange = 0;
(function () {
  let size = '';
  function frame(now) {
    const el = document.documentElement;
    const s = el ? el.scrollHeight + 'x' + el.scrollWidth : '';
    if (s !== size) { size = s; window.__lastChange = performance.now(); }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
  try {
    new PerformanceObserver(function (list) {
      for (const e of list.getEntries()) window.__lastChange = Math.max(window.__lastChange, e.startTime);
    }).observe({type: 'layout-shift', buffered: true});
  } catch (e) { /* no layout-shift entries in this browser: the scroll size alone */ }
})();
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass  # one line per request would bury the benchmark's output


@contextmanager
def serve(folder: Path):
    """The folder over HTTP on 127.0.0.1 (a free port) while the block runs; yields its origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _one(browser, origin: str, path: str) -> tuple[float | None, float | None]:
    """(load, settled) in ms of one run; None for what did not happen within its timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN")
    try:
        context.add_init_script(_WATCH)
        page = context.new_page()
        try:
            page.goto(origin + path, wait_until="load", timeout=LOAD_TIMEOUT_MS)
        except PlaywrightTimeout:
            return None, None
        load = float(page.evaluate(_LOAD_END))
        try:
            page.wait_for_function(f"performance.now() - Math.max(window.__lastChange, {_LOAD_END}) >= {QUIET_MS}",
                                   timeout=SETTLE_TIMEOUT_MS, polling=100)
        except PlaywrightTimeout:
            return load, None
        return load, float(page.evaluate(f"Math.max(window.__lastChange, {_LOAD_END})"))
    finally:
        context.close()


def measure(site: Path, urls: list[str], runs: int = 3) -> dict[str, dict]:
    """url -> {"load": [ms or None per run], "settled": [ms or None per run]}."""
    from playwright.sync_api import sync_playwright

    out: dict[str, dict] = {}
    with serve(site) as origin, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            if urls:
                _one(browser, origin, "/")  # not counted: the browser's first page also starts its processes
            for u in urls:
                times = [_one(browser, origin, u) for _ in range(runs)]
                out[u] = {"load": [t[0] for t in times], "settled": [t[1] for t in times]}
        finally:
            browser.close()
    return out


def _median(values: list[float | None], timeout_ms: int) -> str:
    done = [v for v in values if v is not None]
    if not done:
        return f"none within {timeout_ms / 1000:.0f} s"
    text = f"{statistics.median(done):.0f} ms (slowest {max(done):.0f})"
    if len(done) < len(values):
        text += f", {len(values) - len(done)} of {len(values)} runs not within {timeout_ms / 1000:.0f} s"
    return text


def summary(times: dict) -> str:
    return (f"load {_median(times['load'], LOAD_TIMEOUT_MS)}, settled {_median(times['settled'], SETTLE_TIMEOUT_MS)}, "
            f"{len(times['load'])} runs")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("urls", nargs="+", help="paths of pages, e.g. /years/2024/")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    for u, times in measure(args.site, args.urls, args.runs).items():
        print(f"{u}: {summary(times)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
