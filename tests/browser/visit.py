"""Opening a page of the locally served site in Chromium and recording everything that went
wrong: console errors and warnings, uncaught exceptions, Content-Security-Policy violations,
failed or foreign requests. Nothing may leave 127.0.0.1: such requests are aborted and listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"  # (vendored: see its README.md)
AXE_URL_PATH = "/__tests__/axe.min.js"  # served by the test's route, same origin as the site

# Records every CSP violation the page reports (the init script runs before any page script,
# outside the policy: Playwright injects it through the DevTools protocol).
_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
    ' at ' + (e.sourceFile || '') + ':' + (e.lineNumber || ''));
});
"""


@dataclass
class Visit:
    page: object  # playwright Page
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")

    def problems(self, allow_404_document: bool = False) -> list[str]:
        console = self.console
        failed = self.failed
        if allow_404_document:
            # The 404 page itself answers with status 404, and Chromium logs that for the document.
            console = [c for c in console if "status of 404" not in c]
            failed = [f for f in failed if not f.startswith("404 document ")]
        return (
            [f"console: {c}" for c in console]
            + [f"uncaught: {e}" for e in self.errors]
            + [f"left localhost: {u}" for u in self.foreign]
            + [f"failed: {u}" for u in failed]
            + [f"CSP: {v}" for v in self.csp_violations()]
        )


def launch(playwright):
    """Debian's Chromium (Playwright's own browser download does not work here)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def in_own_thread(fn):
    """Run a Playwright session in a thread of its own: another test module may hold the main
    thread's sync Playwright open for the whole session, and there can be one per thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname == "127.0.0.1"


def open_context(browser, width: int, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.add_init_script(_CSP_LISTENER)
    return context


def visit(context, url: str, wait_until: str = "load") -> Visit:
    page = context.new_page()
    v = Visit(page)

    def route(r):
        request_url = r.request.url
        if not local(request_url):
            v.foreign.append(request_url)
            r.abort()
        elif urlsplit(request_url).path == AXE_URL_PATH:
            r.fulfill(path=str(AXE), content_type="text/javascript")
        else:
            r.continue_()

    page.route("**/*", route)
    page.on("console", lambda m: v.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: v.errors.append(str(e)))
    page.on("requestfailed", lambda r: v.failed.append(f"{r.url} ({r.failure})") if local(r.url) else None)

    def response(resp):
        if resp.status >= 400:
            kind = "document" if resp.request.resource_type == "document" else resp.request.resource_type
            v.failed.append(f"{resp.status} {kind} {resp.url}")

    page.on("response", response)
    page.goto(url, wait_until=wait_until)
    return v


def run_axe(page) -> list[dict]:
    """Inject axe-core (same origin, so the page's CSP allows it) and return its violations."""
    page.add_script_tag(url=AXE_URL_PATH)
    return page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary.split('\\n').slice(1, 2).join(''))}));
        }"""
    )
