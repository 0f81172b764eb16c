"""Rules over the registry (备案登记表) alone: filing, closure, named people, one account per
platform, and account names tied to their unit (第六至九条).

Pure functions over the accounts and units DataFrames of :mod:`analysis.frames`; the date
(``today``, Asia/Shanghai) and the working-day calendar are passed in. Each finding cites its
article and carries a stable dedup key.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import pandas as pd

from analysis.compliance.name_words import DEFAULT_GENERIC_WORDS
from analysis.findings import Finding, Severity, make_key
from analysis.platforms import platform_label
from analysis.workdays import SHANGHAI, WorkCalendar


class RegistryRuleConfig(Protocol):
    """What the rules read from the [registry] settings (monitor's RegistrySettings fits)."""

    @property
    def filing_deadline_workdays(self) -> int: ...
    @property
    def closure_deadline_workdays(self) -> int: ...
    @property
    def check_filing_overdue(self) -> bool: ...
    @property
    def check_closure_unfiled(self) -> bool: ...
    @property
    def check_roles_missing(self) -> bool: ...
    @property
    def check_duplicate_platform_account(self) -> bool: ...
    @property
    def check_name_unrelated(self) -> bool: ...
    @property
    def duplicate_exempt_platforms(self) -> Sequence[str]: ...
    @property
    def name_generic_words(self) -> Sequence[str]: ...


def check_registry(
    accounts: pd.DataFrame,
    units: pd.DataFrame,
    *,
    today: dt.date,
    calendar: WorkCalendar,
    config: RegistryRuleConfig,
) -> list[Finding]:
    """Every enabled registry rule, in a stable order."""
    findings: list[Finding] = []
    if config.check_filing_overdue:
        findings += filing_overdue(
            accounts, today=today, calendar=calendar, deadline=config.filing_deadline_workdays
        )
    if config.check_closure_unfiled:
        findings += closure_unfiled(
            accounts, today=today, calendar=calendar, deadline=config.closure_deadline_workdays
        )
    if config.check_roles_missing:
        findings += roles_missing(accounts, units)
    if config.check_duplicate_platform_account:
        findings += duplicate_platform_account(
            accounts, exempt_platforms=config.duplicate_exempt_platforms
        )
    if config.check_name_unrelated:
        findings += name_unrelated(accounts, units, generic_words=config.name_generic_words)
    return findings


# ---- helpers ---------------------------------------------------------------------------------


def _date(value: Any) -> dt.date | None:
    if value is None or (not isinstance(value, (str, list)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _start_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), SHANGHAI).astimezone(dt.UTC)


def _end_utc(day: dt.date) -> dt.datetime:
    """The end of a deadline day in Asia/Shanghai (the next midnight), in UTC."""
    return _start_utc(day + dt.timedelta(days=1))


def _rows(frame: pd.DataFrame) -> Iterable[dict[str, Any]]:
    for record in frame.to_dict("records"):
        yield {str(k): v for k, v in record.items()}


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, (str, list)) and pd.isna(value)):
        return ""
    return str(value)


def _shown(row: dict[str, Any]) -> str:
    return f"账号「{row['name']}」（{platform_label(str(row['platform']))}）"


def _is_active(row: dict[str, Any]) -> bool:
    return _text(row.get("status")) in ("", "active") and _date(row.get("closed_on")) is None


# ---- 第六条 ----------------------------------------------------------------------------------


def _filing_deadline(
    row: dict[str, Any],
    *,
    rule: str,
    article: str,
    event: str,  # the row's date field that starts the clock: opened_on, closed_on
    event_day: dt.date,
    filed: dt.date | None,
    today: dt.date,
    calendar: WorkCalendar,
    deadline: int,
    unfiled_text: str,
    late_text: str,
) -> Finding | None:
    """The filing deadline shared by 第六条 (opening) and 第九条 (closure): file within
    ``deadline`` working days of the event; "unfiled" once past it, "late" when filed after.
    The texts are format strings over {shown} {event} {deadline} {due} {late} {filed}."""
    due = calendar.add_workdays(event_day, deadline)
    data: dict[str, Any] = {
        event: event_day.isoformat(),
        "due": due.isoformat(),
        "workdays": deadline,
    }
    severity: Severity
    if filed is None and today > due:
        late = calendar.workdays_between(due, today)
        state, severity, text = "unfiled", "overdue", unfiled_text
    elif filed is not None and filed > due:
        late = calendar.workdays_between(due, filed)
        state, severity, text = "late", "warning", late_text
        data["filed_on"] = filed.isoformat()
    else:
        return None
    summary = text.format(
        shown=_shown(row), event=event_day, deadline=deadline, due=due, late=late, filed=filed
    )
    return Finding(
        rule=rule,
        article=article,
        subject_type="account",
        subject_key=row["account_key"],
        dedup_key=make_key(rule, row["account_key"], state),
        severity=severity,
        summary=summary,
        unit=row["unit"],
        account=row["account_key"],
        since=_start_utc(event_day),
        deadline=_end_utc(due),
        data={**data, "state": state, "workdays_late": late},
    )  # fmt: skip


def filing_overdue(
    accounts: pd.DataFrame, *, today: dt.date, calendar: WorkCalendar, deadline: int = 5
) -> list[Finding]:
    """第六条: filed more than ``deadline`` working days after opening, or still unfiled once
    they have passed. Opening day itself is not counted; holidays and 调休 are."""
    findings: list[Finding] = []
    for row in _rows(accounts):
        opened = _date(row.get("opened_on"))
        if opened is None:
            continue
        finding = _filing_deadline(
            row,
            rule="filing_overdue",
            article="第六条",
            event="opened_on",
            event_day=opened,
            filed=_date(row.get("filed_on")),
            today=today,
            calendar=calendar,
            deadline=deadline,
            unfiled_text="第六条：{shown}于 {event} 开通，应在 {deadline} 个工作日内"
            "（{due} 前）向厅办公室备案，至今未备案，已逾期 {late} 个工作日。"
            "请补办备案，并在备案登记表该账号一行的「备案日期」栏填写后重新导入",
            late_text="第六条：{shown}于 {event} 开通，{filed} 才备案，"
            "超过 {deadline} 个工作日的备案时限（应在 {due} 前）{late} 个工作日。"
            "备案登记表「备案日期」栏已填写，无需补办；今后新开账号请在 {deadline} 个工作日内备案",
        )
        if finding is not None:
            findings.append(finding)
    return findings


# ---- 第九条 ----------------------------------------------------------------------------------


def closure_unfiled(
    accounts: pd.DataFrame, *, today: dt.date, calendar: WorkCalendar, deadline: int = 5
) -> list[Finding]:
    """第九条: a closed account must be filed with the 厅办公室 within ``deadline`` working
    days. An account its platform no longer shows but the registry does not record as closed
    is ``account_gone``, found when it is collected (collectors/failing.py), not here."""
    findings: list[Finding] = []
    for row in _rows(accounts):
        closed = _date(row.get("closed_on"))
        if closed is None:
            continue
        finding = _filing_deadline(
            row,
            rule="closure_unfiled",
            article="第九条",
            event="closed_on",
            event_day=closed,
            filed=_date(row.get("closure_filed_on")),
            today=today,
            calendar=calendar,
            deadline=deadline,
            unfiled_text="第九条：{shown}于 {event} 注销，应在 {deadline} 个工作日内"
            "（{due} 前）报厅办公室备案，至今未备案，已逾期 {late} 个工作日。"
            "请补办注销备案，并在备案登记表该账号一行的「注销备案日期」栏填写后重新导入",
            late_text="第九条：{shown}于 {event} 注销，{filed} 才报备，"
            "超过 {deadline} 个工作日的时限（应在 {due} 前）{late} 个工作日",
        )
        if finding is not None:
            findings.append(finding)
    return findings


# ---- 第七条 ----------------------------------------------------------------------------------

# 第七条 names the people and the department (unit fields of the 备案登记表), and staff who run
# the accounts (工作人员, a field of each account's row).
_ROLES = (
    ("head", "主要负责人"),
    ("deputy", "分管负责人"),
    ("editor", "总编辑"),
    ("department", "管理部门"),
)
STAFF = "工作人员"


def roles_missing(accounts: pd.DataFrame, units: pd.DataFrame) -> list[Finding]:
    """第七条: a unit running accounts must name its 主要负责人, 分管负责人 and 总编辑, its
    管理部门, and the 工作人员 who run each account in use (1–2 staff)."""
    active: dict[int, list[dict[str, Any]]] = {}
    for row in _rows(accounts):
        if _is_active(row):
            active.setdefault(int(row["unit_id"]), []).append(row)
    findings: list[Finding] = []
    for unit in _rows(units):
        rows = active.get(int(unit["unit_id"]))
        if not rows:
            continue
        missing = [label for key, label in _ROLES if not _text(unit.get(key)).strip()]
        unstaffed = sorted(
            (r for r in rows if not _text(r.get("staff")).strip()),
            key=lambda r: str(r["account_key"]),
        )
        shown = list(missing)
        if unstaffed:
            missing.append(STAFF)
            # When only some accounts lack staff, say which: the others are in order.
            shown.append(
                STAFF
                if len(unstaffed) == len(rows)
                else f"{STAFF}（{'、'.join(_shown(r) for r in unstaffed)}）"
            )
        if not missing:
            continue
        findings.append(
            Finding(
                rule="roles_missing",
                article="第七条",
                subject_type="unit",
                subject_key=str(unit["name"]),
                dedup_key=make_key("roles_missing", unit["name"]),
                severity="warning",
                summary=f"第七条：单位「{unit['name']}」开设了政务新媒体账号，但未明确"
                f"{'、'.join(shown)}",
                unit=str(unit["name"]),
                data={
                    "missing": missing,
                    "accounts_without_staff": [str(r["account_key"]) for r in unstaffed],
                },
            )
        )
    return findings


# ---- 第八条 ----------------------------------------------------------------------------------


def duplicate_platform_account(
    accounts: pd.DataFrame, *, exempt_platforms: Sequence[str] = ("rss",)
) -> list[Finding]:
    """第八条: in principle one account per platform per unit; counts accounts in use only.
    Websites (rss) are exempt by default: one site may offer several column feeds."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in _rows(accounts):
        if _is_active(row) and row["platform"] not in exempt_platforms:
            groups.setdefault((str(row["unit"]), str(row["platform"])), []).append(row)
    findings: list[Finding] = []
    for (unit, platform), rows in sorted(groups.items()):
        if len(rows) < 2:
            continue
        rows.sort(key=lambda r: str(r["account_key"]))
        listed = "、".join(f"「{r['name']}」" for r in rows)
        findings.append(
            Finding(
                rule="duplicate_platform_account",
                article="第八条",
                subject_type="unit",
                subject_key=unit,
                dedup_key=make_key("duplicate_platform_account", unit, platform),
                severity="warning",
                summary=f"第八条：单位「{unit}」在{platform_label(platform)}上有 {len(rows)} 个"
                f"在用账号（{listed}），原则上每个平台只能注册一个账号",
                unit=unit,
                data={"platform": platform, "accounts": [r["account_key"] for r in rows]},
            )
        )
    return findings


def name_parts(name: str, generic_words: Sequence[str] = DEFAULT_GENERIC_WORDS) -> set[str]:
    """The meaningful two-character parts of a unit name: place and duty words, not the
    generic words every unit shares. "江南省高速公路管理局" → {江南, 高速, 速公, 公路}."""
    text = unicodedata.normalize("NFKC", name)
    words = sorted({w for w in generic_words if w}, key=len, reverse=True)
    pattern = "|".join(re.escape(w) for w in words)
    if pattern:
        text = re.sub(pattern, " ", text)
    parts: set[str] = set()
    for segment in re.split(r"[\W_]+", text):
        parts.update(segment[i : i + 2] for i in range(len(segment) - 1))
    return parts


def name_unrelated(
    accounts: pd.DataFrame,
    units: pd.DataFrame,
    *,
    generic_words: Sequence[str] = DEFAULT_GENERIC_WORDS,
) -> list[Finding]:
    """第八条: an account's name must be clearly tied to its unit — it shares at least one
    meaningful part (place or duty word) with the unit's name or registered short name."""
    by_id = {int(u["unit_id"]): u for u in _rows(units)}
    findings: list[Finding] = []
    for row in _rows(accounts):
        if not _is_active(row):
            continue
        unit = by_id.get(int(row["unit_id"]))
        if unit is None:
            continue
        account_name = unicodedata.normalize("NFKC", _text(row["name"]))
        short = unicodedata.normalize("NFKC", _text(unit.get("short_name"))).strip()
        if short and short in account_name:
            continue
        parts = name_parts(_text(unit["name"]), generic_words)
        parts |= name_parts(short, generic_words)
        if any(part in account_name for part in parts):
            continue
        also = f"或简称「{short}」" if short else ""
        findings.append(
            Finding(
                rule="name_unrelated",
                article="第八条",
                subject_type="account",
                subject_key=row["account_key"],
                dedup_key=make_key("name_unrelated", row["account_key"]),
                severity="warning",
                summary=f"第八条：{_shown(row)}的名称与单位「{unit['name']}」{also}没有明确关联"
                "（应与本地、本单位名称和工作职责明确关联）",
                unit=str(unit["name"]),
                account=row["account_key"],
                data={"name": account_name},
            )
        )
    return findings
