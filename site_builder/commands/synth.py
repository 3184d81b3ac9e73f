"""site-builder synth --agencies N --years 2014-2024 [--shape years|agencies] [--flat] [--seed S] [--reports N] --out DIR"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from site_builder.exceptions import SiteBuilderError


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a share from 0 to 1, not {text!r}")
    return value


def add_parser(sub) -> None:
    p = sub.add_parser(
        "synth", help="write a synthetic corpus of reports (for benchmarks and tests)",
        description="Write a synthetic corpus: agencies at every level (省级 to 街道/乡镇) in real provinces and cities "
                    "and made-up districts, their reports and agencies.toml. Deterministic from --seed.")
    p.add_argument("--agencies", type=int, default=100, help="number of agencies (default: 100)")
    p.add_argument("--years", default="2014-2024", help="years, e.g. 2014-2024 or 2017,2019,2021")
    p.add_argument("--shape", choices=("years", "agencies"), default="years",
                   help="years: every agency reports every year (default); agencies: one report per agency, "
                        "all in the last of --years (a province's 街道 and 乡镇 in one year)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--reports", type=int, default=None, help="stop after this many reports")
    p.add_argument("--broken", type=_share, default=0.05, help="share of reports that break a consistency rule")
    p.add_argument("--homonyms", type=_share, default=0.05,
                   help="share of 街道 and 乡镇 named as many districts name theirs (城关镇…): one entry each, "
                        "keyed by name and district, reports in their district's folder (default: 0.05)")
    p.add_argument("--unlisted", type=_share, default=0.02,
                   help="share of 街道 and 乡镇 with no agencies.toml entry, placed only by their reports' folder "
                        "reports/<province>/<city>/<district>/ (default: 0.02)")
    p.add_argument("--flat", action="store_true",
                   help="the corpus of earlier versions instead: four kinds of district agency in eight cities, "
                        "every report in reports/ itself (what the tests pin)")
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
    corpus = generate(args.out, args.agencies, years, seed=args.seed, reports=args.reports, broken_rate=args.broken,
                      shape=args.shape, places=not args.flat, homonyms=args.homonyms, unlisted=args.unlisted)
    unlisted = sum(1 for a in corpus.agencies if not a.listed)
    print(f"wrote {len(corpus.reports)} reports of {len(corpus.agencies)} agencies into {args.out} in "
          f"{time.perf_counter() - t0:.1f}s" + (f" ({unlisted} agencies without an entry)" if unlisted else ""))
    return 0
