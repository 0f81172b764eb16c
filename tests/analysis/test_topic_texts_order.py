"""Topic and rumour texts come oldest first, ties by ``text_id`` as strings sort
(analysis/topics/texts.py): the single pass reads them in that order, so it must be exactly
pandas' ``sort_values(["at", "text_id"])``."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd

from analysis.topics.texts import oldest_first, texts_between

AT = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def test_order_is_pandas_sort_by_time_then_id_as_strings() -> None:
    rng = random.Random(7)
    ids = [f"comment:{i}" for i in range(300)] + [f"post:{i}" for i in range(40)]
    rng.shuffle(ids)
    # Few distinct times: most rows tie on time, and "comment:10" sorts before "comment:9".
    times = [AT + dt.timedelta(minutes=rng.randrange(5)) for _ in ids]
    frame = pd.DataFrame({"text_id": pd.Series(ids, dtype="string"), "at": times})
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    expected = frame.sort_values(["at", "text_id"], kind="stable").index.tolist()
    assert oldest_first(frame).tolist() == expected


def test_texts_between_reads_posts_and_comments_oldest_first() -> None:
    accounts = pd.DataFrame({"account_id": [1], "account_key": ["weibo:1"]})
    posts = pd.DataFrame(
        {
            "post_id": [9, 10],
            "account_id": [1, 1],
            "published_at": pd.to_datetime([AT, AT], utc=True),
            "title": ["", ""],
            "text": ["通告九", "通告十"],
            "url": ["u9", "u10"],
        }
    )
    comments = pd.DataFrame(
        {
            "comment_id": [2, 11],
            "post_id": [9, 10],
            "account_id": [1, 1],
            "author_id": ["a", "b"],
            "text": ["早", "同时"],
            "created_at": pd.to_datetime([AT - dt.timedelta(hours=1), AT], utc=True),
            "is_official": [False, False],
            "text_hash": ["", ""],
        }
    )
    texts = texts_between(
        posts, comments, accounts, AT - dt.timedelta(days=1), AT + dt.timedelta(1)
    )
    assert texts["text_id"].tolist() == ["comment:2", "comment:11", "post:10", "post:9"]
