"""Questions judged on what was actually seen: collection → storage → analysis → alerts.

The fake platform and govmon share one movable clock; each test walks it day by day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from testkit.collecting import weibo_settings

from collectors.fakeplatform import FakeContent, FakePlatform
from collectors.fakeplatform.content import FakeAccount, FakeComment, FakePost
from monitor.db.models import Account, Alert, Comment, Delivery, FindingRow, Unit
from monitor.pipeline.alerts import run_check
from monitor.pipeline.analyze import analyze
from monitor.pipeline.collect import run_collection
from monitor.settings import Settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
UID = "1000000501"
POST = "5000000000005011"
QUESTION = "6000000000005011"
REPLY = "6000000000005012"


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(dt.UTC)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def _iso(when: dt.datetime) -> str:
    return when.isoformat()


def _account(posts: list[FakePost]) -> FakeContent:
    content = FakeContent()
    content.add(FakeAccount("weibo", UID, "示例市交通运输局", posts=posts))
    return content


@pytest.fixture
def clock() -> Clock:
    return Clock(local(2025, 9, 30, 12))


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakePlatform]:
    with FakePlatform(FakeContent(), clock=clock) as server:
        yield server


@pytest.fixture
def sessions(db_sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with db_sessions.begin() as session:
        unit = Unit(name="示例市交通运输局")
        session.add(Account(unit=unit, platform="weibo", platform_id=UID, name="示例市交通运输局"))
    return db_sessions


def _settings(fake: FakePlatform, tmp_path: Path) -> Settings:
    return weibo_settings(
        fake,
        sentiment={"enabled": False},
        topics={"enabled": False},
        rumours={"enabled": False},
        alerts={"outbox_dir": str(tmp_path / "outbox")},
    )


def _questions(sessions: sessionmaker[Session]) -> list[FindingRow]:
    with sessions() as session:
        return list(
            session.scalars(
                select(FindingRow)
                .where(FindingRow.rule == "unanswered_question")
                .order_by(FindingRow.id)
            )
        )


def _comment_reads(fake: FakePlatform) -> list[str]:
    """Posts whose comments were read (in either order the platform offers)."""
    paths = ("/api/comments/show", "/comments/hotflow")
    return list(dict.fromkeys(r.query["id"] for r in fake.requests() if r.path in paths))


def test_an_answer_given_in_golden_week_closes_the_question(
    sessions: sessionmaker[Session], fake: FakePlatform, clock: Clock, tmp_path: Path
) -> None:
    """2025: 10-01..10-08 are holidays. The question of 09-30 is answered on 10-08, before its
    first working day (10-09) ends, though the post is by then past comment_refetch_days."""
    question = FakeComment(
        QUESTION, "42", "网友甲", "请问国庆期间 G60 示例段还施工吗？", _iso(local(2025, 9, 30, 10))
    )
    post = FakePost(POST, _iso(local(2025, 9, 30, 9)), "【路况】G60 示例段施工公告。")
    post.comments.append(question)
    fake.content = _account([post])
    settings = _settings(fake, tmp_path)
    day = local(2025, 9, 30, 12)
    while day <= local(2025, 10, 13, 12):
        clock.now = day
        if day == local(2025, 10, 8, 12):
            question.replies.append(
                FakeComment(
                    REPLY,
                    UID,
                    "示例市交通运输局",
                    "回复@网友甲:国庆期间暂停施工，10月9日恢复。",
                    _iso(local(2025, 10, 8, 11)),
                )
            )
        fake.clear_log()
        assert run_collection(sessions.kw["bind"], settings, clock=clock).ok == 1
        if day == local(2025, 10, 8, 12):
            assert _comment_reads(fake) == [POST]  # past 7 days, re-read for the open question
        if day == local(2025, 10, 9, 12):
            assert _comment_reads(fake) == []  # answered: no longer followed
        analyze(sessions.kw["bind"], settings, clock=clock)
        day += dt.timedelta(days=1)
    with sessions() as session:
        stored = session.scalars(select(Comment.platform_comment_id).order_by(Comment.id))
        assert sorted(stored) == [QUESTION, REPLY]
    assert _questions(sessions) == []  # never opened: nothing to warn of or escalate


def test_a_week_old_post_seen_for_the_first_time_is_judged_on_its_comments(
    sessions: sessionmaker[Session], fake: FakePlatform, clock: Clock, tmp_path: Path
) -> None:
    clock.now = local(2026, 11, 27, 12)  # Friday
    asked = local(2026, 11, 19, 10)  # eight days ago: past comment_refetch_days (7)
    post = FakePost(POST, _iso(asked - dt.timedelta(hours=1)), "【征集】公交线网优化意见征集")
    post.comments += [
        FakeComment(
            f"60000000000060{i:02d}",
            f"7{i}",
            f"网友{i}",
            f"请问{i}路公交何时调整？",
            _iso(asked + dt.timedelta(minutes=i)),
        )
        for i in range(40)
    ]
    fake.content = _account([post])
    settings = _settings(fake, tmp_path)
    summary = run_collection(sessions.kw["bind"], settings, clock=clock)
    assert summary.comments_new == 40
    analyze(sessions.kw["bind"], settings, clock=clock)
    found = _questions(sessions)
    assert len(found) == 40 and all(f.state == "open" for f in found)


def test_a_question_past_tracking_is_closed_unanswered_never_announced_solved(
    sessions: sessionmaker[Session], fake: FakePlatform, clock: Clock, tmp_path: Path
) -> None:
    asked = local(2026, 3, 2, 10)  # a working Monday
    post = FakePost(POST, _iso(asked - dt.timedelta(hours=1)), "【路况】施工公告。")
    post.comments.append(FakeComment(QUESTION, "42", "网友甲", "请问哪天完工？", _iso(asked)))
    fake.content = _account([post])
    settings = _settings(fake, tmp_path)
    engine = sessions.kw["bind"]
    clock.now = asked + dt.timedelta(hours=2)
    run_collection(engine, settings, clock=clock)
    clock.now = asked + dt.timedelta(days=2)
    run_collection(engine, settings, clock=clock)  # read again, as the daemon does hourly
    analyze(engine, settings, clock=clock)
    run_check(engine, settings, clock=clock)
    [opened] = _questions(sessions)
    assert opened.state == "open"

    clock.now = asked + dt.timedelta(days=31)  # past max_age_days (30)
    fake.clear_log()
    run_collection(engine, settings, clock=clock)
    assert _comment_reads(fake) == []  # no longer followed
    analyze(engine, settings, clock=clock)
    [closed] = _questions(sessions)
    assert (closed.state, closed.severity) == ("closed", "overdue")
    assert closed.data["closed_as"] == "expired"
    assert closed.data["closure"] == "逾期未答复（已过追踪期）"
    assert "逾期未答复（已过追踪期）" in closed.summary
    summary = run_check(engine, settings, clock=clock)
    assert summary.actions["silence"] == 1 and summary.actions["resolve"] == 0
    with sessions() as session:
        kinds = [d.kind for d in session.scalars(select(Delivery))]
        told = [d.payload["text"] for d in session.scalars(select(Delivery))]
        assert "resolution" not in kinds
        assert not any("哪天完工" in text and "已解决" in text for text in told)
        alert = session.scalars(
            select(Alert).join(FindingRow).where(FindingRow.id == closed.id)
        ).one()
        assert alert.state == "resolved" and alert.resolution_reported_at is None

    clock.now = asked + dt.timedelta(days=60)  # out of the analysis window: stays closed
    analyze(engine, settings, clock=clock)
    assert [f.state for f in _questions(sessions)] == ["closed"]


def test_deleted_reply_answers_nothing_and_a_deleted_question_closes(
    sessions: sessionmaker[Session], fake: FakePlatform, clock: Clock, tmp_path: Path
) -> None:
    asked = local(2026, 3, 2, 10)
    reply = FakeComment(
        REPLY,
        UID,
        "示例市交通运输局",
        "回复@网友甲:周五完工。",
        _iso(asked + dt.timedelta(hours=1)),
    )
    question = FakeComment(QUESTION, "42", "网友甲", "请问哪天完工？", _iso(asked), replies=[reply])
    post = FakePost(POST, _iso(asked - dt.timedelta(hours=1)), "【路况】施工公告。")
    post.comments.append(question)
    fake.content = _account([post])
    settings = _settings(fake, tmp_path)
    engine = sessions.kw["bind"]
    clock.now = asked + dt.timedelta(hours=2)
    run_collection(engine, settings, clock=clock)
    clock.now = asked + dt.timedelta(days=2)
    analyze(engine, settings, clock=clock)
    assert _questions(sessions) == []  # answered

    question.replies.clear()  # the official reply is deleted
    run_collection(engine, settings, clock=clock)
    analyze(engine, settings, clock=clock)
    [waiting] = _questions(sessions)
    assert waiting.state == "open"

    post.comments.clear()  # then the question itself
    clock.now = asked + dt.timedelta(days=3)
    run_collection(engine, settings, clock=clock)
    analyze(engine, settings, clock=clock)
    [gone] = _questions(sessions)
    assert (gone.state, gone.data["closed_as"], gone.data["closure"]) == (
        "closed",
        "deleted",
        "网民已删除",
    )
    with sessions() as session:
        deleted = session.execute(select(Comment.platform_comment_id, Comment.deleted_at)).all()
        assert {cid for cid, at in deleted if at is not None} == {QUESTION, REPLY}
