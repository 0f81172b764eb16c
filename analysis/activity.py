"""Activity per account and unit over a period (第十二、十六、二十六条): posts (original /
repost), days since the last post, comments received, official replies, response rate and
median response time in working hours, reposts and likes received, followers and their growth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.workdays import SHANGHAI

ACTIVITY_COLUMNS = [
    "account_id",
    "account_key",
    "unit_id",
    "unit",
    "name",
    "platform",
    "posts",
    "originals",
    "reposts_made",
    "last_post_at",
    "days_since_last_post",
    "comments_received",
    "official_replies",
    "questions",
    "answered",
    "response_rate",
    "median_response_hours",
    "reposts_received",
    "likes_received",
    "followers",
    "follower_growth",
]

_SUMMED = [
    "posts",
    "originals",
    "reposts_made",
    "comments_received",
    "official_replies",
    "questions",
    "answered",
    "reposts_received",
    "likes_received",
    "followers",
    "follower_growth",
]


@dataclass(frozen=True)
class Period:
    """A half-open interval [start, end) of UTC instants."""

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Period needs timezone-aware datetimes")
        if self.end <= self.start:
            raise ValueError("Period end must be after its start")

    @classmethod
    def iso_week(cls, year: int, week: int) -> Period:
        """Monday 00:00 to the next Monday 00:00, Asia/Shanghai."""
        monday = dt.date.fromisocalendar(year, week, 1)
        start = dt.datetime.combine(monday, dt.time(0), SHANGHAI).astimezone(dt.UTC)
        return cls(start, start + dt.timedelta(days=7))

    @classmethod
    def last_days(cls, now: dt.datetime, days: int) -> Period:
        return cls(now - dt.timedelta(days=days), now)


def _in(times: pd.Series, period: Period) -> pd.Series:
    return (times >= pd.Timestamp(period.start)) & (times < pd.Timestamp(period.end))


def _followers(snapshots: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Followers at the end of the period and growth over it, from daily snapshots."""
    if snapshots.empty:
        return pd.DataFrame(columns=["account_id", "followers", "follower_growth"])
    snaps = snapshots[snapshots["followers"].notna()].copy()
    snaps["day"] = pd.to_datetime(snaps["day"])
    start_day = pd.Timestamp(period.start.astimezone(SHANGHAI).date())
    end_day = pd.Timestamp((period.end - dt.timedelta(microseconds=1)).astimezone(SHANGHAI).date())
    upto = snaps[snaps["day"] <= end_day].sort_values("day")
    last = upto.groupby("account_id")["followers"].last()
    # Baseline: the last snapshot before the period, else the first one within it.
    before = upto[upto["day"] < start_day].groupby("account_id")["followers"].last()
    first_in = upto[upto["day"] >= start_day].groupby("account_id")["followers"].first()
    base = before.combine_first(first_in)
    return (
        pd.DataFrame({"followers": last, "follower_growth": last - base.reindex(last.index)})
        .rename_axis("account_id")
        .reset_index()
    )


def account_activity(
    accounts: pd.DataFrame,
    posts: pd.DataFrame,
    comments: pd.DataFrame,
    snapshots: pd.DataFrame,
    answers: pd.DataFrame,
    *,
    period: Period,
    now: dt.datetime,
) -> pd.DataFrame:
    """One row per account (ACTIVITY_COLUMNS). ``answers`` is
    :func:`analysis.compliance.unanswered_questions.match_answers` output; questions count by
    when they were asked. ``days_since_last_post`` is measured at ``now`` over all posts given.
    """
    base = accounts[["account_id", "account_key", "unit_id", "unit", "name", "platform"]].copy()
    in_posts = posts[_in(posts["published_at"], period)]
    is_repost = in_posts["is_repost"].fillna(False).astype(bool)
    post_stats = (
        in_posts.assign(original=~is_repost, repost=is_repost)
        .groupby("account_id")
        .agg(
            posts=("post_id", "size"),
            originals=("original", "sum"),
            reposts_made=("repost", "sum"),
            reposts_received=("reposts", "sum"),
            likes_received=("likes", "sum"),
        )
    )
    last_post = posts[posts["published_at"].notna()].groupby("account_id")["published_at"].max()
    in_comments = comments[_in(comments["created_at"], period)]
    official = in_comments["is_official"].fillna(False).astype(bool)
    comment_stats = pd.DataFrame(
        {
            "comments_received": (~official).groupby(in_comments["account_id"]).sum(),
            "official_replies": official.groupby(in_comments["account_id"]).sum(),
        }
    )
    asked = answers[_in(answers["created_at"], period)] if not answers.empty else answers
    if asked.empty:
        question_stats = pd.DataFrame(
            columns=["questions", "answered", "median_response_hours"], dtype=float
        )
    else:
        question_stats = (
            asked.assign(answered=asked["answered_at"].notna())
            .groupby("account_id")
            .agg(
                questions=("comment_id", "size"),
                answered=("answered", "sum"),
                median_response_hours=("response_hours", "median"),
            )
        )
    out = (
        base.set_index("account_id")
        .join(post_stats)
        .join(last_post.rename("last_post_at"))
        .join(comment_stats)
        .join(question_stats)
        .join(_followers(snapshots, period).set_index("account_id"))
        .reset_index()
    )
    counts = [c for c in _SUMMED if c not in ("followers", "follower_growth")]
    out[counts] = out[counts].fillna(0).astype("int64")
    out["response_rate"] = np.where(
        out["questions"] > 0, out["answered"] / out["questions"].where(out["questions"] > 0), np.nan
    )
    now_ts = pd.Timestamp(now)
    out["days_since_last_post"] = (
        now_ts - pd.to_datetime(out["last_post_at"], utc=True)
    ).dt.total_seconds() // 86400
    out["median_response_hours"] = out["median_response_hours"].astype(float).round(1)
    return out[ACTIVITY_COLUMNS]


def unit_activity(activity: pd.DataFrame, answers: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per-unit totals of :func:`account_activity`, with the unit's own response rate and median
    response time (over all its questions, not a median of medians)."""
    grouped = activity.groupby(["unit_id", "unit"], dropna=False)
    out = grouped[_SUMMED].sum(min_count=1)
    out["accounts"] = grouped.size()
    out["days_since_last_post"] = grouped["days_since_last_post"].min()
    out = out.reset_index()
    out["response_rate"] = np.where(
        out["questions"] > 0, out["answered"] / out["questions"].where(out["questions"] > 0), np.nan
    )
    if answers.empty:
        out["median_response_hours"] = np.nan
        return out
    units = activity.set_index("account_id")["unit_id"]
    asked = answers[_in(answers["created_at"], period)]
    medians = asked.groupby(asked["account_id"].map(units))["response_hours"].median()
    out["median_response_hours"] = out["unit_id"].map(medians).astype(float).round(1)
    return out
