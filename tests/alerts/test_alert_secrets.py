"""A sentinel key planted in a channel URL never shows: not in str(), logs, results, payloads."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fakes.bots import FakeBot
from testkit.clock import FakeClock

from alerts.channels import ChannelContext, build_channel
from alerts.message import Message
from alerts.plan import message_for, plan
from alerts.policy import evaluate
from alerts.routing import UnitContact, UnitTree, channel_url
from alerts.settings import AlertsSettings
from analysis.findings import Finding
from analysis.workdays import WorkCalendar

SENTINEL = "SENTINEL-9a8b7c6d5e"


@pytest.fixture
def bot(clock: FakeClock) -> Iterator[FakeBot]:
    with FakeBot("wecom", SENTINEL, clock=clock.monotonic) as fake:
        yield fake


def test_sentinel_never_leaks(
    bot: FakeBot, context: ChannelContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # A CLI test may have run govmon's logging set-up, which quiets httpx to WARNING.
    caplog.set_level(logging.INFO, logger="httpx")
    channel = build_channel(f"wecom://{SENTINEL}?base={bot.base}", context)
    outputs = [str(channel), repr(channel), channel.masked_url()]
    outputs.append(repr(channel.send(Message("s", "t"))))
    for mode in ("errcode:93000", "errcode:777", "status:500", "drop", "html"):
        bot.mode = mode  # the fake echoes the key in its error messages
        outputs.append(repr(channel.send(Message("s", "t"))))
    outputs.append(caplog.text)
    assert "HTTP Request" in caplog.text  # httpx did log its requests …
    for text in outputs:
        assert SENTINEL not in text  # … with the key masked


def test_outbox_rows_hold_references_not_urls(clock: FakeClock) -> None:
    tree = UnitTree(
        [UnitContact("厅办公室"), UnitContact("甲", "厅办公室", wecom_webhook=SENTINEL)], "厅办公室"
    )
    finding = Finding("stale_account", "第十二条", "account", "weibo:1", "stale:weibo:1",
                      "warning", "账号 30 天未更新（第十二条）", unit="甲", account="weibo:1")  # fmt: skip
    settings = AlertsSettings()
    decisions = evaluate([finding], {}, clock.now(), WorkCalendar(), settings, tree)
    (outgoing,) = plan(decisions, tree, settings, clock.now())
    assert outgoing.route.channel_ref == "registry:甲"
    payload = message_for(outgoing, clock.now(), settings, "1").to_payload()
    assert SENTINEL not in repr(payload) + repr(decisions) + outgoing.route.label
    assert channel_url(outgoing.route.channel_ref, settings, tree) == f"wecom://{SENTINEL}"
