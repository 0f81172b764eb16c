"""The ``collection_failing`` finding and the daily follower-snapshot rule (pure functions).

A lapsed cookie is the most common way such a service goes blind: accounts keep failing while
nothing looks wrong. After ``collectors.failing_after_runs`` failures in a row the account gets
a finding that the alerts issue delivers like any other.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from analysis.findings import Finding, make_key

RULE = "collection_failing"
ARTICLE = "第二十五条"


def collection_failing_finding(
    account_key: str,
    consecutive_failures: int,
    error_kind: str,
    error_text: str,
    *,
    threshold: int = 3,
    since: dt.datetime | None = None,
    unit: str | None = None,
    account_name: str = "",
) -> Finding | None:
    """A finding once ``consecutive_failures`` reaches ``threshold``; otherwise None."""
    if consecutive_failures < threshold:
        return None
    label = f"{account_name}（{account_key}）" if account_name else account_key
    summary = (
        f"账号 {label} 已连续 {consecutive_failures} 次采集失败：{error_text}。"
        f"采集中断期间无法检查更新（第十二条）和评论（{ARTICLE}），请尽快处理。"
    )
    return Finding(
        rule=RULE,
        article=ARTICLE,
        subject_type="account",
        subject_key=account_key,
        dedup_key=make_key(RULE, account_key),
        severity="overdue" if consecutive_failures >= 2 * threshold else "warning",
        summary=summary,
        unit=unit,
        account=account_key,
        since=since,
        data={"consecutive_failures": consecutive_failures, "error_kind": error_kind},
    )


def snapshot_due(
    last_snapshot_day: dt.date | None, now: dt.datetime, timezone: str = "Asia/Shanghai"
) -> bool:
    """A follower snapshot is taken once per local calendar day per account."""
    return (
        last_snapshot_day is None or now.astimezone(ZoneInfo(timezone)).date() > last_snapshot_day
    )
