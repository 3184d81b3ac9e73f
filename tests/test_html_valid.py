"""Every built page is valid HTML, and every internal link and anchor resolves.

Validators, and why these two:
- The Nu Html Checker (vnu.jar, the W3C's validator) is the real one: it checks the content
  model (what may nest in what, required attributes, duplicate ids, ARIA), not only syntax. It
  comes from the npm package `vnu-jar` (tests/browser/package.json, installed by .ci/run with
  `npm ci`) and runs on the Java that the machine image ships; all pages go through one JVM
  start (about 5 s). Skipped, saying why, when Java or the jar is missing.
- html5lib (pure Python, a test dependency) always runs and collects every parse error that
  its strict mode would raise on (a stray end tag, an unclosed element, a bad character reference), so a machine
  without Java still checks syntax.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from browser.sitecheck import EXPECTED_TYPES, ORIGIN, html_pages, page_types, soup_of, url_of

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / "tests" / "browser" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_every_page_type_is_built(seed_site):
    types = page_types(seed_site)
    missing = [t for t in EXPECTED_TYPES if t not in types]
    assert not missing, f"page types not built: {missing}; built: {types}"


def test_every_page_parses_without_error_html5lib(seed_site):
    import html5lib

    problems = []
    for page in html_pages(seed_site):
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(page.read_bytes(), transport_encoding="utf-8")
        for (line, col), code, data in parser.errors:
            problems.append(f"{page.relative_to(seed_site)}:{line}:{col}: {code} {data or ''}")
    assert not problems, f"{len(problems)} parse error(s):\n" + "\n".join(problems[:40])


def test_every_page_is_valid_html_vnu(seed_site):
    java = shutil.which("java")
    if java is None:
        pytest.skip("no Java: the Nu Html Checker cannot run (html5lib still checks syntax)")
    if not VNU_JAR.is_file():
        pytest.skip(f"{VNU_JAR.relative_to(ROOT)} missing: run `npm ci --prefix tests/browser`")
    pages = [str(p) for p in html_pages(seed_site)]
    result = subprocess.run(
        [java, "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *pages],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stderr or result.stdout)
    errors = [
        f"{Path(urlsplit(m.get('url', '')).path).relative_to(seed_site) if m.get('url') else '?'}:{m.get('lastLine', '?')}: "
        f"{m['message']} [{m.get('extract', '').strip()[:80]}]"
        for m in report["messages"]
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    assert not errors, f"{len(errors)} validation error(s) in {len(pages)} pages:\n" + "\n".join(errors[:40])


def _target(root: Path, url_path: str) -> Path | None:
    rel = unquote(url_path).lstrip("/")
    candidates = [root / rel] if rel and not rel.endswith("/") else []
    candidates.append(root / rel / "index.html")
    for c in candidates:
        if c.is_file():
            return c
    return None


def test_every_internal_link_and_anchor_resolves(seed_site):
    """Walk the whole site: every same-origin href/src names a file that exists, and every
    #fragment names an id (or a[name]) on the page it points to."""
    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            soup = soup_of(page)
            ids[page] = {t["id"] for t in soup.find_all(id=True)} | {t["name"] for t in soup.find_all("a", attrs={"name": True})}
        return ids[page]

    broken = []
    checked = 0
    for page in html_pages(seed_site):
        base = ORIGIN + url_of(seed_site, page)
        soup = soup_of(page)
        for tag in soup.find_all(["a", "link", "script", "img", "source", "use", "image", "area", "form"]):
            for attr in ("href", "src", "action", "xlink:href"):
                value = tag.get(attr)
                if not value:
                    continue
                full = urljoin(base, value.strip())
                parts = urlsplit(full)
                if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
                    continue  # another origin (a link out, mailto:) is not ours to resolve
                checked += 1
                target = _target(seed_site, parts.path)
                if target is None:
                    broken.append(f"{url_of(seed_site, page)}: <{tag.name} {attr}={value!r}> -> no such file")
                    continue
                if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids_of(target):
                    broken.append(f"{url_of(seed_site, page)}: <{tag.name} {attr}={value!r}> -> no id {parts.fragment!r}")
    assert checked > 50, f"only {checked} internal links found"
    assert not broken, f"{len(broken)} broken link(s):\n" + "\n".join(broken[:40])
