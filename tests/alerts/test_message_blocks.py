"""What a person reads in an alert message (issue 13 §2): every Markdown block on its own line,
and a "已解决" line that restates what was resolved — account, rule, the original summary, when
and how — not only "问题已不存在"."""

from __future__ import annotations

import dataclasses
import datetime as dt

from alerts.items import AlertItem, item_from
from alerts.policy import AlertState, Decision
from alerts.render import render
from alerts.routing import UnitContact, UnitTree
from analysis.findings import Evidence, Finding
from analysis.remedies import remedy

NOW = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
OPENED = NOW - dt.timedelta(days=4)


def _finding(rule: str = "rumour_unclarified", **data: object) -> Finding:
    return Finding(
        rule=rule,
        article="第二十二条、第二十三条",  # as stored before the one citation style
        subject_type="rumour",
        subject_key="G25+塌方",
        dedup_key=f"{rule}:6:G25+塌方",
        severity="critical",
        summary="传言「网传G25宁安段塌方封闭了」已被提及 14 次，宁安路段管理处尚未发布澄清",
        unit="宁安路段管理处",
        account="weibo:5",
        since=OPENED,
        evidence=(
            Evidence(text="网传G25宁安段塌方封闭了，是真的吗？", url="https://m.weibo.cn/d/1"),
        ),
        data=dict(data),
    )


def _tree() -> UnitTree:
    return UnitTree([UnitContact(name="宁安路段管理处")], top_unit="厅办公室")


def _resolution(finding: Finding) -> AlertItem:
    alert = AlertState(
        dedup_key=finding.dedup_key, rule=finding.rule, severity="critical", urgent=True,
        state="resolved", opened_at=OPENED, unit="宁安路段管理处", resolved_at=NOW, id=14,
    )  # fmt: skip
    decision = Decision("resolve", alert, "resolution", "问题已不存在，告警解除")
    return item_from(decision, _tree(), {"weibo:5": "宁安高速"}, {finding.dedup_key: finding})


def test_resolved_message_restates_what_when_and_how() -> None:
    message = render([_resolution(_finding())], "宁安路段管理处", NOW)
    for text in (message.text, message.markdown, message.html):
        for part in ("已解决", "宁安高速", "谣言未澄清", "第二十二、二十三条",
                     "传言「网传G25宁安段塌方封闭了」已被提及 14 次", "2026-11-30 09:00",
                     "相关单位已发布澄清", "14"):  # fmt: skip
            assert part in text, (part, text)
        assert "第二十二条、第二十三条" not in text
    assert "1 项已解决" in message.subject


def test_a_recorded_closing_reason_is_shown() -> None:
    finding = _finding("unanswered_question", closed_how="逾期未答复（已过追踪期）")
    message = render([_resolution(finding)], "宁安路段管理处", NOW)
    assert "逾期未答复（已过追踪期）" in message.text


def test_every_markdown_block_starts_on_its_own_line() -> None:
    finding = _finding()
    alert = AlertState(
        dedup_key=finding.dedup_key, rule=finding.rule, severity="critical", urgent=True,
        state="open", opened_at=OPENED, unit="宁安路段管理处", id=15,
    )  # fmt: skip
    item = item_from(Decision("open", alert, "alert", "", finding), _tree(), {})
    message = render([item, dataclasses.replace(item, dedup_key="x", alert_id=16)], "单位", NOW)
    lines = message.markdown.splitlines()
    link = next(line for line in lines if "[查看原文](" in line)
    assert link.startswith("> [查看原文](") and link.endswith(")"), link
    assert any(line.startswith("> 原文：") for line in lines)
    # No block glued to the previous one: a link, quote or heading never follows text inline.
    for line in lines:
        assert ")>" not in line and ") >" not in line, line
        assert line.count("> ") <= 1 or line.startswith("> "), line
    numbered = [line for line in lines if line[:2] in ("1.", "2.")]
    assert len(numbered) == 2


def test_registry_finding_names_the_form_field_to_fill() -> None:
    assert "「总编辑」" in remedy("roles_missing", {"missing": ["总编辑"]})
    assert "备案登记表" in remedy("roles_missing", {"missing": ["管理部门", "工作人员"]})
    assert remedy("stale_account", {}) == ""
