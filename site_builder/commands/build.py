"""site-builder build [--content DIR] [--out DIR] [--strict] [--serve]"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from site_builder.exceptions import BuildAborted
from site_builder.load import Site, load_site
from site_builder.output import Output, discard, staging_dir, swap_in
from site_builder.render import PROJECT_ROOT, render_site


def add_parser(sub) -> None:
    p = sub.add_parser("build", help="parse every report and write the static site")
    p.add_argument("--content", default="content", type=Path, help="content folder (default: content)")
    p.add_argument("--out", default="_site", type=Path, help="output folder (default: _site)")
    p.add_argument("--templates", default=None, type=Path, help="templates folder (default: ./templates, else the bundled one)")
    p.add_argument("--static", default=None, type=Path, help="static folder (default: ./static, else the bundled one)")
    p.add_argument("--strict", action="store_true", help="fail the build on any warning or unreadable report")
    p.add_argument("--serve", action="store_true", help="serve on localhost, rebuild on change, reload the browser")
    p.add_argument("--port", default=8000, type=int)
    p.add_argument("--host", default="127.0.0.1")
    p.set_defaults(func=run)


def resolve_dir(given: Path | None, name: str) -> Path:
    if given is not None:
        return given
    local = Path(name)
    return local if local.is_dir() else PROJECT_ROOT / name


def build(content: Path, out: Path, templates: Path, static: Path, strict: bool = False, quiet: bool = False) -> Site:
    """Load, render into a staging folder, and swap it in. Raises BuildAborted under --strict."""
    t0 = time.perf_counter()
    site = load_site(content)
    problems = [str(e) for e in site.errors] + [str(w) for w in site.all_warnings]
    if strict and problems:
        raise BuildAborted(f"--strict: {len(problems)} problem(s), the site was not written:\n  " + "\n  ".join(problems))
    stage = staging_dir(out)
    try:
        output = Output(stage)
        render_site(site, output, templates, static)
        swap_in(stage, out)
    except BaseException:
        discard(stage)
        raise
    if not quiet:
        report_summary(site, len(output.written), out, time.perf_counter() - t0)
    return site


def report_summary(site: Site, files: int, out: Path, seconds: float) -> None:
    for e in site.errors:
        print(f"error: {e}", file=sys.stderr)
    warnings = site.all_warnings
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(
        f"built {len(site.reports)} report(s) of {len(site.agencies)} agencies into {out}: {files} files in {seconds:.2f}s"
        + (f"; {len(site.errors)} report(s) could not be read" if site.errors else "")
        + (f"; {len(warnings)} warning(s)" if warnings else "")
    )


def run(args) -> int:
    templates = resolve_dir(args.templates, "templates")
    static = resolve_dir(args.static, "static")
    build(args.content, args.out, templates, static, strict=args.strict)
    if args.serve:
        from site_builder.commands.serve import serve

        serve(args.content, args.out, templates, static, host=args.host, port=args.port)
    return 0
