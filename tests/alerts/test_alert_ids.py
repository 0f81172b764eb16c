"""Every rendered alert shows its number, so the footer's `govmon alerts ack 编号` can be used."""

from __future__ import annotations

import datetime as dt

from alerts.items import AlertItem
from alerts.render import render

NOW = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)


def test_alert_number_in_every_format() -> None:
    item = AlertItem(
        dedup_key="stale_account:weibo:1",
        rule="stale_account",
        rule_title="长期未更新",
        article="第十二条",
        notice="new",
        summary="「江东港航」已 21 天未更新",
        severity="warning",
        urgent=False,
        unit="江东省港航事业发展中心",
        account="江东港航",
        since=NOW - dt.timedelta(days=21),
        deadline=None,
        link="https://m.weibo.cn/u/1",
        level=0,
        level_unit="",
        alert_id=4321,
    )
    message = render([item], "江东省港航事业发展中心", NOW)
    assert "告警编号：4321" in message.text
    assert "告警编号：4321" in message.markdown
    assert "<td>4321</td>" in message.html
