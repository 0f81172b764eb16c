"""A message held by quiet hours is re-checked before it goes: an alert resolved overnight is
not sent as open in the morning (the delivery is cancelled with its reason, shown by
`govmon alerts list`), and the unit is not told of the resolution of a problem it never heard of.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from analysis.findings import Finding, make_key
from monitor.db.models import Alert, Delivery, Unit
from monitor.pipeline.alerts import run_check
from monitor.pipeline.outbox import send_due
from monitor.settings import Settings, settings_from_dict
from monitor.store.findings import resolve_absent, save_findings

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
EVENING = dt.datetime(2026, 3, 2, 23, 0, tzinfo=SHANGHAI).astimezone(dt.UTC)
NIGHT = EVENING + dt.timedelta(hours=3)  # 02:00
MORNING = EVENING + dt.timedelta(hours=8, minutes=5)  # 07:05, quiet hours are over
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=SHANGHAI).astimezone(dt.UTC)
UNIT = "港航局"


def _finding(account: str, summary: str) -> Finding:
    return Finding(
        rule="stale_account",
        article="第十二条",
        subject_type="account",
        subject_key=account,
        dedup_key=make_key("stale_account", account),
        severity="warning",
        summary=summary,
        unit=UNIT,
        account=account,
    )


FERRY = _finding("rss:1", "渡口公众号超过一个月未更新（第十二条）")
PORT = _finding("rss:2", "港口微博超过一个月未更新（第十二条）")


def _settings(tmp_path: Path) -> Settings:
    return settings_from_dict(
        {
            "general": {"data_dir": str(tmp_path / "data")},
            "alerts": {
                "quiet_start": "22:00",
                "quiet_end": "07:00",
                "outbox_dir": str(tmp_path / "outbox"),
            },
        }
    )


def _found(sessions: sessionmaker[Session], findings: list[Finding], now: dt.datetime) -> None:
    with sessions.begin() as session:
        if session.scalar(select(Unit.id).where(Unit.name == UNIT)) is None:
            top = Unit(name="厅办公室")
            session.add_all([top, Unit(name=UNIT, parent=top)])
            session.flush()
        save_findings(session, findings, now, index=None)
        resolve_absent(session, ["stale_account"], [f.dedup_key for f in findings], now)


def _rows(sessions: sessionmaker[Session]) -> list[Delivery]:
    with sessions() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def _sent_texts(tmp_path: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "outbox").glob("*.md"))]


def test_an_alert_resolved_overnight_is_not_sent_in_the_morning(
    db_engine: Engine,
    db_sessions: sessionmaker[Session],
    tmp_path: Path,
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
    db_url: str,
) -> None:
    settings = _settings(tmp_path)
    _found(db_sessions, [FERRY], EVENING)
    run_check(db_engine, settings, clock=lambda: EVENING)
    (held,) = _rows(db_sessions)
    assert held.next_attempt_at is not None and held.next_attempt_at > EVENING  # held
    assert send_due(db_engine, settings, clock=lambda: EVENING).due == 0

    _found(db_sessions, [], NIGHT)  # the account posted at 01:00: the finding is gone
    run_check(db_engine, settings, clock=lambda: NIGHT)

    summary = send_due(db_engine, settings, clock=lambda: MORNING)
    assert (summary.sent, summary.cancelled) == (0, 2)
    assert _sent_texts(tmp_path) == []  # nothing reached the unit
    alert_row, resolution_row = _rows(db_sessions)
    assert alert_row.status == "cancelled" and "均已解决" in alert_row.last_error
    assert resolution_row.status == "cancelled" and "此前未通知过" in resolution_row.last_error
    with db_sessions() as session:
        assert session.scalars(select(Alert.send_count)).all() == [0]  # never announced

    path = write_settings(
        f'[alerts]\noutbox_dir = "{(tmp_path / "outbox").as_posix()}"\n', db_url=db_url
    )
    listed = run_cli("alerts", "list", "--config", path, env={"COLUMNS": "200"})
    assert "已取消 2" in listed.stdout
    assert "发送前取消的消息" in listed.stdout and "均已解决" in listed.stdout


def test_a_held_message_is_rendered_again_without_what_was_resolved(
    db_engine: Engine, db_sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    settings = _settings(tmp_path)
    _found(db_sessions, [FERRY, PORT], EVENING)
    run_check(db_engine, settings, clock=lambda: EVENING)
    _found(db_sessions, [PORT], NIGHT)  # the ferry account posted overnight
    run_check(db_engine, settings, clock=lambda: NIGHT)

    summary = send_due(db_engine, settings, clock=lambda: MORNING)
    assert (summary.sent, summary.cancelled) == (1, 1)
    (text,) = _sent_texts(tmp_path)
    assert "港口微博超过一个月未更新" in text
    assert "渡口公众号" not in text
    alert_row = _rows(db_sessions)[0]
    assert alert_row.status == "sent" and "渡口公众号" not in str(alert_row.payload)


def test_a_resolution_of_an_alert_sent_earlier_still_goes(
    db_engine: Engine, db_sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    settings = _settings(tmp_path)
    _found(db_sessions, [FERRY], NOON)
    run_check(db_engine, settings, clock=lambda: NOON)
    assert send_due(db_engine, settings, clock=lambda: NOON).sent == 1  # sent at noon
    _found(db_sessions, [], NIGHT)
    run_check(db_engine, settings, clock=lambda: NIGHT)  # resolution held until morning

    summary = send_due(db_engine, settings, clock=lambda: MORNING)
    assert (summary.sent, summary.cancelled) == (1, 0)
    first, resolution = _sent_texts(tmp_path)
    assert "1 项已解决" in resolution and "渡口公众号" in first
