"""Batching: per recipient per run, one message (urgent ones apart in quiet hours).

``plan`` takes the decisions that notify and returns what to write to the outbox: one
:class:`Outgoing` per route (channel reference + e-mail recipients), holding the items for
that recipient and the earliest time it may be sent (the end of quiet hours, or now).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from alerts.items import AlertItem, item_from
from alerts.message import Message
from alerts.policy import Decision
from alerts.quiet import quiet_until
from alerts.render import render
from alerts.routing import Route, UnitTree, alert_routes
from alerts.settings import AlertsSettings
from analysis.findings import Finding
from analysis.labels import is_operator_rule


@dataclass(frozen=True)
class Outgoing:
    route: Route
    items: tuple[AlertItem, ...]
    not_before: dt.datetime | None  # None: send now

    @property
    def kind(self) -> str:
        """``alert`` when anything is still open, else ``resolution`` (deliveries.kind)."""
        return "resolution" if all(i.notice == "resolved" for i in self.items) else "alert"

    @property
    def urgent(self) -> bool:
        return any(i.urgent for i in self.items)

    @property
    def alert_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.dedup_key for i in self.items))


def plan(
    decisions: Iterable[Decision],
    tree: UnitTree,
    settings: AlertsSettings,
    now: dt.datetime,
    account_names: dict[str, str] | None = None,
    gone: dict[str, Finding] | None = None,
    *,
    alert_ids: Mapping[str, int] | None = None,
    told: Mapping[str, Finding] | None = None,
) -> list[Outgoing]:
    """``gone``: the findings of alerts being resolved, as last seen (by dedup key), so a
    "已解决" line restates what was resolved. ``alert_ids`` (the stored rows' ids) and
    ``told`` (the findings read whole), by dedup key, stand for the decisions' own."""
    alert_ids = alert_ids or {}
    told = told or {}
    # Ordered sets (dicts): tens of thousands of items must not be compared pairwise.
    buckets: dict[Route, dict[AlertItem, None]] = {}
    # The routes depend on the unit, the level and whether the rule is the operator's: worked
    # out once for each, not for each of tens of thousands of alerts.
    routes: dict[tuple[bool, str | None, int], list[Route]] = {}
    for decision in decisions:
        if decision.notify is None:
            continue
        alert = decision.alert
        key = alert.dedup_key
        item = item_from(
            decision,
            tree,
            account_names,
            gone,
            alert_id=alert_ids.get(key),
            finding=told.get(key),
        )
        where = (is_operator_rule(alert.rule), alert.unit, alert.escalation_level)
        if where not in routes:
            routes[where] = alert_routes(
                alert.rule, alert.unit, alert.escalation_level, settings, tree
            )
        for route in routes[where]:
            buckets.setdefault(route, {})[item] = None
    hold = quiet_until(now, settings.quiet_start, settings.quiet_end)
    outgoing: list[Outgoing] = []
    for route, items in buckets.items():
        if hold is None:
            outgoing.append(Outgoing(route, tuple(items), None))
            continue
        urgent = tuple(i for i in items if i.urgent and i.notice != "resolved")
        waiting = tuple(i for i in items if not (i.urgent and i.notice != "resolved"))
        if urgent:
            outgoing.append(Outgoing(route, urgent, None))
        if waiting:
            outgoing.append(Outgoing(route, waiting, hold))
    return outgoing


def message_for(
    outgoing: Outgoing, now: dt.datetime, settings: AlertsSettings, key: str = ""
) -> Message:
    """The rendered message of one outbox entry (``key``: the delivery's id)."""
    return render(
        outgoing.items,
        outgoing.route.unit,
        now,
        max_items=settings.max_items_per_message,
        recipients=outgoing.route.recipients,
        mentions=outgoing.route.mentions,
        key=key,
    )
