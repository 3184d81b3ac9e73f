"""Figures stated in sentences: 主动公开 totals and channels, 咨询, requests, replies, reviews, suits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import compress, filterfalse

from site_builder.model import Figure
from site_builder.numbers import CN_NUMERAL_CHARS, is_approximate, parse_number
from site_builder.parser.text import norm

_new = tuple.__new__  # a Figure (named tuple) from its fields in order, without its Python-level __new__

# A number as prose prints it: 303 / 1,234 / 184.8083 / 十七 / 两
N = r"(?P<n>\d+(?:,\d{3})*(?:\.\d+)?(?:万|亿)?|[" + CN_NUMERAL_CHARS + r"]+)"
APPROX = r"(?P<approx>余|多)?"
GAP = r"[^。；;，,\d]"  # inside one clause, no other number


@dataclass(frozen=True)
class ProseRule:
    metric: str
    pattern: re.Pattern[str]
    value: Decimal | None = None  # fixed value for negative statements ("未收到…申请" = 0)
    # Text every match of the pattern contains: a sentence without it is not searched (most
    # sentences state none of the figures; a substring test is far cheaper than the search).
    needs: str = ""
    # The figure is one item of a breakdown when 其中/包括/分别 comes before it in the sentence
    # ("有约3800人次…咨询，其中现场咨询1200人次"): never the total, so the rule does not apply.
    not_an_item: bool = False


def _r(expr: str) -> re.Pattern[str]:
    return re.compile(expr)


RULES: tuple[ProseRule, ...] = (
    # "其他应主动公开政府信息856条" is one category of the total, not the total
    ProseRule("proactive.total", _r(r"(?<!应)主动公开" + GAP + r"{0,12}?政府信息(?:总数|数量|数|共计|共)?(?:为|达)?" + N + APPROX + r"条"), needs="主动公开"),
    ProseRule("proactive.total", _r(r"主动公开(?:了)?(?:各类)?信息(?:共|总数)?(?:为|达)?" + N + APPROX + r"条"), needs="主动公开"),
    ProseRule("proactive.total", _r(r"共(?:主动)?(?:公开|公布)(?:各类)?政府信息(?:共)?" + N + APPROX + r"条"), needs="政府信息"),
    ProseRule("proactive.website", _r(r"(?:政府|门户|部门)?网站(?:上)?(?:当年|全年|本年)?(?:公开|发布)(?:政府|政务)?信息(?:共|数)?(?:为|达)?" + N + APPROX + r"(?:条|件)"), needs="网站"),
    ProseRule("proactive.weibo", _r(r"微博(?:公开|发布)(?:政府|政务)?信息(?:共|数)?(?:为|达)?" + N + APPROX + r"条"), needs="微博"),
    ProseRule("proactive.wechat", _r(r"微信(?:公众号)?(?:公开|发布)(?:政府|政务)?信息(?:共|数)?(?:为|达)?" + N + APPROX + r"条"), needs="微信"),
    ProseRule("proactive.e_rate", _r(r"全文电子化率(?:达到|达|为)?" + N + r"%"), needs="电子化率"),
    # the total before the word ("有约3800人次到现场或电话咨询") is tried first: an item may follow it
    ProseRule("consultations.total", _r(r"(?P<before>近|约)?" + N + APPROX + r"人次[^。；;，,\d]{0,20}?咨询"), needs="咨询",
              not_an_item=True),
    ProseRule("consultations.total", _r(r"咨询" + r"[^。；;\d]{0,30}?(?P<before>近|约)?" + N + APPROX + r"人次"), needs="咨询",
              not_an_item=True),
    ProseRule("requests.new", _r(r"(?:收到|受理|新收|接到)(?:各类|有关|涉及)?(?:(?:政府)?信息公开(?:的)?申请|依申请公开(?:政府信息)?(?:的)?(?:申请)?)(?:数量|数|共)?(?:为|共|计)?" + N + r"件"), needs="申请"),
    ProseRule("requests.new", _r(r"(?:收到|受理|新收)(?:各类)?" + N + r"件(?:政府信息公开)?(?:的)?申请"), needs="申请"),
    ProseRule("requests.new", _r(r"(?:未|没有)(?:收到|接到|受理)(?:过)?(?:任何|有关|涉及)?(?:(?:政府)?信息公开(?:的|方面的)?申请|依申请公开(?:的)?(?:申请|事项))"), Decimal(0), "申请"),
    # "共受理申请1295件，办结1191件（含上年结转189件）": the outcomes total, carried-over included
    ProseRule("outcome.total", _r(r"申请[^。；;]*?(?<!按时)(?<!延期)(?<!逾期)办结(?:了)?(?:各类)?(?:申请)?(?:共)?" + N + r"件"), needs="办结"),
    ProseRule("outcome.disclosed", _r(r"[“\"]?同意公开[”\"]?(?:答复)?的?" + N + r"件"), needs="同意公开"),
    ProseRule("outcome.partial", _r(r"[“\"]?(?:同意)?部分公开[”\"]?(?:答复)?的?" + N + r"件"), needs="部分公开"),
    ProseRule("outcome.withheld", _r(r"[“\"]?不(?:同意|予)公开[”\"]?(?:答复)?的?" + N + r"件"), needs="公开"),
    ProseRule("outcome.unable.not_held", _r(r"[“\"]?(?:非本(?:单位|机关)掌握|不属于本(?:行政)?机关(?:公开)?(?:范围)?)[”\"]?的?" + N + r"件"), needs="件"),
    ProseRule("review.total", _r(r"行政复议(?:申请|案件|案)?(?:共|数为|数|为)?" + N + r"(?:件|次|起)"), needs="行政复议"),
    ProseRule("review.total", _r(N + r"(?:件|次|起)" + GAP + r"{0,14}?行政复议"), needs="行政复议"),
    ProseRule("review.total", _r(r"(?:未|没有|无)" + r"[^。；;\d]{0,30}?行政复议"), Decimal(0), "行政复议"),
    ProseRule("litigation.total", _r(r"行政诉讼(?:案件|案)?(?:共|数为|数|为)?" + N + r"(?:件|次|起)"), needs="行政诉讼"),
    ProseRule("litigation.total", _r(N + r"(?:件|次|起)" + GAP + r"{0,14}?行政诉讼"), needs="行政诉讼"),
    ProseRule("litigation.total", _r(r"(?:未|没有|无)" + r"[^。；;\d]{0,40}?行政诉讼"), Decimal(0), "行政诉讼"),
)

# "政务微博和微信公开信息分别为 340 条和 300 条": two channels in one clause
_PAIR = re.compile(
    r"微博(?:和|及|、)微信(?:公众号)?(?:公开|发布)?(?:政府|政务)?信息(?:数)?分别(?:为|是)?"
    r"(?P<a>\d+(?:,\d{3})*)条?(?:和|、)(?P<b>\d+(?:,\d{3})*)条"
)

_SENTENCE_END = re.compile(r"[。；;]")
_ITEM = re.compile(r"其中|包括|分别")
_COUNT = re.compile(r"\d人次")
_TOTAL_BEFORE = re.compile(r"(?:共|合计|总计|累计|总)[^。；;，,\d]{0,8}$")


def _one_of_several(sentence: str, m: re.Match[str]) -> bool:
    """The figure is one of several counts the sentence lists ("现场咨询1200人次，电话咨询2600人次")
    and nothing says it is their total: not 共/合计 before it, nor 其中 items after it."""
    if len(_COUNT.findall(sentence)) < 2:
        return False
    return not (_ITEM.search(sentence, m.end("n")) or _TOTAL_BEFORE.search(sentence, 0, m.start("n")))


def _sentences(lines: list[str], skip: set[int], normed: list[str] | None = None, start: int = 0,
               stop: int | None = None) -> tuple[list[str], list[int]]:
    """Every sentence of every prose line (from `start` up to `stop`, but those in `skip`),
    normalised, and the 1-based line of each (empty pieces included: they state nothing)."""
    sentences: list[str] = []
    at: list[int] = []
    # (the table lines left out in C: they are most of a report's lines)
    for i in filterfalse(skip.__contains__, range(start, len(lines) if stop is None else stop)):
        text = normed[i] if normed is not None else norm(lines[i])
        if not text:
            continue
        # (split at 。, ；and ; as _SENTENCE_END does, with str methods: faster on short text)
        pieces = text.replace("；", "。").replace(";", "。").split("。")
        sentences += pieces
        at += [i + 1] * len(pieces)
    return sentences, at


Stated = tuple[list[int], list[tuple]]  # (1-based line, what _statements() says) per sentence that states something


def prose_statements(lines: list[str], skip: set[int] | None = None, normed: list[str] | None = None,
                     start: int = 0, stop: int | None = None) -> Stated:
    """The sentences of the prose lines (see _sentences) that state a figure, in order: the line
    of each and its statements."""
    sentences, at = _sentences(lines, skip or set(), normed, start, stop)
    # every sentence's statements looked up in C (map over the memo), then only the few
    # sentences that state something kept
    stated = list(map(_statements, sentences))
    keep = list(compress(range(len(stated)), stated))
    return [at[k] for k in keep], [stated[k] for k in keep]


def first_statements(stated: Stated) -> list[Figure]:
    """The first statement of each metric, as figures (see parse_prose)."""
    found: dict[str, Figure] = {}
    for line, statements in zip(*stated):
        for metric, value, approximate in statements:
            if metric not in found:
                found[metric] = _new(Figure, (metric, value, line, "total", approximate, "prose", False, ""))
    return list(found.values())


def parse_prose(lines: list[str], skip: set[int] | None = None, normed: list[str] | None = None) -> list[Figure]:
    """First statement of each metric wins: reports state the headline figure first. `normed`:
    the lines' norm(), when the caller has them."""
    return first_statements(prose_statements(lines, skip, normed))


@lru_cache(maxsize=1 << 14)
def _statements(sentence: str) -> tuple[tuple[str, Decimal, bool], ...]:
    """(metric, value, approximate) for every figure the sentence states, in the order the rules
    are tried (a metric may come twice: the first wins). A pure function of the sentence, so it
    is memoised: reports share much of their wording (the regulation's, the template's).
    Rules are tried whatever the report found before: parse_prose keeps each metric's first."""
    out = []
    pair = _PAIR.search(sentence)
    if pair:
        out.append(("proactive.weibo", parse_number(pair.group("a")), False))
        out.append(("proactive.wechat", parse_number(pair.group("b")), False))
    for rule in RULES:
        if rule.needs not in sentence:
            continue
        m = rule.pattern.search(sentence)
        if not m:
            continue
        if rule.not_an_item and (_ITEM.search(sentence, 0, m.start("n")) or _one_of_several(sentence, m)):
            continue
        if rule.value is not None:
            value = rule.value
            approximate = False
        else:
            value = parse_number(m.group("n"))
            if value is None:
                continue
            before = sentence[: m.start("n")]
            after = sentence[m.end("n") :]
            approximate = is_approximate(before, after)
        out.append((rule.metric, value, approximate))
    return tuple(out)
