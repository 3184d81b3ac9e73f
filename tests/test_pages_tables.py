"""The report and agency pages' tables, text and back-links, checked cell by cell against what
the report says, on a synthetic corpus of every era and layout and on reports made hostile and
awkward on purpose (approximate, recovered, derived and annotated figures, cells the parser
left out with a warning, markup in the text, the notes, the warnings and the PDF line labels).

fragments.py fills each era's table layout, made once, with a report's figures, and the agency
table's changes come from a memo: these tests hold the pages to a plain reading of the report
instead (Report.figure(), the figures in the text's order), so a fast path cannot drift from it.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from sitehtml import Node, parse
from site_builder import catalogue
from site_builder.load.loader import load_site
from site_builder.model import APPLICANTS, Diagnostic
from site_builder.render import PROJECT_ROOT, environment, fragments, pages
from site_builder.render import views
from site_builder.tools.synth import generate, parse_years

HOSTILE = '<script>alert("x")</script> & \'q\' "'


def _hostile(report):
    """The report with awkward figures, warnings that explain left-out cells, and markup
    everywhere a report's own text goes."""
    figs = list(report.figures)
    table = [i for i, f in enumerate(figs) if f.origin == "table"] or list(range(len(figs)))
    # every kind of figure: approximate, recovered, derived, with a note (hostile), several at once
    for n, i in enumerate(table[:12]):
        f = figs[i]
        figs[i] = f._replace(approximate=n % 2 == 0, recovered=n % 3 == 0,
                             origin="derived" if n % 4 == 1 else f.origin, note=HOSTILE if n % 5 == 2 else f.note)
    # cells left out, explained by warnings (one naming its column, one a whole row, one with no
    # line), a warning about no figure; two cells left out unexplained
    dropped = [figs[i] for i in table[12:15]]
    unexplained = [figs[i] for i in table[-2:]] if len(table) > 30 else []
    figs = [f for f in figs if f not in dropped and f not in unexplained]
    warnings = [Diagnostic(report.path, 3, f"plain {HOSTILE}")]
    for n, f in enumerate(dropped):
        warnings.append(Diagnostic(report.path, None if n == 1 else f.line, f"cell {n} {HOSTILE}", code="missing_cell",
                                   metrics=(f.metric,), applicants=() if n == 1 else (f.applicant,)))
    lines = list(report.lines)
    lines[0] = HOSTILE + lines[0]
    lines[-1] = lines[-1] + " </div><a href='x'>"
    labels = {n: f"p.{n} {HOSTILE}" for n in range(1, len(lines) + 1, 3)}
    return dataclasses.replace(report, figures=figs, warnings=report.warnings + warnings, lines=lines,
                               line_labels=labels)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    corpus = generate(tmp_path_factory.mktemp("synth"), agencies=5, years=parse_years("2014-2024"), seed=11,
                      broken_rate=0.2)
    s = load_site(corpus.content_dir)
    # one agency's reports made hostile: its report pages and its agency page show them
    slug = s.agencies[1].slug
    return s.with_reports([_hostile(r) if s.agency_of[r.path].slug == slug else r for r in s.reports])


@pytest.fixture(scope="module")
def render(site):
    env = environment(PROJECT_ROOT / "templates")

    def page_of(p) -> Node:
        html = env.get_template(p.template).render(page=p, site=site, base_url="https://example.org",
                                                   prose_pages=[], downloads=["data/records.csv"], **p.context)
        assert "<script>alert" not in html and "</div><a href='x'>" not in html
        return parse(html)

    return page_of


def _marked(f) -> str:
    """The figure as a page prints it: the number, "+" when approximate, "*" when recovered."""
    return fragments.num(f.value) + ("+" if f.approximate else "") + ("*" if f.recovered else "")


def _check_link(a: Node, f, href: str) -> None:
    assert a.attrs["href"] == href
    assert a.text == _marked(f)
    classes = set((a.attrs.get("class") or "").split())
    assert ("approx" in classes) == f.approximate and ("recovered" in classes) == f.recovered
    assert ("derived" in classes) == (f.origin == "derived")
    title = a.attrs.get("title") or ""
    assert (f.note in title) if f.note else (HOSTILE not in title)
    if not (f.approximate or f.recovered or f.note or f.origin == "derived"):
        assert not classes and "title" not in a.attrs


def _reading_of_cited(report) -> dict[int, list[str]]:
    """Each line's back-links, read plainly: the metrics read from the line (derived figures were
    not read), catalogue order; each the total column's cell if that was read from the line, else
    the cell of the first column read from it."""
    order = {m.id: i for i, m in enumerate(catalogue.metrics())}
    read = [f for f in report.figures if f.origin != "derived"]
    out = {}
    for line in sorted({f.line for f in read}):
        on = [f for f in read if f.line == line]
        ids = []
        for metric in sorted({f.metric for f in on}, key=order.__getitem__):
            columns = [f.applicant for f in on if f.metric == metric]
            ids.append(metric if "total" in columns else views.anchor(metric, min(columns, key=APPLICANTS.index)))
        out[line] = ids
    return out


def test_cited_lines_are_the_plain_reading(site):
    for r in site.reports:
        assert views.cited_lines(r) == _reading_of_cited(r), r.path


def test_every_cell_of_every_report_page(site, render):
    seen_kinds = set()
    for r in site.reports:
        doc = render(pages.report_page(site, r))
        gaps = views.gaps_of(r)
        cells = {td.attrs["id"]: td for td in doc.find_all("td") if td.attrs.get("id")}
        placed = set()
        for cid, td in cells.items():
            metric, _, applicant = cid.partition("--")
            applicant = applicant or "total"
            f = r.figure(metric, applicant)
            if f is None:
                w = gaps.get((metric, applicant))
                if w is None:
                    assert td.has_class("nr") and td.text == "—" and td.find("a") is None, (r.path, cid)
                    seen_kinds.add("gap")
                else:
                    a = td.find("a")
                    assert a.has_class("gap") and a.attrs["title"] == w.message, (r.path, cid)
                    assert a.attrs["href"] == (f"#L{w.line}" if w.line else "#warnings")
                    assert w.message in td.text and "not read" in td.text
                    seen_kinds.add("explained gap")
                continue
            placed.add((metric, applicant))
            _check_link(td.find("a"), f, f"#L{f.line}")
            seen_kinds.add("figure" if not f.note else "noted figure")
        # every figure has its cell, once (ids are unique: a dict would hide a second one)
        ids = [n.attrs["id"] for n in doc.iter() if n.attrs.get("id")]
        assert len(ids) == len(set(ids)), r.path
        assert placed == {(f.metric, f.applicant) for f in r.figures}, r.path
        # the totals of table 三 sit in each row's last cell; a report without one has no table
        t3 = doc.find("table", class_="data t3")
        assert (t3 is not None) == (r.era != "pre2019" and any(
            f.metric in ("requests.new", "outcome.total") for f in r.figures)), r.path
        # the full text: every line, escaped, its place (PDF label) and its back-links
        source = next(d for d in doc.find_all("div") if d.has_class("source"))
        assert source.has_class("labelled") == bool(r.line_labels)
        lines = [d for d in source.children if isinstance(d, Node)]
        assert len(lines) == len(r.lines), r.path
        cited = _reading_of_cited(r)
        for n, (d, text) in enumerate(zip(lines, r.lines), start=1):
            links = d.find_all("a")
            assert d.attrs["id"] == f"L{n}" and links[0].attrs["href"] == f"#L{n}" and links[0].text == str(n)
            label = (r.line_labels or {}).get(n)
            small = d.find("small")
            assert (small.text if small else None) == (label or None)
            back = [a.attrs["href"] for a in links[1:]]
            assert back == [f"#{x}" for x in cited.get(n, [])], (r.path, n)
            assert d.has_class("cited") == (n in cited)
            own = "".join(c for c in d.children if isinstance(c, str))
            assert own == text, (r.path, n)
    assert seen_kinds == {"gap", "explained gap", "figure", "noted figure"}


def test_every_cell_of_every_agency_table(site, render):
    changes = 0
    for a in site.agencies:
        reports = sorted(site.reports_of(a.slug), key=lambda r: r.year)
        doc = render(pages.agency_page(site, a))
        table = doc.find("table", class_="data yoy")
        rows = table.find("tbody").find_all("tr")
        metrics = [m for m in catalogue.metrics() if any(r.figure(m.id) for r in reports)]
        assert [tr.find("th").find("a").attrs["href"] for tr in rows] == [f"/metrics/{m.id}/" for m in metrics]
        for m, tr in zip(metrics, rows):
            tds = tr.find_all("td")
            assert len(tds) == len(reports)
            prev = None
            for r, td in zip(reports, tds):
                f = r.figure(m.id)
                if f is None:
                    assert td.has_class("nr") and td.text == "—"
                else:
                    _check_link(td.find("a"), f, f"/agencies/{a.slug}/{r.year}/#{m.id}")
                    span = [c for c in td.children if isinstance(c, Node) and c.tag == "span"]
                    if prev is None:
                        assert not span
                    else:
                        change = f.value - prev.value
                        word = "up" if change > 0 else "down" if change < 0 else "same"
                        sign = "+" if change > 0 else "−" if change < 0 else "±"
                        approx = "≈" if f.approximate or prev.approximate else ""
                        assert len(span) == 1 and span[0].has_class(word), (a.slug, m.id, r.year)
                        assert span[0].text == f"{approx}{sign}{fragments.num(abs(change))}"
                        changes += 1
                prev = f
    assert changes > 100


def test_changes_that_print_alike_read_alike():
    """The agency table keeps each change's markup by the two values: equal values written
    differently (5 and 5.0) must give the same words, and a new pair its own."""
    a = fragments._change(Decimal("3"), Decimal("5.0"))
    b = fragments._change(Decimal("3.00"), Decimal("5"))
    assert a == b == (' <span class="up">', "+2</span>")
    assert fragments._change(Decimal("5"), Decimal("3")) == (' <span class="down">', "−2</span>")
    assert fragments._change(Decimal("2.5"), Decimal("2.50")) == (' <span class="same">', "±0</span>")


def test_cited_lines_of_a_figure_of_another_origin(site):
    """A figure whose origin is none of the four the model names is still a figure read from its
    line (the fast path's look-up table knows only those four)."""
    r = next(r for r in site.reports if r.era == "2021")
    odd = dataclasses.replace(r, figures=[f._replace(origin="ocr") if i % 3 == 0 and f.origin != "derived" else f
                                          for i, f in enumerate(r.figures)])
    assert views.cited_lines(odd) == _reading_of_cited(odd) == _reading_of_cited(r)
