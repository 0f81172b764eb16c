"""At least once: a mail the outbox has to send again carries the same Message-ID, so the
repeat is recognisable (tested against the real aiosmtpd server)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

from fakes.smtp import SMTPServer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from alerts import ChannelContext, Message, build_channel
from monitor.db.models import Delivery
from monitor.pipeline.outbox import _claim, send_due
from monitor.settings import settings_from_dict

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def _message_id(raw: bytes) -> str:
    return str(email.message_from_bytes(raw, policy=email.policy.default)["Message-ID"])


def _queue(sessions: sessionmaker[Session], key: str) -> int:
    message = Message(
        "【政务新媒体监测】港航局：1 项待处理",
        f"港口微博超过一个月未更新（第十二条）#{key}",
        recipients=("gh@example.org",),
        key=key,
    )
    with sessions.begin() as session:
        row = Delivery(
            kind="alert",
            channel_ref="settings:mail",
            recipient="港航局",
            subject=message.subject,
            payload=message.to_payload(),
            status="pending",
            attempts=0,
            created_at=NOW,
        )
        session.add(row)
        session.flush()
        return row.id


def test_a_repeated_mail_has_the_same_message_id(
    db_engine: Engine, db_sessions: sessionmaker[Session]
) -> None:
    now = [NOW]
    with SMTPServer() as server:
        url = f"smtp://127.0.0.1:{server.port}?security=none&from=govmon@example.org"
        settings = settings_from_dict({"alerts": {"channels": {"mail": url}}})
        first = _queue(db_sessions, "1")
        # A sender claims the row, the server accepts the mail, the sender dies unrecorded.
        claim = dt.timedelta(seconds=settings.alerts.claim_seconds)
        assert _claim(db_engine, first, 0, NOW, NOW + claim)
        with db_sessions() as session:
            row = session.get(Delivery, first)
            assert row is not None
            build_channel(url, ChannelContext(now=lambda: now[0])).send(
                Message.from_payload(row.payload)
            )
        now[0] = NOW + claim
        summary = send_due(db_engine, settings, clock=lambda: now[0])
        assert (summary.recovered, summary.sent) == (1, 1)
        _queue(db_sessions, "2")
        assert send_due(db_engine, settings, clock=lambda: now[0]).sent == 1
        ids = [_message_id(m.data) for m in server.messages]
    assert len(ids) == 3
    assert ids[0] == ids[1]  # the repeat of delivery #1
    assert ids[2] != ids[0]  # delivery #2
    assert all(i.startswith("<govmon.") and i.endswith("@example.org>") for i in ids)
