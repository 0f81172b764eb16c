"""The text normalisation behind every text hash: one space per whitespace run, ends trimmed,
NFKC. A change here would change every stored hash, so it is pinned character by character."""

from __future__ import annotations

import re
import sys

from analysis.texthash import normalize_text, text_hash


def test_split_whitespace_is_the_regex_whitespace_for_every_code_point() -> None:
    """``str.split()`` and ``\\s`` agree on every character (surrogates are no text)."""
    spaces = re.compile(r"\s")
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        assert bool(spaces.fullmatch(char)) == char.isspace(), hex(code)


def test_normalised_text() -> None:
    assert (
        normalize_text("  Ｇ２５\u3000封路？\n\t请问\u00a0 何时 \u2028恢复  ")
        == "G25 封路? 请问 何时 恢复"
    )
    assert normalize_text("") == ""
    assert normalize_text(" \x1c\x1f ") == ""


def test_a_text_hash_is_stable() -> None:
    """The hash stored for a text collected before this version still finds it."""
    assert text_hash("G25 封路？ 请问") == text_hash("  G25\u3000封路?\n请问 ")
    assert text_hash("G25 封路? 请问") == (
        "93be41adaa72288be17476d203eae3f5cb080f43cf62fbf0c3bfa4ffada0bdac"
    )
