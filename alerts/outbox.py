"""The outbox's retry policy as a pure function: one attempt's result → the row's next state.

Every message is written to ``deliveries`` before any attempt; a sender picks the due rows,
calls ``channel.send`` and stores :func:`after_attempt`'s answer. Transient failures retry with
exponential backoff (the server's own hint honoured, clamped); after ``max_attempts`` the
delivery is failed, with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from alerts.results import Delivered, Failed, RetryLater, SendResult
from alerts.settings import AlertsSettings

DeliveryStatus = Literal["pending", "sent", "failed"]


@dataclass(frozen=True)
class DeliveryUpdate:
    """New values for the ``deliveries`` row (``parts_sent`` goes into the payload)."""

    status: DeliveryStatus
    attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str
    sent_at: dt.datetime | None
    parts_sent: int = 0


def backoff_seconds(attempt: int, settings: AlertsSettings, jitter: float = 0.0) -> float:
    """Wait after the ``attempt``-th failure: initial × 2^(attempt−1), capped, ± jitter share."""
    base = settings.backoff_seconds * 2 ** max(0, attempt - 1)
    wait = min(base, settings.backoff_max_seconds)
    return wait * (1.0 + jitter)


def after_attempt(
    result: SendResult,
    attempts_before: int,
    now: dt.datetime,
    settings: AlertsSettings,
    parts_sent_before: int = 0,
    jitter: Callable[[], float] = lambda: 0.0,
) -> DeliveryUpdate:
    attempts = attempts_before + 1
    if isinstance(result, Delivered):
        return DeliveryUpdate("sent", attempts, None, "", now)
    # Both count from the message's first part: the furthest known progress stands.
    parts = max(parts_sent_before, result.parts_sent)
    if isinstance(result, Failed):
        return DeliveryUpdate("failed", attempts, None, result.reason, None, parts)
    assert isinstance(result, RetryLater)
    if attempts >= settings.max_attempts:
        reason = f"已尝试 {attempts} 次仍未成功：{result.reason}"
        return DeliveryUpdate("failed", attempts, None, reason, None, parts)
    wait = backoff_seconds(attempts, settings, jitter())
    when = now + dt.timedelta(seconds=wait)
    if result.when is not None:
        latest = now + dt.timedelta(seconds=settings.backoff_max_seconds)
        when = max(when, min(result.when, latest))
    return DeliveryUpdate("pending", attempts, when, result.reason, None, parts)


def is_due(status: str, next_attempt_at: dt.datetime | None, now: dt.datetime) -> bool:
    return status == "pending" and (next_attempt_at is None or next_attempt_at <= now)
