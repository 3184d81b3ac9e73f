"""site-builder build [--content DIR] [--out DIR] [--strict] [--full] [--no-cache] [--serve]

One build in a session of its own (site_builder/build/session.py). `--serve` is the dev server's
(commands/serve.py, which cli.py runs instead: serve uses this module, never the reverse).
"""

from __future__ import annotations

from pathlib import Path

from site_builder import PROJECT_ROOT
from site_builder.build.session import BuildOptions, BuildSession


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
    p.add_argument("--no-wait", action="store_true", help="fail at once when another build is writing into --out (default: wait for it)")
    p.add_argument("--debug", action="store_true", help="print the traceback of an error, not only its one line")
    p.add_argument("--port", default=8000, type=int)
    p.add_argument("--host", default="127.0.0.1")
    p.set_defaults(func=run)


def resolve_dir(given: Path | None, name: str) -> Path:
    if given is not None:
        return given
    local = Path(name)
    return local if local.is_dir() else PROJECT_ROOT / name


def folders(args) -> tuple[Path, Path]:
    """The templates and static folders the command line means."""
    return resolve_dir(args.templates, "templates"), resolve_dir(args.static, "static")


def charts_dir(args) -> Path:
    """Where the chart kinds' specs are kept across builds (keyed by the Altair version and the
    charts code): in the cache folder given, else .cache/charts."""
    return (args.cache / "charts") if getattr(args, "cache", None) else BuildOptions.charts_dir


def options(args) -> BuildOptions:
    """The build `site-builder build` asks for."""
    templates, static = folders(args)
    return BuildOptions(args.content, args.out, templates, static, strict=args.strict, base_url=args.base_url,
                        cache=not args.no_cache, cache_dir=args.cache, incremental=not (args.full or args.no_cache),
                        jobs=args.jobs, allow_up_to_date=True, charts_dir=charts_dir(args),
                        wait=not args.no_wait)


def run(args) -> int:
    BuildSession().build(options(args))
    return 0
