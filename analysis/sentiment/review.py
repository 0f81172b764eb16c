"""Which collected comments reviewers should label: those the emoticons cannot label.

Weak labels come only from comments whose polar emoticons agree. Reviewer time is best spent
where they cannot help: comments whose emoticons conflict ("哈哈[泪]", "[心][蜡烛]": the words
decide, and on public Weibo data most such comments are negative, which no word model
recovers on its own), then comments without a polar emoticon on which the current engine is
least sure (score nearest 0.5). Comments with nothing but emoticons, mentions and links are
left out, as are repeats of the same text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analysis.sentiment.emoticons import EmoticonMap
from analysis.sentiment.engine import has_content

MIXED = "表情正负混杂"
UNSURE = "模型把握不大"


@dataclass(frozen=True)
class ReviewItem:
    text: str
    reason: str
    score: float | None  # the current engine's cached score, when there is one


def pick_for_review(
    texts: Sequence[str],
    hashes: Sequence[str],
    scores: Sequence[float | None],
    emoticons: EmoticonMap,
    limit: int,
) -> list[ReviewItem]:
    """Up to ``limit`` comments to label, mixed-emoticon ones first, then the least certain.

    ``hashes`` are the texts' hashes (``analysis.texthash``: repeats share one) and ``scores``
    the current engine's scores of them (None when not scored yet); among
    comments of equal priority the earlier in ``texts`` comes first, so pass newest first.
    """
    seen: set[str] = set()
    mixed: list[ReviewItem] = []
    unsure: list[tuple[float, int, ReviewItem]] = []
    for position, (text, key, score) in enumerate(zip(texts, hashes, scores, strict=True)):
        if not has_content(text):
            continue
        if key in seen:
            continue
        seen.add(key)
        polarities = emoticons.polarities(text)
        if polarities and emoticons.weak_label(text) is None:
            mixed.append(ReviewItem(text, MIXED, score))
        elif not polarities and score is not None:
            unsure.append((abs(score - 0.5), position, ReviewItem(text, UNSURE, score)))
    unsure.sort(key=lambda entry: (entry[0], entry[1]))
    return (mixed + [item for _, _, item in unsure])[:limit]
