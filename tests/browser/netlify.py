"""The response headers netlify.toml declares, so local tests serve exactly what Netlify sends."""

from __future__ import annotations

import fnmatch
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


@dataclass(frozen=True)
class HeaderRule:
    pattern: str  # Netlify's "for" path pattern, e.g. "/*"
    values: dict[str, str]

    def matches(self, path: str) -> bool:
        # Netlify's splat "*" matches across "/" like fnmatch's "*".
        return fnmatch.fnmatchcase(path, self.pattern)


def header_rules(netlify_toml: Path) -> list[HeaderRule]:
    data = tomllib.loads(netlify_toml.read_text(encoding="utf-8"))
    rules = []
    for entry in data.get("headers", []):
        values = {k: " ".join(str(v).split()) for k, v in entry.get("values", {}).items()}
        rules.append(HeaderRule(entry["for"], values))
    return rules


def headers_for(rules: list[HeaderRule], path: str) -> dict[str, str]:
    """Every header whose rule matches `path` (later rules override earlier ones, as on Netlify)."""
    out: dict[str, str] = {}
    for rule in rules:
        if rule.matches(path):
            out.update(rule.values)
    return out


def csp_of(rules: list[HeaderRule], path: str = "/index.html") -> str | None:
    for name, value in headers_for(rules, path).items():
        if name.lower() == "content-security-policy":
            return value
    return None


def parse_csp(policy: str) -> dict[str, list[str]]:
    """'default-src 'self'; img-src 'self' data:' -> {'default-src': ["'self'"], 'img-src': [...]}."""
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), words[1:])
    return directives


def sources(directives: dict[str, list[str]], name: str) -> list[str]:
    """The sources a fetch directive allows, falling back to default-src as browsers do."""
    if name in directives:
        return directives[name]
    if name in ("script-src-elem", "script-src-attr") and "script-src" in directives:
        return directives["script-src"]
    if name in ("style-src-elem", "style-src-attr") and "style-src" in directives:
        return directives["style-src"]
    return directives.get("default-src", [])
