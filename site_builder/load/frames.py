"""The records of a content folder as a pandas DataFrame (site_builder.records): what a
journalist loads in a notebook to group, pivot and plot the figures the reports print."""

from __future__ import annotations

from pathlib import Path

from site_builder.load.loader import load_site
from site_builder.load.site import Site

# the columns of records(), in order, and their dtypes
COLUMNS = {
    "agency": "object",  # str, the agency's name
    "agency_slug": "object",
    "province": "object",  # "" where the agency's place is not known
    "city": "object",
    "district": "object",
    "level": "object",  # one of model.LEVELS' names, or ""
    "year": "int64",
    "era": "object",  # pre2019, 2019 or 2021: the template the report follows
    "metric": "object",  # the catalogue's id (metrics.csv)
    "applicant": "object",  # table 三's column (model.APPLICANTS), "total" elsewhere
    "value": "float64",  # exact in data/records.csv; a float here, as analysis wants it
    "approximate": "bool",  # printed as a lower bound ("23000余")
    "source": "object",  # report path:line the figure was read from
    "recovered": "bool",  # split from cells printed run together
}


def records(content_dir: str | Path = "content", jobs: int | None = None):
    """Every figure the reports of `content_dir` print (the rows of data/records.csv, in its
    order), with each agency's place and level and each report's template: a pandas DataFrame
    of COLUMNS. Rates are not rows here: see data/indicators.csv."""
    return records_frame(load_site(Path(content_dir), jobs=jobs))


def records_frame(site: Site):
    import pandas as pd

    era = {(site.agency_of[r.path].slug, r.year): r.era for r in site.reports}
    place = {a.slug: (a.province, a.city, a.district, a.level) for a in site.agencies}
    rows = [(rec.agency, rec.agency_slug, *place[rec.agency_slug], rec.year, era[rec.agency_slug, rec.year],
             rec.metric, rec.applicant, float(rec.value), rec.approximate, rec.source, rec.recovered)
            for rec in site.iter_records()]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype(COLUMNS)
