"""Which comments a collection reads again (STYLE 18: judge questions on what was seen).

- A post not yet stored is new: its comments are read whatever its age, back to the start of
  the analysis window (``comments_since``).
- A stored post is re-read while it is young (``collectors.comment_refetch_days``) and, past
  that, while a question under it is open — counted from the question, not the post: an
  unanswered, undeleted question younger than ``questions.max_age_days`` keeps its post
  re-read, so a late official answer is seen (and a deletion noticed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.compliance.unanswered_questions import open_questions
from analysis.questions import QuestionClassifier, QuestionCues
from analysis.rule_settings import QuestionsSettings
from monitor.db.models import Account, Comment, Post
from monitor.pipeline.analyze import window_start
from monitor.settings import Settings


@dataclass(frozen=True)
class CommentPlan:
    reread_post_ids: tuple[str, ...]  # stored posts whose comments to read again
    known_post_ids: frozenset[str]  # stored posts in the window (any other post is new)
    comments_since: dt.datetime  # how far back a new post's comments are read


@lru_cache(maxsize=4)
def _classifier(settings: QuestionsSettings) -> QuestionClassifier:
    return QuestionClassifier(QuestionCues.load(settings))


def open_question_post_ids(
    session: Session, account: Account, settings: Settings, now: dt.datetime
) -> list[str]:
    """Posts of the account with a question that is still open (see the module doc)."""
    if not settings.questions.enabled:
        return []
    since = now - dt.timedelta(days=settings.questions.max_age_days)
    rows = session.execute(
        select(
            Post.platform_post_id,
            Comment.platform_comment_id,
            Comment.root_platform_id,
            Comment.text,
            Comment.created_at,
            Comment.is_official,
            Comment.deleted_at,
        )
        .join(Post, Post.id == Comment.post_id)
        .where(Post.account_id == account.id, Comment.created_at >= since)
    ).all()
    if not rows:
        return []
    columns = ["post_id", "platform_comment_id", "root_platform_id", "text", "created_at"]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=[*columns, "is_official", "deleted_at"])
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["deleted_at"] = pd.to_datetime(frame["deleted_at"], utc=True)
    # Threads first (cheap), then the classifier only over comments still waiting.
    waiting = open_questions(frame, ~frame["is_official"].astype(bool))
    if waiting.empty:
        return []
    classifier = _classifier(settings.questions)
    names = (account.name,)
    asks = waiting["text"].map(lambda text: classifier.is_question(str(text), names))
    asked = waiting[asks.astype(bool)].sort_values("created_at")
    return list(dict.fromkeys(asked["post_id"].astype(str)))


def comment_plan(
    session: Session, account: Account, settings: Settings, now: dt.datetime
) -> CommentPlan:
    since = window_start(settings, now, None)
    young = now - dt.timedelta(days=settings.collectors.comment_refetch_days)
    stored = session.execute(
        select(Post.platform_post_id, Post.published_at)
        .where(Post.account_id == account.id, Post.published_at >= since)
        .order_by(Post.published_at.desc())
    ).all()
    reread = [pid for pid, published in stored if published is not None and published >= young]
    reread += open_question_post_ids(session, account, settings, now)
    return CommentPlan(
        reread_post_ids=tuple(dict.fromkeys(reread)),
        known_post_ids=frozenset(pid for pid, _ in stored),
        comments_since=since,
    )
