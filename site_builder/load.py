"""The load phase: every report in the content folder -> parsed Reports, agencies, diagnostics.

Nothing here renders. One broken report becomes an error entry and the rest still load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from site_builder.agencies import AgencyBook
from site_builder.catalogue import order
from site_builder.exceptions import ReportError, SiteBuilderError
from site_builder.model import Agency, Diagnostic, Record, Report
from site_builder.parser import parse_document
from site_builder.readers import read_document, supported_suffixes

REPORTS_DIR = "reports"


@dataclass
class Site:
    content_dir: Path
    reports: list[Report]  # accepted reports, sorted by agency slug then year
    agency_of: dict[str, Agency]  # report path -> agency
    errors: list[ReportError] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def agencies(self) -> list[Agency]:
        seen: dict[str, Agency] = {}
        for r in self.reports:
            a = self.agency_of[r.path]
            seen.setdefault(a.slug, a)
        return sorted(seen.values(), key=lambda a: a.slug)

    def reports_of(self, slug: str) -> list[Report]:
        return [r for r in self.reports if self.agency_of[r.path].slug == slug]

    @property
    def years(self) -> list[int]:
        return sorted({r.year for r in self.reports})

    def records(self) -> list[Record]:
        return records_of(self.reports, self.agency_of)

    @property
    def all_warnings(self) -> list[Diagnostic]:
        out = list(self.warnings)
        for r in self.reports:
            out.extend(r.warnings)
        return out


def records_of(reports: list[Report], agency_of: dict[str, Agency]) -> list[Record]:
    """Rows of data/records.csv, sorted by agency_slug, year, metric (catalogue order), applicant."""
    from site_builder.model import APPLICANTS

    rows = []
    for r in reports:
        agency = agency_of[r.path]
        for f in r.figures:
            rows.append(
                Record(
                    agency=agency.name,
                    agency_slug=agency.slug,
                    year=r.year,
                    metric=f.metric,
                    applicant=f.applicant,
                    value=f.value,
                    approximate=f.approximate,
                    source=r.source(f.line),
                    recovered=f.recovered,
                )
            )
    rows.sort(key=lambda x: (x.agency_slug, x.year, order(x.metric), APPLICANTS.index(x.applicant)))
    return rows


def report_files(content_dir: Path) -> list[Path]:
    folder = content_dir / REPORTS_DIR
    if not folder.is_dir():
        raise SiteBuilderError(f"{folder}: no reports folder (expected {REPORTS_DIR}/ inside the content folder)")
    suffixes = set(supported_suffixes())
    files = [
        p for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in suffixes
    ]
    return sorted(files)


def parse_file(path: Path, content_dir: Path) -> Report:
    cite_as = path.relative_to(content_dir).as_posix()
    return parse_document(read_document(path, cite_as))


def load_site(content_dir: Path) -> Site:
    content_dir = Path(content_dir)
    book = AgencyBook.load(content_dir / "agencies.toml")
    reports: list[Report] = []
    errors: list[ReportError] = []
    for path in report_files(content_dir):
        try:
            reports.append(parse_file(path, content_dir))
        except ReportError as exc:
            errors.append(exc)
    return assemble(content_dir, reports, errors, book)


def assemble(content_dir: Path, reports: list[Report], errors: list[ReportError], book: AgencyBook) -> Site:
    agency_of = {r.path: book.find(r.agency) for r in reports}
    warnings: list[Diagnostic] = []
    # Two reports for one agency and year: the one with more figures wins (ties: the first file
    # by name), and the build says which.
    by_key: dict[tuple[str, int], list[Report]] = {}
    for r in reports:
        by_key.setdefault((agency_of[r.path].slug, r.year), []).append(r)
    accepted = []
    for (slug, year), group in sorted(by_key.items()):
        group.sort(key=lambda r: (-len(r.figures), r.path))
        winner = group[0]
        accepted.append(winner)
        for loser in group[1:]:
            warnings.append(
                Diagnostic(
                    loser.path,
                    loser.title_line,
                    f"a second report for {agency_of[loser.path].name} {year}: {winner.path} is published "
                    f"({len(winner.figures)} figures), this one is left out ({len(loser.figures)} figures)",
                    code="duplicate",
                )
            )
    return Site(content_dir=content_dir, reports=accepted, agency_of=agency_of, errors=errors, warnings=warnings)
