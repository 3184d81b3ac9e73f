"""Reading numbers as reports print them: full-width digits, thousands separators,
Chinese numerals (十七, 两), decimals, and lower bounds such as 23000余."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}

CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"

# A number as printed in a report, after normalize_digits(): 1,234 / 184.8083 / -3
NUMBER_RE = r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?"
_NUMBER = re.compile(NUMBER_RE)

APPROX_AFTER = ("余", "多", "以上")
APPROX_BEFORE = ("近", "约", "逾", "超过", "大约")


def normalize_digits(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), keeping CJK text unchanged."""
    return unicodedata.normalize("NFKC", text)


def parse_chinese_numeral(text: str) -> int | None:
    """十七 -> 17, 两 -> 2, 一百零五 -> 105, 三万二千 -> 32000. None if not a numeral."""
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    total = 0
    section = 0
    number = 0
    seen_digit = False
    for ch in text:
        if ch in _CN_DIGITS:
            number = _CN_DIGITS[ch]
            seen_digit = True
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            section += (number if seen_digit else 1) * unit
            number = 0
            seen_digit = False
        else:  # 万 / 亿
            section += number
            total += section * _CN_BIG[ch]
            section = 0
            number = 0
            seen_digit = False
    return total + section + number


# Memoised: a Decimal is immutable, and a report's cells are mostly the same few numbers
# (0, 1, 2 ...), so most calls are a lookup. Bounded for long `--serve` sessions.
@lru_cache(maxsize=1 << 16)
def parse_number(text: str) -> Decimal | None:
    """One printed number -> Decimal, keeping the decimals as printed. None if not a number."""
    s = normalize_digits(text).strip().replace("，", ",").replace(" ", "")
    if not s:
        return None
    if _NUMBER.fullmatch(s):
        try:
            return Decimal(s.replace(",", ""))
        except InvalidOperation:
            return None
    # "2.3万" (23000), "1亿": digits scaled by a Chinese unit
    if s[-1] in _CN_BIG and _NUMBER.fullmatch(s[:-1]):
        scaled = Decimal(s[:-1].replace(",", "")) * _CN_BIG[s[-1]]
        return scaled.quantize(Decimal(1)) if scaled == scaled.to_integral_value() else scaled.normalize()
    cn = parse_chinese_numeral(s)
    return Decimal(cn) if cn is not None else None


def format_number(value: Decimal) -> str:
    """The number as printed: integers without a decimal point, decimals kept (184.8083)."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


# Pages and downloads format the same few thousand values millions of times at a province's size.
# Keyed by value: equal Decimals (1.50, 1.5) print alike, since format_number normalises.
# Bounded: a long-running dev server sees ever new values.
@lru_cache(maxsize=100_000)
def format_number_cached(value: Decimal) -> str:
    return format_number(value)


def is_approximate(before: str, after: str) -> bool:
    """余/多 after the number or 近/约 before it make it a lower bound or an estimate."""
    after = after.lstrip()
    before = before.rstrip()
    return after.startswith(APPROX_AFTER) or before.endswith(APPROX_BEFORE)
