"""The re-check of a waiting message, as plain data (the outbox tests run it end to end)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from alerts.items import AlertItem
from alerts.recheck import (
    NEVER_ANNOUNCED,
    RESOLVED_MEANWHILE,
    items_from_payload,
    items_to_payload,
    recheck,
)
from alerts.settings import AlertsSettings

NOW = dt.datetime(2026, 3, 2, 23, 5, tzinfo=dt.UTC)


def _item(alert_id: int, notice: str = "new", summary: str = "") -> AlertItem:
    return AlertItem(
        dedup_key=f"stale_account:rss:{alert_id}",
        rule="stale_account",
        rule_title="长期未更新",
        article="第十二条",
        notice=notice,  # type: ignore[arg-type]
        summary=summary or f"账号{alert_id}超过一个月未更新（第十二条）",
        severity="warning",
        urgent=False,
        unit="港航局",
        account=f"账号{alert_id}",
        since=NOW - dt.timedelta(days=40),
        deadline=None,
        link="",
        level=0,
        level_unit="",
        alert_id=alert_id,
    )


def test_items_survive_the_payload() -> None:
    items = (_item(1), _item(2, "resolved"))
    payload = json.loads(json.dumps(items_to_payload("港航局", items)))
    assert items_from_payload(payload) == items
    assert payload["unit"] == "港航局"
    assert items_from_payload({"text": "written before the items were kept"}) is None


def test_what_still_holds_is_kept() -> None:
    items = (_item(1), _item(2), _item(3, "resolved"))
    payload = {"unit": "港航局", "key": "9"}
    settings = AlertsSettings()
    same = recheck(items, payload, resolved=(), announced={3}, now=NOW, settings=settings)
    assert same.message is None and not same.cancel
    part = recheck(items, payload, resolved={1}, announced={3}, now=NOW, settings=settings)
    assert part.kept == items[1:] and part.unannounced == (1,)
    assert part.message is not None and "账号1" not in part.message.text
    assert "账号2" in part.message.text and part.message.key == "9"
    gone = recheck(items[:2], payload, resolved={1, 2}, announced=(), now=NOW, settings=settings)
    assert gone.cancel == RESOLVED_MEANWHILE and gone.unannounced == (1, 2)
    never = recheck(items[2:], payload, resolved={3}, announced=(), now=NOW, settings=settings)
    assert never.cancel == NEVER_ANNOUNCED and never.unannounced == ()


def test_every_field_of_an_item_is_kept() -> None:
    # A field added to AlertItem later must round-trip too (or this test says so).
    item = _item(5)
    back = items_from_payload(items_to_payload("u", [item]))
    assert back is not None
    assert dataclasses.asdict(back[0]) == dataclasses.asdict(item)
