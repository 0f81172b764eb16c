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
"""

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
