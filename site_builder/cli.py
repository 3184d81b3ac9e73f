"""Command line: site-builder build | parse | synth (one module per command in site_builder/commands/)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback

from site_builder.commands import build, parse, synth
from site_builder.exceptions import SiteBuilderError


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="site-builder", description="Build the comparative site of 政府信息公开工作年度报告.")
    sub = parser.add_subparsers(dest="command", required=True)
    build.add_parser(sub)
    parse.add_parser(sub)
    synth.add_parser(sub)
    return parser


def command(args):
    """The function that runs the parsed command. `build --serve` is the dev server's: it is
    picked here, so that commands/serve.py uses commands/build.py and not the other way round
    (and imported only then: a build imports nothing of the server)."""
    if args.command == "build" and args.serve:
        from site_builder.commands import serve

        return serve.run
    return args.func


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if argv is None:  # the program itself (not a caller in this process, whose signals are its own)
        from site_builder.lifeline import on_interrupt

        signal.signal(signal.SIGTERM, on_interrupt)
        signal.signal(signal.SIGINT, on_interrupt)
    try:
        code = int(command(args)(args) or 0)
    except SiteBuilderError as exc:
        if getattr(args, "debug", False):  # (build --debug: where it happened, for a bug report)
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    if argv is None and args.command == "build" and not args.serve:
        # The program (not a caller in this process) built the site and ends here: skip the
        # interpreter's teardown, which frees the build's millions of objects one by one
        # (~4 s at 20,000 reports, 0.3 s at 2,000); every file is written and closed already.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
