"""data/datapackage.json: a Frictionless Data Package (https://specs.frictionlessdata.io/) that
describes every file under data/ (its format, size, columns) and the metric catalogue, written
as data/metrics.csv, which the records' `metric` column refers to (a foreign key).

No hash: the spec's algorithms (md5, sha…) would read every data file once more (about a GB at a
province's size) on every build and every edit; the build's own hash (xxh3) is not one of them.
No date either: the same data gives the same bytes.
"""

from __future__ import annotations

import json
from importlib import resources

from site_builder.model import APPLICANTS
from site_builder.render.records_files import file_order

METRICS = "data/metrics.csv"
DATAPACKAGE = "data/datapackage.json"
METRICS_PATH = "metrics.csv"  # the catalogue, in the package


def metrics_csv() -> bytes:
    """data/metrics.csv: the catalogue as the package ships it (site_builder/metrics.csv)."""
    return resources.files("site_builder").joinpath("metrics.csv").read_bytes()


def _field(name: str, type_: str, description: str, **more) -> dict:
    return {"name": name, "type": type_, "description": description, **more}


RECORD_FIELDS = [
    _field("agency", "string", "机构名称 The agency's name, as its report gives it"),
    _field("agency_slug", "string", "The agency's id on the site: /agencies/<agency_slug>/"),
    _field("year", "integer", "The year the report covers"),
    _field("metric", "string", "The figure's id in the metric catalogue (metrics.csv)"),
    _field("applicant", "string", "The applicant column of table 三 the figure is read from; total for any other figure",
           constraints={"enum": list(APPLICANTS)}),
    _field("value", "number", "The figure exactly as printed (a decimal, never rounded)"),
    _field("approximate", "boolean", "Printed as a bound or an estimate (余, 多, 近, 约)"),
    _field("source", "string", "The report file and line the figure is read from: <path>:<line>"),
]
RECORD_FOREIGN_KEYS = [{"fields": "metric", "reference": {"resource": "metrics", "fields": "id"}}]

_SCHEMAS = {
    "quality": {"fields": [
        _field("agency_slug", "string", "The agency's id on the site"),
        _field("year", "integer", "The year the report covers"),
        _field("rule", "string", "The template's consistency rule that does not hold"),
        _field("applicant", "string", "The applicant column the rule is checked in"),
        _field("expected", "number", "What the rule gives from the other figures"),
        _field("printed", "number", "What the report prints"),
        _field("source", "string", "The report file and line: <path>:<line>"),
    ]},
    "notes": {"fields": [
        _field("agency_slug", "string", "The agency's id on the site"),
        _field("year", "integer", "The year the report covers"),
        _field("metric", "string", "The figure's id (empty: the note is about a whole row or table)"),
        _field("applicant", "string", "The applicant column (empty: the whole row)"),
        _field("note", "string", "What the value alone does not say: recovered, converted or missing"),
        _field("source", "string", "The report file and line: <path>:<line>"),
    ]},
    "metrics": {"fields": [
        _field("id", "string", "The metric's public id (downloads, page anchors)"),
        _field("table", "string", "Where reports print it: tables 二/三/四 (t2, t3, t4), 统计表 (stat), prose; | between"),
        _field("eras", "string", "The report templates that have it: pre2019, 2019, 2021; | between"),
        _field("label_zh", "string", "Its name in the template"),
        _field("label_en", "string", "Its name in English"),
        _field("unit", "string", "Its unit (件, 条, 万元 ...)"),
        _field("notes", "string", "How it is read"),
        _field("formula", "string", "A derived row's formula over other ids (the rates; the sums the template defines); "
                                    "empty for a printed figure"),
    ], "primaryKey": "id"},
    "indicators": {"fields": [
        _field("agency", "string", "机构名称 The agency's name"),
        _field("agency_slug", "string", "The agency's id on the site"),
        _field("year", "integer", "The year the report covers"),
        _field("indicator", "string", "The rate's id in the metric catalogue (rate.disclosed ...)"),
        _field("value", "number", "numerator / denominator, a fraction rounded half-up to 4 decimals"),
        _field("numerator", "integer", "The sum of the printed figures above the line of the rate's formula"),
        _field("denominator", "integer", "The sum of the printed figures below the line (never 0)"),
        _field("flag", "string", "The consistency rules the report breaks among the rate's inputs, space-separated; "
                                 "empty when none"),
    ], "foreignKeys": [{"fields": "indicator", "reference": {"resource": "metrics", "fields": "id"}}]},
}

_FORMATS = {
    "csv": ("csv", "text/csv"),
    "json": ("json", "application/json"),
    "parquet": ("parquet", "application/vnd.apache.parquet"),
}


def _describe(name: str, parts: dict[str, tuple[int, int, tuple]]) -> str:
    """What one data file holds, in words."""
    base = name.rsplit(".", 1)[0]
    if base == "records":
        kind = "Parquet" if name.endswith(".parquet") else "the same rows as"
        return ("Every figure of every report, one row each, sorted by agency_slug, year, then the catalogue's order"
                + (f" ({kind})" if kind == "Parquet" else ""))
    if base.startswith("records-"):
        part, count, keys = parts[name]
        first, last = (keys[0][0], keys[-1][0]) if keys else ("", "")
        year = base.split("-")[1]
        whole = f"The figures of the reports for {year}, one row each, sorted by agency_slug"
        return whole if count == 1 else f"{whole}: part {part} of {count}, agencies {first} to {last}"
    return {"quality": "Every broken consistency check: what the template's rule expects, what the report prints",
            "notes": "What a figure's value alone does not say: values recovered from cells run together, "
                     "amounts converted to the template's unit, cells left out",
            "metrics": "The metric catalogue: every figure's id, where reports print it, its names and unit",
            "indicators": "The rates journalists quote (share disclosed, withheld ...), per report, from the printed "
                          "figures only, with numerator and denominator"}[base]


def datapackage(sizes: dict[str, int], year_parts: dict[str, tuple] | None = None) -> str:
    """The descriptor's text for the data files (their paths under the site, data/..., and
    sizes in bytes). `year_parts`: each record file's keys (records_files.Layout.files), to say
    which agencies each part of a year holds."""
    files = sorted((p for p in sizes if p.startswith("data/") and p != DATAPACKAGE), key=file_order)
    by_year: dict[str, list[str]] = {}
    for p in files:
        name = p[len("data/"):]
        if name.startswith("records-") and name.endswith(".csv"):
            by_year.setdefault(name.split("-")[1].split(".")[0], []).append(name)
    parts: dict[str, tuple[int, int, tuple]] = {}
    for names in by_year.values():
        for i, name in enumerate(sorted(names, key=file_order), 1):
            for ext in ("csv", "json"):
                twin = name[:-3] + ext
                parts[twin] = (i, len(names), (year_parts or {}).get("data/" + twin, ()))
    resources_ = []
    for p in files:
        name = p[len("data/"):]
        ext = name.rsplit(".", 1)[1]
        fmt, mediatype = _FORMATS[ext]
        base = name.rsplit(".", 1)[0]
        kind = "records" if base == "records" or base.startswith("records-") else base
        res = {
            "name": base if base in _SCHEMAS else name.replace(".", "-"),
            "path": name,
            "profile": "tabular-data-resource",
            "description": _describe(name, parts),
            "format": fmt,
            "mediatype": mediatype,
        }
        if ext != "parquet":
            res["encoding"] = "utf-8"
        res["bytes"] = sizes[p]
        if kind == "records":
            res["schema"] = {"fields": RECORD_FIELDS, "foreignKeys": RECORD_FOREIGN_KEYS}
        else:
            res["schema"] = _SCHEMAS[kind]
        resources_.append(res)
    split = any(n.startswith("records-") and n.count("-") == 2 for n in (p[5:] for p in files))
    whole = "data/records.csv" in sizes
    package = {
        "profile": "tabular-data-package",
        "name": "government-information-disclosure-annual-reports",
        "title": "政府信息公开工作年度报告 figures",
        "description": (
            "Every figure of the government information-disclosure annual reports on this site, as read from "
            "the reports. records.csv and records.json hold every row while each fits in 25 MB; "
            + ("here they do" if whole else "here they do not, and the rows are ")
            + ("; the same rows are " if whole else "")
            + "in records-<year>.csv and records-<year>.json (a year's rows; past 20 MB a year is split into "
            "records-<year>-1.csv, records-<year>-2.csv ..., whole agencies each, the JSON likewise) and in "
            "records.parquet (every row, value an exact decimal)."
            + (" Some years are split here." if split else "")
        ),
        "resources": resources_,
    }
    return json.dumps(package, ensure_ascii=False, indent=1) + "\n"
