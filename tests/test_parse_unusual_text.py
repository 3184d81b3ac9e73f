"""parser.text.norm_lines() (the whole text normalised at once) equals norm() line by line."""

from __future__ import annotations

import random
import sys
import unicodedata

from site_builder.parser.text import _norm, norm_lines


def _each(lines):
    return [_norm(line) for line in lines]


def test_every_character_at_a_line_break():
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


def test_lines_that_fall_back_line_by_line():
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


def test_random_lines():
    pieces = [" ", "\t", "\u3000", "\xa0", "\u2028", "\x85", "\r", "\x0b", "，", "１", "Ａ", "e", "\u0301",
              "\u0327", "é", "⼀", "…", "ｶ", "ﾞ", "ﾊ", "ﾟ", "<!--", "-->", "－", "＜", "！", "中", "\u1100",
              "\u1161", "\u11a8", "가", "ﬁ", "①", "㈠", "\u0345", "ǅ", "\u212b", "\u0f73", "\u0f71", "\0"]
    rng = random.Random(4)
    for _ in range(20000):
        lines = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(0, 5))]
        assert norm_lines(lines) == _each(lines), lines


def test_other_space_is_every_whitespace_but_space_and_tab():
    from site_builder.parser.text import _OTHER_SPACE

    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert bool(_OTHER_SPACE.match(ch)) == (ch.isspace() and ch not in " \t"), hex(code)
