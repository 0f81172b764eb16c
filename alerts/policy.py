"""The lifecycle of alerts as a pure function: findings + stored alerts + clock → decisions.

``evaluate`` says, for every finding that holds and every alert that is still open, what to
do and what the stored alert becomes; ``monitor`` persists :attr:`Decision.alert` (its fields
mirror the ``alerts`` table) and hands the decisions that notify to :func:`alerts.plan.plan`.

- A finding's stable key opens an alert once (``open``); a resolved one that comes back is
  opened again (``reopen``).
- While open it is re-sent every ``resend_interval_workdays`` working days (``resend``).
- It climbs one unit up the tree each ``escalation_workdays[severity]`` working days it stays
  open, up to the top unit (``escalate``); the level is shown in the message.
- When the finding no longer holds it is resolved, and the resolution reported once
  (``resolve``). Only rules that were evaluated this run can resolve alerts.
- Acknowledged (``govmon alerts ack``): no more re-sending or escalation, still listed,
  still resolved (and reported) when the finding goes.
- A rule switched off in settings opens nothing; its open alerts are closed without a message
  (``silence``).
- A finding govmon carries unseen (``unseen``: a finding of
  :data:`~analysis.collection_gaps.CARRIED_RULES` — 长期未更新, 未转发, 网民提问未答复, 负面舆情
  激增, 热点舆情 — about accounts it cannot read now, or a 谣言未澄清 some of whose possible
  clarifiers it cannot read) keeps its level and is not re-sent: whether the
  unit acted cannot be seen (STYLE 18), and the operator has the 账号采集失败 finding. Once the
  account is read again, escalation goes on by the working days open, as before.
- A finding closed without being solved (``closed``: a question past tracking, or deleted by
  its author) closes its alert without a message too: it was never solved, so no "已解决".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from alerts.routing import UnitTree
from alerts.rules import URGENT_BY_DEFAULT
from alerts.settings import AlertsSettings
from analysis.findings import Finding, Severity
from analysis.labels import citation, is_operator_rule, rule_title
from analysis.workdays import WorkCalendar

AlertStatus = Literal["open", "acknowledged", "resolved"]
Action = Literal["open", "reopen", "resend", "escalate", "resolve", "silence", "keep"]
Notice = Literal["alert", "resolution"]


@dataclass(frozen=True)
class AlertState:
    """An alert as stored (the ``alerts`` row, keyed by its finding's ``dedup_key``)."""

    dedup_key: str
    rule: str
    severity: Severity
    urgent: bool
    state: AlertStatus
    opened_at: dt.datetime
    unit: str | None = None
    escalation_level: int = 0
    last_sent_at: dt.datetime | None = None
    send_count: int = 0
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: str = ""
    resolved_at: dt.datetime | None = None
    resolution_reported_at: dt.datetime | None = None
    id: int | None = None  # the row id once stored


@dataclass(frozen=True)
class Decision:
    action: Action
    alert: AlertState  # what to store
    notify: Notice | None  # whether this run tells anyone, and what
    reason: str  # Chinese, for logs and `govmon alerts list`
    finding: Finding | None = None  # the finding that holds (None when resolved)

    @property
    def dedup_key(self) -> str:
        return self.alert.dedup_key


class Deadlines(Protocol):
    def add_workdays_at(self, start: dt.datetime, days: int) -> dt.datetime: ...


class _SameDeadlines:
    """A calendar's deadlines, each worked out once per run: tens of thousands of alerts
    share a few opening and sending times, and each deadline walks the holiday tables."""

    def __init__(self, calendar: Deadlines) -> None:
        self.calendar = calendar
        self.known: dict[tuple[dt.datetime, int], dt.datetime] = {}

    def add_workdays_at(self, start: dt.datetime, days: int) -> dt.datetime:
        key = (start, days)
        if key not in self.known:
            self.known[key] = self.calendar.add_workdays_at(start, days)
        return self.known[key]


def rule_urgent(rule: str, settings: AlertsSettings) -> bool:
    configured = settings.rule(rule).urgent
    return rule in URGENT_BY_DEFAULT if configured is None else configured


class _RuleChoices:
    """Each rule's alert settings (on? severity? urgent?), looked up once per run rather than
    for each of tens of thousands of findings."""

    def __init__(self, settings: AlertsSettings) -> None:
        self.settings = settings
        self.known: dict[str, tuple[bool, Severity | None, bool]] = {}

    def __call__(self, rule: str) -> tuple[bool, Severity | None, bool]:
        known = self.known.get(rule)
        if known is None:
            configured = self.settings.rule(rule)
            urgent = rule_urgent(rule, self.settings)
            known = self.known[rule] = (configured.enabled, configured.severity, urgent)
        return known

    def enabled(self, rule: str) -> bool:
        return self(rule)[0]


def escalation_level(
    opened_at: dt.datetime,
    now: dt.datetime,
    severity: Severity,
    calendar: Deadlines,
    settings: AlertsSettings,
    max_level: int,
) -> int:
    """One level up for each ``escalation_workdays[severity]`` working days open."""
    step = settings.escalation_workdays.get(severity, 0)
    level = 0
    if step <= 0:
        return 0
    while level < max_level and now >= calendar.add_workdays_at(opened_at, step * (level + 1)):
        level += 1
    return level


def resend_due(
    alert: AlertState, now: dt.datetime, calendar: Deadlines, settings: AlertsSettings
) -> bool:
    interval = settings.resend_interval_workdays
    if interval <= 0 or alert.last_sent_at is None:
        return False
    return now >= calendar.add_workdays_at(alert.last_sent_at, interval)


def evaluate(
    findings: Iterable[Finding],
    alerts: Mapping[str, AlertState],
    now: dt.datetime,
    calendar: WorkCalendar,
    settings: AlertsSettings,
    tree: UnitTree,
    evaluated_rules: Collection[str] | None = None,
    closures: Mapping[str, str] | None = None,
    unseen: Collection[str] = frozenset(),
) -> list[Decision]:
    """Decisions for every finding that holds and every unresolved alert.

    ``alerts`` are the stored alerts by dedup key; ``evaluated_rules`` the rules that ran this
    time (None: all) — an alert of a rule that did not run is left as it is; ``closures`` the
    findings closed unsolved (dedup key → why, e.g. "逾期未答复（已过追踪期）"); ``unseen``
    the dedup keys of findings carried while their account cannot be read (not escalated).
    """
    closures = closures or {}
    deadlines = _SameDeadlines(calendar)
    choices = _RuleChoices(settings)
    decisions: list[Decision] = []
    holding: set[str] = set()
    for finding in findings:
        if finding.dedup_key in holding:
            continue
        holding.add(finding.dedup_key)
        enabled, severity, urgent = choices(finding.rule)
        if not enabled:
            continue
        alert = alerts.get(finding.dedup_key)
        decision = _holding(
            finding, alert, now, deadlines, settings, tree, severity or finding.severity, urgent
        )
        if finding.dedup_key in unseen and decision.action in ("escalate", "resend"):
            decision = _unseen(finding, alert, decision)
        decisions.append(decision)
    for key, alert in alerts.items():
        if (key in holding and choices.enabled(alert.rule)) or alert.state == "resolved":
            continue
        if not choices.enabled(alert.rule):
            closed = dataclasses.replace(alert, state="resolved", resolved_at=now)
            decisions.append(Decision("silence", closed, None, "规则已在设置中停用，告警关闭"))
            continue
        if key in closures:
            ended = dataclasses.replace(alert, state="resolved", resolved_at=now)
            reason = f"{closures[key]}，不再跟踪，告警关闭（未解决，不通报已解决）"
            decisions.append(Decision("silence", ended, None, reason))
            continue
        if evaluated_rules is not None and alert.rule not in evaluated_rules:
            continue
        told = alert.send_count > 0
        resolved = dataclasses.replace(
            alert,
            state="resolved",
            resolved_at=now,
            resolution_reported_at=now if told else None,
        )
        decisions.append(
            Decision("resolve", resolved, "resolution" if told else None, "问题已不存在，告警解除")
        )
    return decisions


def _holding(
    finding: Finding,
    alert: AlertState | None,
    now: dt.datetime,
    calendar: Deadlines,
    settings: AlertsSettings,
    tree: UnitTree,
    severity: Severity,
    urgent: bool,
) -> Decision:
    """``severity`` and ``urgent``: the finding's as the settings make them (the rule's
    configured severity, else the finding's; ``rule_urgent``)."""
    if alert is None or alert.state == "resolved":
        fresh = AlertState(
            dedup_key=finding.dedup_key,
            rule=finding.rule,
            severity=severity,
            urgent=urgent,
            state="open",
            opened_at=now,
            unit=finding.unit,
            last_sent_at=now,
            send_count=(alert.send_count if alert else 0) + 1,
            id=alert.id if alert else None,
        )
        if alert is None:
            return Decision("open", fresh, "alert", "新发现的问题", finding)
        return Decision("reopen", fresh, "alert", "已解除的问题再次出现", finding)
    current = (
        alert
        if (alert.severity, alert.urgent, alert.unit) == (severity, urgent, finding.unit)
        else dataclasses.replace(alert, severity=severity, urgent=urgent, unit=finding.unit)
    )
    if alert.state == "acknowledged":
        return Decision("keep", current, None, "已确认，不再重发或升级", finding)
    # An operator alert has no unit chain to climb: it is the operator's already.
    top = 0 if is_operator_rule(finding.rule) else tree.max_level(finding.unit)
    level = escalation_level(alert.opened_at, now, severity, calendar, settings, top)
    sends = alert.send_count + 1  # the alert as sent again: made only when it is
    if level > alert.escalation_level:
        chain = tree.chain(finding.unit)
        escalated = dataclasses.replace(
            current, escalation_level=level, last_sent_at=now, send_count=sends
        )
        return Decision(
            "escalate", escalated, "alert", f"逾期未解决，升级至{chain[level]}", finding
        )
    if resend_due(alert, now, calendar, settings):
        return Decision(
            "resend",
            dataclasses.replace(current, last_sent_at=now, send_count=sends),
            "alert",
            f"仍未解决，每 {settings.resend_interval_workdays} 个工作日提醒一次",
            finding,
        )
    return Decision("keep", current, None, "仍未解决，未到重发时间", finding)


def unseen_reason(rule: str) -> str:
    """Why the alert of a carried finding stays as it is (Chinese, for the log)."""
    return (
        f"{citation(rule)}：{rule_title('collection_failing')}，无法确认单位是否已处理，"
        "暂停升级和重发，待恢复采集后按未解决的工作日数继续"
    )


def _unseen(finding: Finding, alert: AlertState | None, decision: Decision) -> Decision:
    """The decision kept back: the stored alert (with its current severity and unit) as it
    was — same level, not sent again."""
    if alert is None:  # only a stored alert escalates or is re-sent
        return decision
    kept = dataclasses.replace(
        decision.alert,
        escalation_level=alert.escalation_level,
        last_sent_at=alert.last_sent_at,
        send_count=alert.send_count,
    )
    return Decision("keep", kept, None, unseen_reason(finding.rule), finding)


def acknowledge(alert: AlertState, now: dt.datetime, by: str = "") -> AlertState:
    """``govmon alerts ack ID``: stop re-sending and escalating; the alert stays listed."""
    if alert.state != "open":
        return alert
    return dataclasses.replace(alert, state="acknowledged", acknowledged_at=now, acknowledged_by=by)
