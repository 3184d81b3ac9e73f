"""Which template a report follows, decided from its own tables, never from its year."""

from __future__ import annotations

from site_builder.parser.text import norm

# Each marker is a plain string: a report follows a template when its text holds any of them
# (a substring test per marker is several times faster than one regex alternation, which the
# regex engine tries at every character).
# 国办公开办函〔2021〕30号: table 二 counts 本年制发/废止/现行有效 and 处理决定数量; (六) has three rows.
_MARKERS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "逾期不补正", "按收费通知要求缴纳费用")
# 国办公开办函〔2019〕60号: table 二 counts 新制作/新公开/对外公开总数量; table 三 opens with 本年新收.
_MARKERS_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年新收政府信息公开申请数量",
                 "上年结转政府信息公开申请数量")
_STAT_TABLE = ("统计指标", "指标名称", "政府信息公开情况统计表")


def detect_era(lines: list[str], normed: list[str] | None = None) -> tuple[str, bool]:
    """(era, has_stat_table) where era is 'pre2019', '2019' or '2021'. `normed`: the lines'
    norm(), when the caller has them."""
    # Line by line (norm drops the line breaks anyway): each line's norm is memoised and
    # reused by the table and title searches, where the whole text's would be computed once
    # and kept in the memo for nothing.
    text = "".join(normed if normed is not None else map(norm, lines))
    if any(m in text for m in _MARKERS_2021):
        return "2021", False
    if any(m in text for m in _MARKERS_2019):
        return "2019", False
    return "pre2019", any(m in text for m in _STAT_TABLE)
