"""Sentiment labels people give in the web console; `govmon sentiment train` learns from them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.models import SentimentLabel

# The label codes of the labelled CSV (analysis/sentiment/labelled_csv.py): 1 正面, 0 负面,
# 2 中性; -1 跳过 (kept so the comment is not offered again, never trained on).
LABELS: dict[str, int] = {"positive": 1, "neutral": 2, "negative": 0, "skip": -1}
LABEL_WORDS: dict[str, str] = {
    "positive": "正面",
    "neutral": "中性",
    "negative": "负面",
    "skip": "跳过",
}


def save_label(
    session: Session, text_hash: str, text: str, label: int, by: str, now: dt.datetime
) -> None:
    row = session.get(SentimentLabel, text_hash)
    if row is None:
        row = SentimentLabel(text_hash=text_hash)
        session.add(row)
    row.text = text
    row.label = label
    row.labelled_by = by
    row.labelled_at = now
    session.flush()


def stored_labels(session: Session) -> list[tuple[str, int]]:
    """(text, label) pairs, oldest first, as `sentiment train` takes reviewed examples.
    Training is binary (like the labelled CSV): neutral and skipped ones are left out."""
    rows = session.execute(
        select(SentimentLabel.text, SentimentLabel.label)
        .where(SentimentLabel.label.in_((0, 1)))
        .order_by(SentimentLabel.labelled_at)
    ).all()
    return [(text, label) for text, label in rows]
