"""A static server for a built site on loopback, sending the headers netlify.toml declares
(the Content-Security-Policy above all), and serving 404.html with status 404 as Netlify does."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

from browser.netlify import HeaderRule, headers_for


class _Handler(SimpleHTTPRequestHandler):
    rules: list[HeaderRule] = []

    def end_headers(self) -> None:
        path = unquote(urlsplit(self.path).path)
        for name, value in headers_for(self.rules, path).items():
            self.send_header(name, value)
        # Tests must see what is on disk now, never a cached earlier build.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # quiet: pytest shows failures, not access logs


# .mjs and .wasm (pagefind) must carry types the browser accepts for scripts and wasm.
_Handler.extensions_map = {
    **SimpleHTTPRequestHandler.extensions_map,
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".csv": "text/csv; charset=utf-8",
}


@contextmanager
def serve(root: Path, rules: list[HeaderRule]) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 at a free port; yields the base URL (no trailing slash)."""
    handler = type("Handler", (_Handler,), {"rules": list(rules)})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="static-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
