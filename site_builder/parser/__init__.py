"""Report text -> Report: agency, year, era, every figure of the data contract with its line,
and the consistency checks. One entry point, parse_document()."""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_right
from decimal import Decimal
from operator import itemgetter

from site_builder.catalogue import by_id
from site_builder.exceptions import ReportError
from site_builder.model import Diagnostic, Figure, Report
from site_builder.numbers import format_number
from site_builder.parser.checks import check_stat, derive_and_check
from site_builder.parser.era import detect_era
from site_builder.parser.one_line import physical_line, to_physical, virtual_lines
from site_builder.parser.prose import Stated, first_statements, prose_statements
from site_builder.parser.runtogether import split_run
from site_builder.parser.stat import parse_stat_table
from site_builder.parser.stat import table_start as stat_table_start
from site_builder.parser.template import locate_tables, parse_t2, parse_t3, parse_t4
from site_builder.parser.text import norm_lines
from site_builder.parser.title import find_title
from site_builder.readers import Document

FIRST_YEAR = 2007  # the regulation took effect on 2008-05-01; 2007 covers reports of the run-up


def parse_document(doc: Document, today: _dt.date | None = None) -> Report:
    # Scraped web text holds the whole body on one line: read it cut at its headings, and
    # cite the file's own lines (parser/flat.py).
    cut = virtual_lines(doc.lines)
    if cut is None:
        return _parse_lines(doc, today)
    vlines, physical = cut
    vdoc = Document(path=doc.path, lines=vlines, encoding=doc.encoding, original=doc.original,
                    line_labels=doc.line_labels)
    try:
        report = _parse_lines(vdoc, today)
    except ReportError as exc:
        raise ReportError(exc.path, physical_line(physical, exc.line), exc.message) from None
    return to_physical(report, doc.lines, physical)


def _stated_before_table(lines: list[str], normed: list[str] | None = None) -> tuple[dict, Stated, int, int | None]:
    """Figures the prose states before the 统计表: they settle a row whose cells ran together.
    With the statements they come from, the line the prose read up to (0-based: where the table
    starts, else every line), which the prose step reads again (see _prose_around_stat), and
    the table's start (stat.table_start(), None when not found)."""
    start = stat_table_start(lines, normed)
    stop = start if start is not None else len(lines)
    stated = prose_statements(lines, normed=normed, stop=stop)
    return {f.metric: f.value for f in first_statements(stated) if not f.approximate}, stated, stop, start


def _prose_around_stat(lines: list[str], normed: list[str], before: Stated, covered: int, end: int) -> Stated:
    """prose_statements() of lines[:end], given those of lines[:covered] (`before`): the part of
    them before `end`, or them and those of the lines after, not looked up twice."""
    at, stated = before
    if end <= covered:
        k = bisect_right(at, end)  # (1-based lines: line index i < end is line i + 1 <= end)
        return at[:k], stated[:k]
    more_at, more = prose_statements(lines, normed=normed, start=covered, stop=end)
    return at + more_at, stated + more


def _parse_lines(doc: Document, today: _dt.date | None = None) -> Report:
    lines = doc.lines
    path = doc.path
    # Every line normalised once, for the title, the era, the tables' headings and the prose
    normed = norm_lines(lines)
    title = find_title(lines, path, normed)
    today = today or _dt.date.today()
    if title.year > today.year:
        raise ReportError(path, title.line, f"the report's year {title.year} is in the future")
    if title.year < FIRST_YEAR:
        raise ReportError(path, title.line, f"the report's year {title.year} is before the regulation existed (2008)")
    era, has_stat = detect_era(lines, normed)
    report = Report(
        path=path,
        agency=title.agency,
        year=title.year,
        era=era,
        has_stat_table=has_stat,
        encoding=doc.encoding,
        lines=lines,
        title_line=title.line,
        original=doc.original,
        line_labels=doc.line_labels or None,
    )
    figures: list[Figure] = []
    warnings: list[Diagnostic] = []
    table_lines: set[int] = set()
    prose: Stated | None = None  # the prose's statements, when the 统计表's reading has them

    if era in ("2019", "2021"):
        regions = locate_tables(lines, normed)
        if "t3" not in regions:
            raise ReportError(path, None, f"the {era} template's table 三 (收到和处理政府信息公开申请情况) was not found")
        for key, (a, b) in regions.items():
            table_lines.update(range(a, b))
        if "t2" in regions:
            t2 = parse_t2(lines, regions["t2"], era, path)
            figures += t2.figures
            warnings += t2.warnings
        else:
            warnings.append(Diagnostic(path, None, "table 二 (主动公开政府信息情况) was not found"))
        t3 = parse_t3(lines, regions["t3"], era, path, split_run)
        if t3.truncated_at:
            raise ReportError(path, t3.truncated_at, "table 三 is cut off: the text ends before its last row (结转下年度继续办理) is complete")
        figures += t3.figures
        warnings += t3.warnings
        if "t4" in regions:
            t4 = parse_t4(lines, regions["t4"], path, split_run)
            if t4.truncated_at:
                raise ReportError(path, t4.truncated_at, "table 四 is cut off: the text ends before its 15 cells")
            figures += t4.figures
            warnings += t4.warnings
        else:
            warnings.append(Diagnostic(path, None, "table 四 (行政复议、行政诉讼) was not found"))
    elif has_stat:
        hints, before, covered, start = _stated_before_table(lines, normed)
        stat = parse_stat_table(lines, path, hints=hints, normed=normed, start=start)
        figures += stat.figures
        warnings += stat.warnings
        report.checks += check_stat(stat.rows)
        # the prose step reads every line but the table's (from three lines above its first row)
        end = len(lines)
        if stat.rows:
            table_lines.update(range(stat.rows[0].line - 3, len(lines)))
            end = max(stat.rows[0].line - 3, 0)
        prose = _prose_around_stat(lines, normed, before, covered, end)

    have: dict  # every (metric, applicant) of the figures, as keys
    if era in ("2019", "2021"):
        derived, checks, have = derive_and_check(figures, era)  # (its index's keys)
        figures += derived
        report.checks += checks
    else:
        have = dict.fromkeys(map(_KEY, figures))

    # Prose fills in what the tables do not give (tables are what the template defines).
    catalogue = by_id()
    if prose is None:
        prose = prose_statements(lines, skip=table_lines, normed=normed)
    for fig in first_statements(prose):
        key = (fig.metric, fig.applicant)
        if key in have:
            continue
        if era not in catalogue[fig.metric].eras:
            continue
        if era in ("2019", "2021"):
            table = next((t for t in catalogue[fig.metric].tables if t in regions), None)
            if table is not None:
                # The template's table prints this row: a sentence in the text may count
                # something else under the same words (收到申请61件 = new + carried over), so it
                # never stands in for the row, which is then missing.
                warnings.append(_prose_not_for_table(fig, table, lines, normed, regions[table], path))
                continue
        figures.append(fig)
        have[key] = None


    # (min and max first, compared in C: nearly every report has neither; a Decimal compared
    # with an int converts the int each time)
    values = list(map(_VALUE, figures))
    if values and (min(values) < _ZERO or max(values) > _LARGE):
        _range_warnings(figures, path, warnings)
    if not figures:
        warnings.append(Diagnostic(path, report.title_line, "no figures found in this report"))
    report.figures = figures
    report.warnings = warnings
    return report


_TABLE_NAMES = {"t2": "二", "t3": "三", "t4": "四"}


def _prose_not_for_table(fig: Figure, table: str, lines: list[str], normed: list[str], region: tuple[int, int],
                         path: str) -> Diagnostic:
    """The warning for a prose figure of a row the template's table prints but that was not read:
    it quotes the sentence and the row."""
    said = _quote(normed[fig.line - 1], format_number(fig.value))
    label = _ROW_WORDS.get(fig.metric, by_id()[fig.metric].label_zh)
    at = next((i for i in range(*region) if label in normed[i]), None)
    if at is None:
        row = f"table {_TABLE_NAMES[table]} has no readable row for it"
    else:
        row = f'table {_TABLE_NAMES[table]}\'s row was not read ("{_quote(normed[at], label, 24, 30)}")'
    return Diagnostic(path, fig.line, f'{fig.metric}: the prose states {format_number(fig.value)} ("{said}"), but '
                      f"{row}; in the 2019/2021 templates the table is authoritative, so the prose figure is not used "
                      "and the figure is missing", metrics=(fig.metric,))


# The words a template row is printed with, where its catalogue label is not them
_ROW_WORDS = {"requests.new": "本年新收", "outcome.total": "总计", "review.total": "行政复议",
              "litigation.total": "行政诉讼"}


def _quote(text: str, needle: str, before: int = 24, after: int = 8) -> str:
    at = text.find(needle)
    if at < 0:
        return text[: before + after + len(needle)]
    start = max(0, at - before)
    return ("…" if start else "") + text[start: at + len(needle) + after] + ("…" if at + len(needle) + after < len(text) else "")


_VALUE = itemgetter(1)  # Figure.value
_KEY = itemgetter(0, 3)  # (Figure.metric, Figure.applicant)
_ZERO = Decimal(0)
_LARGE = Decimal(10_000_000)


def _range_warnings(figures: list[Figure], path: str, warnings: list[Diagnostic]) -> None:
    for fig in figures:
        if fig.value < 0 and not fig.metric.startswith(("rules.", "normative_docs.")):
            warnings.append(Diagnostic(path, fig.line, f"{fig.metric} ({fig.applicant}) is negative: {fig.value}"))
        if fig.value > 10_000_000:
            warnings.append(Diagnostic(path, fig.line, f"{fig.metric} ({fig.applicant}) = {fig.value} is implausibly large"))
