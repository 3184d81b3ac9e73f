"""site-builder parse FILE...: what the parser reads from each report, for a maintainer adding one."""

from __future__ import annotations

import sys
from pathlib import Path

from site_builder.catalogue import by_id
from site_builder.exceptions import ReportError
from site_builder.model import APPLICANTS
from site_builder.numbers import format_number

_SHORT = {"natural_person": "自然人", "commercial": "商业", "research": "科研", "social_welfare": "公益",
          "legal_service": "法律", "other_org": "其他", "total": "总计"}


def add_parser(sub) -> None:
    p = sub.add_parser("parse", help="print what is read from report files")
    p.add_argument("files", nargs="+", type=Path)
    p.set_defaults(func=run)


def describe(report) -> str:
    cat = by_id()
    out = [
        f"{report.path}",
        f"  agency {report.agency}   year {report.year}   era {report.era}"
        + ("  (with 统计表)" if report.has_stat_table else "")
        + f"   encoding {report.encoding}   {len(report.figures)} figures",
    ]
    per_metric: dict[str, dict[str, object]] = {}
    for f in report.figures:
        per_metric.setdefault(f.metric, {})[f.applicant] = f
    has_columns = any(len(v) > 1 for v in per_metric.values())
    header = f"  {'metric':44} {'label':22}"
    if has_columns:
        header += " " + " ".join(f"{_SHORT[a]:>6}" for a in APPLICANTS)
    else:
        header += f" {'value':>10}"
    out.append(header + "  line  origin")
    for metric in sorted(per_metric, key=lambda m: list(cat).index(m)):
        cells = per_metric[metric]
        total = cells.get("total") or next(iter(cells.values()))
        label = cat[metric].label_zh[:20]
        row = f"  {metric:44} {label:22}"
        if has_columns:
            row += " " + " ".join(
                f"{(format_number(cells[a].value) + ('~' if cells[a].approximate else '')) if a in cells else '—':>6}" for a in APPLICANTS
            )
        else:
            row += f" {format_number(total.value) + ('~' if total.approximate else ''):>10}"
        flags = total.origin + (" recovered" if total.recovered else "")
        out.append(row + f"  {total.line:>4}  {flags}")
    broken = report.quality
    out.append(f"  checks: {len(report.checks) - len(broken)} passed, {len(broken)} broken")
    for c in broken:
        out.append(f"    BROKEN {c.rule} [{c.applicant}] expected {format_number(c.expected)}, printed {format_number(c.printed)}  (line {c.line}: {c.description})")
    for w in report.warnings:
        out.append(f"  warning: {w}")
    return "\n".join(out)


def run(args) -> int:
    # (imported when the command runs: the CLI imports every command's module to list them)
    from site_builder.parser import parse_document
    from site_builder.readers import read_document

    status = 0
    for path in args.files:
        try:
            report = parse_document(read_document(path, str(path)))
        except ReportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
            continue
        print(describe(report))
        print()
    return status
