"""A message split into parts sends every part exactly once, whatever part a failure stops at.

The fake WeCom bot refuses chosen requests (errcode 45009); the outbox retries until the message
is sent; the bot must have accepted the 14 parts, each once, in order. A sender that dies between
two parts resumes at the first part not yet accepted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
from fakes.bots import FakeBot
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from alerts import ChannelContext, Message
from alerts.channels.split import numbered_parts
from monitor.db.models import Delivery, Unit
from monitor.errors import SettingsError
from monitor.pipeline.outbox import send_due
from monitor.settings import Settings, settings_from_dict

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
KEY = "parts-test-key-0001"
TEXT_LIMIT = 2048


class Clock:
    def __init__(self) -> None:
        self.wall = NOW
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


def _body(parts: int) -> str:
    """A text that splits into exactly ``parts`` bot messages, each line recognisable."""
    lines: list[str] = []
    while len(numbered_parts("\n".join(lines), TEXT_LIMIT)) < parts or not lines:
        lines.append(f"第{len(lines) + 1:04d}项：城东收费站账号逾期未更新，请尽快处理（第十二条）")
    while len(numbered_parts("\n".join(lines), TEXT_LIMIT)) > parts:
        lines.pop()
    return "\n".join(lines)


BODY = _body(14)
EXPECTED = numbered_parts(BODY, TEXT_LIMIT)


def _settings() -> Settings:
    return settings_from_dict(
        {
            "alerts": {
                "quiet_start": "00:00:00",
                "quiet_end": "00:00:00",
                "max_attempts": 20,
                "backoff_seconds": 60,
                "backoff_max_seconds": 120,
            }
        }
    )


@pytest.fixture
def bot() -> Iterator[FakeBot]:
    with FakeBot("wecom", KEY) as server:
        yield server


def _queue(sessions: sessionmaker[Session], bot: FakeBot) -> int:
    with sessions.begin() as session:
        unit = Unit(name="厅办公室", wecom_webhook=f"wecom://{KEY}?base={bot.base}&format=text")
        session.add(unit)
        session.flush()
        message = Message("【政务新媒体监测】厅办公室：长消息", BODY, key="1")
        row = Delivery(
            kind="alert",
            channel_ref="registry:厅办公室",
            recipient="厅办公室",
            unit_id=unit.id,
            subject=message.subject,
            payload=message.to_payload(),
            status="pending",
            attempts=0,
            created_at=NOW,
        )
        session.add(row)
        session.flush()
        return row.id


def _row(sessions: sessionmaker[Session], delivery_id: int) -> Delivery:
    with sessions() as session:
        row = session.get(Delivery, delivery_id)
        assert row is not None
        return row


def _accepted(bot: FakeBot) -> list[str]:
    return [p["text"]["content"] for p in bot.accepted]


def _send_until_done(
    engine: Engine, sessions: sessionmaker[Session], delivery_id: int, clock: Clock
) -> Delivery:
    context = ChannelContext(now=clock, clock=clock.monotonic, sleep=clock.sleep, timeout=5.0)
    settings = _settings()
    for _ in range(10):
        send_due(engine, settings, clock=clock, context=context)
        row = _row(sessions, delivery_id)
        if row.status != "pending":
            return row
        clock.advance(600)
    return row


class Dying(httpx.HTTPTransport):
    """The process is killed while the ``at``-th request is on its way (nothing answered)."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls == self.at:
            raise SystemExit("killed")
        return super().handle_request(request)


def _die_at(engine: Engine, settings: Settings, clock: Clock, at: int) -> None:
    context = ChannelContext(now=clock, clock=clock.monotonic, sleep=clock.sleep, timeout=5.0)
    context._client = httpx.Client(transport=Dying(at), timeout=5.0)
    try:
        with pytest.raises(SystemExit):
            send_due(engine, settings, clock=clock, context=context)
    finally:
        context.close()


REFUSALS = [{2, 4}, {1}, {14}, {2, 3, 4}, {7, 9}, {13, 15}, *({n} for n in (3, 5, 8, 11, 12))]


@pytest.mark.parametrize(
    "refuse", REFUSALS, ids=lambda r: "refuse-" + "-".join(map(str, sorted(r)))
)
def test_every_part_is_sent_exactly_once(
    db_engine: Engine, db_sessions: sessionmaker[Session], bot: FakeBot, refuse: set[int]
) -> None:
    assert len(EXPECTED) == 14
    delivery_id = _queue(db_sessions, bot)
    bot.refuse = refuse
    row = _send_until_done(db_engine, db_sessions, delivery_id, Clock())
    assert row.status == "sent"
    assert row.attempts == 1 + len(refuse)
    assert _accepted(bot) == EXPECTED  # each part once, in order, none missing


def test_a_sender_that_dies_between_parts_resumes_at_the_first_unsent_part(
    db_engine: Engine, db_sessions: sessionmaker[Session], bot: FakeBot
) -> None:
    delivery_id = _queue(db_sessions, bot)
    clock = Clock()
    settings = _settings()
    _die_at(db_engine, settings, clock, at=6)
    row = _row(db_sessions, delivery_id)
    assert row.status == "sending" and row.payload["parts_sent"] == 5
    assert _accepted(bot) == EXPECTED[:5]

    clock.advance(settings.alerts.claim_seconds)  # the claim runs out: taken back, resumed
    row = _send_until_done(db_engine, db_sessions, delivery_id, clock)
    assert row.status == "sent" and row.attempts == 2
    assert _accepted(bot) == EXPECTED


def test_the_claim_time_is_a_setting(
    db_engine: Engine, db_sessions: sessionmaker[Session], bot: FakeBot
) -> None:
    assert _settings().alerts.claim_seconds == 900
    delivery_id = _queue(db_sessions, bot)
    clock = Clock()
    settings = settings_from_dict({"alerts": {"claim_seconds": 300}})
    _die_at(db_engine, settings, clock, at=1)
    row = _row(db_sessions, delivery_id)
    assert row.status == "sending"
    assert row.next_attempt_at == NOW + dt.timedelta(seconds=300)
    clock.advance(299)
    assert send_due(db_engine, settings, clock=clock).due == 0  # still claimed
    with pytest.raises(SettingsError, match=r"alerts\.claim_seconds"):
        settings_from_dict({"alerts": {"claim_seconds": 5}})
