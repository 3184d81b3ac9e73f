"""netlify.toml: build command, publish folder, Python version, security headers, long caching only
for fingerprinted assets — and the fingerprinted assets the pages link really are fingerprinted."""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from site_builder.render.static_assets import ASSETS_DIR, Assets

ROOT = Path(__file__).resolve().parents[1]


def config() -> dict:
    return tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))


def headers_for(path: str) -> dict[str, str]:
    """Netlify applies every [[headers]] rule whose `for` matches ("*" matches anything)."""
    out: dict[str, str] = {}
    for rule in config()["headers"]:
        pattern = "^" + re.escape(rule["for"]).replace(r"\*", ".*") + "$"
        if re.match(pattern, path):
            out.update(rule["values"])
    return out


def directives(policy: str) -> dict[str, list[str]]:
    return {p.split()[0]: p.split()[1:] for p in policy.split(";") if p.strip()}


def test_build_settings():
    build = config()["build"]
    assert build["publish"] == "_site"
    assert build["command"].startswith("pip install . && site-builder build")
    assert re.fullmatch(r"3\.1[1-9]", config()["build"]["environment"]["PYTHON_VERSION"])


def test_every_path_gets_the_security_headers():
    for path in ("/", "/agencies/jianguomen/2024/", "/pagefind/pagefind.js", "/404.html", "/assets/js/x.0123456789.js"):
        h = headers_for(path)
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "strict-origin-when-cross-origin"
        csp = directives(h["Content-Security-Policy"])
        # nothing from another origin: every fetch directive names only the site itself
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'", "'wasm-unsafe-eval'"]  # WebAssembly for pagefind, no JS eval
        assert csp["style-src"] == ["'self'"] and csp["connect-src"] == ["'self'"] and csp["font-src"] == ["'self'"]
        assert csp["img-src"] == ["'self'", "data:"]
        assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
        assert not any("unsafe-inline" in s or "unsafe-eval'" == s or "http" in s for v in csp.values() for s in v)


def test_only_fingerprinted_assets_are_cached_for_a_year():
    assert headers_for("/assets/vendor/vega.bundle.0123456789.js")["Cache-Control"] == "public, max-age=31536000, immutable"
    for path in ("/", "/static/js/charts.js", "/pagefind/pagefind.js", "/charts/metric-requests-new.vl.json", "/data/records.csv"):
        assert "Cache-Control" not in headers_for(path), path


def test_asset_urls_carry_the_hash_of_their_bytes(tmp_path):
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "js" / "a.js").write_text("one", encoding="utf-8")
    url = Assets(static).url("js/a.js")
    digest = hashlib.sha256(b"one").hexdigest()[:10]
    assert url == f"/{ASSETS_DIR}/js/a.{digest}.js"
    (static / "js" / "a.js").write_text("two", encoding="utf-8")
    assert Assets(static).url("js/a.js") != url  # new bytes, new name: nothing stale survives a cache


def test_the_built_site_links_its_fingerprinted_assets(seed_site):
    page = (seed_site / "agencies" / "jianguomen" / "index.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'"(/assets/[^"]+)"', page))
    assert any("/vendor/vega.bundle." in u for u in linked)
    for url in linked:
        file = seed_site / url.lstrip("/")
        name, digest, ext = file.name.rsplit(".", 2)
        assert file.is_file() and hashlib.sha256(file.read_bytes()).hexdigest()[:10] == digest, url
