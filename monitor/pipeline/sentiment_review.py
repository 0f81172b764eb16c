"""The comments `govmon sentiment review` hands to people, for the CLI sheet and the web page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from analysis.sentiment.emoticons import load_emoticon_map
from analysis.sentiment.review import ReviewItem, pick_for_review
from analysis.sentiment.settings import SentimentSettings
from monitor.db.models import Account, Comment, Post, SentimentLabel
from monitor.pipeline.sentiment import cached_scores, current_engine


@dataclass(frozen=True)
class ReviewPick:
    items: list[ReviewItem]
    hashes: dict[str, str]  # text → its stored hash (the score cache's and the label's key)
    where: dict[str, tuple[str, str, dt.datetime | None]]  # text → account, link, time
    pooled: int
    engine_name: str


def review_pick(
    session: Session,
    settings: SentimentSettings,
    limit: int,
    pool: int,
    *,
    scope: ColumnElement[bool] | None = None,
) -> ReviewPick:
    """Up to ``limit`` comments to label from the newest ``pool`` public comments.

    ``scope`` narrows the pool (the web console's scope). Comments already labelled in the
    console are left out of the pool, so nobody is asked twice and older ones come up in turn.
    """
    rows = session.execute(
        select(Comment.text, Comment.text_hash, Comment.created_at, Account.name, Post.url)
        .join(Post, Comment.post_id == Post.id)
        .join(Account, Post.account_id == Account.id)
        .where(
            Comment.is_official.is_(False),
            Comment.text_hash.not_in(select(SentimentLabel.text_hash)),
            scope if scope is not None else true(),
        )
        .order_by(Comment.created_at.desc().nulls_last(), Comment.id.desc())
        .limit(pool)
    ).all()
    texts = [row.text or "" for row in rows]
    hashes = [row.text_hash for row in rows]  # stored at ingest; the score cache's key
    engine_name = current_engine(settings).name
    known = cached_scores(session, engine_name, hashes)
    scores = [known.get(h) for h in hashes]
    picked = pick_for_review(
        texts, hashes, scores, load_emoticon_map(settings.emoticons_file), limit
    )
    where: dict[str, tuple[str, str, dt.datetime | None]] = {}
    by_text: dict[str, str] = {}
    for text, row in zip(texts, rows, strict=True):
        where.setdefault(text, (row.name, row.url or "", row.created_at))  # newest sighting
        by_text.setdefault(text, row.text_hash)
    return ReviewPick(picked, by_text, where, len(texts), engine_name)
