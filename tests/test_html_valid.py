"""Every built page is valid HTML (links and anchors: tests/test_site_links.py walks the site).

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
from urllib.parse import urlsplit

import pytest

from browser.sitecheck import EXPECTED_TYPES, html_pages, page_types

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
