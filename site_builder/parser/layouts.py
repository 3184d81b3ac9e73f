"""The layout of table 三 of the 2019 and 2021 templates: its rows in order, each with the
pattern its label matches and the eras that print it. Both the table's reader (template.py)
and the template's rules (checks.py) work from it."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RowSpec:
    metric: str
    pattern: re.Pattern[str]
    eras: tuple[str, ...] = ("2019", "2021")


def _p(expr: str) -> re.Pattern[str]:
    return re.compile(expr)


T3_ROWS: tuple[RowSpec, ...] = (
    RowSpec("requests.new", _p(r"本年新收")),
    RowSpec("requests.carried_over", _p(r"上年结转")),
    RowSpec("outcome.disclosed", _p(r"予以公开")),
    RowSpec("outcome.partial", _p(r"部分公开")),
    RowSpec("outcome.withheld.state_secret", _p(r"国家秘密")),
    RowSpec("outcome.withheld.prohibited_by_law", _p(r"禁止公开")),
    RowSpec("outcome.withheld.security_stability", _p(r"三安全|安全一稳定|稳定")),
    RowSpec("outcome.withheld.third_party", _p(r"第三方")),
    RowSpec("outcome.withheld.internal_affairs", _p(r"内部事务")),
    RowSpec("outcome.withheld.process_info", _p(r"过程性")),
    RowSpec("outcome.withheld.enforcement_file", _p(r"执法案卷")),
    RowSpec("outcome.withheld.admin_query", _p(r"行政查询")),
    RowSpec("outcome.unable.not_held", _p(r"不掌握")),
    RowSpec("outcome.unable.needs_creation", _p(r"另行制作|现成信息")),
    RowSpec("outcome.unable.unclear", _p(r"不明确")),
    RowSpec("outcome.not_processed.petition", _p(r"信访|举报投诉")),
    RowSpec("outcome.not_processed.duplicate", _p(r"重复申请")),
    RowSpec("outcome.not_processed.publication", _p(r"出版物")),
    RowSpec("outcome.not_processed.vexatious", _p(r"大量反复|反复申请")),
    RowSpec("outcome.not_processed.confirm_existing", _p(r"重新出具|确认或")),
    RowSpec("outcome.other", _p(r"其他处理$|^\(六\)其他处理"), ("2019",)),
    RowSpec("outcome.other.no_correction", _p(r"不补正"), ("2021",)),
    RowSpec("outcome.other.unpaid_fee", _p(r"缴纳费用|收费通知"), ("2021",)),
    RowSpec("outcome.other.other", _p(r"(?:^|[\d.、)])其他$"), ("2021",)),
    RowSpec("outcome.total", _p(r"总计$")),
    RowSpec("requests.carried_forward", _p(r"结转下(?:一)?年度")),
)

WITHHELD_ROWS = tuple(r.metric for r in T3_ROWS if r.metric.startswith("outcome.withheld."))
OTHER_ROWS_2021 = ("outcome.other.no_correction", "outcome.other.unpaid_fee", "outcome.other.other")

# Table 三's rows in each era
T3_ROWS_OF = {era: tuple(r for r in T3_ROWS if era in r.eras) for era in ("2019", "2021")}
