"""Fingerprinted copies of static/ files, for long caching.

``Assets(static_dir).url("vendor/vega.bundle.js")`` -> ``/assets/vendor/vega.bundle.<hash>.js``: the
name changes whenever the bytes do, so netlify.toml can tell browsers to keep ``/assets/*`` for a
year (``immutable``). ``Assets.write(out)`` writes those copies; ``url`` is meant to be a Jinja
global (``env.globals["asset_url"] = assets.url``).

The vendored Vega bundle is produced offline by vl-convert (``python -m site_builder.render.static_assets
static/vendor``), so the charts, which the reader's browser draws, fetch nothing from a CDN. This
is vl-convert's only use: the build itself never imports it.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path, PurePosixPath

ASSETS_DIR = "assets"
HASH_LENGTH = 10

VEGA_BUNDLE = "vendor/vega.bundle.js"
VEGA_TOOLTIP_CSS = "vendor/vega-tooltip.css"


class Assets:
    def __init__(self, static_dir: Path):
        self.static_dir = Path(static_dir)
        self._files: dict[str, Path] = {}
        if self.static_dir.is_dir():
            for p in sorted(self.static_dir.rglob("*")):
                if p.is_file() and not p.name.startswith("."):
                    self._files[p.relative_to(self.static_dir).as_posix()] = p
        self._hashed: dict[str, str] = {}

    def names(self) -> list[str]:
        return list(self._files)

    def path(self, name: str) -> str:
        """Site-relative path of the fingerprinted copy, e.g. assets/vendor/vega.bundle.0123456789.js."""
        if name not in self._hashed:
            try:
                source = self._files[name]
            except KeyError:
                raise KeyError(f"asset_url({name!r}): no such file in {self.static_dir}") from None
            digest = hashlib.sha256(source.read_bytes()).hexdigest()[:HASH_LENGTH]
            p = PurePosixPath(name)
            self._hashed[name] = f"{ASSETS_DIR}/{p.parent / (p.stem + '.' + digest + p.suffix)}".replace("/./", "/")
        return self._hashed[name]

    def url(self, name: str) -> str:
        return "/" + self.path(name)

    def write(self, out) -> None:
        """Copy every static file to its fingerprinted path (sorted: deterministic output)."""
        for name, source in self._files.items():
            out.copy(self.path(name), source)


def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed (with its expression interpreter) as one classic script.

    vl-convert's bundle declares top-level consts; the wrapper keeps them out of the page's global
    scope. It sets window.vegaEmbed, window.vega and window.vegaLite.
    """
    import vl_convert

    header = (
        f"/* Vega {vl_convert.get_vega_version()}, Vega-Lite {vl_convert.get_vegalite_versions()[-1]}, "
        f"Vega-Embed {vl_convert.get_vega_embed_version()}: bundled offline by vl-convert-python "
        "(python -m site_builder.render.static_assets static/vendor). Vega, Vega-Lite, Vega-Embed and Vega-Tooltip are "
        "BSD-3-Clause (c) the University of Washington Interactive Data Lab; bundled dependencies (d3 modules) "
        "are ISC-licensed. */\n"
    )
    return header + "(function () {\n" + vl_convert.javascript_bundle() + "\n})();\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m site_builder.render.static_assets STATIC_VENDOR_DIR", file=sys.stderr)
        return 2
    target = Path(argv[0]) / PurePosixPath(VEGA_BUNDLE).name
    target.write_text(vega_bundle(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
