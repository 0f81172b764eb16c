"""Alerts: findings → decisions → batched messages → channels addressed by URL.

Pure and database-free; ``monitor`` persists what these functions decide. The calls, in order:

1. ``evaluate(findings, stored_alerts, now, calendar, settings, tree)`` → ``list[Decision]``;
   store each ``decision.alert``.
2. ``plan(decisions, tree, settings, now, account_names)`` → ``list[Outgoing]``; write one
   ``deliveries`` row each (``channel_ref`` = ``outgoing.route.channel_ref``, ``next_attempt_at``
   = ``outgoing.not_before``, payload = ``message_for(outgoing, now, settings, key).to_payload()``).
3. For each due delivery: ``build_channel(channel_url(ref, settings, tree))``,
   ``channel.send(Message.from_payload(payload, first_part=parts_sent))``, then store
   ``after_attempt(result, attempts, now, settings, parts_sent)``.

The names below are loaded on first use: the settings import ``alerts.digest_settings``,
and every command would otherwise import the whole package (and pandas with it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alerts.channels import Channel, ChannelContext, build_channel, registered
    from alerts.errors import AlertsError, ChannelURLError
    from alerts.items import AlertItem
    from alerts.message import Message
    from alerts.outbox import DeliveryUpdate, after_attempt, backoff_seconds, is_due
    from alerts.plan import Outgoing, message_for, plan
    from alerts.policy import AlertState, Decision, acknowledge, evaluate
    from alerts.quiet import quiet_until
    from alerts.render import render, test_message
    from alerts.results import Delivered, Failed, RetryLater, SendResult
    from alerts.routing import Route, UnitContact, UnitTree, channel_url, routes_for_unit

_HOME = {
    "Channel": "alerts.channels",
    "ChannelContext": "alerts.channels",
    "build_channel": "alerts.channels",
    "registered": "alerts.channels",
    "AlertsError": "alerts.errors",
    "ChannelURLError": "alerts.errors",
    "AlertItem": "alerts.items",
    "Message": "alerts.message",
    "DeliveryUpdate": "alerts.outbox",
    "after_attempt": "alerts.outbox",
    "backoff_seconds": "alerts.outbox",
    "is_due": "alerts.outbox",
    "Outgoing": "alerts.plan",
    "message_for": "alerts.plan",
    "plan": "alerts.plan",
    "AlertState": "alerts.policy",
    "Decision": "alerts.policy",
    "acknowledge": "alerts.policy",
    "evaluate": "alerts.policy",
    "quiet_until": "alerts.quiet",
    "render": "alerts.render",
    "test_message": "alerts.render",
    "Delivered": "alerts.results",
    "Failed": "alerts.results",
    "RetryLater": "alerts.results",
    "SendResult": "alerts.results",
    "Route": "alerts.routing",
    "UnitContact": "alerts.routing",
    "UnitTree": "alerts.routing",
    "channel_url": "alerts.routing",
    "routes_for_unit": "alerts.routing",
}

__all__ = [
    "AlertItem",
    "AlertState",
    "AlertsError",
    "Channel",
    "ChannelContext",
    "ChannelURLError",
    "Decision",
    "Delivered",
    "DeliveryUpdate",
    "Failed",
    "Message",
    "Outgoing",
    "RetryLater",
    "Route",
    "SendResult",
    "UnitContact",
    "UnitTree",
    "acknowledge",
    "after_attempt",
    "backoff_seconds",
    "build_channel",
    "channel_url",
    "evaluate",
    "is_due",
    "message_for",
    "plan",
    "quiet_until",
    "registered",
    "render",
    "routes_for_unit",
    "test_message",
]


def __getattr__(name: str) -> object:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
