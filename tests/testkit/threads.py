"""A Weibo post of an account (1 unless said) with comments, stored through govmon's ingest."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from analysis.texthash import text_hash
from collectors.records import CommentRecord, PostRecord
from monitor.store.ingest import store_comments, store_posts


def thread(
    engine: Engine, post_id: str, at: dt.datetime, texts: list[str], account: int = 1
) -> list[str]:
    """A post of ``account`` (its id) published at ``at`` (its text is ``post_id``) with ``texts`` as comments a
    minute apart; the text hashes of the post, then of each comment."""
    post = PostRecord("weibo", post_id, "https://m.weibo.cn/", at, published_at=at, text=post_id)
    comments = [
        CommentRecord(
            "weibo",
            f"{post_id}-{i}",
            post_id,
            "https://m.weibo.cn/",
            at,
            text=text,
            created_at=at + dt.timedelta(minutes=i + 1),
        )
        for i, text in enumerate(texts)
    ]
    with engine.begin() as conn:
        store_posts(conn, account, [post], at)
        store_comments(conn, "weibo", comments, at)
    return [text_hash(t) for t in [post_id, *texts]]
