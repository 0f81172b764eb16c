"""The outbox's retry policy: backoff, the server's hint, failure after N attempts."""

from __future__ import annotations

import datetime as dt

from alerts.outbox import after_attempt, backoff_seconds, is_due
from alerts.results import Delivered, Failed, RetryLater
from alerts.settings import AlertsSettings

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def test_delivered_is_sent() -> None:
    update = after_attempt(Delivered(), 0, NOW, AlertsSettings())
    assert (update.status, update.attempts, update.sent_at) == ("sent", 1, NOW)


def test_failed_is_final_with_reason() -> None:
    update = after_attempt(Failed("机器人地址无效"), 2, NOW, AlertsSettings())
    assert (update.status, update.attempts, update.last_error) == ("failed", 3, "机器人地址无效")


def test_retry_backs_off_exponentially_and_caps() -> None:
    settings = AlertsSettings(backoff_seconds=60, backoff_max_seconds=600)
    assert [backoff_seconds(n, settings) for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 480, 600]
    update = after_attempt(RetryLater("超时"), 1, NOW, settings)
    assert update.status == "pending" and update.next_attempt_at == NOW + dt.timedelta(seconds=120)


def test_server_hint_is_honoured_and_clamped() -> None:
    settings = AlertsSettings(backoff_seconds=1, backoff_max_seconds=600)
    hinted = after_attempt(RetryLater("限流", NOW + dt.timedelta(seconds=90)), 0, NOW, settings)
    assert hinted.next_attempt_at == NOW + dt.timedelta(seconds=90)
    far = after_attempt(RetryLater("限流", NOW + dt.timedelta(days=3)), 0, NOW, settings)
    assert far.next_attempt_at == NOW + dt.timedelta(seconds=600)


def test_failed_after_max_attempts_with_reason() -> None:
    settings = AlertsSettings(max_attempts=3)
    # parts_sent counts from the message's first part, earlier attempts included
    update = after_attempt(RetryLater("网络错误", parts_sent=3), 2, NOW, settings, 1)
    assert update.status == "failed" and update.parts_sent == 3
    assert after_attempt(RetryLater("网络错误"), 0, NOW, settings, 2).parts_sent == 2
    assert update.last_error == "已尝试 3 次仍未成功：网络错误"


def test_is_due() -> None:
    assert is_due("pending", None, NOW) and is_due("pending", NOW, NOW)
    assert not is_due("pending", NOW + dt.timedelta(seconds=1), NOW)
    assert not is_due("sent", None, NOW)
