"""One line of an alert message, built from a decision and its finding (plain data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from alerts.policy import Decision
from alerts.routing import UnitTree
from alerts.rules import RULES, rule_title

Notice = Literal["new", "reminder", "escalated", "resolved"]

NOTICE_LABELS: dict[str, str] = {
    "new": "新",
    "reminder": "提醒",
    "escalated": "升级",
    "resolved": "已解决",
}


@dataclass(frozen=True)
class AlertItem:
    dedup_key: str
    rule: str
    rule_title: str
    article: str
    notice: Notice
    summary: str  # what (may quote internet text: escaped when rendered)
    severity: str
    urgent: bool
    unit: str
    account: str  # display name, or the account key
    since: dt.datetime | None
    deadline: dt.datetime | None
    link: str
    level: int  # escalation level: 0 the unit itself, 1 its parent, …
    level_unit: str  # the unit reached at that level ("" at level 0)
    evidence: str = ""
    alert_id: int | None = None


_NOTICE: dict[str, Notice] = {
    "open": "new",
    "reopen": "new",
    "resend": "reminder",
    "escalate": "escalated",
    "resolve": "resolved",
}


def item_from(
    decision: Decision, tree: UnitTree, account_names: dict[str, str] | None = None
) -> AlertItem:
    """The message line of a decision that notifies (its finding, or the stored alert)."""
    alert = decision.alert
    finding = decision.finding
    names = account_names or {}
    chain = tree.chain(alert.unit)
    level = min(alert.escalation_level, len(chain) - 1)
    info = RULES.get(alert.rule)
    account_key = (finding.account if finding else None) or ""
    evidence = finding.evidence[0] if finding and finding.evidence else None
    link = (evidence.url if evidence else "") or (
        str(finding.data.get("url", "")) if finding else ""
    )
    return AlertItem(
        dedup_key=alert.dedup_key,
        rule=alert.rule,
        rule_title=rule_title(alert.rule),
        article=(finding.article if finding else "") or (info.article if info else ""),
        notice=_NOTICE.get(decision.action, "reminder"),
        summary=finding.summary if finding else decision.reason,
        severity=alert.severity,
        urgent=alert.urgent,
        unit=alert.unit or tree.top_unit,
        account=names.get(account_key, account_key),
        since=(finding.since if finding else None) or alert.opened_at,
        deadline=finding.deadline if finding else None,
        link=link,
        level=level,
        level_unit=chain[level] if level else "",
        evidence=evidence.text if evidence else "",
        alert_id=alert.id,
    )
