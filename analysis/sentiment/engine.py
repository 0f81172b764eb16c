"""What every sentiment engine offers, labels from scores, and the deliberate edge cases.

A score is the probability that a text is positive, in [0, 1]. Edge cases, the same for
every engine:
- empty text (or only spaces, punctuation, @mentions): 0.5, neutral;
- emoticon-only text ("[赞][赞]"): the emoticons' polarity from the map, squashed to
  [0, 1] (sigmoid of weight × sum of polarities); 0.5 when none has a polarity.
Very short texts with real characters ("好", "差评") go to the engine: one character can
carry the opinion.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Literal, Protocol

from analysis.sentiment.emoticons import EmoticonMap, strip_emoticons

Label = Literal["negative", "neutral", "positive"]
NEUTRAL_SCORE = 0.5

_MENTION = re.compile(r"@[^\s@:：,，。!！?？/]{1,30}")
_URL = re.compile(r"https?://\S+")
HAN = re.compile("[\u4e00-\u9fa5]")  # CJK ideographs, every one a letter (Lo) since Unicode 1.1


class SentimentEngine(Protocol):
    """Scores texts; ``name`` is stable for a given model and keys the score cache."""

    @property
    def name(self) -> str: ...

    def score_batch(self, texts: Sequence[str]) -> list[float]: ...


def label_for(score: float, negative_below: float, positive_above: float) -> Label:
    """negative below the first threshold, positive above the second, neutral between."""
    if score < negative_below:
        return "negative"
    if score > positive_above:
        return "positive"
    return "neutral"


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def replace_mentions_and_links(text: str, mention: str = "", link: str = "") -> str:
    """@mentions replaced by ``mention``, then links by ``link`` (what both the edge cases
    and the trained model's text leave out of a text)."""
    # Each pattern needs its first characters: a substring test spares most texts the scan.
    if "@" in text:
        text = _MENTION.sub(mention, text)
    if "http" in text:
        text = _URL.sub(link, text)
    return text


def has_content(text: str) -> bool:
    """True when a letter or digit remains once emoticons, @mentions and links are gone."""
    rest = replace_mentions_and_links(strip_emoticons(text))
    if HAN.search(rest):  # most comments: found at once, no category looked up
        return True
    return any(unicodedata.category(ch)[0] in "LN" for ch in rest)


def edge_score(text: str, emoticons: EmoticonMap | None, emoticon_weight: float) -> float | None:
    """The score of an empty or emoticon-only text; None when the engine must score it."""
    if has_content(text):
        return None
    if emoticons is None:
        return NEUTRAL_SCORE
    total = emoticons.score(text)
    return sigmoid(emoticon_weight * total) if total else NEUTRAL_SCORE
