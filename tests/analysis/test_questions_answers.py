"""Answered or not (an official reply later in the thread), and the unanswered_question rule
with working-day deadlines (第十六条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from fakes.streams import account_row, comment_row

from analysis.compliance.unanswered_questions import match_answers, unanswered_questions
from analysis.compliance.worktime import add_workdays_at, working_hours
from analysis.rule_settings import QuestionsSettings
from analysis.workdays import SHANGHAI, WorkCalendar

CAL = WorkCalendar()


def sh(*args: int) -> pd.Timestamp:
    """An instant given in Shanghai wall-clock time, as UTC."""
    return pd.Timestamp(dt.datetime(*args, tzinfo=SHANGHAI)).tz_convert("UTC")  # type: ignore[misc]


ACCOUNTS = pd.DataFrame(
    [
        account_row(
            1,
            "weibo:100",
            1,
            "省高速公路管理中心",
            name="某省高速",
            home_url="https://weibo.example/u/100",
        )
    ]
)
POSTS = pd.DataFrame(
    [{"post_id": 10, "account_id": 1, "url": "https://weibo.example/p/10", "platform": "weibo"}]
)


def comment(cid: str, text: str, at: pd.Timestamp, **extra: Any) -> dict[str, Any]:
    public = {"platform_comment_id": cid, "author_id": "u1", "author_name": "网友甲"}
    return comment_row(int(cid[1:]), 10, 1, text, at, **{**public, **extra})


def answers_of(rows: list[dict[str, Any]], questions: set[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    return match_answers(frame, frame["platform_comment_id"].isin(questions), CAL)


FRIDAY_10 = sh(2025, 3, 14, 10)


def test_official_reply_later_in_thread_answers() -> None:
    rows = [
        comment("C1", "请问G2通了吗", FRIDAY_10),
        comment("C2", "已恢复通行", sh(2025, 3, 17, 9), is_official=True, root_platform_id="C1"),
    ]
    got = answers_of(rows, {"C1"})
    assert got.loc[0, "answered_at"] == sh(2025, 3, 17, 9)
    # Friday 10:00 → Monday 09:00 counts Friday's 14 hours and Monday's 9, not the weekend.
    assert got.loc[0, "response_hours"] == pytest.approx(23.0)


def test_reply_in_another_thread_or_before_does_not_answer() -> None:
    rows = [
        comment("C1", "请问G2通了吗", FRIDAY_10),
        comment(
            "C2", "早些时候的回复", sh(2025, 3, 14, 9), is_official=True, root_platform_id="C1"
        ),
        comment("C3", "别的问题", sh(2025, 3, 14, 8)),
        comment("C4", "回复别人", sh(2025, 3, 14, 11), is_official=True, root_platform_id="C3"),
        comment("C5", "网友的回复", sh(2025, 3, 14, 12), root_platform_id="C1"),
    ]
    got = answers_of(rows, {"C1"})
    assert got["answered_at"].isna().all()


def test_a_like_is_seen_not_answered() -> None:
    got = answers_of([comment("C1", "请问G2通了吗", FRIDAY_10, liked_by_author=True)], {"C1"})
    assert got.loc[0, "answered_at"] is pd.NaT or pd.isna(got.loc[0, "answered_at"])
    assert bool(got.loc[0, "liked_by_author"])


def _findings(now: pd.Timestamp, **settings: Any) -> list[Any]:
    answers = answers_of(
        [comment("C1", "请问G2今天通行了吗", FRIDAY_10, liked_by_author=True)], {"C1"}
    )
    return unanswered_questions(
        answers,
        POSTS,
        ACCOUNTS,
        now=now.to_pydatetime(),
        calendar=CAL,
        settings=QuestionsSettings(**settings),
    )


def test_not_yet_due_over_the_weekend() -> None:
    assert _findings(sh(2025, 3, 16, 20)) == []  # Sunday: no working day has passed


def test_warning_after_one_working_day() -> None:
    [f] = _findings(sh(2025, 3, 17, 11))
    assert f.rule == "unanswered_question"
    assert f.severity == "warning"
    assert f.dedup_key == "unanswered_question:weibo:C1"
    assert f.subject_type == "comment"
    assert f.deadline == sh(2025, 3, 17, 10).to_pydatetime()
    assert "第十六条" in f.summary and "「某省高速」微博" in f.summary
    assert "已点赞" in f.summary
    assert "\n" not in f.summary
    assert f.evidence[0].url == "https://weibo.example/p/10"
    assert f.evidence[0].text == "请问G2今天通行了吗"
    assert f.data["waited_workdays"] == 1


def test_overdue_after_three_working_days_same_key() -> None:
    [f] = _findings(sh(2025, 3, 19, 11))
    assert f.severity == "overdue"
    assert f.dedup_key == "unanswered_question:weibo:C1"
    assert f.data["waited_workdays"] == 3


def test_switched_off_rule_is_silent() -> None:
    assert _findings(sh(2025, 3, 19, 11), enabled=False) == []


def test_a_question_past_tracking_is_closed_unanswered_not_dropped() -> None:
    # Dropping it would let the finding be resolved ("已解决"): it was never answered.
    [f] = _findings(sh(2025, 5, 30, 11))  # older than max_age_days (30)
    assert f.dedup_key == "unanswered_question:weibo:C1"
    assert (f.severity, f.data["closed_as"], f.data["closure"]) == (
        "overdue",
        "expired",
        "逾期未答复（已过追踪期）",
    )
    assert f.data["closed_at"] == (FRIDAY_10 + pd.Timedelta(days=30)).to_pydatetime()
    assert "逾期未答复（已过追踪期）" in f.summary and "第十六条" in f.summary
    # Waited until tracking ended (14 March → 13 April), not until the analysis ran.
    assert f.data["waited_workdays"] == CAL.workdays_between(
        dt.date(2025, 3, 14), dt.date(2025, 4, 13)
    )
    assert "closed_as" not in _findings(sh(2025, 4, 10, 11))[0].data  # still tracked


def test_a_deleted_official_reply_answers_nothing() -> None:
    reply = {"is_official": True, "root_platform_id": "C1"}
    rows = [
        comment("C1", "请问G2通了吗", FRIDAY_10),
        comment("C2", "已恢复通行", sh(2025, 3, 14, 11), **reply, deleted_at=sh(2025, 3, 15, 9)),
    ]
    assert answers_of(rows, {"C1"})["answered_at"].isna().all()
    rows[1]["deleted_at"] = pd.NaT
    assert answers_of(rows, {"C1"}).loc[0, "answered_at"] == sh(2025, 3, 14, 11)


def _deleted_question(deleted_at: pd.Timestamp, now: pd.Timestamp) -> list[Any]:
    rows = [comment("C1", "请问G2今天通行了吗", FRIDAY_10, deleted_at=deleted_at)]
    return unanswered_questions(
        answers_of(rows, {"C1"}),
        POSTS,
        ACCOUNTS,
        now=now.to_pydatetime(),
        calendar=CAL,
        settings=QuestionsSettings(),
    )


def test_a_deleted_question_closes_as_deleted_by_its_author() -> None:
    [f] = _deleted_question(sh(2025, 3, 18, 9), now=sh(2025, 3, 19, 11))
    assert (f.data["closed_as"], f.data["closure"]) == ("deleted", "网民已删除")
    assert f.severity == "warning"  # its clock stopped on Tuesday, before it was overdue
    assert f.data["closed_at"] == sh(2025, 3, 18, 9).to_pydatetime()
    assert "网民已删除" in f.summary
    # Deleted before it was even due: nothing to report.
    assert _deleted_question(sh(2025, 3, 14, 12), now=sh(2025, 3, 19, 11)) == []


def test_deadlines_skip_holidays() -> None:
    # Asked on 2025-09-30 (Tuesday) before the National Day holiday: one working day later is
    # 2025-10-09 (the holiday runs 1–8 October).
    start = pd.Series([sh(2025, 9, 30, 15)])
    assert add_workdays_at(start, 1, CAL).iloc[0] == sh(2025, 10, 9, 15)


def test_vector_working_hours_match_the_calendar() -> None:
    starts = [sh(2025, 3, 14, 18), sh(2025, 9, 30, 22), sh(2025, 3, 17, 9)]
    ends = [sh(2025, 3, 17, 8), sh(2025, 10, 9, 2), sh(2025, 3, 17, 8)]
    got = working_hours(pd.Series(starts), pd.Series(ends), CAL)
    for g, s, e in zip(got, starts, ends, strict=True):
        assert g == pytest.approx(CAL.working_hours_between(s.to_pydatetime(), e.to_pydatetime()))


def test_settings_refuse_overdue_before_warning() -> None:
    with pytest.raises(ValueError, match="overdue_after_workdays 不能小于"):
        QuestionsSettings(warn_after_workdays=3, overdue_after_workdays=1)
