"""Evaluating tens of thousands of alerts works out each deadline once: alerts opened and sent
together share their resend and escalation deadlines, and each deadline walks the holiday
tables. Decisions are those of a calendar asked every time."""

from __future__ import annotations

import datetime as dt

from alerts.policy import AlertState, Decision, evaluate
from alerts.routing import UnitTree
from alerts.settings import AlertsSettings
from analysis.findings import Finding
from analysis.workdays import SHANGHAI, WorkCalendar

OPENED = dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI).astimezone(dt.UTC)  # Monday


class CountingCalendar(WorkCalendar):
    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    def add_workdays_at(self, start: dt.datetime, days: int) -> dt.datetime:
        self.asked += 1
        return super().add_workdays_at(start, days)


def _finding(i: int) -> Finding:
    return Finding(
        rule="filing_overdue",
        article="第六条",
        subject_type="account",
        subject_key=f"a{i}",
        dedup_key=f"filing_overdue:a{i}",
        severity="overdue",
        summary="账号开通后 5 个工作日内未备案（第六条）",
        unit="城东收费站",
    )


def _alert(i: int) -> AlertState:
    return AlertState(
        dedup_key=f"filing_overdue:a{i}",
        rule="filing_overdue",
        severity="overdue",
        urgent=False,
        state="open",
        opened_at=OPENED,
        unit="城东收费站",
        last_sent_at=OPENED,
        send_count=1,
        id=i + 1,
    )


def _run(
    calendar: WorkCalendar, now: dt.datetime, settings: AlertsSettings, tree: UnitTree
) -> list[Decision]:
    findings = [_finding(i) for i in range(300)]
    alerts = {a.dedup_key: a for a in (_alert(i) for i in range(300))}
    return evaluate(findings, alerts, now, calendar, settings, tree)


def test_shared_deadlines_are_worked_out_once(settings: AlertsSettings, tree: UnitTree) -> None:
    for days in (1, 3, 12):  # kept; resent; escalated
        now = OPENED + dt.timedelta(days=days)
        counting = CountingCalendar()
        decisions = _run(counting, now, settings, tree)
        assert counting.asked <= 4  # not two per alert
        plain = _run(WorkCalendar(), now, settings, tree)
        assert decisions == plain
        assert len({d.action for d in decisions}) == 1
