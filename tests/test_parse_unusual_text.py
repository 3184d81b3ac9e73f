"""Unusual characters in a report's text are read as Unicode's NFKC normal form reads them, line
by line: full-width digits and punctuation, Kangxi radicals, half-width kana, combining marks,
every kind of space, HTML comments split over lines.

The parser normalises a report's whole text at once (norm_lines) and most lines with its own
shortcut for full-width characters (nfkc); both must equal unicodedata.normalize("NFKC", ...)
and norm() applied to each line alone, for every character of Unicode.
"""

from __future__ import annotations

import random
import sys
import unicodedata

from site_builder.parser.text import _FULL_WIDTH_AS, nfkc, norm, norm_lines


def _each(lines):
    return [norm(line) for line in lines]


def test_every_character_at_a_line_break_normalises_as_in_a_line_alone():
    # each character at the end and at the start of a line, beside combining marks and
    # full-width characters (what NFKC could reorder or compose across the joiner)
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    for k in range(0, len(chars), 512):
        block = chars[k:k + 512]
        lines = []
        for ch in block:
            lines += [f"（{ch}", f"\u0301{ch}\u0327", f"{ch}　１"]
        assert norm_lines(lines) == _each(lines), hex(ord(block[0]))


def test_no_character_normalises_to_the_joiner():
    assert not [c for c in range(sys.maxunicode + 1) if c and "\0" in unicodedata.normalize("NFKC", chr(c))]


def test_lines_normalised_one_by_one_read_as_the_others():
    cases = [
        [],
        [""],
        ["a\0b", "c"],  # a line holding the joiner
        ["<!-- 注释", "中间 -->正文"],  # a comment the joined text would span
        ["＜！－－ 全角", "－－＞"],  # ... that only NFKC makes one
        ["x <!-- y --> z", "－－＞ 尾"],
        ["⼀、总体情况", "e\u0301，é", "ｶﾞ，ﾊﾟ", "…"],  # NFKC's slow path on some lines
        ["　　依据《条例》（以下简称）", "（三）不予公开　１．属于国家秘密　０　０　１", "\t0\t\u00a0\u2028 1 \x85"],
    ]
    for lines in cases:
        assert norm_lines(lines) == _each(lines), lines


def test_random_lines_normalise_as_each_line_alone():
    pieces = [" ", "\t", "\u3000", "\xa0", "\u2028", "\x85", "\r", "\x0b", "，", "１", "Ａ", "e", "\u0301",
              "\u0327", "é", "⼀", "…", "ｶ", "ﾞ", "ﾊ", "ﾟ", "<!--", "-->", "－", "＜", "！", "中", "\u1100",
              "\u1161", "\u11a8", "가", "ﬁ", "①", "㈠", "\u0345", "ǅ", "\u212b", "\u0f73", "\u0f71", "\0"]
    rng = random.Random(4)
    for _ in range(20000):
        lines = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(0, 5))]
        assert norm_lines(lines) == _each(lines), lines


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def test_every_character_beside_full_width_ones_normalises_as_nfkc_does():
    # each character of the Unicode range alone, after and before full-width characters and
    # before a combining mark (which NFKC may compose with what precedes it)
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        for text in (f"（{ch}）", f"{ch}，\u0301", f"　{ch}\u0301\u0327１"):
            assert nfkc(text) == _nfkc(text), hex(code)


def test_full_width_characters_map_to_their_own_decomposition():
    for ch, to in _FULL_WIDTH_AS.items():
        assert unicodedata.normalize("NFKD", ch) == to


def test_report_lines_normalise_as_nfkc_does():
    lines = [
        "　　依据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条规定，编制本报告。",
        "（三）不予公开　１．属于国家秘密　０　０　１",
        "⼀、总体情况",  # a Kangxi radical, which NFKC maps to the ideograph
        "ｶﾞ，ﾊﾟ",  # half-width kana and voiced marks that compose
        "e\u0301，é",
        "",
        "plain ascii",
    ]
    for line in lines:
        assert nfkc(line) == _nfkc(line)
