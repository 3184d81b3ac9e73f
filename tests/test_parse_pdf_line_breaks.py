"""PDF text often breaks a line right after a row's own numbering ("1." then "属于国家秘密" on the
next line). That numbering is part of the label, never a figure of the row before."""

from pathlib import Path

import pytest

from site_builder.parser import parse_document
from site_builder.readers import Document

REPORTS = Path(__file__).resolve().parents[1] / "content" / "reports"


def _parse(text: str):
    return parse_document(Document(path="reports/x.txt", lines=text.split("\n"), encoding="utf-8"))


def _figures(text: str) -> dict:
    return {(f.metric, f.applicant): f.value for f in _parse(text).figures}


@pytest.mark.parametrize("sep", [".", "、", ". "])
def test_numbering_left_at_the_end_of_a_line_is_not_a_figure(sep):
    original = (REPORTS / "donghuashi-2019.txt").read_text(encoding="utf-8")
    changed = original
    for n, label in ((1, "属于国家秘密"), (2, "其他法律行政法规禁止公开"), (3, "危及“三安全一稳定”")):
        old = f"{n}.{label}\t"
        assert old in changed
        changed = changed.replace(old, f"{n}{sep}\n{label}\t", 1)
    assert _figures(changed) == _figures(original)
    # and no warning about a stray number: "1." is read as the label's numbering
    assert [w.message for w in _parse(changed).warnings] == [w.message for w in _parse(original).warnings]


def test_a_value_followed_by_a_full_stop_in_prose_is_still_read():
    text = "某某街道2015年政府信息公开工作年度报告\n本年度共收到政府信息公开申请12件。\n"
    assert _figures(text)[("requests.new", "total")] == 12
