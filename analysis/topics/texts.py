"""Posts and comments as one table of texts, the input of topic and rumour detection.

Each row is one text with when it appeared, a link to see it, the monitored account it
belongs to (the post's account for a comment) and, when the caller passed one, its sentiment.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.texthash import stored_or_hashed

TEXT_COLUMNS = [
    "text_id",  # "post:<post_id>" or "comment:<comment_id>"
    "kind",  # "post" or "comment"
    "text",
    "at",  # UTC
    "url",
    "account_id",  # the monitored account (the post's account for a comment)
    "author",  # who wrote it: the account key for a post, the comment's author id
    "is_official",  # written by the monitored account itself
    "sentiment",  # float in [0, 1] or NaN
    "text_hash",  # analysis.texthash.text_hash of ``text`` (a comment's stored one when given)
]


def _utc(value: dt.datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        raise ValueError("时间必须带时区（UTC），收到的是不带时区的时间")
    return stamp.tz_convert("UTC")


def _sentiment(frame: pd.DataFrame) -> pd.Series:
    if "sentiment" in frame.columns:
        return pd.to_numeric(frame["sentiment"], errors="coerce").astype(float)
    return pd.Series(float("nan"), index=frame.index, dtype=float)


def texts_between(
    posts: pd.DataFrame,
    comments: pd.DataFrame,
    accounts: pd.DataFrame,
    start: dt.datetime,
    end: dt.datetime,
    *,
    include_comments: bool = True,
) -> pd.DataFrame:
    """Texts that appeared in [start, end), oldest first, in the columns of TEXT_COLUMNS."""
    lo, hi = _utc(start), _utc(end)
    keys = dict(zip(accounts["account_id"], accounts["account_key"], strict=False))
    parts: list[pd.DataFrame] = []
    if len(posts):
        at = pd.to_datetime(posts["published_at"], utc=True)
        chosen = posts[(at >= lo) & (at < hi)]
        title = chosen["title"].fillna("").astype(str)
        body = chosen["text"].fillna("").astype(str)
        # A title repeated as the first line of the text would count its words twice.
        text = [
            b if (not t or b.startswith(t)) else f"{t}\n{b}"
            for t, b in zip(title, body, strict=True)
        ]
        parts.append(
            pd.DataFrame(
                {
                    "text_id": "post:" + chosen["post_id"].astype(str),
                    "kind": "post",
                    "text": text,
                    "at": at[chosen.index],
                    "url": chosen["url"].fillna("").astype(str),
                    "account_id": chosen["account_id"],
                    "author": chosen["account_id"].map(keys).fillna("").astype(str),
                    "is_official": True,
                    "sentiment": _sentiment(chosen),
                    "text_hash": [stored_or_hashed(t, None) for t in text],
                }
            )
        )
    if include_comments and len(comments):
        at = pd.to_datetime(comments["created_at"], utc=True)
        chosen = comments[(at >= lo) & (at < hi)]
        post_urls = (
            dict(zip(posts["post_id"], posts["url"].fillna(""), strict=False)) if len(posts) else {}
        )
        comment_texts = chosen["text"].fillna("").astype(str)
        stored = chosen["text_hash"].tolist() if "text_hash" in chosen else [None] * len(chosen)
        parts.append(
            pd.DataFrame(
                {
                    "text_id": "comment:" + chosen["comment_id"].astype(str),
                    "kind": "comment",
                    "text": comment_texts,
                    "at": at[chosen.index],
                    "url": chosen["post_id"].map(post_urls).fillna("").astype(str),
                    "account_id": chosen["account_id"],
                    "author": chosen["author_id"].fillna("").astype(str),
                    "is_official": chosen["is_official"].fillna(False).astype(bool),
                    "sentiment": _sentiment(chosen),
                    "text_hash": [  # over lists: a Series is walked an element at a time
                        stored_or_hashed(t, h)
                        for t, h in zip(comment_texts.tolist(), stored, strict=True)
                    ],
                }
            )
        )
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TEXT_COLUMNS})
    out = pd.concat(parts, ignore_index=True)[TEXT_COLUMNS]
    return out.take(oldest_first(out)).reset_index(drop=True)


def oldest_first(texts: pd.DataFrame) -> np.ndarray:
    """The rows' order by time, then by ``text_id`` (unique): ``sort_values(["at", "text_id"])``
    without pandas sorting the ids as Python objects (a third of a province window's
    texts_between, which the topics and the rumours each call)."""
    stamps = texts["at"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    ids = np.array(texts["text_id"].tolist(), dtype=str)  # code-point order, as str's
    return np.lexsort((ids, stamps))
