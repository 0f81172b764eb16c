"""The daily series and the questions of a scope read from the whole week's days and question
figures (worked out once per run) are those worked out from the scope's own frames, and the
days are the Shanghai dates pandas gives."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analysis.activity import Period
from analysis.digest_model import DayRow
from analysis.digest_week import (
    daily_rows,
    question_table,
    scope_questions,
    week_days,
)
from analysis.topics import NEGATIVE_BELOW
from analysis.workdays import SHANGHAI, WorkCalendar

PERIOD = Period.iso_week(2026, 48)  # Monday 23 November 00:00, Asia/Shanghai
ACCOUNTS = [1, 2, 3, 4]
SCOPES = [{1, 2, 3, 4}, {1, 2}, {3}, {4}, {2, 4}]


def _week() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Texts from the week before to the week after, at random minutes (so some sit on
    either side of Shanghai's midnight), sentiment missing for some."""
    rng = np.random.default_rng(15)
    start = pd.Timestamp(PERIOD.start) - pd.Timedelta(days=8)
    minutes = 23 * 24 * 60

    def times(n: int) -> pd.Series:
        offsets = pd.to_timedelta(rng.integers(0, minutes, n), unit="min")
        return pd.Series(start + offsets).dt.tz_convert("UTC")

    # The period's edges themselves, and a minute either side.
    edges = [PERIOD.start, PERIOD.end]
    edge_times = [pd.Timestamp(e) + pd.Timedelta(minutes=m) for e in edges for m in (-1, 0, 1)]
    posts = pd.DataFrame({"account_id": rng.choice(ACCOUNTS, 300), "published_at": times(300)})
    posts = pd.concat(
        [posts, pd.DataFrame({"account_id": [1] * 6, "published_at": edge_times})],
        ignore_index=True,
    )
    n = 3000
    sentiment = rng.random(n)
    sentiment[rng.random(n) < 0.2] = np.nan
    comments = pd.DataFrame(
        {
            "account_id": rng.choice(ACCOUNTS, n),
            "created_at": times(n),
            "is_official": rng.random(n) < 0.1,
            "sentiment": sentiment,
        }
    )
    accounts = pd.DataFrame(
        {
            "account_id": ACCOUNTS,
            "account_key": [f"weibo:{i}" for i in ACCOUNTS],
            "name": [f"账号{i}" for i in ACCOUNTS],
            "platform": "weibo",
            "unit": [f"单位{i}" for i in ACCOUNTS],
        }
    )
    asked = times(400)
    answered = rng.random(400) < 0.6
    delay = pd.to_timedelta(rng.integers(10, 7 * 24 * 60, 400), unit="min")
    answers = pd.DataFrame(
        {
            "account_id": rng.choice(ACCOUNTS, 400),
            "created_at": asked,
            "answered_at": (asked + delay).where(answered),
            "response_hours": np.where(answered, rng.random(400) * 50, np.nan),
        }
    )
    return posts, comments, accounts, answers


def _daily_from_dates(posts: pd.DataFrame, comments: pd.DataFrame) -> tuple[DayRow, ...]:
    """The daily series by each text's .dt.date in Shanghai, as the digest counted it before
    the week's days were worked out once."""
    start, end = pd.Timestamp(PERIOD.start), pd.Timestamp(PERIOD.end)
    in_week = (posts["published_at"] >= start) & (posts["published_at"] < end)
    post_days = posts.loc[in_week, "published_at"].dt.tz_convert(SHANGHAI).dt.date
    at = comments["created_at"]
    public = comments[(at >= start) & (at < end) & ~comments["is_official"]]
    comment_days = public["created_at"].dt.tz_convert(SHANGHAI).dt.date
    rows = []
    for i in range(7):
        day = PERIOD.start.astimezone(SHANGHAI).date() + dt.timedelta(days=i)
        scores = public["sentiment"][(comment_days == day).to_numpy()].dropna()
        rows.append(
            DayRow(
                day,
                int((post_days == day).sum()),
                int((comment_days == day).sum()),
                round(float(scores.mean()), 4) if len(scores) else None,
                round(float((scores < NEGATIVE_BELOW).mean()), 4) if len(scores) else None,
            )
        )
    return tuple(rows)


@pytest.mark.parametrize("scope", SCOPES)
def test_a_scope_reads_its_rows_of_the_week(scope: set[int]) -> None:
    posts, comments, accounts, answers = _week()
    calendar = WorkCalendar()
    days = week_days(posts, comments, PERIOD)
    questions = question_table(accounts, answers, PERIOD, calendar, 3)

    in_posts = posts["account_id"].isin(scope).to_numpy()
    in_comments = comments["account_id"].isin(scope).to_numpy()
    mine_posts, mine_comments = posts[in_posts], comments[in_comments]
    sliced = daily_rows(days.rows(in_posts, in_comments), PERIOD)
    assert sliced == daily_rows(week_days(mine_posts, mine_comments, PERIOD), PERIOD)
    assert sliced == _daily_from_dates(mine_posts, mine_comments)
    assert sum(r.posts for r in sliced) and sum(r.comments for r in sliced)

    mine = accounts[accounts["account_id"].isin(scope)]
    alone = question_table(mine, answers, PERIOD, calendar, 3)
    assert scope_questions(questions, scope) == scope_questions(alone, scope)
    assert {r.account_key for r in scope_questions(questions, scope)} == {
        f"weibo:{i}" for i in scope
    }


def test_the_period_edges_fall_on_their_days() -> None:
    posts, comments, _accounts, _answers = _week()
    days = week_days(posts, comments.iloc[:0], PERIOD)
    edges = days.posts[-6:].tolist()
    # A minute before Monday 00:00 is the week before; Monday 00:00 is day 0; the week's end
    # is outside it, a minute before it is Sunday (day 6).
    assert edges == [-1, 0, 0, 6, -1, -1]
