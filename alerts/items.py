"""One line of an alert message, built from a decision and its finding (plain data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from alerts.policy import Decision
from alerts.routing import UnitTree
from alerts.rules import RULES, rule_title
from analysis.findings import Finding
from analysis.item_state import GONE, recorded_how
from analysis.remedies import with_remedy

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
    resolved_at: dt.datetime | None = None  # a resolution: when govmon saw the problem gone
    resolved_how: str = ""  # and how (Chinese)


_NOTICE: dict[str, Notice] = {
    "open": "new",
    "reopen": "new",
    "resend": "reminder",
    "escalate": "escalated",
    "resolve": "resolved",
}


# How a problem of each rule usually goes away: said in a "已解决" line beside when it was
# seen gone, so the reader knows what was resolved and how without looking it up.
RESOLVED_HOW: dict[str, str] = {
    "filing_overdue": "备案登记表已填写备案日期",
    "roles_missing": "备案登记表已补全负责人、总编辑、管理部门和工作人员",
    "duplicate_platform_account": "同一平台已只保留一个账号",
    "name_unrelated": "账号名称已与单位关联",
    "closure_unfiled": "备案登记表已填写注销备案日期",
    "account_gone": "账号已可访问或已注销备案",
    "stale_account": "账号已恢复更新",
    "confidential_marker": "相关内容已删除或修改",
    "missing_attribution": "转载内容已注明来源或已删除",
    "unanswered_question": "账号已答复该提问",
    "superior_post_not_reposted": "已转发上级账号的信息",
    "hot_topic": "话题热度已回落",
    "rumour_unclarified": "相关单位已发布澄清",
    "negative_surge": "负面评论占比已回落",
    "commercial_content": "广告内容已删除或修改",
    "harmful_comment": "有害评论已处置",
    "collection_failing": "采集已恢复正常",
    "no_collector": "账号已可采集",
}


def resolved_how(rule: str, data: dict[str, object] | None = None) -> str:
    """Why a finding went: the reason the analysis recorded (``closed_how`` in its data, e.g.
    a question no longer followed), else how a problem of its rule usually goes away."""
    return recorded_how(data) or RESOLVED_HOW.get(rule, GONE)


def item_from(
    decision: Decision,
    tree: UnitTree,
    account_names: dict[str, str] | None = None,
    gone: dict[str, Finding] | None = None,
    *,
    alert_id: int | None = None,
    finding: Finding | None = None,
) -> AlertItem:
    """The message line of a decision that notifies: its finding, or, for a resolution, the
    finding as it was last seen (``gone``, by dedup key) so the line restates what went.

    ``alert_id`` and ``finding``, when given, stand for the decision's (the row id once
    stored, the finding read whole): cheaper than a copy of each of ~50k decisions."""
    alert = decision.alert
    finding = finding or decision.finding
    resolving = decision.action == "resolve"
    if finding is None and resolving and gone:
        finding = gone.get(alert.dedup_key)
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
        # One citation style (第二十二、二十三条): the table's, whatever a stored row says.
        article=(info.article if info else "") or (finding.article if finding else ""),
        notice=_NOTICE.get(decision.action, "reminder"),
        summary=with_remedy(alert.rule, finding.summary, finding.data)
        if finding
        else decision.reason,
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
        alert_id=alert.id if alert_id is None else alert_id,
        resolved_at=alert.resolved_at if resolving else None,
        resolved_how=resolved_how(alert.rule, finding.data if finding else None)
        if resolving
        else "",
    )
