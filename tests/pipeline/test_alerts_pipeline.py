"""Alert evaluation against the database: dedup, re-send, resolution, escalation, quiet hours.

The clock is frozen: each run is given its own instant. Everything goes to the file outbox
(the default channel), so the tests need no server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from analysis.findings import Finding, make_key
from monitor.db.models import Account, Alert, Delivery, Unit
from monitor.pipeline.alerts import CheckSummary, acknowledge_alert, run_check
from monitor.pipeline.outbox import send_due
from monitor.settings import Settings, settings_from_dict
from monitor.store.findings import resolve_absent, save_findings

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)  # an ordinary working Monday


def at(value: dt.datetime) -> Callable[[], dt.datetime]:
    return lambda: value.astimezone(dt.UTC)


def stale(account: str = "weibo:1", unit: str = "城东收费站", severity: str = "warning") -> Finding:
    return Finding(
        rule="stale_account",
        article="第十二条",
        subject_type="account",
        subject_key=account,
        dedup_key=make_key("stale_account", account),
        severity=severity,  # type: ignore[arg-type]
        summary="超过一个月未更新（第十二条）",
        unit=unit,
        account=account,
    )


def harmful(account: str = "weibo:1", unit: str = "城东收费站") -> Finding:
    return Finding(
        rule="harmful_comment",
        article="第二十五条",
        subject_type="comment",
        subject_key="weibo:c1",
        dedup_key=make_key("harmful_comment", "weibo:c1"),
        severity="critical",
        summary="评论区出现有害信息（第二十五条）",
        unit=unit,
        account=account,
    )


def make_settings(tmp_path: Path, **alerts: Any) -> Settings:
    return settings_from_dict({"alerts": {"outbox_dir": str(tmp_path / "outbox"), **alerts}})


@pytest.fixture
def sessions(db_sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """厅办公室 → 高速公路管理局 → 城东收费站, one account each below the top."""
    with db_sessions.begin() as session:
        top = Unit(name="厅办公室")
        bureau = Unit(name="高速公路管理局", parent=top)
        station = Unit(name="城东收费站", parent=bureau)
        session.add_all([top, bureau, station])
        session.flush()
        session.add_all(
            [
                Account(unit=station, platform="weibo", platform_id="1", name="城东收费站微博"),
                Account(unit=bureau, platform="weibo", platform_id="2", name="高速公路微博"),
            ]
        )
    return db_sessions


def check(engine: Engine, settings: Settings, **options: Any) -> CheckSummary:
    """``run_check`` just after a collection that read every account: the units' silence is
    seen, so it escalates (an account that cannot be read is held back: STYLE 18,
    test_unseen_alert_not_escalated.py)."""
    now = options["clock"]()
    with engine.begin() as conn:
        conn.execute(Account.__table__.update().values(last_collected_at=now))
    return run_check(engine, settings, **options)


def store(sessions: sessionmaker[Session], findings: list[Finding], now: dt.datetime) -> None:
    with sessions.begin() as session:
        save_findings(session, findings, now.astimezone(dt.UTC))


def resolve(sessions: sessionmaker[Session], rule: str, now: dt.datetime) -> None:
    with sessions.begin() as session:
        resolve_absent(session, [rule], (), now.astimezone(dt.UTC))


def deliveries(sessions: sessionmaker[Session]) -> list[Delivery]:
    with sessions() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def alerts(sessions: sessionmaker[Session]) -> list[Alert]:
    with sessions() as session:
        return list(session.scalars(select(Alert).order_by(Alert.id)))


def test_an_alert_opens_once_across_runs(
    sessions: sessionmaker[Session], db_engine: Engine, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path)
    store(sessions, [stale()], MONDAY)
    first = check(db_engine, settings, clock=at(MONDAY))
    assert first.actions["open"] == 1
    (delivery,) = deliveries(sessions)
    assert delivery.kind == "alert"
    assert delivery.channel_ref == "settings:outbox"
    assert delivery.recipient.startswith("城东收费站")
    assert delivery.status == "pending" and delivery.next_attempt_at is None
    assert "长期未更新" in delivery.payload["text"] and "第十二条" in delivery.payload["text"]
    assert delivery.payload["key"] == str(delivery.id)
    (alert,) = alerts(sessions)
    assert delivery.alert_ids == [alert.id]
    assert (alert.state, alert.send_count, alert.escalation_level) == ("open", 1, 0)

    # The finding is found again by the next analysis: the same alert, no new message.
    store(sessions, [stale()], MONDAY + dt.timedelta(hours=2))
    again = check(db_engine, settings, clock=at(MONDAY + dt.timedelta(hours=2)))
    assert again.actions == {"keep": 1} and again.deliveries == []
    assert len(alerts(sessions)) == 1 and len(deliveries(sessions)) == 1


def test_an_open_alert_is_sent_again_after_the_interval(
    sessions: sessionmaker[Session], db_engine: Engine, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, resend_interval_workdays=3)
    store(sessions, [stale(severity="info")], MONDAY)  # info never escalates
    check(db_engine, settings, clock=at(MONDAY))
    wednesday = MONDAY + dt.timedelta(days=2)
    assert check(db_engine, settings, clock=at(wednesday)).actions == {"keep": 1}
    thursday = MONDAY + dt.timedelta(days=3)  # three working days after Monday
    summary = check(db_engine, settings, clock=at(thursday))
    assert summary.actions == {"resend": 1}
    assert [d.kind for d in deliveries(sessions)] == ["alert", "alert"]
    assert "提醒" in deliveries(sessions)[1].payload["text"]
    (alert,) = alerts(sessions)
    assert alert.send_count == 2 and alert.last_sent_at == thursday.astimezone(dt.UTC)


def test_a_resolved_finding_resolves_its_alert_and_says_so_once(
    sessions: sessionmaker[Session], db_engine: Engine, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path)
    store(sessions, [stale()], MONDAY)
    check(db_engine, settings, clock=at(MONDAY))
    later = MONDAY + dt.timedelta(hours=5)
    resolve(sessions, "stale_account", later)
    summary = check(db_engine, settings, clock=at(later))
    assert summary.actions == {"resolve": 1}
    resolution = deliveries(sessions)[-1]
    assert resolution.kind == "resolution" and "已解决" in resolution.payload["text"]
    (alert,) = alerts(sessions)
    assert alert.state == "resolved" and alert.resolution_reported_at is not None
    assert check(db_engine, settings, clock=at(later + dt.timedelta(days=7))).deliveries == []
    assert len(deliveries(sessions)) == 2

    # Back again: the same alert row reopens and is announced anew.
    store(sessions, [stale()], later + dt.timedelta(days=8))
    back = check(db_engine, settings, clock=at(later + dt.timedelta(days=8)))
    assert back.actions == {"reopen": 1}
    assert [a.state for a in alerts(sessions)] == ["open"]


def test_only_rules_that_ran_can_resolve(
    sessions: sessionmaker[Session], db_engine: Engine, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path)
    store(sessions, [stale()], MONDAY)
    check(db_engine, settings, clock=at(MONDAY))
    resolve(sessions, "stale_account", MONDAY)
    summary = check(db_engine, settings, clock=at(MONDAY), evaluated_rules={"harmful_comment"})
    assert summary.actions == {} and [a.state for a in alerts(sessions)] == ["open"]


def test_escalation_after_working_days_across_national_day(
    sessions: sessionmaker[Session], db_engine: Engine, tmp_path: Path
) -> None:
    """Overdue escalates after 3 working days: opened on 30 September 2026, the holiday runs
    1–7 October, so the third working day is Saturday 10 October (a make-up workday)."""
    settings = make_settings(tmp_path, escalation_workdays={"overdue": 3})
    opened = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    store(sessions, [stale(severity="overdue")], opened)
    check(db_engine, settings, clock=at(opened))
    for day in (dt.datetime(2026, 10, 7, 12, 0, tzinfo=SHANGHAI), opened.replace(month=10, day=9)):
        assert check(db_engine, settings, clock=at(day)).actions == {"keep": 1}
    tenth = dt.datetime(2026, 10, 10, 10, 0, tzinfo=SHANGHAI)
    summary = check(db_engine, settings, clock=at(tenth))
    assert summary.actions == {"escalate": 1}
    (alert,) = alerts(sessions)
    assert alert.escalation_level == 1
    latest = [d for d in deliveries(sessions) if d.created_at == tenth.astimezone(dt.UTC)]
    assert sorted(d.recipient.split(" ")[0] for d in latest) == ["城东收费站", "高速公路管理局"]
    assert all("高速公路管理局" in d.payload["text"] for d in latest)  # the level is shown


def test_quiet_hours_hold_ordinary_alerts_and_send_urgent_ones_at_once(
    sessions: sessionmaker[Session], db_engine: Engine, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path)  # quiet 22:00–07:00 Beijing time by default
    night = dt.datetime(2026, 3, 2, 23, 0, tzinfo=SHANGHAI)
    store(sessions, [stale(), harmful()], night)
    check(db_engine, settings, clock=at(night))
    urgent, waiting = deliveries(sessions)
    assert urgent.next_attempt_at is None and "有害信息" in urgent.payload["text"]
    morning = dt.datetime(2026, 3, 3, 7, 0, tzinfo=SHANGHAI)
    assert waiting.next_attempt_at == morning.astimezone(dt.UTC)
    assert "有害信息" not in waiting.payload["text"]

    assert send_due(db_engine, settings, clock=at(night)).sent == 1
    assert len(list((tmp_path / "outbox").glob("*.md"))) == 1
    assert send_due(db_engine, settings, clock=at(morning - dt.timedelta(minutes=1))).due == 0
    assert send_due(db_engine, settings, clock=at(morning)).sent == 1
    assert [d.status for d in deliveries(sessions)] == ["sent", "sent"]


def test_acknowledged_alerts_stop_reminding_but_are_still_resolved(
    sessions: sessionmaker[Session], db_engine: Engine, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path)
    store(sessions, [stale()], MONDAY)
    check(db_engine, settings, clock=at(MONDAY))
    (alert,) = alerts(sessions)
    result = acknowledge_alert(db_engine, alert.id, MONDAY.astimezone(dt.UTC), "张三")
    assert result is not None and result.before == "open"
    assert result.state.state == "acknowledged" and result.state.acknowledged_by == "张三"
    assert acknowledge_alert(db_engine, alert.id + 99, MONDAY.astimezone(dt.UTC)) is None

    next_week = MONDAY + dt.timedelta(days=14)
    assert check(db_engine, settings, clock=at(next_week)).actions == {"keep": 1}
    assert len(deliveries(sessions)) == 1
    resolve(sessions, "stale_account", next_week)
    assert check(db_engine, settings, clock=at(next_week)).actions == {"resolve": 1}
    assert deliveries(sessions)[-1].kind == "resolution"


def test_a_rule_switched_off_closes_its_alerts_silently(
    sessions: sessionmaker[Session], db_engine: Engine, tmp_path: Path
) -> None:
    store(sessions, [stale()], MONDAY)
    check(db_engine, make_settings(tmp_path), clock=at(MONDAY))
    off = make_settings(tmp_path, rules={"stale_account": {"enabled": False}})
    summary = check(db_engine, off, clock=at(MONDAY + dt.timedelta(hours=1)))
    assert summary.actions == {"silence": 1} and summary.deliveries == []
    assert [a.state for a in alerts(sessions)] == ["resolved"]


def test_dry_run_writes_nothing(
    sessions: sessionmaker[Session], db_engine: Engine, tmp_path: Path
) -> None:
    store(sessions, [stale(), harmful()], MONDAY)
    summary = check(db_engine, make_settings(tmp_path), clock=at(MONDAY), dry_run=True)
    assert summary.dry_run and summary.actions == {"open": 2}
    (planned,) = summary.deliveries
    assert planned.delivery_id is None and planned.items == 2 and planned.urgent
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Alert)) == 0
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_unknown_unit_goes_to_the_top_unit_and_accounts_are_named(
    sessions: sessionmaker[Session], db_engine: Engine, tmp_path: Path
) -> None:
    store(
        sessions,
        [stale(account="weibo:2", unit="高速公路管理局"), stale("rss:x", "无名单位")],
        MONDAY,
    )
    check(db_engine, make_settings(tmp_path), clock=at(MONDAY))
    by_unit = {d.recipient.split(" ")[0]: d for d in deliveries(sessions)}
    assert set(by_unit) == {"高速公路管理局", "厅办公室"}
    assert "高速公路微博" in by_unit["高速公路管理局"].payload["text"]


def test_routes_name_channels_without_their_secrets(
    sessions: sessionmaker[Session],
    db_engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = "pipeline-secret-key-4242"
    monkeypatch.setenv("GOVMON_TEST_OFFICE_BOT", f"wecom://{key}")
    settings = settings_from_dict(
        {
            "alerts": {
                "channels": {"office": {"env": "GOVMON_TEST_OFFICE_BOT"}},
                "unit_channels": {"城东收费站": ["office"]},
                "wecom_mentions": {"城东收费站": ["zhangsan"]},
            }
        }
    )
    with sessions.begin() as session:
        unit = session.scalars(select(Unit).where(Unit.name == "高速公路管理局")).one()
        unit.wecom_webhook = "wecom://registry-secret-key-4242"
    store(sessions, [stale(), stale(account="weibo:2", unit="高速公路管理局")], MONDAY)
    check(db_engine, settings, clock=at(MONDAY))
    rows = {d.channel_ref: d for d in deliveries(sessions)}
    assert set(rows) == {"settings:office", "registry:高速公路管理局"}
    assert rows["settings:office"].channel_display == "wecom://***"
    assert rows["settings:office"].payload["mentions"] == ["zhangsan"]
    for row in rows.values():
        dumped = repr(vars(row))
        assert key not in dumped and "registry-secret-key-4242" not in dumped


def test_alerts_switched_off_evaluate_nothing(
    sessions: sessionmaker[Session], db_engine: Engine, tmp_path: Path
) -> None:
    store(sessions, [stale()], MONDAY)
    summary = check(db_engine, make_settings(tmp_path, enabled=False), clock=at(MONDAY))
    assert summary.actions == {} and alerts(sessions) == [] and deliveries(sessions) == []
