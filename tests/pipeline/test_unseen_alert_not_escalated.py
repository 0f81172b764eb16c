"""STYLE 18 in the alerts check: while an account cannot be read, the silence finding the
analysis carries for it (长期未更新 here) is not escalated, nor re-sent, as if the unit were
ignoring it: govmon cannot see whether the unit acted. Once the account is read again,
escalation goes on by the working days open, as before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.policy import unseen_reason
from collectors.fakeplatform import FakeContent, FakePlatform
from collectors.fakeplatform.content import account_from_dict
from collectors.fakeplatform.faults import Fault
from monitor.db.models import Account, Alert, Delivery, FindingRow, Unit
from monitor.pipeline.alerts import CheckSummary, run_check
from monitor.pipeline.analyze import analyze
from monitor.pipeline.collect import run_collection
from monitor.settings import Settings, settings_from_dict

UID = "1000000001"
STALE = f"stale_account:weibo:{UID}"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
OPENED = dt.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)  # a Thursday
# Working days at 10:00 in Shanghai while the platform is down: the alert (逾期, escalated
# after 3 working days, re-sent every 3) would be escalated from Tuesday 12-01 on if govmon
# took the silence it cannot see for the unit's.
DOWN = [OPENED + dt.timedelta(days=d) for d in (1, 4, 5, 6, 7, 8)]
BACK = OPENED + dt.timedelta(days=11)  # Monday 12-07: read again


class Clock:
    def __init__(self) -> None:
        self.at = OPENED

    def __call__(self) -> dt.datetime:
        return self.at.astimezone(dt.UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakePlatform]:
    content = FakeContent()
    content.add(account_from_dict({"platform": "weibo", "id": UID, "name": "江东高速"}))
    with FakePlatform(content, clock=clock) as server:
        yield server


def _settings(fake: FakePlatform, tmp_path: Path) -> Settings:
    return settings_from_dict(
        {
            "general": {"data_dir": str(tmp_path / "data")},
            "sentiment": {"enabled": False},
            "collectors": {
                "per_host_min_interval_seconds": 0,
                "retry_attempts": 0,
                "weibo": {"base_url": fake.url},
            },
        }
    )


def _register(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        unit = Unit(name="江东高速公路管理处", head="甲", deputy="乙", editor="丙")
        opened = dt.date(2026, 1, 2)  # never posted since: 长期未更新
        session.add(
            Account(
                unit=unit,
                platform="weibo",
                platform_id=UID,
                name="江东高速",
                opened_on=opened,
                filed_on=opened,
                staff="丁",
            )
        )


def _day(engine: Engine, settings: Settings, clock: Clock) -> CheckSummary:
    """What the daemon does in a day: collect, analyze, check the alerts."""
    run_collection(engine, settings, clock=clock)
    analyze(engine, settings, clock=clock)
    return run_check(engine, settings, clock=clock)


def _stale_alert(sessions: sessionmaker[Session]) -> Alert:
    with sessions() as session:
        return session.scalars(
            select(Alert).join(FindingRow).where(FindingRow.dedup_key == STALE)
        ).one()


def _told(sessions: sessionmaker[Session], alert_id: int) -> int:
    """How many outbox messages name the alert."""
    with sessions() as session:
        return sum(alert_id in d.alert_ids for d in session.scalars(select(Delivery)))


def test_an_unreadable_account_s_silence_alert_waits_until_it_can_be_read(
    db_engine: Engine,
    db_sessions: sessionmaker[Session],
    fake: FakePlatform,
    clock: Clock,
    tmp_path: Path,
) -> None:
    settings = _settings(fake, tmp_path)
    _register(db_sessions)
    _day(db_engine, settings, clock)
    opened = _stale_alert(db_sessions)
    assert (opened.state, opened.severity, opened.escalation_level) == ("open", "overdue", 0)
    assert _told(db_sessions, opened.id) == 1

    fake.inject("/api/container/getIndex", Fault("status", status=503, times=None))
    for day in DOWN:
        clock.at = day
        _day(db_engine, settings, clock)
        alert = _stale_alert(db_sessions)
        assert (alert.escalation_level, alert.send_count) == (0, 1), day  # as opened
    assert _told(db_sessions, opened.id) == 1
    with db_sessions() as session:  # still carried, and the operator knows why
        open_rules = set(session.scalars(select(FindingRow.rule).where(FindingRow.state == "open")))
    assert {"stale_account", "collection_failing"} <= open_rules

    fake.clear_faults()
    clock.at = BACK
    _day(db_engine, settings, clock)
    alert = _stale_alert(db_sessions)
    assert alert.escalation_level == 1  # 7 working days open: escalated, as before
    assert _told(db_sessions, opened.id) == 1 + 2  # now to the unit and to 厅办公室


def test_the_reason_kept_in_the_log_cites_the_rule_in_words() -> None:
    reason = unseen_reason("stale_account")
    assert "长期未更新（第十二条）" in reason and "账号采集失败" in reason
    assert "stale_account" not in reason
