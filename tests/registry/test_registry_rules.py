"""The registry rules (第六至九条) over the analysis frames, with an injected date and the
Chinese working-day calendar (2026 National Day with its make-up Saturday; 2027 fallback)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pandas as pd
import pytest

from analysis.compliance.registry_rules import (
    check_registry,
    closure_unfiled,
    duplicate_platform_account,
    filing_overdue,
    name_parts,
    name_unrelated,
    roles_missing,
)
from analysis.frames import ACCOUNTS, UNITS
from analysis.workdays import WorkCalendar
from monitor.settings.model import RegistrySettings

D = dt.date
CAL = WorkCalendar()


def unit(unit_id: int, name: str, **extra: Any) -> dict[str, Any]:
    base = {"unit_id": unit_id, "name": name, "short_name": "", "parent_id": None,
            "head": "王一", "deputy": "李二", "editor": "张三", "department": "办公室"}  # fmt: skip
    return {**base, **extra}


def account(n: int, unit_id: int = 1, unit_name: str = "江南省高速公路管理局", **extra: Any
            ) -> dict[str, Any]:  # fmt: skip
    platform = extra.get("platform", "weibo")
    base = {"account_id": n, "account_key": f"{platform}:{n}", "unit_id": unit_id,
            "unit": unit_name, "platform": platform, "platform_id": str(n), "name": "江南高速",
            "home_url": "", "opened_on": D(2026, 3, 2), "filed_on": D(2026, 3, 3),
            "closed_on": None, "closure_filed_on": None, "status": "active", "superiors": [],
            "staff": "赵小燕"}  # fmt: skip
    return {**base, **extra}


def accounts(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=ACCOUNTS)


def units(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=UNITS)


# ---- 第六条 filing_overdue ---------------------------------------------------------------------

# Opened Tue 2026-09-29: working days after it are 9-30, 10-08, 10-09, 10-10 (make-up Saturday)
# and 10-12 — the deadline. Without the make-up day it would be 10-13.
NATIONAL_DAY = account(1, opened_on=D(2026, 9, 29), filed_on=None)


def test_unfiled_within_deadline_across_national_day_is_fine() -> None:
    assert filing_overdue(accounts(NATIONAL_DAY), today=D(2026, 10, 12), calendar=CAL) == []


def test_unfiled_after_deadline_across_national_day() -> None:
    (finding,) = filing_overdue(accounts(NATIONAL_DAY), today=D(2026, 10, 13), calendar=CAL)
    assert finding.rule == "filing_overdue" and finding.article == "第六条"
    assert finding.severity == "overdue"
    assert finding.dedup_key == "filing_overdue:weibo:1:unfiled"
    assert finding.summary == (
        "第六条：账号「江南高速」（微博）于 2026-09-29 开通，应在 5 个工作日内（2026-10-12 前）"
        "向厅办公室备案，至今未备案，已逾期 1 个工作日。"
        "请补办备案，并在备案登记表该账号一行的「备案日期」栏填写后重新导入"
    )
    assert finding.deadline == dt.datetime(2026, 10, 12, 16, 0, tzinfo=dt.UTC)
    assert finding.data["due"] == "2026-10-12"


def test_filed_on_the_make_up_workday_deadline_is_on_time() -> None:
    row = account(1, opened_on=D(2026, 9, 29), filed_on=D(2026, 10, 12))
    assert filing_overdue(accounts(row), today=D(2026, 11, 1), calendar=CAL) == []


def test_filed_late_across_national_day() -> None:
    row = account(1, opened_on=D(2026, 9, 29), filed_on=D(2026, 10, 14))
    (finding,) = filing_overdue(accounts(row), today=D(2026, 11, 1), calendar=CAL)
    assert finding.severity == "warning"
    assert finding.dedup_key == "filing_overdue:weibo:1:late"
    assert "2026-10-14 才备案，超过 5 个工作日的备案时限（应在 2026-10-12 前）2 个工作日" in (
        finding.summary
    )


def test_2027_falls_back_to_monday_to_friday(caplog: pytest.LogCaptureFixture) -> None:
    calendar = WorkCalendar()
    row = account(1, opened_on=D(2027, 1, 4), filed_on=None)  # a Monday
    with caplog.at_level(logging.WARNING):
        assert filing_overdue(accounts(row), today=D(2027, 1, 11), calendar=calendar) == []
        (finding,) = filing_overdue(accounts(row), today=D(2027, 1, 12), calendar=calendar)
    assert finding.data["due"] == "2027-01-11"
    assert sum("2027" in r.getMessage() for r in caplog.records) == 1


def test_2027_holidays_from_settings() -> None:
    calendar = WorkCalendar(extra_holidays=[D(2027, 1, 1), D(2027, 1, 5)])
    row = account(1, opened_on=D(2027, 1, 4), filed_on=None)
    (finding,) = filing_overdue(accounts(row), today=D(2027, 1, 13), calendar=calendar)
    assert finding.data["due"] == "2027-01-12"


def test_configured_deadline() -> None:
    row = account(1, opened_on=D(2026, 3, 2), filed_on=D(2026, 3, 5))
    assert filing_overdue(accounts(row), today=D(2026, 4, 1), calendar=CAL, deadline=2)


def test_timestamps_and_missing_dates_in_the_frame() -> None:
    frame = accounts(
        account(1, opened_on=pd.Timestamp("2026-09-29"), filed_on=pd.NaT),
        account(2, opened_on=None, filed_on=None),
    )
    (finding,) = filing_overdue(frame, today=D(2026, 10, 13), calendar=CAL)
    assert finding.account == "weibo:1"


# ---- 第九条 closure_unfiled --------------------------------------------------------------------


def test_closure_unfiled_and_late() -> None:
    frame = accounts(
        account(1, closed_on=D(2026, 9, 29), status="closed"),
        account(2, closed_on=D(2026, 9, 29), closure_filed_on=D(2026, 10, 13), status="closed"),
        account(3, closed_on=D(2026, 9, 29), closure_filed_on=D(2026, 10, 12), status="closed"),
    )
    assert closure_unfiled(frame, today=D(2026, 10, 12), calendar=CAL)[0].account == "weibo:2"
    found = closure_unfiled(frame, today=D(2026, 10, 13), calendar=CAL)
    assert [(f.account, f.data["state"]) for f in found] == [
        ("weibo:1", "unfiled"), ("weibo:2", "late")
    ]  # fmt: skip
    assert found[0].article == "第九条"
    assert found[0].summary.startswith("第九条：账号「江南高速」（微博）于 2026-09-29 注销")


def test_account_gone_from_platform_is_not_a_registry_finding() -> None:
    """One finding per problem: a gone account is ``account_gone`` (found at collection,
    tests/pipeline/test_collection_gaps.py), not a second ``closure_unfiled``."""
    assert closure_unfiled(accounts(account(1, status="gone")), today=D(2026, 5, 1),
                           calendar=CAL) == []  # fmt: skip


# ---- 第七条 roles_missing ----------------------------------------------------------------------


def test_roles_missing_names_each_missing_role() -> None:
    frame_units = units(
        unit(1, "江南省高速公路管理局", editor=""),
        unit(2, "临江市汽车客运站", head=None, deputy="", editor=""),
        unit(3, "江南省人民政府", head="", deputy="", editor=""),  # no accounts: not checked
        unit(4, "江南省港航事业发展中心", editor=""),  # closed accounts only: not checked
    )
    frame = accounts(account(1, 1), account(2, 2, "临江市汽车客运站"),
                     account(3, 4, "江南省港航事业发展中心", closed_on=D(2026, 1, 5)))  # fmt: skip
    found = roles_missing(frame, frame_units)
    assert [f.summary for f in found] == [
        "第七条：单位「江南省高速公路管理局」开设了政务新媒体账号，但未明确总编辑",
        "第七条：单位「临江市汽车客运站」开设了政务新媒体账号，但未明确主要负责人、分管负责人、总编辑",
    ]
    assert found[0].dedup_key == "roles_missing:江南省高速公路管理局"
    assert found[0].subject_type == "unit"


def test_roles_missing_asks_for_the_department_and_staff_too() -> None:
    """第七条 also asks for the 管理部门 and the 工作人员 who run the accounts."""
    frame_units = units(
        unit(1, "江南省高速公路管理局", department=""),
        unit(2, "临江市汽车客运站"),
        unit(3, "江南省港航事业发展中心", department=None),
        unit(4, "江南省公路事业发展中心"),
    )
    frame = accounts(
        account(1, 1),
        account(2, 2, "临江市汽车客运站", staff=""),
        account(3, 2, "临江市汽车客运站", name="临江客运站", platform="wechat", staff=None),
        account(4, 3, "江南省港航事业发展中心", name="江南港航", staff=""),
        account(5, 3, "江南省港航事业发展中心", name="港航资讯", platform="wechat"),
        account(6, 4, "江南省公路事业发展中心", name="江南公路", staff="王五、赵六"),
        account(7, 4, "江南省公路事业发展中心", name="旧号", platform="douyin", staff="",
                closed_on=D(2026, 1, 5), status="closed"),  # closed: needs no staff
    )  # fmt: skip
    found = roles_missing(frame, frame_units)
    assert [f.summary for f in found] == [
        "第七条：单位「江南省高速公路管理局」开设了政务新媒体账号，但未明确管理部门",
        "第七条：单位「临江市汽车客运站」开设了政务新媒体账号，但未明确工作人员",
        "第七条：单位「江南省港航事业发展中心」开设了政务新媒体账号，但未明确管理部门、"
        "工作人员（账号「江南港航」（微博））",
    ]
    assert [f.data["missing"] for f in found] == [
        ["管理部门"],
        ["工作人员"],
        ["管理部门", "工作人员"],
    ]
    assert found[2].data["accounts_without_staff"] == ["weibo:4"]


# ---- 第八条 duplicate_platform_account, name_unrelated ------------------------------------------


def test_duplicate_platform_account_counts_active_accounts_only() -> None:
    frame = accounts(
        account(1, name="江南高速"), account(2, name="江南高速服务"),
        account(3, name="江南高速旧号", closed_on=D(2025, 1, 1), status="closed"),
        account(4, platform="wechat"),
        account(5, platform="rss"), account(6, platform="rss"),
    )  # fmt: skip
    (finding,) = duplicate_platform_account(frame)
    assert finding.dedup_key == "duplicate_platform_account:江南省高速公路管理局:weibo"
    assert finding.summary == (
        "第八条：单位「江南省高速公路管理局」在微博上有 2 个在用账号（「江南高速」、「江南高速服务」），"
        "原则上每个平台只能注册一个账号"
    )
    assert len(duplicate_platform_account(frame, exempt_platforms=())) == 2


@pytest.mark.parametrize(
    ("unit_name", "short", "name", "related"),
    [("江南省高速公路管理局", "", "江南高速", True),
     ("江南省高速公路管理局", "", "高速路况", True),
     ("江南省高速公路管理局东阳路段管理处", "", "东阳高速路况", True),
     ("临江市汽车客运站", "", "临江客运站", True),
     ("临江市汽车客运站", "", "小临出行", False),
     ("临江市汽车客运站", "临江站", "小临出行", False),
     ("江南省交通运输厅", "", "交通运输之声", False),
     ("江南省交通运输厅", "", "畅行江南", True),
     ("江南省道路运输事业发展中心", "省运管", "省运管在线", True),
     ("江南省道路运输事业发展中心", "", "路路通", False)],
)  # fmt: skip
def test_name_unrelated(unit_name: str, short: str, name: str, related: bool) -> None:
    found = name_unrelated(accounts(account(1, name=name)),
                           units(unit(1, unit_name, short_name=short)))  # fmt: skip
    assert (found == []) is related
    if found:
        assert found[0].article == "第八条"
        assert found[0].dedup_key == "name_unrelated:weibo:1"
        assert f"账号「{name}」（微博）的名称与单位「{unit_name}」" in found[0].summary


def test_name_parts_drop_generic_words() -> None:
    assert name_parts("江南省高速公路管理局") == {"江南", "高速", "速公", "公路"}
    assert name_parts("江南省交通运输厅") == {"江南"}


# ---- all together -----------------------------------------------------------------------------


def test_check_registry_respects_switches() -> None:
    frame_units = units(unit(1, "江南省高速公路管理局", editor=""))
    frame = accounts(account(1, name="路路通", opened_on=D(2026, 9, 29), filed_on=None),
                     account(2, name="江南高速"))  # fmt: skip
    everything = check_registry(frame, frame_units, today=D(2026, 11, 1), calendar=CAL,
                                config=RegistrySettings())  # fmt: skip
    assert [f.rule for f in everything] == [
        "filing_overdue", "roles_missing", "duplicate_platform_account", "name_unrelated"
    ]  # fmt: skip
    quiet = RegistrySettings(check_filing_overdue=False, check_roles_missing=False,
                             check_duplicate_platform_account=False, check_name_unrelated=False)  # fmt: skip
    assert check_registry(frame, frame_units, today=D(2026, 11, 1), calendar=CAL,
                          config=quiet) == []  # fmt: skip
