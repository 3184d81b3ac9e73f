"""Bad input at the level of the whole site: the five seeds plus one bad file, built with the CLI.

Every case asserts the same contract: the build exits 0, every seed's records and report page
are still there, and the problem is reported with the file (and the line, where it has one) on
stderr, and for unreadable reports also on the home page's error list. Where a figure comes
from a damaged table, it is either the number the report printed or left out: never another.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from browser.seeds import SEED_REPORTS, copy_seed_content
from site_builder.cli import main
from site_builder.load.loader import load_site

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
SEED = CONTENT / "reports" / "jianguomen-2024.txt"  # 2021 template, one cell per line



# --- building a content folder ---------------------------------------------------------------


def make_content(tmp_path: Path, files: dict[str, bytes | str] | None = None) -> Path:
    """The seeds' content folder (reports, agencies.toml, pages) plus `files` (relative paths)."""
    content = copy_seed_content(tmp_path / "content")
    for rel, data in (files or {}).items():
        target = content / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return content


@pytest.fixture(autouse=True)
def _fast(request):
    """Charts are left out (they do not read the bad file) except in the HTML-in-a-report test,
    since a chart shows agency names too."""
    if "keeps_charts" not in request.keywords:
        request.getfixturevalue("no_charts")


def build(capsys, content: Path, out: Path, *extra: str) -> tuple[int, str]:
    capsys.readouterr()  # drop anything printed before
    code = main(["build", "--content", str(content), "--out", str(out), *extra])
    captured = capsys.readouterr()
    # Problems go to stderr; the closing summary (with their count) to stdout.
    return code, captured.err + captured.out


def records(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "data" / "records.csv").read_text(encoding="utf-8"))))


def values_of(out: Path, slug: str, year: int) -> dict[tuple[str, str], str]:
    return {
        (r["metric"], r["applicant"]): r["value"]
        for r in records(out)
        if r["agency_slug"] == slug and r["year"] == str(year)
    }


def page_text(path: Path) -> str:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ")


def seed_lines(year: int = 2023) -> list[str]:
    """The 建国门 2024 seed retitled to another year, so it is a new report, not a duplicate."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    title = next(i for i, l in enumerate(lines) if l.strip())
    assert "2024年" in lines[title]
    lines[title] = lines[title].replace("2024年", f"{year}年")
    return lines


def new_requests_row(lines: list[str]) -> int:
    """0-based index of the first number of table 三's 本年新收 row (seven cells follow its label)."""
    label = next(i for i, l in enumerate(lines) if "本年新收" in l and i > 50)
    first = label + 1
    assert [l.strip() for l in lines[first : first + 7]] == ["16", "1", "0", "0", "0", "0", "17"]
    return first


# --- the baseline every case is compared with ------------------------------------------------


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    import site_builder.render.charts as charts_mod
    from site_builder.render import page_charts

    out = tmp_path_factory.mktemp("baseline") / "site"
    content = copy_seed_content(tmp_path_factory.mktemp("baseline-content") / "content")
    with pytest.MonkeyPatch.context() as mp:  # records and pages only: no charts needed
        mp.setattr(page_charts, "agency_charts", lambda site, slug, kinds=None: [])
        mp.setattr(page_charts, "metric_charts", lambda site, metric_id, kinds=None: [])
        mp.setattr(charts_mod, "prerender", lambda kinds: None)
        assert main(["build", "--content", str(content), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def seed_keys(baseline) -> set[tuple[str, int]]:
    keys = {(r["agency_slug"], int(r["year"])) for r in records(baseline)}
    assert len(keys) == len(SEED_REPORTS) == 5
    return keys


def assert_seeds_intact(out: Path, baseline: Path, seed_keys: set[tuple[str, int]]) -> None:
    for slug, year in sorted(seed_keys):
        assert values_of(out, slug, year) == values_of(baseline, slug, year), f"{slug} {year}: records changed"
        page = out / "agencies" / slug / str(year) / "index.html"
        assert page.is_file(), f"the report page {page.relative_to(out)} is missing"
    assert (out / "index.html").is_file()


def assert_error_listed(out: Path, err: str, path: str, line: int | None, words: str) -> None:
    """An unreadable report: stderr and the home page both name the file, the line and the problem."""
    location = f"{path}:{line}" if line else path
    shown = [l for l in err.splitlines() if l.startswith("error: ") and location in l and words in l]
    assert shown, f"stderr does not report {location} ({words!r}):\n{err}"
    home = page_text(out / "index.html")
    assert path in home, "the home page's error list does not name the file"
    assert words in home, f"the home page's error list does not say {words!r}"
    if line:
        assert re.search(rf"{re.escape(path)}\D{{0,12}}{line}\b", home), f"the home page does not give line {line}"


def assert_warned(err: str, path: str, line: int, words: str) -> None:
    pattern = re.compile(rf"warning: {re.escape(path)}:{line}: .*{words}")
    assert pattern.search(err), f"no warning at {path}:{line} matching {words!r}; stderr:\n{err}"


# --- files that cannot be read ----------------------------------------------------------------

UNREADABLE = {
    "empty": (b"", None, "empty"),
    "whitespace only": (b"\n\n   \r\n\t\n", None, "empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, None, "binary"),
    "no title": ("一、总体情况\n本单位全年收到申请17件。\n二、主动公开政府信息情况\n", 1, "no report title"),
    "no year": ("新街道政府信息公开工作年度报告\n\n一、总体情况\n全年收到申请17件。\n", 1, "no year"),
    "future year": ("新街道2099年政府信息公开工作年度报告\n\n一、总体情况\n全年收到申请17件。\n", 1, "in the future"),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_an_unreadable_report_is_listed_and_the_rest_builds(case, tmp_path, capsys, baseline, seed_keys):
    data, line, words = UNREADABLE[case]
    content = make_content(tmp_path, {"reports/zz-bad.txt": data})
    out = tmp_path / "site"
    code, err = build(capsys, content, out)
    assert code == 0
    assert_seeds_intact(out, baseline, seed_keys)
    assert_error_listed(out, err, "reports/zz-bad.txt", line, words)
    assert "1 report(s) could not be read" in err


def test_a_table_cut_off_in_the_middle_is_an_error_naming_its_last_line(tmp_path, capsys, baseline, seed_keys):
    lines = seed_lines()
    first = new_requests_row(lines)
    cut = lines[: first + 10]  # the 本年新收 row and three cells of the next
    content = make_content(tmp_path, {"reports/jianguomen-2023.txt": "\n".join(cut)})
    out = tmp_path / "site"
    code, err = build(capsys, content, out)
    assert code == 0
    assert_seeds_intact(out, baseline, seed_keys)
    assert_error_listed(out, err, "reports/jianguomen-2023.txt", len(cut), "cut off")
    assert values_of(out, "jianguomen", 2023) == {}


# --- other encodings and line endings: the same report, the same records ---------------------

ENCODINGS = {
    "gb18030": (lambda text: text.encode("gb18030"), "gb18030"),
    "gbk": (lambda text: text.encode("gbk"), "gb18030"),  # GBK is read as its superset
    "utf-16 with BOM": (lambda text: text.encode("utf-16"), "utf-16"),
    "utf-8 with BOM": (lambda text: text.encode("utf-8-sig"), "utf-8-sig"),
    "windows line endings": (lambda text: text.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
}


@pytest.mark.parametrize("case", sorted(ENCODINGS))
def test_another_encoding_parses_to_the_same_records(case, tmp_path, capsys, baseline, seed_keys):
    encode, expected_encoding = ENCODINGS[case]
    text = SEED.read_text(encoding="utf-8")
    content = make_content(tmp_path, {"reports/jianguomen-2024.txt": encode(text)})
    out = tmp_path / "site"
    code, err = build(capsys, content, out)
    assert code == 0
    assert "error:" not in err
    # Same figures, same source lines: records.csv is byte-identical to the UTF-8 build.
    assert (out / "data" / "records.csv").read_bytes() == (baseline / "data" / "records.csv").read_bytes()
    assert_seeds_intact(out, baseline, seed_keys)
    site = load_site(content)
    (report,) = [r for r in site.reports if r.path == "reports/jianguomen-2024.txt"]
    assert report.encoding == expected_encoding


# --- two reports for one agency and year -------------------------------------------------------


def test_a_second_report_for_the_same_agency_and_year_is_named_and_left_out(tmp_path, capsys, baseline, seed_keys):
    text = SEED.read_text(encoding="utf-8")
    # A shorter copy (table 四 and what follows cut away) sorts first by name but has fewer figures.
    short = text[: text.index("四、政府信息公开行政复议")]
    content = make_content(tmp_path, {"reports/a-jianguomen-2024-copy.txt": short})
    out = tmp_path / "site"
    code, err = build(capsys, content, out)
    assert code == 0
    assert_seeds_intact(out, baseline, seed_keys)
    dup = [l for l in err.splitlines() if "a-jianguomen-2024-copy.txt" in l]
    assert len(dup) == 1, err
    # The message names both files and says which one is published.
    assert "reports/jianguomen-2024.txt is published" in dup[0]
    assert "left out" in dup[0]
    sources = {r["source"].split(":")[0] for r in records(out) if r["agency_slug"] == "jianguomen" and r["year"] == "2024"}
    assert sources == {"reports/jianguomen-2024.txt"}


def test_two_identical_reports_the_first_by_name_wins(tmp_path, capsys, baseline, seed_keys):
    content = make_content(tmp_path, {"reports/zz-jianguomen-2024.txt": SEED.read_bytes()})
    out = tmp_path / "site"
    code, err = build(capsys, content, out)
    assert code == 0
    assert_seeds_intact(out, baseline, seed_keys)
    # The warning points at the left-out copy's title line and names the published file.
    assert re.search(r"warning: reports/zz-jianguomen-2024\.txt:2: .*reports/jianguomen-2024\.txt is published", err), err


# --- damaged tables: a warning naming the line, and never a wrong number ---------------------


def _edit(first_offset: int, replacement: list[str] | None):
    """Replace the cell at (本年新收 row's first cell + offset) with `replacement` lines."""

    def apply(lines: list[str]) -> int:
        at = new_requests_row(lines) + first_offset
        lines[at : at + 1] = replacement if replacement is not None else []
        return at + 1  # 1-based line of the edit

    return apply


TABLE_CASES = {
    # name: (edit, words in the warning, line of the warning relative to the edit, exact)
    "too few numbers": (_edit(1, []), r"missing|left out", 0),
    "too many numbers": (_edit(1, ["\t1", "\t5"]), r"no row|extra|ignored", None),
    "text in a number cell": (_edit(1, ["\tabc"]), r"'abc' stands where a number belongs", None),
    "dash in a number cell": (_edit(1, ["\t—"]), r"missing|left out|no row|not a number", None),
    "negative number": (_edit(1, ["\t-1"]), r"negative", 1),
    "absurdly large number": (_edit(1, ["\t99999999999"]), r"implausibly large", 1),
}


@pytest.mark.parametrize("case", sorted(TABLE_CASES))
def test_a_damaged_table_row_warns_and_publishes_no_wrong_number(case, tmp_path, capsys, baseline, seed_keys):
    edit, words, _ = TABLE_CASES[case]
    lines = seed_lines()
    row_label_line = new_requests_row(lines)  # 1-based line of the label = 0-based index of the first cell
    edit_line = edit(lines)
    content = make_content(tmp_path, {"reports/jianguomen-2023.txt": "\n".join(lines)})
    out = tmp_path / "site"
    code, err = build(capsys, content, out)
    assert code == 0
    assert_seeds_intact(out, baseline, seed_keys)
    # The damaged report itself still has its page.
    assert (out / "agencies" / "jianguomen" / "2023" / "index.html").is_file()
    warnings = [l for l in err.splitlines() if l.startswith("warning: reports/jianguomen-2023.txt:")]
    assert warnings, f"no warning about the damaged row:\n{err}"
    hits = [w for w in warnings if re.search(words, w)]
    assert hits, f"no warning says {words!r}:\n" + "\n".join(warnings)
    # The warning points into the damaged row (its label, its cells, or the cell just after).
    lines_named = {int(re.match(r"warning: [^:]+:(\d+):", w).group(1)) for w in hits}
    near = set(range(row_label_line, edit_line + 8))
    assert lines_named & near, f"warnings name lines {sorted(lines_named)}, the damage is at line {edit_line}"

    printed = values_of(baseline, "jianguomen", 2024)  # the same report, undamaged
    got = values_of(out, "jianguomen", 2023)
    assert got, "the damaged report published no figure at all"
    if case in ("negative number", "absurdly large number"):
        # The report printed it: published as printed, with the warning beside it.
        assert got[("requests.new", "commercial")] in ("-1", "99999999999")
        return
    wrong = {k: (v, printed.get(k)) for k, v in got.items() if k in printed and printed[k] != v}
    invented = sorted(k for k in got if k not in printed)
    assert not wrong, f"wrong numbers published (value, printed): {wrong}"
    assert not invented, f"figures the report does not have: {invented}"
    # Every other table row is unaffected.
    assert got[("requests.carried_over", "total")] == printed[("requests.carried_over", "total")]
    assert got[("outcome.disclosed", "total")] == printed[("outcome.disclosed", "total")]


# --- HTML in content is text, never markup ---------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "<a href=javascript:alert(1)>click</a>",
    "<iframe src=//evil.example></iframe>",
]


def assert_no_injected_markup(out: Path) -> None:
    pages = sorted(out.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        rel = page.relative_to(out)
        for script in soup.find_all("script"):
            src = script.get("src")
            if src:
                assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", src, re.I), f"{rel}: script from elsewhere: {src}"
            # Our own scripts never call alert(); a data block (JSON) may hold the text only escaped.
            assert "alert(" not in script.get_text(), f"{rel}: injected script: {script.get_text()[:200]}"
        for tag in soup.find_all(True):
            for attr, value in tag.attrs.items():
                assert not attr.lower().startswith("on"), f"{rel}: <{tag.name} {attr}=...> event handler"
                if attr in ("href", "src", "action", "formaction", "xlink:href"):
                    assert not str(value).strip().lower().startswith(("javascript:", "data:text/html")), f"{rel}: {attr}={value}"
        for name in ("iframe", "object", "embed"):
            assert not soup.find(name), f"{rel}: injected <{name}>"
        assert not soup.find("img", src="x"), f"{rel}: injected <img>"
        assert not soup.find("svg", attrs={"onload": True}), f"{rel}: injected <svg>"


@pytest.mark.keeps_charts
def test_html_in_a_report_is_shown_as_text(tmp_path, capsys, baseline, seed_keys):
    lines = seed_lines()
    # The agency name from the title can hold quotes, ampersands and what looks like an entity.
    agency = '测试"\'&amp;&lt;b&gt;街道'
    title = next(i for i, l in enumerate(lines) if l.strip())
    lines[title] = f"{agency}2023年政府信息公开"
    # HTML in the body text, in a table label, and in the prose the parser reads figures from.
    lines.insert(3, "".join(XSS))
    label = next(i for i, l in enumerate(lines) if "本年新收" in l and i > 50)
    lines[label] = lines[label] + XSS[0]
    content = make_content(
        tmp_path,
        {
            "reports/zz-xss-2023.txt": "\n".join(lines),
            "reports/zz-xss-title-2022.txt": f"{XSS[0]}{XSS[1]}新街道2022年政府信息公开工作年度报告\n{XSS[2]}\n全年收到申请17件。\n",
        },
    )
    out = tmp_path / "site"
    code, err = build(capsys, content, out)
    assert code == 0
    assert_seeds_intact(out, baseline, seed_keys)
    assert_no_injected_markup(out)
    # The agency's own name is shown literally (escaped once, not twice, not interpreted).
    shown = [p for p in out.rglob("*.html") if agency in page_text(p)]
    assert shown, f"no page shows the agency name {agency!r} as text"
    assert (out / "index.html") in shown or any("agencies" in p.parts for p in shown)
    # The report's own text, where a page shows it, shows the HTML as the characters it is.
    body = "".join(XSS)
    assert any(body in page_text(p) for p in out.rglob("*.html")), "no page shows the report's text literally"


def test_html_in_a_markdown_page_is_shown_as_text(tmp_path, capsys, baseline, seed_keys):
    body = (
        "# 关于 <script>alert(1)</script>\n\n"
        "正文 <img src=x onerror=alert(1)> 和 \"><svg onload=alert(1)>\n\n"
        "<div onclick=\"alert(1)\">块级 HTML</div>\n\n"
        "[链接](javascript:alert(1)) 与 <iframe src=//evil.example></iframe>\n"
    )
    content = make_content(tmp_path, {"pages/about.md": body})
    out = tmp_path / "site"
    code, err = build(capsys, content, out)
    assert code == 0
    assert_seeds_intact(out, baseline, seed_keys)
    assert_no_injected_markup(out)
    about = out / "about" / "index.html"
    assert about.is_file(), "content/pages/about.md was not rendered to /about/"
    text = page_text(about)
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
