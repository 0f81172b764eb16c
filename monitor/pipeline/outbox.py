"""The sender: delivers the due rows of the outbox (``deliveries``) and records each attempt.

Each row goes through three short transactions, so that the database always says what is
known about a message:

1. **claim** — ``pending`` → ``sending``, only if the row is still pending and due and its
   ``attempts`` are what was read (a compare-and-set that works the same on SQLite and
   PostgreSQL, so two senders never send the same row). While a row is ``sending``, its
   ``next_attempt_at`` is the end of the claim (now + ``alerts.claim_seconds``).
2. **send** — outside any transaction: an alert message is first re-checked against the alerts
   as they stand now (:mod:`alerts.recheck`; one held overnight may be about an alert resolved
   since: it is rendered again without it, or ``cancelled`` with the reason); then the channel is
   built from the row's reference (``settings:NAME`` / ``registry:UNIT``, resolved to a URL only
   now) and sent to once. A bot message split into parts records each accepted part at once
   (``parts_sent`` in the payload) and renews the claim, so a retry resumes at the first part
   not yet accepted.
3. **record** — the typed result through :func:`alerts.after_attempt`: ``sent`` (never sent
   again), ``pending`` with the next attempt (backoff) or ``failed`` with the reason; guarded
   by the same ``attempts`` value, so a late sender cannot overwrite a newer outcome.

Why this is the safest order: a crash before the claim leaves the row pending (sent later);
a crash after the record leaves the outcome stored (a ``sent`` row is never picked again). A
crash *during* the send is the one case where nobody knows whether the channel accepted the
message: such a row stays ``sending`` until its claim expires, then counts as one attempt and
is sent again — at least once, never lost. What can repeat is what was in flight: one part of a
split bot message, or one e-mail (which carries the same Message-ID each time, so a mail client
shows it as the same message). The file outbox overwrites by row id, so a repeat there is
harmless. The claim must outlive the sending of one part (timeout, the bot's pacing); a message
that keeps crashing the sender fails after ``max_attempts`` like any other.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from alerts import (
    ChannelContext,
    ChannelURLError,
    DeliveryUpdate,
    Failed,
    Message,
    RetryLater,
    SendResult,
    UnitTree,
    after_attempt,
    build_channel,
    channel_url,
)
from alerts.channels import Channel, PartProgress
from alerts.recheck import Recheck, items_from_payload, items_to_payload, recheck
from monitor.db.models import Alert, Delivery, Unit
from monitor.pipeline.alerts import load_tree
from monitor.settings import Settings
from monitor.settings.secrets import redact

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
INTERRUPTED = "上次发送时程序中断，无法确认是否送达，重新发送"

STATUS_LABELS = {
    "pending": "待发送",
    "sending": "发送中",
    "sent": "已发送",
    "failed": "失败",
    "cancelled": "已取消",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class DeliveryInfo:
    """A row of the outbox as shown to users (no payload)."""

    id: int
    kind: str
    status: str
    channel: str  # masked
    recipient: str
    subject: str
    attempts: int
    last_error: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None


@dataclass
class SendSummary:
    due: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0
    recovered: int = 0  # claims of an interrupted sender taken back
    skipped: int = 0  # claimed by another sender meanwhile
    cancelled: int = 0  # re-checked before sending: nothing left to say
    failures: list[DeliveryInfo] = field(default_factory=list)
    retries: list[DeliveryInfo] = field(default_factory=list)


def _info(row: Delivery) -> DeliveryInfo:
    return DeliveryInfo(
        id=row.id,
        kind=row.kind,
        status=row.status,
        channel=row.channel_display or row.channel_ref,
        recipient=row.recipient,
        subject=row.subject,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
    )


# -- the three steps -------------------------------------------------------------------------


def recover_interrupted(engine: Engine, settings: Settings, now: dt.datetime) -> int:
    """Rows left ``sending`` by a sender that died: the attempt counts; send again or fail.

    Each row is taken back with the same compare-and-set as a claim, so two senders starting
    at once count the interrupted attempt once.
    """
    with engine.connect() as conn:
        stale = conn.execute(
            select(Delivery.id, Delivery.attempts).where(
                Delivery.status == "sending", Delivery.next_attempt_at <= now
            )
        ).all()
    recovered = 0
    for delivery_id, attempts in stale:
        tried = attempts + 1
        values: dict[str, Any]
        if tried >= settings.alerts.max_attempts:
            values = {
                "status": "failed",
                "last_error": f"已尝试 {tried} 次仍未成功：{INTERRUPTED}",
                "next_attempt_at": None,
            }
        else:
            values = {"status": "pending", "last_error": INTERRUPTED, "next_attempt_at": now}
        with engine.begin() as conn:
            result = conn.execute(
                update(Delivery)
                .where(
                    Delivery.id == delivery_id,
                    Delivery.status == "sending",
                    Delivery.attempts == attempts,
                )
                .values(attempts=tried, **values)
            )
        if result.rowcount == 1:
            recovered += 1
            log.warning("消息 #%d 的上次发送被中断：%s", delivery_id, values["last_error"])
    return recovered


def _claim(
    engine: Engine, delivery_id: int, attempts: int, now: dt.datetime, until: dt.datetime
) -> bool:
    with engine.begin() as conn:
        result = conn.execute(
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.status == "pending",
                Delivery.attempts == attempts,
                or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
            )
            .values(status="sending", next_attempt_at=until)
        )
        return result.rowcount == 1


def _channel(ref: str, settings: Settings, tree: UnitTree, context: ChannelContext) -> Channel:
    return build_channel(channel_url(ref, settings.alerts, tree), context)


def _attempt(
    row: Delivery,
    settings: Settings,
    tree: UnitTree,
    context: ChannelContext,
    progress: PartProgress | None = None,
) -> SendResult:
    """One try; never raises: a channel problem or a bug becomes a typed result."""
    try:
        channel = _channel(row.channel_ref, settings, tree, context)
    except KeyError as exc:
        return Failed(str(exc.args[0]) if exc.args else "渠道引用无效")
    except ChannelURLError as exc:
        return Failed(f"渠道地址无效：{exc}")
    payload = dict(row.payload or {})
    parts_sent = int(payload.get("parts_sent", 0) or 0)
    try:
        result = channel.send(Message.from_payload(payload, first_part=parts_sent), progress)
    except Exception as exc:  # a bug in a channel must not stop the sender (logged in full)
        log.error("发送消息 #%d 时出现内部错误", row.id, exc_info=True)
        return RetryLater(channel.redact(f"发送时出现内部错误：{type(exc).__name__}"))
    return result


def _record(engine: Engine, row: Delivery, attempts_before: int, update_: DeliveryUpdate) -> bool:
    payload: dict[str, Any] = dict(row.payload or {})
    payload["parts_sent"] = update_.parts_sent
    with engine.begin() as conn:
        result = conn.execute(
            update(Delivery)
            .where(
                Delivery.id == row.id,
                Delivery.status == "sending",
                Delivery.attempts == attempts_before,
            )
            .values(
                status=update_.status,
                attempts=update_.attempts,
                next_attempt_at=update_.next_attempt_at,
                last_error=redact(update_.last_error),
                sent_at=update_.sent_at,
                payload=payload,
            )
        )
        return result.rowcount == 1


def _unannounce(conn: Connection, alert_ids: Sequence[int]) -> None:
    """An announcement withdrawn before it went is not counted as sent (``已发``)."""
    if alert_ids:
        conn.execute(
            update(Alert)
            .where(Alert.id.in_(list(alert_ids)), Alert.send_count > 0)
            .values(send_count=Alert.send_count - 1)
        )


# -- the run ---------------------------------------------------------------------------------


def _channel_context(settings: Settings, engine: Engine, clock: Clock) -> ChannelContext:
    """On the worker engine, bots are paced in the database: any worker may send next."""
    factory = None
    if settings.daemon.engine == "procrastinate":
        from monitor.workers.pacing import bot_pacer_factory

        factory = bot_pacer_factory(engine)
    return ChannelContext(now=clock, timeout=settings.alerts.timeout_seconds, pacer_factory=factory)


def send_due(
    engine: Engine,
    settings: Settings,
    *,
    clock: Clock = utcnow,
    context: ChannelContext | None = None,
    limit: int | None = None,
    claim_seconds: float | None = None,
    on_start: Callable[[int], None] | None = None,
    progress: Callable[[DeliveryInfo], None] | None = None,
) -> SendSummary:
    """Send every due delivery once; record each result. Returns what happened."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    summary = SendSummary()
    now = clock()
    summary.recovered = recover_interrupted(engine, settings, now)
    with sessions() as session:
        query = (
            select(Delivery.id, Delivery.attempts)
            .where(
                Delivery.status == "pending",
                or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
            )
            .order_by(Delivery.id)
        )
        if limit is not None:
            query = query.limit(limit)
        due = list(session.execute(query).all())
        tree = load_tree(session, settings)
    summary.due = len(due)
    if on_start is not None:
        on_start(len(due))
    own_context = context is None
    sender = _Sender(
        engine,
        sessions,
        settings,
        tree,
        context or _channel_context(settings, engine, clock),
        clock,
        settings.alerts.claim_seconds if claim_seconds is None else claim_seconds,
        summary,
    )
    try:
        for delivery_id, attempts in due:
            info = sender.send(delivery_id, attempts)
            if progress is not None and info is not None:
                progress(info)
    finally:
        if own_context:
            sender.context.close()
    return summary


@dataclass
class _Sender:
    """What one run shares while it sends row after row."""

    engine: Engine
    sessions: sessionmaker[Session]
    settings: Settings
    tree: UnitTree
    context: ChannelContext
    clock: Clock
    claim_seconds: float
    summary: SendSummary

    def send(self, delivery_id: int, attempts: int) -> DeliveryInfo | None:
        """Claim, send, record one row; None when another sender has it."""
        start = self.clock()
        until = start + dt.timedelta(seconds=self.claim_seconds)
        if not _claim(self.engine, delivery_id, attempts, start, until):
            self.summary.skipped += 1
            return None
        with self.sessions() as session:
            row = session.get(Delivery, delivery_id)
            assert row is not None  # claimed just now
            session.expunge(row)
            verdict = self._recheck(session, row)
        if verdict is not None and verdict.cancel:
            return self._cancel(row, attempts, verdict)
        if verdict is not None and not self._rewrite(row, attempts, verdict):
            self.summary.skipped += 1  # another sender took the row back meanwhile
            return None
        result = _attempt(
            row, self.settings, self.tree, self.context, self._progress(row, attempts)
        )
        parts_before = int((row.payload or {}).get("parts_sent", 0) or 0)
        outcome = after_attempt(result, attempts, self.clock(), self.settings.alerts, parts_before)
        if not _record(self.engine, row, attempts, outcome):
            log.warning("消息 #%d 的发送结果未记录：它已被另一个发送进程重新认领", delivery_id)
            self.summary.skipped += 1
            return None
        with self.sessions() as session:
            stored = session.get(Delivery, delivery_id)
            assert stored is not None
            info = _info(stored)
        self._count(info)
        return info

    # -- re-check and progress -----------------------------------------------------------

    def _recheck(self, session: Session, row: Delivery) -> Recheck | None:
        """What the alerts say now of an alert message not yet begun (None: nothing to check)."""
        payload = row.payload or {}
        items = items_from_payload(payload)
        if not items or int(payload.get("parts_sent", 0) or 0) > 0:
            return None  # a message half sent is finished as it began
        ids = {i.alert_id for i in items if i.alert_id is not None}
        resolved = set(
            session.scalars(select(Alert.id).where(Alert.id.in_(ids), Alert.state == "resolved"))
        ) | (ids - set(session.scalars(select(Alert.id).where(Alert.id.in_(ids)))))
        announced: set[int] = set()
        if any(i.notice == "resolved" for i in items):
            # The route (registry:UNIT, settings:NAME), not the label: a unit whose e-mail
            # addresses changed meanwhile was still told.
            sent = session.scalars(
                select(Delivery.alert_ids).where(
                    Delivery.status == "sent", Delivery.channel_ref == row.channel_ref
                )
            )
            announced = {int(a) for ids_ in sent for a in (ids_ or ()) if int(a) in ids}
        return recheck(
            items,
            payload,
            resolved=resolved,
            announced=announced,
            now=self.clock(),
            settings=self.settings.alerts,
        )

    def _cancel(self, row: Delivery, attempts: int, verdict: Recheck) -> DeliveryInfo | None:
        reason = verdict.cancel
        with self.engine.begin() as conn:
            done = conn.execute(
                update(Delivery)
                .where(
                    Delivery.id == row.id,
                    Delivery.status == "sending",
                    Delivery.attempts == attempts,
                )
                .values(status="cancelled", last_error=reason, next_attempt_at=None)
            )
            if done.rowcount == 1:
                _unannounce(conn, verdict.unannounced)
        if done.rowcount != 1:
            self.summary.skipped += 1
            return None
        self.summary.cancelled += 1
        log.info("消息 #%d 已取消：%s", row.id, reason)
        with self.sessions() as session:
            stored = session.get(Delivery, row.id)
            assert stored is not None
            return _info(stored)

    def _rewrite(self, row: Delivery, attempts: int, verdict: Recheck) -> bool:
        """Store the message rendered again, so the outbox shows what was really sent
        (nothing to do when every item still holds); False when the claim was lost."""
        message = verdict.message
        if message is None:
            return True
        unit = str((row.payload or {}).get("unit", ""))
        payload = message.to_payload() | items_to_payload(unit, verdict.kept)
        # Only the alerts it still carries count as announced to this recipient.
        alert_ids = list(dict.fromkeys(i.alert_id for i in verdict.kept if i.alert_id is not None))
        with self.engine.begin() as conn:
            done = conn.execute(
                update(Delivery)
                .where(
                    Delivery.id == row.id,
                    Delivery.status == "sending",
                    Delivery.attempts == attempts,
                )
                .values(payload=payload, subject=message.subject, alert_ids=alert_ids)
            )
            if done.rowcount == 1:
                _unannounce(conn, verdict.unannounced)
        row.payload, row.subject, row.alert_ids = payload, message.subject, alert_ids
        log.info("消息 #%d 发送前复核：%d 项告警已解决，重新生成消息", row.id, verdict.dropped)
        return done.rowcount == 1

    def _progress(self, row: Delivery, attempts: int) -> PartProgress:
        """Record each accepted part at once and renew the claim (see the module's notes)."""
        payload: dict[str, Any] = dict(row.payload or {})

        def accepted(parts: int) -> None:
            payload["parts_sent"] = parts
            until = self.clock() + dt.timedelta(seconds=self.claim_seconds)
            with self.engine.begin() as conn:
                conn.execute(
                    update(Delivery)
                    .where(
                        Delivery.id == row.id,
                        Delivery.status == "sending",
                        Delivery.attempts == attempts,
                    )
                    .values(payload=dict(payload), next_attempt_at=until)
                )

        return accepted

    def _count(self, info: DeliveryInfo) -> None:
        where = f"{info.recipient}（{info.channel}）"
        if info.status == "sent":
            self.summary.sent += 1
            log.info("消息 #%d 已发送至 %s", info.id, where)
        elif info.status == "failed":
            self.summary.failed += 1
            self.summary.failures.append(info)
            log.warning("消息 #%d 发送失败（%s）：%s", info.id, where, info.last_error)
        else:
            self.summary.retry += 1
            self.summary.retries.append(info)
            log.info("消息 #%d 暂未送达（%s），稍后重试：%s", info.id, where, info.last_error)


# -- for `govmon alerts list` and `govmon status` --------------------------------------------


@dataclass
class OutboxOverview:
    counts: dict[str, int]  # by status
    failed: list[DeliveryInfo]
    next_attempt_at: dt.datetime | None  # the earliest pending
    cancelled: list[DeliveryInfo] = field(default_factory=list)  # re-checked: nothing to say


def outbox_overview(
    session: Session, *, unit: str | None = None, alert_ids: set[int] | None = None, limit: int = 50
) -> OutboxOverview:
    """Counts by status, and the failed and cancelled deliveries with their reasons (newest
    first).

    ``unit`` keeps the deliveries addressed to that unit; ``alert_ids`` those that carry one
    of these alerts.
    """
    counts_query = select(Delivery.status, func.count()).group_by(Delivery.status)
    failed_query = select(Delivery).where(Delivery.status == "failed").order_by(Delivery.id.desc())
    cancelled_query = (
        select(Delivery).where(Delivery.status == "cancelled").order_by(Delivery.id.desc())
    )
    if unit is not None:
        unit_id = session.scalar(select(Unit.id).where(Unit.name == unit))
        counts_query = counts_query.where(Delivery.unit_id == unit_id)
        failed_query = failed_query.where(Delivery.unit_id == unit_id)
        cancelled_query = cancelled_query.where(Delivery.unit_id == unit_id)
    counts = {status: int(n) for status, n in session.execute(counts_query).all()}
    failed_rows = list(session.scalars(failed_query))
    cancelled_rows = list(session.scalars(cancelled_query.limit(limit * 4)))
    if alert_ids is not None:
        failed_rows = [r for r in failed_rows if set(r.alert_ids or ()) & alert_ids]
        cancelled_rows = [r for r in cancelled_rows if set(r.alert_ids or ()) & alert_ids]
    next_at = session.scalar(
        select(func.min(Delivery.next_attempt_at)).where(Delivery.status == "pending")
    )
    return OutboxOverview(
        counts,
        [_info(r) for r in failed_rows[:limit]],
        next_at,
        [_info(r) for r in cancelled_rows[:limit]],
    )
