"""The findings a failed collection gives, and the daily follower-snapshot rule (pure).

A lapsed cookie is the most common way such a service goes blind: accounts keep failing while
nothing looks wrong. A failed account gets exactly one of three findings (STYLE 18: what
govmon could not see is reported as such, never as a compliance fault):

- ``no_collector``: no collector can read it (no 订阅地址, no RSSHub) — for the operator;
- ``account_gone``: the platform says it does not exist (第九条: closed without filing) — for
  the unit, unless the registry already records its 注销日期 and 注销备案日期;
- ``collection_failing``: network, login wall, rate limit… after ``failing_after_runs``
  failures in a row, or at once when it was never collected successfully — for the operator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from analysis.collection_gaps import error_reason
from analysis.findings import Finding, make_key
from analysis.labels import account_locator, rule_article

RULE = "collection_failing"
ARTICLE = rule_article(RULE)  # the one table of labels: monitoring (第二十二条) is what stops
NO_COLLECTOR = "no_collector"
ACCOUNT_GONE = "account_gone"
FAILURE_RULES = (RULE, NO_COLLECTOR, ACCOUNT_GONE)

# What the operator does about each kind of failure (shown in the finding and by `status`).
ADVICE = {
    "login_wall": "更新 Cookie（collectors.weibo.cookie），或改由 RSSHub 采集",
    "rate_limited": "被平台限流：调低采集频率（collectors.interval_minutes），限流解除后会自动恢复",
    "account_gone": "核实账号是否已注销、封禁或改名，并更新备案登记表",
    "malformed": "平台返回的内容无法识别，接口可能已变化：请升级 govmon 或反馈问题",
    "network": "检查网络、代理和订阅地址是否可访问",
    "unsupported": "请填写订阅地址，或配置 RSSHub（collectors.rss.rsshub_base_url）",
    "internal": "程序错误：查看日志文件并反馈问题",
    "store_failed": "采集到的数据被数据库拒收（原因见 last_error）：查看日志文件并反馈问题",
}


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
    at_once: bool = False,
) -> Finding | None:
    """A finding once ``consecutive_failures`` reaches ``threshold`` (``at_once``: from the
    first failure, for an account never collected successfully); otherwise None."""
    if consecutive_failures < threshold and not at_once:
        return None
    # The account as the operator finds it (platform and its own id), never the internal key.
    label = account_locator(account_name, account_key)
    summary = (
        f"账号 {label}已连续 {consecutive_failures} 次采集失败："
        f"{error_reason(account_key, error_text)}。"
        "采集中断期间无法检查更新（第十二条）和评论（第二十二、二十五条），请尽快处理。"
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


@dataclass(frozen=True)
class FailedAccount:
    """What the failure findings need to know about one account after a failed collection."""

    account_key: str
    name: str
    unit: str
    platform: str
    consecutive_failures: int
    error_kind: str
    error_text: str
    failing_since: dt.datetime | None
    ever_collected: bool
    closed_on: dt.date | None = None
    closure_filed_on: dt.date | None = None


def failure_finding(account: FailedAccount, *, threshold: int = 3) -> Finding | None:
    """The one finding a failed account gets now (see the module text), or None."""
    label = account_locator(account.name, account.account_key)
    if account.error_kind == "unsupported":
        return Finding(
            rule=NO_COLLECTOR,
            article=rule_article(NO_COLLECTOR),
            subject_type="account",
            subject_key=account.account_key,
            dedup_key=make_key(NO_COLLECTOR, account.account_key),
            severity="warning",
            summary=(
                f"账号 {label}无法采集：没有可用的采集方式。{ADVICE['unsupported']}。"
                "在此之前无法检查它的更新和评论，也不据此认定未更新。"
            ),
            unit=account.unit,
            account=account.account_key,
            since=account.failing_since,
            data={"error_kind": account.error_kind},
        )
    if account.error_kind == "account_gone":
        if account.closed_on is not None and account.closure_filed_on is not None:
            return None  # closed and filed as 第九条 asks: nothing to report
        return Finding(
            rule=ACCOUNT_GONE,
            article=rule_article(ACCOUNT_GONE),
            subject_type="account",
            subject_key=account.account_key,
            dedup_key=make_key(ACCOUNT_GONE, account.account_key),
            severity="warning",
            summary=(
                f"账号 {label}在平台上已不存在（用户不存在或已注销），而备案登记表中没有注销日期"
                "和注销备案日期：账号注销后应在 5 个工作日内备案（第九条）。"
                "请核实账号是否已注销、封禁或更换了ID，并更新备案登记表。"
            ),
            unit=account.unit,
            account=account.account_key,
            since=account.failing_since,
            data={"error_kind": account.error_kind},
        )
    if account.ever_collected and account.consecutive_failures < threshold:
        return None
    advice = ADVICE.get(account.error_kind, "查看日志文件")
    return collection_failing_finding(
        account.account_key,
        account.consecutive_failures,
        account.error_kind,
        f"{error_reason(account.account_key, account.error_text)}（处理：{advice}）",
        threshold=threshold,
        since=account.failing_since,
        unit=account.unit,
        account_name=account.name,
        at_once=not account.ever_collected,
    )
