"""Picking the comments reviewers should label: what emoticons cannot label, least sure first."""

from __future__ import annotations

from analysis.sentiment.emoticons import EmoticonMap
from analysis.sentiment.review import MIXED, UNSURE, ReviewItem, pick_for_review
from analysis.texthash import text_hash

EMO = EmoticonMap({"哈哈": 1.0, "泪": -1.0, "赞": 1.0, "围观": 0.0})


def pick(texts: list[str], scores: list[float | None], limit: int) -> list[ReviewItem]:
    return pick_for_review(texts, [text_hash(t) for t in texts], scores, EMO, limit)


def test_mixed_emoticons_first_then_scores_nearest_one_half() -> None:
    texts = [
        "服务区好评[赞]",  # weak-labelled already: not for review
        "又堵车了",  # score 0.10: the engine is sure
        "哈哈[哈哈]收费站又排队了[泪]",  # mixed
        "通知收到了",  # score 0.55
        "[赞][泪]",  # mixed but nothing but emoticons
        "什么时候修好",  # score 0.48
        "还行吧[围观]",  # no polar emoticon, not scored yet: left out
    ]
    scores = [0.9, 0.10, 0.3, 0.55, None, 0.48, None]
    picked = pick(texts, scores, limit=10)
    assert [(p.text, p.reason) for p in picked] == [
        ("哈哈[哈哈]收费站又排队了[泪]", MIXED),
        ("什么时候修好", UNSURE),
        ("通知收到了", UNSURE),
        ("又堵车了", UNSURE),
    ]
    assert picked[1].score == 0.48


def test_repeats_once_and_limit() -> None:
    texts = ["同一句话", "同一句话", "另一句", "第三句"]
    picked = pick(texts, [0.5, 0.5, 0.6, 0.7], limit=2)
    assert [p.text for p in picked] == ["同一句话", "另一句"]
    assert pick([], [], limit=5) == []
