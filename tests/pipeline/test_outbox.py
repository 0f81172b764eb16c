"""The outbox sender against real local servers: aiosmtpd for mail, the fake WeCom bot.

SMTP down → deliveries stay pending → server back → each delivered exactly once; interrupted
sends are taken back after their claim; failures are recorded with their reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fakes.bots import FakeBot
from fakes.smtp import SMTPServer
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from alerts import ChannelContext
from analysis.findings import Finding, make_key
from monitor.db.engine import make_engine
from monitor.db.models import Delivery, Unit
from monitor.pipeline.alerts import run_check
from monitor.pipeline.outbox import _claim, outbox_overview, recover_interrupted, send_due
from monitor.settings import Settings, settings_from_dict
from monitor.store.findings import save_findings

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI).astimezone(dt.UTC)
KEY = "outbox-test-key-0001"


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.wall = start
        self.mono = 1000.0

    def __call__(self) -> dt.datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.wall += dt.timedelta(seconds=seconds)
        self.mono += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def context(clock: Clock) -> ChannelContext:
    return ChannelContext(now=clock, clock=clock.monotonic, sleep=clock.sleep, timeout=5.0)


def finding(unit: str, account: str) -> Finding:
    return Finding(
        rule="stale_account",
        article="第十二条",
        subject_type="account",
        subject_key=account,
        dedup_key=make_key("stale_account", account),
        severity="warning",
        summary="超过一个月未更新（第十二条）",
        unit=unit,
        account=account,
    )


def seed(sessions: sessionmaker[Session], units: dict[str, dict[str, Any]]) -> None:
    """Units (with contacts) under 厅办公室, each with one open finding."""
    with sessions.begin() as session:
        top = Unit(name="厅办公室")
        session.add(top)
        for name, contacts in units.items():
            session.add(Unit(name=name, parent=top, **contacts))
        session.flush()
        save_findings(
            session, [finding(n, f"rss:{i}") for i, n in enumerate(units)], NOW, index=None
        )


def rows(sessions: sessionmaker[Session]) -> list[Delivery]:
    with sessions() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def alerts_settings(**alerts: Any) -> Settings:
    return settings_from_dict(
        {"alerts": {"quiet_start": "00:00:00", "quiet_end": "00:00:00", **alerts}}
    )


def test_smtp_down_then_back_delivers_each_message_exactly_once(
    db_sessions: sessionmaker[Session], db_engine: Engine, clock: Clock, context: ChannelContext
) -> None:
    server = SMTPServer()  # its port is reserved, but nothing listens yet: the server is down
    settings = alerts_settings(
        channels={"mail": f"smtp://127.0.0.1:{server.port}?security=none&from=govmon@example.org"},
        email_channel="mail",
    )
    seed(
        db_sessions,
        {
            "高速公路管理局": {"emails": ["gs@example.org"]},
            "港航局": {"emails": ["gh@example.org"]},
        },
    )
    run_check(db_engine, settings, clock=clock)
    assert len(rows(db_sessions)) == 2

    down = send_due(db_engine, settings, clock=clock, context=context)
    assert (down.due, down.sent, down.retry) == (2, 0, 2)
    for row in rows(db_sessions):
        assert row.status == "pending" and row.attempts == 1
        assert "无法连接邮件服务器" in row.last_error
        assert row.next_attempt_at == NOW + dt.timedelta(seconds=60)
    assert send_due(db_engine, settings, clock=clock, context=context).due == 0  # not yet due

    with server:
        clock.advance(61)
        back = send_due(db_engine, settings, clock=clock, context=context)
        assert (back.due, back.sent) == (2, 2)
        clock.advance(86400)
        assert send_due(db_engine, settings, clock=clock, context=context).due == 0
        assert sorted(m.recipients[0] for m in server.messages) == [
            "gh@example.org",
            "gs@example.org",
        ]
    for row in rows(db_sessions):
        assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
        assert row.sent_at == NOW + dt.timedelta(seconds=61)


def test_a_restart_sends_what_was_written_and_never_what_was_sent(
    db_url: str,
    db_engine: Engine,
    db_sessions: sessionmaker[Session],
    clock: Clock,
    context: ChannelContext,
) -> None:
    settings = alerts_settings()
    seed(db_sessions, {"高速公路管理局": {"wecom_webhook": f"wecom://{KEY}"}})
    with FakeBot("wecom", KEY, clock=clock.monotonic) as bot:
        hook = f"wecom://{KEY}?base={bot.base}"
        with db_sessions.begin() as session:
            session.scalars(
                select(Unit).where(Unit.name == "高速公路管理局")
            ).one().wecom_webhook = hook
        run_check(db_engine, settings, clock=clock)  # written; the process "dies" here
        db_engine.dispose()

        restarted = make_engine(db_url)
        try:
            assert send_due(restarted, settings, clock=clock, context=context).sent == 1
            assert len(bot.accepted) == 1
            restarted.dispose()
            again = make_engine(db_url)
            clock.advance(3600)
            assert send_due(again, settings, clock=clock, context=context).due == 0
            again.dispose()
        finally:
            restarted.dispose()
        assert len(bot.accepted) == 1
    (row,) = rows(db_sessions)
    assert row.channel_ref == "registry:高速公路管理局" and KEY not in repr(vars(row))


def test_an_interrupted_send_is_taken_back_after_its_claim(
    db_engine: Engine, db_sessions: sessionmaker[Session], clock: Clock, tmp_path: Path
) -> None:
    settings = alerts_settings(outbox_dir=str(tmp_path / "outbox"))
    seed(db_sessions, {"港航局": {}})
    run_check(db_engine, settings, clock=clock)
    (row,) = rows(db_sessions)
    # A sender claimed the row and died before recording anything.
    assert _claim(db_engine, row.id, 0, NOW, NOW + dt.timedelta(seconds=900))
    assert not _claim(db_engine, row.id, 0, NOW, NOW + dt.timedelta(seconds=900))  # only once
    assert send_due(db_engine, settings, clock=clock).due == 0  # still claimed
    clock.advance(900)
    summary = send_due(db_engine, settings, clock=clock)
    assert (summary.recovered, summary.sent) == (1, 1)
    (row,) = rows(db_sessions)
    assert (row.status, row.attempts) == ("sent", 2)
    assert [p.name for p in (tmp_path / "outbox").glob("*.md")] == [f"{row.id}.md"]


def test_transient_failures_end_as_failed_with_the_reason(
    db_engine: Engine, db_sessions: sessionmaker[Session], clock: Clock, context: ChannelContext
) -> None:
    settings = alerts_settings(max_attempts=3, backoff_seconds=10, backoff_max_seconds=15)
    seed(db_sessions, {"高速公路管理局": {}})
    with FakeBot("wecom", KEY, clock=clock.monotonic) as bot:
        with db_sessions.begin() as session:
            unit = session.scalars(select(Unit).where(Unit.name == "高速公路管理局")).one()
            unit.wecom_webhook = f"wecom://{KEY}?base={bot.base}"
        run_check(db_engine, settings, clock=clock)
        bot.mode = "status:503"
        waits = []
        for _ in range(3):
            summary = send_due(db_engine, settings, clock=clock, context=context)
            assert summary.due == 1
            (row,) = rows(db_sessions)
            if row.next_attempt_at is not None:
                waits.append((row.next_attempt_at - clock()).total_seconds())
                clock.advance(waits[-1])
    assert waits == [10, 15]  # doubled, capped
    assert summary.failed == 1
    (row,) = rows(db_sessions)
    assert row.status == "failed" and row.attempts == 3
    assert row.last_error == "已尝试 3 次仍未成功：企业微信机器人服务端错误（HTTP 503）"
    with db_sessions() as session:
        overview = outbox_overview(session)
    assert overview.counts == {"failed": 1}
    assert [f.last_error for f in overview.failed] == [row.last_error]


def test_a_final_answer_fails_at_once(
    db_engine: Engine, db_sessions: sessionmaker[Session], clock: Clock, context: ChannelContext
) -> None:
    settings = alerts_settings()
    seed(db_sessions, {"高速公路管理局": {}})
    with FakeBot("wecom", KEY, clock=clock.monotonic) as bot:
        with db_sessions.begin() as session:
            unit = session.scalars(select(Unit).where(Unit.name == "高速公路管理局")).one()
            unit.wecom_webhook = f"wecom://{KEY}?base={bot.base}"
        run_check(db_engine, settings, clock=clock)
        bot.mode = "errcode:93000"  # the fake echoes the key in errmsg: it must not be stored
        summary = send_due(db_engine, settings, clock=clock, context=context)
    assert summary.failed == 1
    (row,) = rows(db_sessions)
    assert row.status == "failed" and row.attempts == 1 and "93000" in row.last_error
    assert KEY not in repr(vars(row))


def test_a_channel_removed_from_the_settings_fails_with_its_name(
    db_engine: Engine, db_sessions: sessionmaker[Session], clock: Clock, tmp_path: Path
) -> None:
    before = alerts_settings(
        channels={"office": f"file://{tmp_path / 'office'}"},
        unit_channels={"港航局": ["office"]},
    )
    seed(db_sessions, {"港航局": {}})
    run_check(db_engine, before, clock=clock)
    send_due(db_engine, alerts_settings(), clock=clock)
    (row,) = rows(db_sessions)
    assert row.status == "failed" and "设置中没有名为 office 的渠道" in row.last_error


def test_a_split_bot_message_resumes_after_the_parts_accepted(
    db_engine: Engine, db_sessions: sessionmaker[Session], clock: Clock, context: ChannelContext
) -> None:
    """A long message is split; when the bot refuses a part, the retry sends only the rest."""
    settings = alerts_settings()
    with FakeBot("wecom", KEY, clock=clock.monotonic) as bot:
        with db_sessions.begin() as session:
            session.add(
                Unit(name="厅办公室", wecom_webhook=f"wecom://{KEY}?base={bot.base}&format=text")
            )
            session.flush()
            # findings of units not in the registry go to the top unit: one long message
            save_findings(
                session, [finding(f"未登记单位{i:02d}", f"rss:{i}") for i in range(40)], NOW
            )
        run_check(db_engine, settings, clock=clock)
        original: Callable[..., Any] = bot._wecom

        def refuse_after_first(*args: Any) -> Any:
            answer = original(*args)
            bot.mode = "errcode:45009"  # the next part is refused as rate limited
            return answer

        bot._wecom = refuse_after_first  # type: ignore[method-assign]
        first = send_due(db_engine, settings, clock=clock, context=context)
        assert first.retry == 1
        (row,) = rows(db_sessions)
        assert row.payload["parts_sent"] == 1 and "45009" in row.last_error
        assert KEY not in row.last_error
        bot._wecom = original  # type: ignore[method-assign]
        bot.mode = "normal"
        clock.advance(3600)
        assert send_due(db_engine, settings, clock=clock, context=context).sent == 1
    texts = [p["text"]["content"] for p in bot.accepted]
    assert len(texts) >= 3
    assert len(set(texts)) == len(texts)  # no part twice
    assert all(len(t.encode()) <= 2048 for t in texts)


def test_a_message_that_keeps_interrupting_the_sender_fails_in_the_end(
    db_engine: Engine, db_sessions: sessionmaker[Session], clock: Clock, tmp_path: Path
) -> None:
    settings = alerts_settings(outbox_dir=str(tmp_path / "outbox"), max_attempts=2)
    seed(db_sessions, {"港航局": {}})
    run_check(db_engine, settings, clock=clock)
    (row,) = rows(db_sessions)
    minute = dt.timedelta(seconds=60)
    assert _claim(db_engine, row.id, 0, clock(), clock() + minute)  # the sender dies
    clock.advance(60)
    assert recover_interrupted(db_engine, settings, clock()) == 1  # one attempt counted
    assert _claim(db_engine, row.id, 1, clock(), clock() + minute)  # and dies again
    clock.advance(60)
    summary = send_due(db_engine, settings, clock=clock)
    assert (summary.recovered, summary.due) == (1, 0)
    (row,) = rows(db_sessions)
    assert (row.status, row.attempts) == ("failed", 2)
    assert row.last_error.startswith("已尝试 2 次仍未成功：上次发送时程序中断")
    assert not (tmp_path / "outbox").exists()
