"""Activity per account and unit over a period (第十二、十六、二十六条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from analysis.activity import ACTIVITY_COLUMNS, Period, account_activity, unit_activity
from analysis.compliance.unanswered_questions import match_answers
from analysis.workdays import SHANGHAI, WorkCalendar

NOW = dt.datetime(2025, 3, 14, 2, 0, tzinfo=dt.UTC)  # Friday 10:00 in Shanghai
T = pd.Timestamp(NOW)
PERIOD = Period.last_days(NOW, 7)


def _account(aid: int, unit_id: int) -> dict[str, Any]:
    return {
        "account_id": aid,
        "account_key": f"weibo:{aid}",
        "unit_id": unit_id,
        "unit": f"单位{unit_id}",
        "platform": "weibo",
        "name": f"账号{aid}",
    }


ACCOUNTS = pd.DataFrame([_account(1, 1), _account(2, 1), _account(3, 2)])


def _post(pid: int, aid: int, days_ago: float, repost: bool = False) -> dict[str, Any]:
    return {
        "post_id": pid,
        "account_id": aid,
        "published_at": T - pd.Timedelta(days=days_ago),
        "is_repost": repost,
        "reposts": 10,
        "likes": 100,
    }


POSTS = pd.DataFrame(
    [_post(1, 1, 1), _post(2, 1, 2, repost=True), _post(3, 1, 20), _post(4, 2, 30)]
)


def _comment(cid: int, hours_ago: float, official: bool = False, root: str = "") -> dict[str, Any]:
    return {
        "comment_id": cid,
        "post_id": 1,
        "account_id": 1,
        "platform": "weibo",
        "platform_comment_id": f"C{cid}",
        "root_platform_id": root,
        "author_name": "网友",
        "text": "请问",
        "created_at": T - pd.Timedelta(hours=hours_ago),
        "is_official": official,
        "liked_by_author": False,
    }


COMMENTS = pd.DataFrame(
    [
        _comment(1, 20),  # question, answered 2 h later (a working day)
        _comment(2, 18, official=True, root="C1"),
        _comment(3, 10),  # question, unanswered
        _comment(4, 9),  # not a question
        _comment(5, 400),  # outside the period
    ]
)
SNAPSHOTS = pd.DataFrame(
    [
        {"account_id": 1, "day": dt.date(2025, 3, 6), "followers": 1000},
        {"account_id": 1, "day": dt.date(2025, 3, 14), "followers": 1300},
        {"account_id": 3, "day": dt.date(2025, 3, 10), "followers": 50},
    ]
)


@pytest.fixture()
def activity() -> pd.DataFrame:
    answers = match_answers(COMMENTS, COMMENTS["comment_id"].isin([1, 3]), WorkCalendar())
    return account_activity(
        ACCOUNTS, POSTS, COMMENTS, SNAPSHOTS, answers, period=PERIOD, now=NOW
    ).set_index("account_id")


def test_columns(activity: pd.DataFrame) -> None:
    assert list(activity.reset_index().columns) == ACTIVITY_COLUMNS


def test_posts_and_engagement(activity: pd.DataFrame) -> None:
    one = activity.loc[1]
    assert (one["posts"], one["originals"], one["reposts_made"]) == (2, 1, 1)
    assert (one["reposts_received"], one["likes_received"]) == (20, 200)
    assert one["days_since_last_post"] == 1
    assert activity.loc[2, "posts"] == 0
    assert activity.loc[2, "days_since_last_post"] == 30
    assert pd.isna(activity.loc[3, "days_since_last_post"])  # never posted


def test_comments_and_responses(activity: pd.DataFrame) -> None:
    one = activity.loc[1]
    assert (one["comments_received"], one["official_replies"]) == (3, 1)
    assert (one["questions"], one["answered"]) == (2, 1)
    assert one["response_rate"] == pytest.approx(0.5)
    assert one["median_response_hours"] == pytest.approx(2.0)
    assert pd.isna(activity.loc[2, "response_rate"])


def test_followers_and_growth(activity: pd.DataFrame) -> None:
    assert activity.loc[1, "followers"] == 1300
    assert activity.loc[1, "follower_growth"] == 300
    assert activity.loc[3, "follower_growth"] == 0  # first snapshot inside the period
    assert pd.isna(activity.loc[2, "followers"])


def test_unit_rollup(activity: pd.DataFrame) -> None:
    answers = match_answers(COMMENTS, COMMENTS["comment_id"].isin([1, 3]), WorkCalendar())
    units = unit_activity(activity.reset_index(), answers, PERIOD).set_index("unit_id")
    assert units.loc[1, "accounts"] == 2
    assert units.loc[1, "posts"] == 2
    assert units.loc[1, "response_rate"] == pytest.approx(0.5)
    assert units.loc[1, "median_response_hours"] == pytest.approx(2.0)
    assert units.loc[2, "followers"] == 50


def test_iso_week_is_shanghai_monday_to_monday() -> None:
    week = Period.iso_week(2025, 11)
    assert week.start == dt.datetime(2025, 3, 10, tzinfo=SHANGHAI)
    assert week.end - week.start == dt.timedelta(days=7)


def test_period_refuses_naive_or_reversed_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Period(dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 2))
    with pytest.raises(ValueError, match="after its start"):
        Period(NOW, NOW)
