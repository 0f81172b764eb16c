"""Operator rules (govmon could not see) go to the operator, never to a unit (issue 12 §1)."""

from __future__ import annotations

import datetime as dt

import pytest

from alerts.plan import plan
from alerts.policy import evaluate
from alerts.routing import UnitContact, UnitTree
from alerts.settings import AlertsSettings
from analysis.findings import Finding
from analysis.workdays import SHANGHAI, WorkCalendar
from monitor.settings import settings_from_dict

OPENED = dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI).astimezone(dt.UTC)


def _finding(rule: str) -> Finding:
    return Finding(
        rule=rule,
        article="第二十二条",
        subject_type="account",
        subject_key="wechat:gh_1",
        dedup_key=f"{rule}:wechat:gh_1",
        severity="overdue",
        summary="账号无法采集：请填写订阅地址，或配置 RSSHub",
        unit="城东收费站",
        account="wechat:gh_1",
    )


def _tree() -> UnitTree:
    return UnitTree(
        [
            UnitContact("厅办公室", wecom_webhook="wecom://office"),
            UnitContact("高速公路管理局", parent="厅办公室", emails=("gs@example.org",)),
            UnitContact("城东收费站", parent="高速公路管理局", wecom_webhook="wecom://station"),
        ],
        top_unit="厅办公室",
    )


def _routes(rule: str, settings: AlertsSettings, now: dt.datetime) -> set[str]:
    decisions = evaluate([_finding(rule)], {}, now, WorkCalendar(), settings, _tree())
    return {o.route.channel_ref for o in plan(decisions, _tree(), settings, now)}


@pytest.mark.parametrize("rule", ["collection_failing", "no_collector"])
def test_operator_rules_reach_the_top_unit_not_the_account_unit(rule: str) -> None:
    assert _routes(rule, AlertsSettings(), OPENED) == {"registry:厅办公室"}


def test_operator_channels_setting_takes_them(rule: str = "collection_failing") -> None:
    settings = AlertsSettings(channels={"ops": "file:///tmp/ops"}, operator_channels=["ops"])
    assert _routes(rule, settings, OPENED) == {"settings:ops"}


def test_a_compliance_rule_still_goes_to_its_unit() -> None:
    assert _routes("stale_account", AlertsSettings(), OPENED) == {"registry:城东收费站"}


def test_operator_alerts_do_not_climb_the_unit_tree() -> None:
    settings = AlertsSettings()
    calendar = WorkCalendar()
    first = evaluate([_finding("no_collector")], {}, OPENED, calendar, settings, _tree())
    stored = {d.dedup_key: d.alert for d in first}
    later = OPENED + dt.timedelta(days=30)
    [decision] = evaluate([_finding("no_collector")], stored, later, calendar, settings, _tree())
    assert decision.alert.escalation_level == 0


@pytest.mark.parametrize("rule", ["collection_failing", "no_collector", "account_gone"])
def test_alerts_rules_accept_the_collection_rules(rule: str) -> None:
    settings = settings_from_dict({"alerts": {"rules": {rule: {"severity": "warning"}}}})
    assert settings.alerts.rule(rule).severity == "warning"


def test_unknown_operator_channel_is_refused() -> None:
    with pytest.raises(ValueError, match="未定义的渠道"):
        AlertsSettings(operator_channels=["nowhere"])
