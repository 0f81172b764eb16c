"""STYLE 18 for 谣言未澄清: when the accounts that could clarify a rumour could not be read,
govmon cannot know whether a clarification was posted. The finding is then neither fired new
nor resolved: it is carried as it was, as the silence rules are (the fake platform down for
the unit's accounts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from testkit.collecting import weibo_settings

from analysis.digest_model import UNREAD_RUMOUR
from collectors.fakeplatform import FakeContent, FakePlatform
from collectors.fakeplatform.content import account_from_dict
from collectors.fakeplatform.faults import Fault
from monitor.db.models import Account, Alert, Delivery, FindingRow, Unit
from monitor.pipeline.alerts import run_check
from monitor.pipeline.analyze import analyze
from monitor.pipeline.collect import run_collection
from monitor.pipeline.digest import run_digest
from monitor.settings import Settings

T0 = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)  # Wednesday 10:00 in Shanghai
UID = "1000000001"
CLAIM = [
    "网传沈海高速江州收费站明天起全部封闭，是真的吗？",
    "听说沈海高速江州收费站要封闭，什么时候恢复？",
    "据说江州收费站封闭了，沈海高速还能走吗",
    "求辟谣：沈海高速江州收费站封闭一个月？",
]


def _at(delta: dt.timedelta) -> str:
    return (T0 + delta).isoformat()


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakePlatform]:
    comments = [
        {
            "id": f"c{i}",
            "user_id": f"9{i}",
            "user_name": f"网友{i}",
            "text": text,
            "created_at": _at(dt.timedelta(hours=-20 + i)),
        }
        for i, text in enumerate(CLAIM)
    ]
    content = FakeContent()
    content.add(
        account_from_dict(
            {
                "platform": "weibo",
                "id": UID,
                "name": "江州高速",
                "posts": [
                    {
                        "id": "5100000000000001",
                        "created_at": _at(dt.timedelta(hours=-30)),
                        "text": "今日沈海高速江州段路况良好，收费站通行正常。",
                        "comments": comments,
                    }
                ],
            }
        )
    )
    with FakePlatform(content, clock=clock) as server:
        yield server


def _settings(fake: FakePlatform) -> Settings:
    return weibo_settings(fake, retry=False)


@pytest.fixture
def registered(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions.begin() as session:
        unit = Unit(
            name="江州路段管理处",
            short_name="江州",
            head="甲",
            deputy="乙",
            editor="丙",
            department="办公室",
        )
        session.add(
            Account(
                unit=unit,
                platform="weibo",
                platform_id=UID,
                name="江州高速",
                opened_on=dt.date(2020, 1, 2),
                filed_on=dt.date(2020, 1, 3),
                staff="丁",
            )
        )


def _rumours(sessions: sessionmaker[Session]) -> list[FindingRow]:
    with sessions() as session:
        query = select(FindingRow).where(FindingRow.rule == "rumour_unclarified")
        return list(session.scalars(query))


def _platform_down(engine: Engine, settings: Settings, fake: FakePlatform, clock: Clock) -> None:
    """The weibo interface answers 503 from now on; three collection runs an hour apart fail."""
    fake.inject("/api/container/getIndex", Fault("status", status=503, times=None))
    for _ in range(3):
        clock.now += dt.timedelta(hours=1)
        assert run_collection(engine, settings, clock=clock).ok == 0


@pytest.mark.usefixtures("registered")
def test_a_rumour_is_not_fired_when_the_units_accounts_could_not_be_read(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform, clock: Clock
) -> None:
    settings = _settings(fake)
    assert run_collection(db_engine, settings, clock=clock).ok == 1  # the mentions are stored
    _platform_down(db_engine, settings, fake, clock)
    clock.now = T0 + dt.timedelta(days=1)  # blind: last read a day ago
    analyze(db_engine, settings, clock=clock)
    assert _rumours(db_sessions) == []  # whether 江州高速 clarified it is unknown


@pytest.mark.usefixtures("registered")
def test_the_control_a_readable_unit_that_did_not_clarify_gets_the_finding(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform, clock: Clock
) -> None:
    settings = _settings(fake)
    assert run_collection(db_engine, settings, clock=clock).ok == 1
    clock.now = T0 + dt.timedelta(days=1)
    assert run_collection(db_engine, settings, clock=clock).ok == 1  # read, no clarification
    analyze(db_engine, settings, clock=clock)
    [finding] = _rumours(db_sessions)
    assert finding.state == "open" and "江州路段管理处尚未发布澄清" in finding.summary


@pytest.mark.usefixtures("registered")
def test_an_open_rumour_is_carried_as_it_was_while_the_accounts_cannot_be_read(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform, clock: Clock
) -> None:
    settings = _settings(fake)
    assert run_collection(db_engine, settings, clock=clock).ok == 1
    analyze(db_engine, settings, clock=clock)
    [before] = _rumours(db_sessions)
    assert before.state == "open"
    _platform_down(db_engine, settings, fake, clock)
    # Past the rumour's look-back: seen, it would no longer be tracked and would resolve.
    clock.now = T0 + dt.timedelta(days=9)
    analyze(db_engine, settings, clock=clock)
    [after] = _rumours(db_sessions)
    assert after.state == "open"  # neither resolved …
    assert (after.last_seen, after.summary) == (before.last_seen, before.summary)  # nor renewed


@pytest.mark.usefixtures("registered")
def test_the_alert_of_a_carried_rumour_is_neither_re_sent_nor_escalated(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform, clock: Clock
) -> None:
    """Whether the unit clarified cannot be seen: its alert keeps its level and is not sent
    again (every 3 working days, escalated after a few, if govmon took this for neglect)."""
    settings = _settings(fake)
    assert run_collection(db_engine, settings, clock=clock).ok == 1
    clock.now = T0 + dt.timedelta(days=1)  # Thursday: read, not clarified
    assert run_collection(db_engine, settings, clock=clock).ok == 1
    analyze(db_engine, settings, clock=clock)
    run_check(db_engine, settings, clock=clock)
    _platform_down(db_engine, settings, fake, clock)
    for day in (2, 5, 6, 7, 8, 9):  # Friday, then Monday to Friday
        clock.now = T0 + dt.timedelta(days=day)
        analyze(db_engine, settings, clock=clock)
        run_check(db_engine, settings, clock=clock)
    with db_sessions() as session:
        alert = session.scalars(
            select(Alert).join(FindingRow).where(FindingRow.rule == "rumour_unclarified")
        ).one()
        told = [d.kind for d in session.scalars(select(Delivery)) if alert.id in d.alert_ids]
    assert (alert.state, alert.escalation_level, alert.send_count) == ("open", 0, 1)
    assert told == ["alert"]


def _digest_markdown(engine: Engine, settings: Settings, clock: Clock, tmp_path: Path) -> str:
    done = run_digest(engine, settings, clock=clock, week="2026-W48", out_dir=tmp_path, send=False)
    system = done.built[0]
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(system.folder.glob("*.md")))


@pytest.mark.usefixtures("registered")
def test_the_digest_says_unknown_not_unclarified_when_the_accounts_could_not_be_read(
    db_engine: Engine, fake: FakePlatform, clock: Clock, tmp_path: Path
) -> None:
    """The digest agrees with the findings: no 谣言未澄清 finding, so no 未澄清 in the digest."""
    settings = _settings(fake)
    assert run_collection(db_engine, settings, clock=clock).ok == 1
    _platform_down(db_engine, settings, fake, clock)
    clock.now = T0 + dt.timedelta(days=1)
    text = _digest_markdown(db_engine, settings, clock, tmp_path)
    assert UNREAD_RUMOUR in text
    assert "未澄清传言 0 条" in text and "**未澄清**" not in text


@pytest.mark.usefixtures("registered")
def test_the_digest_control_a_readable_unit_shows_unclarified(
    db_engine: Engine, fake: FakePlatform, clock: Clock, tmp_path: Path
) -> None:
    settings = _settings(fake)
    assert run_collection(db_engine, settings, clock=clock).ok == 1
    clock.now = T0 + dt.timedelta(days=1)
    assert run_collection(db_engine, settings, clock=clock).ok == 1
    text = _digest_markdown(db_engine, settings, clock, tmp_path)
    assert "未澄清传言 1 条" in text and "**未澄清**" in text
    assert UNREAD_RUMOUR not in text
