"""The report and agency pages in their compact markup still show everything: every consistency
check (broken ones in full, passed ones a row per rule, each check there as its column or row and
its printed figure), every line of the text with its anchor and its link to itself, every figure
cell with its anchor and its link, every gap as a gap."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sitehtml import Node, page
from site_builder.load.loader import load_site
from site_builder.render import fragments
from site_builder.render.views import check_views

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"


def _cells(tr: Node) -> list[Node]:
    return [c for c in tr.children if isinstance(c, Node)]


def _squash(node: Node) -> str:
    return " ".join(node.text.split())


def test_every_check_is_shown(seed_site):
    site = load_site(CONTENT)
    with_checks = [r for r in site.reports if r.checks]
    assert any(not c.passed for r in with_checks for c in r.checks), "the seeds have a broken check"
    assert any(len(r.checks) > 20 for r in with_checks)
    for r in with_checks:
        slug = site.agency_of[r.path].slug
        doc = page(seed_site, f"/agencies/{slug}/{r.year}/")
        table = doc.find("table", class_="data checks")
        rows = table.find("tbody").find_all("tr")
        views = check_views(r)
        # broken checks: first, a full row each (rule, column, expected, printed -> figure, line)
        broken = [v for v in views if not v.check.passed]
        shown = [tr for tr in rows if tr.has_class("broken")]
        assert rows[:len(shown)] == shown, "broken checks come first"
        assert len(shown) == len(broken)
        for tr, v in zip(shown, broken):
            k = v.check
            cells = _cells(tr)
            assert len(cells) == 6 and k.rule in cells[1].text
            assert _squash(cells[3]) == fragments.num(k.expected) and _squash(cells[4]) == fragments.num(k.printed)
            if v.target:
                assert cells[4].find("a").attrs["href"] == f"#{v.target}"
            assert cells[5].find("a").attrs["href"] == f"#L{k.line}"
        # passed checks: each one, in the row of its rule, as its printed figure linked to the
        # figure's cell (or to its line when the page has no such cell)
        want = Counter()
        for v in views:
            if v.check.passed:
                href = f"#{v.target}" if v.target else f"#L{v.check.line}"
                want[(v.check.rule.partition(":")[0], href, fragments.num(v.check.printed))] += 1
        got = Counter()
        for tr in rows:
            if not tr.has_class("passed"):
                continue
            cells = _cells(tr)
            rule = cells[1].find("code").text.partition(":")[0]
            if len(cells) == 3:  # a rule's row: the checks in its last cell
                assert cells[2].attrs.get("colspan") == "4"
                assert _squash(cells[0]).endswith(f"×{len(cells[2].find_all('a'))}")
                for a in cells[2].find_all("a"):
                    got[(rule, a.attrs["href"], a.text)] += 1
            else:  # a rule that passed once: its full row
                a = cells[4].find("a")
                got[(rule, a.attrs["href"] if a else cells[5].find("a").attrs["href"], _squash(cells[4]))] += 1
        assert got == want, r.path
        assert sum(got.values()) + len(shown) == len(r.checks)


def test_a_rule_passed_in_every_column_is_one_row_naming_each_column(seed_site):
    doc = page(seed_site, "/agencies/jianguomen/2024/")
    rows = [tr for tr in doc.find("table", class_="data checks").find("tbody").find_all("tr")]
    balance = [tr for tr in rows if _cells(tr)[1].find("code").text == "t3.balance"]
    assert len(balance) == 1
    text = _squash(_cells(balance[0])[2])
    for zh, en in (("自然人", "Natural persons"), ("商业企业", "Commercial enterprises"), ("总计", "Total")):
        assert zh in text and en in text
    row_total = [tr for tr in rows if _cells(tr)[1].find("code").text == "t3.row_total"][0]
    assert "本年新收政府信息公开申请数量 Requests received this year" in _squash(_cells(row_total)[2])


def test_hostile_check_text_is_escaped():
    from decimal import Decimal

    from site_builder.model import CheckResult
    from site_builder.render.views import CheckView

    bad = '<script>alert(1)</script>"'
    views = [CheckView(CheckResult(f"t9.x:{bad}", a, Decimal(1), Decimal(p), 3, bad), None, None)
             for a, p in (("natural_person", 1), ("total", 1), ("commercial", 2))]
    html = str(fragments.check_rows(views))
    assert "<script>" not in html and html.count("&lt;script&gt;") >= 4


def test_report_tables_keep_anchors_links_and_gaps(seed_site):
    site = load_site(CONTENT)
    r = next(r for r in site.reports if r.path == "reports/jianguomen-2024.txt")
    doc = page(seed_site, "/agencies/jianguomen/2024/")
    t3 = doc.find("table", class_="data t3")
    cells = [td for td in t3.find("tbody").find_all("td") if td.attrs.get("id")]
    assert cells
    for td in cells:
        a = td.find("a")
        if td.has_class("nr"):
            assert a is None and td.text == "—"
        else:
            assert a.attrs["href"].startswith("#L")
    # the total column is each row's last cell (the stylesheet marks it by place)
    for tr in t3.find("tbody").find_all("tr"):
        if not tr.has_class("group"):
            assert "--" not in _cells(tr)[-1].attrs["id"]
    # every line of the text: its anchor, its link to itself
    source = doc.find("div", class_="source")
    lines = [d for d in source.children if isinstance(d, Node)]
    assert len(lines) == len(r.lines)
    for n, d in enumerate(lines, start=1):
        first = _cells(d)[0]
        assert d.attrs["id"] == f"L{n}" and first.tag == "a" and first.attrs["href"] == f"#L{n}" and first.text == str(n)
