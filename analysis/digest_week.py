"""What every scope's daily series and questions read, worked out once for the whole week.

A province week has ~48 scopes (the system and each unit with an account in its subtree), and
most rows belong to several of them. Each scope used to turn its comments' times into Shanghai
dates and work out its questions' deadlines again; now each row's day and each account's
question figures are computed once, and a scope reads those of its rows and accounts: the
same values in the same order as from the scope's own frames, so the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from analysis.activity import Period
from analysis.compliance.worktime import add_workdays_at
from analysis.digest_model import DayRow, QuestionRow
from analysis.labels import account_label
from analysis.topics import NEGATIVE_BELOW
from analysis.workdays import SHANGHAI, WorkCalendar

DAYS = 7  # an ISO week


def _in(times: pd.Series, period: Period) -> np.ndarray:
    return ((times >= pd.Timestamp(period.start)) & (times < pd.Timestamp(period.end))).to_numpy(
        dtype=bool
    )


def _day_of(times: pd.Series, period: Period) -> np.ndarray:
    """Each instant's day of the period (0: its first, Asia/Shanghai); -1 outside it."""
    at = pd.to_datetime(times, utc=True)
    # The local wall-clock time floored to its day is the local date (what .dt.date gives,
    # without a date object per row).
    local = at.dt.tz_convert(SHANGHAI).dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    first = np.datetime64(period.start.astimezone(SHANGHAI).date(), "D")
    days = (local - first).astype(np.int64)  # NaT gives a meaningless number, masked below
    return np.where(_in(at, period), days, -1).astype(np.int16)


@dataclass(frozen=True)
class WeekDays:
    """Each post's and public comment's day of the period (0 = Monday, Asia/Shanghai), -1
    for one that does not count (outside the period, or a comment by the account itself),
    one per row of the frames they were worked out from, with the comments' sentiment."""

    posts: np.ndarray
    comments: np.ndarray
    scores: pd.Series  # the comments' sentiment as numbers (NaN: none), same rows

    def rows(self, posts: np.ndarray, comments: np.ndarray) -> WeekDays:
        """Those of the rows where the boolean arrays ``posts`` and ``comments`` are true."""
        return WeekDays(self.posts[posts], self.comments[comments], self.scores[comments])


def week_days(posts: pd.DataFrame, comments: pd.DataFrame, period: Period) -> WeekDays:
    public = ~comments["is_official"].fillna(False).astype(bool).to_numpy(dtype=bool)
    scores = (
        pd.to_numeric(comments["sentiment"], errors="coerce")
        if "sentiment" in comments.columns
        else pd.Series(np.nan, index=comments.index)
    )
    return WeekDays(
        _day_of(posts["published_at"], period),
        np.where(public, _day_of(comments["created_at"], period), -1).astype(np.int16),
        scores,
    )


def daily_rows(days: WeekDays, period: Period) -> tuple[DayRow, ...]:
    """One row per day of the week: posts, public comments and their sentiment."""
    start = period.start.astimezone(SHANGHAI).date()
    post_counts = np.bincount(days.posts[days.posts >= 0], minlength=DAYS)
    comment_counts = np.bincount(days.comments[days.comments >= 0], minlength=DAYS)
    rows = []
    for i in range(DAYS):
        day_scores = days.scores[days.comments == i].dropna()
        rows.append(
            DayRow(
                day=start + dt.timedelta(days=i),
                posts=int(post_counts[i]),
                comments=int(comment_counts[i]),
                mean_sentiment=round(float(day_scores.mean()), 4) if len(day_scores) else None,
                negative_share=round(float((day_scores < NEGATIVE_BELOW).mean()), 4)
                if len(day_scores)
                else None,
            )
        )
    return tuple(rows)


def _float(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def question_table(
    accounts: pd.DataFrame,
    answers: pd.DataFrame,
    period: Period,
    calendar: WorkCalendar,
    overdue_workdays: int,
) -> dict[int, QuestionRow]:
    """Each of ``accounts``' questions asked in the period (how many, answered, overdue, the
    median answering time), by account id; accounts asked nothing have no row. An account's
    figures are its own questions' alone, whichever scope shows them."""
    if answers.empty:
        return {}
    ids = set(accounts["account_id"])
    asked = answers[_in(pd.to_datetime(answers["created_at"], utc=True), period)]
    asked = asked[asked["account_id"].isin(ids)]
    if asked.empty:
        return {}
    end = pd.Timestamp(period.end)
    answered_at = pd.to_datetime(asked["answered_at"], utc=True)
    answered = answered_at.notna() & (answered_at < end)
    deadline = add_workdays_at(asked["created_at"], overdue_workdays, calendar)
    overdue = ~answered & (deadline <= end)
    hours = pd.to_numeric(asked["response_hours"], errors="coerce").where(answered)
    frame = pd.DataFrame(
        {"account_id": asked["account_id"], "answered": answered, "overdue": overdue, "h": hours}
    )
    stats = frame.groupby("account_id").agg(
        questions=("answered", "size"),
        answered=("answered", "sum"),
        overdue=("overdue", "sum"),
        median_hours=("h", "median"),
    )
    info = accounts.set_index("account_id")
    rows: dict[int, QuestionRow] = {}
    for account_id, s in stats.iterrows():
        n, ok = int(s["questions"]), int(s["answered"])
        median = _float(s["median_hours"])
        rows[int(cast(int, account_id))] = QuestionRow(
            account_key=str(info.at[account_id, "account_key"]),
            name=account_label(
                str(info.at[account_id, "name"]), str(info.at[account_id, "platform"])
            ),
            unit=str(info.at[account_id, "unit"]),
            questions=n,
            answered=ok,
            unanswered=n - ok,
            overdue=int(s["overdue"]),
            response_rate=round(ok / n, 4) if n else None,
            median_hours=None if median is None else round(median, 1),
        )
    return rows


def scope_questions(
    table: Mapping[int, QuestionRow], account_ids: Collection[int]
) -> tuple[QuestionRow, ...]:
    """The rows of these accounts, most overdue first (the account key breaks ties)."""
    rows = [row for account_id, row in table.items() if account_id in account_ids]
    rows.sort(key=lambda r: (-r.overdue, -r.unanswered, -r.questions, r.account_key))
    return tuple(rows)
