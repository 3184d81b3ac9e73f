"""site-builder synth --agencies N --years 2014-2024 [--seed S] [--reports N] --out DIR"""

from __future__ import annotations

import time
from pathlib import Path

from site_builder.exceptions import SiteBuilderError


def add_parser(sub) -> None:
    p = sub.add_parser("synth", help="write a synthetic corpus of reports (for benchmarks and tests)")
    p.add_argument("--agencies", type=int, default=100, help="number of agencies (default: 100)")
    p.add_argument("--years", default="2014-2024", help="years, e.g. 2014-2024 or 2017,2019,2021")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--reports", type=int, default=None, help="stop after this many reports")
    p.add_argument("--broken", type=float, default=0.05, help="share of reports that break a consistency rule")
    p.add_argument("--out", type=Path, required=True, help="content folder to write (reports/, agencies.toml)")
    p.set_defaults(func=run)


def run(args) -> int:
    # (imported here: the generator is ~11 ms of imports that every `site-builder build` would pay)
    from site_builder.tools.synth import generate, parse_years

    years = parse_years(args.years)
    if not years or args.agencies < 1:
        raise SiteBuilderError("synth: give at least one agency and one year")
    if (args.out / "reports").is_dir() and any((args.out / "reports").iterdir()):
        raise SiteBuilderError(f"{args.out}/reports is not empty: synth writes into a fresh folder")
    t0 = time.perf_counter()
    corpus = generate(args.out, args.agencies, years, seed=args.seed, reports=args.reports, broken_rate=args.broken)
    print(f"wrote {len(corpus.reports)} reports of {len(corpus.agencies)} agencies into {args.out} in {time.perf_counter() - t0:.1f}s")
    return 0
