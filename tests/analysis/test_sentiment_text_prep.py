"""The short cuts of the trained engine's text preparation change no text: each function gives
what the plain regular expressions give, on texts made to trip them."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from analysis.sentiment.emoticons import EMOTICON, EmoticonMap, strip_emoticons
from analysis.sentiment.engine import has_content
from analysis.sentiment.linear import model_text
from analysis.texthash import normalize_text

MAP = EmoticonMap(
    {"赞": 1.0, "怒": -1.0, "doge": 0.0, "a.b": 0.5, "哈哈": 0.8, "哈": -0.2, "x y": 1.0}
)
_MENTION = re.compile(r"@[^\s@:：,，。!！?？/]{1,30}")
_URL = re.compile(r"https?://\S+")
PIECES = ["[赞]", "[怒]", "[doge]", "[a.b]", "[axb]", "[哈哈]", "[哈]", "[x y]", "[", "]"]
PIECES += ["[[赞]]", "@某人", "@", "http://t.cn/x", "https", "好", "1", " ", "，", "😀", "路况"]


def _texts() -> list[str]:
    rng = random.Random(9)
    return [
        "",
        "[]",
        "[赞]",
        *("".join(rng.choices(PIECES, k=rng.randrange(8))) for _ in range(3000)),
    ]


def _strip_polar(emoticons: EmoticonMap, text: str) -> str:
    return EMOTICON.sub(
        lambda m: "" if emoticons.polarity.get(m.group(1), 0.0) != 0.0 else m.group(0), text
    )


def _has_content(text: str) -> bool:
    rest = _URL.sub("", _MENTION.sub("", EMOTICON.sub("", text)))
    return any(unicodedata.category(ch)[0] in "LN" for ch in rest)


@pytest.mark.parametrize("emoticons", [MAP, EmoticonMap({}), EmoticonMap({"doge": 0.0})])
def test_strip_polar_is_the_plain_substitution(emoticons: EmoticonMap) -> None:
    for text in _texts():
        assert emoticons.strip_polar(text) == _strip_polar(emoticons, text)


def test_short_cuts_change_nothing() -> None:
    for text in _texts():
        assert strip_emoticons(text) == EMOTICON.sub("", text)
        assert has_content(text) == _has_content(text)
        assert MAP.score(text) == sum(
            v for v in (MAP.polarity.get(n, 0.0) for n in EMOTICON.findall(text)) if v != 0.0
        )
        kept = _strip_polar(MAP, normalize_text(text))
        plain = _URL.sub(" ", _MENTION.sub("@", kept)).strip()
        assert model_text(text, MAP) == plain


def test_the_han_short_cut_finds_letters_only() -> None:
    """has_content stops at the first CJK ideograph of HAN's range: each one is a letter."""
    from analysis.sentiment.engine import HAN

    assert all(unicodedata.category(chr(c)) == "Lo" for c in range(0x4E00, 0x9FA6))
    assert HAN.pattern == "[\u4e00-\u9fa5]"
