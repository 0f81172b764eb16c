"""The lifecycle with a frozen clock: dedup, re-send, resolution, escalation, quiet hours."""

from __future__ import annotations

import datetime as dt

from alerts.plan import plan
from alerts.policy import AlertState, Decision, acknowledge, evaluate
from alerts.quiet import quiet_until
from alerts.routing import UnitTree
from alerts.settings import AlertsSettings, RuleAlertSettings
from analysis.findings import Finding
from analysis.workdays import SHANGHAI, WorkCalendar


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=SHANGHAI).astimezone(dt.UTC)


def finding(rule: str = "filing_overdue", key: str = "a1", severity: str = "overdue") -> Finding:
    return Finding(
        rule=rule,
        article="第六条",
        subject_type="account",
        subject_key=key,
        dedup_key=f"{rule}:{key}",
        severity=severity,  # type: ignore[arg-type]
        summary="账号开通后 5 个工作日内未备案（第六条）",
        unit="城东收费站",
        account=f"weibo:{key}",
    )


class Store:
    """What monitor does between runs: keep each decision's alert by its key."""

    def __init__(self) -> None:
        self.alerts: dict[str, AlertState] = {}

    def run(
        self,
        findings: list[Finding],
        now: dt.datetime,
        settings: AlertsSettings,
        tree: UnitTree,
        calendar: WorkCalendar,
        evaluated: set[str] | None = None,
    ) -> list[Decision]:
        decisions = evaluate(findings, self.alerts, now, calendar, settings, tree, evaluated)
        for decision in decisions:
            self.alerts[decision.dedup_key] = decision.alert
        return decisions


def actions(decisions: list[Decision]) -> list[tuple[str, str | None]]:
    return [(d.action, d.notify) for d in decisions]


def test_opened_once_then_kept_quiet(
    settings: AlertsSettings, tree: UnitTree, calendar: WorkCalendar
) -> None:
    store = Store()
    assert actions(store.run([finding()], at(2026, 3, 2), settings, tree, calendar)) == [
        ("open", "alert")
    ]
    for hour in (11, 15, 20):
        decisions = store.run([finding()], at(2026, 3, 2, hour), settings, tree, calendar)
        assert actions(decisions) == [("keep", None)]


def test_resent_after_three_working_days(
    settings: AlertsSettings, tree: UnitTree, calendar: WorkCalendar
) -> None:
    store = Store()
    warn = finding(severity="warning")  # escalates after 5 working days, not 3
    store.run([warn], at(2026, 3, 6), settings, tree, calendar)  # Friday
    assert actions(store.run([warn], at(2026, 3, 10, 9), settings, tree, calendar)) == [
        ("keep", None)
    ]
    decisions = store.run([warn], at(2026, 3, 11), settings, tree, calendar)  # Wednesday
    assert actions(decisions) == [("resend", "alert")]
    assert decisions[0].alert.send_count == 2


def test_resolution_reported_once(
    settings: AlertsSettings, tree: UnitTree, calendar: WorkCalendar
) -> None:
    store = Store()
    store.run([finding()], at(2026, 3, 2), settings, tree, calendar)
    decisions = store.run([], at(2026, 3, 3), settings, tree, calendar)
    assert actions(decisions) == [("resolve", "resolution")]
    assert decisions[0].alert.resolution_reported_at == at(2026, 3, 3)
    assert store.run([], at(2026, 3, 4), settings, tree, calendar) == []
    reopened = store.run([finding()], at(2026, 3, 5), settings, tree, calendar)
    assert actions(reopened) == [("reopen", "alert")]


def test_only_evaluated_rules_resolve(
    settings: AlertsSettings, tree: UnitTree, calendar: WorkCalendar
) -> None:
    store = Store()
    store.run([finding()], at(2026, 3, 2), settings, tree, calendar)
    assert store.run([], at(2026, 3, 3), settings, tree, calendar, {"stale_account"}) == []


def test_escalation_across_national_day(tree: UnitTree, calendar: WorkCalendar) -> None:
    settings = AlertsSettings(resend_interval_workdays=0)
    store = Store()
    store.run([finding()], at(2025, 9, 30), settings, tree, calendar)  # Tuesday, then 国庆
    # 1–8 October are holidays; Thu 9, Fri 10 and Sat 11 (调休) are working days.
    assert actions(store.run([finding()], at(2025, 10, 8), settings, tree, calendar)) == [
        ("keep", None)
    ]
    assert actions(store.run([finding()], at(2025, 10, 10), settings, tree, calendar)) == [
        ("keep", None)
    ]
    up = store.run([finding()], at(2025, 10, 11), settings, tree, calendar)
    assert actions(up) == [("escalate", "alert")] and up[0].alert.escalation_level == 1
    assert "高速公路管理局" in up[0].reason
    top = store.run([finding()], at(2025, 10, 16), settings, tree, calendar)
    assert top[0].alert.escalation_level == 2 and "厅办公室" in top[0].reason
    later = store.run([finding()], at(2025, 11, 30), settings, tree, calendar)
    assert actions(later) == [("keep", None)]  # the top unit is the last level


def test_acknowledged_stops_resend_and_escalation(
    settings: AlertsSettings, tree: UnitTree, calendar: WorkCalendar
) -> None:
    store = Store()
    store.run([finding()], at(2026, 3, 2), settings, tree, calendar)
    key = "filing_overdue:a1"
    store.alerts[key] = acknowledge(store.alerts[key], at(2026, 3, 2, 11), "王科长")
    decisions = store.run([finding()], at(2026, 3, 20), settings, tree, calendar)
    assert actions(decisions) == [("keep", None)]
    assert decisions[0].alert.state == "acknowledged"
    assert actions(store.run([], at(2026, 3, 21), settings, tree, calendar)) == [
        ("resolve", "resolution")
    ]


def test_rule_settings_switch_off_and_override(tree: UnitTree, calendar: WorkCalendar) -> None:
    store = Store()
    on = AlertsSettings()
    store.run([finding()], at(2026, 3, 2), on, tree, calendar)
    off = AlertsSettings(rules={"filing_overdue": RuleAlertSettings(enabled=False)})
    assert actions(store.run([finding()], at(2026, 3, 3), off, tree, calendar)) == [
        ("silence", None)
    ]
    custom = AlertsSettings(
        rules={"stale_account": RuleAlertSettings(severity="critical", urgent=True)}
    )
    (decision,) = evaluate(
        [finding("stale_account", severity="warning")], {}, at(2026, 3, 2), calendar, custom, tree
    )
    assert decision.alert.severity == "critical" and decision.alert.urgent


def test_quiet_hours_hold_non_urgent_until_morning(
    settings: AlertsSettings, tree: UnitTree, calendar: WorkCalendar
) -> None:
    night = at(2026, 3, 2, 23)
    findings = [finding(), finding("rumour_unclarified", "r1", "critical")]
    decisions = evaluate(findings, {}, night, calendar, settings, tree)
    outgoing = plan(decisions, tree, settings, night)
    now_items = [o for o in outgoing if o.not_before is None]
    held = [o for o in outgoing if o.not_before is not None]
    assert [i.rule for o in now_items for i in o.items] == ["rumour_unclarified"]
    assert [i.rule for o in held for i in o.items] == ["filing_overdue"]
    assert held[0].not_before == at(2026, 3, 3, 7)
    day = plan(decisions, tree, settings, at(2026, 3, 2, 14))
    assert len(day) == 1 and len(day[0].items) == 2  # one batched message per recipient


def test_quiet_hours_windows() -> None:
    start, end = dt.time(22), dt.time(7)
    assert quiet_until(at(2026, 3, 2, 21), start, end) is None
    assert quiet_until(at(2026, 3, 2, 22), start, end) == at(2026, 3, 3, 7)
    assert quiet_until(at(2026, 3, 3, 6), start, end) == at(2026, 3, 3, 7)
    assert quiet_until(at(2026, 3, 3, 7), start, end) is None
    assert quiet_until(at(2026, 3, 3, 12), dt.time(12), dt.time(13)) == at(2026, 3, 3, 13)
    assert quiet_until(at(2026, 3, 3, 23), None, None) is None


def test_escalated_alert_reaches_unit_and_parent(tree: UnitTree, calendar: WorkCalendar) -> None:
    settings = AlertsSettings(
        channels={"mail": "smtp://127.0.0.1:25?security=none"}, email_channel="mail"
    )
    store = Store()
    store.run([finding()], at(2025, 9, 30), settings, tree, calendar)
    up = store.run([finding()], at(2025, 10, 11), settings, tree, calendar)
    outgoing = plan(up, tree, settings, at(2025, 10, 11))
    routes = {(o.route.unit, o.route.channel_ref, o.route.recipients) for o in outgoing}
    assert routes == {
        ("城东收费站", "settings:outbox", ()),
        ("高速公路管理局", "settings:mail", ("gs@example.org",)),
    }
    assert all(
        o.items[0].level == 1 and o.items[0].level_unit == "高速公路管理局" for o in outgoing
    )


def test_unit_chain_is_cycle_safe_and_ends_at_top() -> None:
    from alerts.routing import UnitContact

    tree = UnitTree([UnitContact("甲", parent="乙"), UnitContact("乙", parent="甲")], "厅办公室")
    assert tree.chain("甲") == ["甲", "乙", "厅办公室"]
    assert tree.chain(None) == ["厅办公室"]
    assert tree.chain("未登记单位") == ["未登记单位", "厅办公室"]
