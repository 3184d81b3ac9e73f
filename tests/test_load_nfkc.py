"""parser.text.nfkc() is unicodedata.normalize("NFKC", ...) exactly, only faster on report lines."""

from __future__ import annotations

import sys
import unicodedata

from site_builder.parser.text import _FULL_WIDTH_AS, nfkc


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


def test_report_lines():
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
