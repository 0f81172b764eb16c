"""The check a waiting message gets just before it goes (plain data, no database).

A message held by quiet hours (or by retries) was rendered from the alerts as they stood when it
was written. By morning an alert may be resolved: announcing it as open would be a false alert.
So the outbox keeps the message's items beside its text, and before sending asks
:func:`recheck` which items are still true:

- an open item (新/提醒/升级) stays while its alert is not resolved;
- a resolution item (已解决) stays only if the alert was announced to this recipient before —
  one never told of a problem is not told that it went away.

Nothing left: the delivery is cancelled, with the reason. Some left: the message is rendered
again from what is left.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from alerts.items import AlertItem
from alerts.message import Message
from alerts.render import render
from alerts.settings import AlertsSettings

_TIMES = frozenset(f.name for f in dataclasses.fields(AlertItem) if "datetime" in str(f.type))

RESOLVED_MEANWHILE = "发送前复核：消息所列的告警在等待发送期间均已解决，不再发送"
NEVER_ANNOUNCED = "发送前复核：所报“已解决”的告警此前未通知过该收件人，不再发送"


def items_to_payload(unit: str, items: Sequence[AlertItem]) -> dict[str, Any]:
    """What the outbox keeps beside a message so that it can be checked and rendered again.
    (Its fields are plain values: copied as they are, not through ``dataclasses.asdict``,
    whose deep copies cost seconds for the tens of thousands of items of a first check.)"""
    rows = []
    for item in items:
        row = dict(vars(item))  # the fields, in their order (a plain dataclass)
        for name in _TIMES:
            value = row[name]
            if isinstance(value, dt.datetime):
                row[name] = value.isoformat()
        rows.append(row)
    return {"unit": unit, "items": rows}


def items_from_payload(payload: dict[str, Any]) -> tuple[AlertItem, ...] | None:
    """The items kept with a message; None for a row written without them."""
    raw = payload.get("items")
    if not isinstance(raw, list):
        return None
    names = {f.name for f in dataclasses.fields(AlertItem)}
    items: list[AlertItem] = []
    for entry in raw:
        values = {k: v for k, v in dict(entry).items() if k in names}
        for key in _TIMES & values.keys():
            if isinstance(values[key], str):
                values[key] = dt.datetime.fromisoformat(values[key])
        items.append(AlertItem(**values))
    return tuple(items)


@dataclass(frozen=True)
class Recheck:
    """``message`` to send (None: send the stored one as it is) with the ``kept`` items, or
    ``cancel`` with why."""

    message: Message | None = None
    kept: tuple[AlertItem, ...] = ()
    cancel: str = ""
    dropped: int = 0
    unannounced: tuple[int, ...] = ()  # alerts whose announcement here is withdrawn


def recheck(
    items: Sequence[AlertItem],
    payload: dict[str, Any],
    *,
    resolved: Collection[int],
    announced: Collection[int],
    now: dt.datetime,
    settings: AlertsSettings,
) -> Recheck:
    """Which of ``items`` still hold: ``resolved`` alert ids are resolved now; ``announced``
    ids were in a message already sent to this recipient."""
    kept = [
        item
        for item in items
        if (item.notice == "resolved" and item.alert_id in announced)
        or (item.notice != "resolved" and item.alert_id not in resolved)
    ]
    if len(kept) == len(items):
        return Recheck()
    unannounced = tuple(
        item.alert_id
        for item in items
        if item not in kept and item.notice != "resolved" and item.alert_id is not None
    )
    if not kept:
        only_resolutions = all(item.notice == "resolved" for item in items)
        reason = NEVER_ANNOUNCED if only_resolutions else RESOLVED_MEANWHILE
        return Recheck(cancel=reason, dropped=len(items), unannounced=unannounced)
    message = render(
        kept,
        str(payload.get("unit", "")),
        now,
        max_items=settings.max_items_per_message,
        recipients=tuple(str(r) for r in payload.get("recipients", ())),
        mentions=tuple(str(m) for m in payload.get("mentions", ())),
        key=str(payload.get("key", "")),
    )
    return Recheck(
        message=message,
        kept=tuple(kept),
        dropped=len(items) - len(kept),
        unannounced=unannounced,
    )
