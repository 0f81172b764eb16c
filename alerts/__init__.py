"""Alerts: findings → decisions → batched messages → channels addressed by URL.

Pure and database-free; ``monitor`` persists what these functions decide. The calls, in order:

1. ``evaluate(findings, stored_alerts, now, calendar, settings, tree)`` → ``list[Decision]``;
   store each ``decision.alert``.
2. ``alerts.plan.plan(decisions, tree, settings, now, account_names)`` → ``list[Outgoing]``;
   write one ``deliveries`` row each (``channel_ref`` = ``outgoing.route.channel_ref``,
   ``next_attempt_at`` = ``outgoing.not_before``, payload =
   ``message_for(outgoing, now, settings, key).to_payload()``).
3. For each due delivery: ``build_channel(channel_url(ref, settings, tree))``,
   ``channel.send(Message.from_payload(payload, first_part=parts_sent))``, then store
   ``after_attempt(result, attempts, now, settings, parts_sent)``.

Importing the package imports none of its modules (the settings of every command read
``alerts.digest_settings``; the channels and their HTTP client load only when used). So
``plan`` and ``render``, named like their modules, are imported from those modules:
``from alerts.plan import plan``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alerts.channels import Channel, ChannelContext, build_channel, registered
    from alerts.errors import AlertsError, ChannelURLError
    from alerts.items import AlertItem
    from alerts.message import Message
    from alerts.outbox import DeliveryUpdate, after_attempt, backoff_seconds, is_due
    from alerts.plan import Outgoing, message_for
    from alerts.policy import AlertState, Decision, acknowledge, evaluate
    from alerts.quiet import quiet_until
    from alerts.render import test_message
    from alerts.results import Delivered, Failed, RetryLater, SendResult
    from alerts.routing import Route, UnitContact, UnitTree, channel_url, routes_for_unit

# Each name of the package's interface → the module that defines it.
_HOME = {
    "AlertItem": "alerts.items",
    "AlertState": "alerts.policy",
    "AlertsError": "alerts.errors",
    "Channel": "alerts.channels",
    "ChannelContext": "alerts.channels",
    "ChannelURLError": "alerts.errors",
    "Decision": "alerts.policy",
    "Delivered": "alerts.results",
    "DeliveryUpdate": "alerts.outbox",
    "Failed": "alerts.results",
    "Message": "alerts.message",
    "Outgoing": "alerts.plan",
    "RetryLater": "alerts.results",
    "Route": "alerts.routing",
    "SendResult": "alerts.results",
    "UnitContact": "alerts.routing",
    "UnitTree": "alerts.routing",
    "acknowledge": "alerts.policy",
    "after_attempt": "alerts.outbox",
    "backoff_seconds": "alerts.outbox",
    "build_channel": "alerts.channels",
    "channel_url": "alerts.routing",
    "evaluate": "alerts.policy",
    "is_due": "alerts.outbox",
    "message_for": "alerts.plan",
    "quiet_until": "alerts.quiet",
    "registered": "alerts.channels",
    "routes_for_unit": "alerts.routing",
    "test_message": "alerts.render",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'alerts' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


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
    "quiet_until",
    "registered",
    "routes_for_unit",
    "test_message",
]
