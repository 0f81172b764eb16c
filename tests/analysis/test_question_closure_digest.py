"""A question closed unanswered reads as such in the digest: never "已解决"."""

from __future__ import annotations

import datetime as dt

from analysis.activity import Period
from analysis.digest_inputs import DigestFinding
from analysis.digest_sections import finding_groups
from analysis.labels import finding_state_label

WEEK = Period.iso_week(2026, 14)


def _finding(key: str, closed_as: str | None) -> DigestFinding:
    data = {"closed_as": closed_as} if closed_as else {}
    return DigestFinding(
        rule="unanswered_question",
        article="第十六条",
        severity="overdue",
        summary=f"网民提问 {key}",
        dedup_key=f"unanswered_question:weibo:{key}",
        first_seen=WEEK.start - dt.timedelta(days=20),
        resolved_at=None
        if closed_as is None and key == "open"
        else WEEK.start + dt.timedelta(days=2),
        unit="示例市交通运输局",
        data=data,
    )


def test_closed_questions_are_shown_with_their_closure_and_expired_counts_as_open() -> None:
    findings = [
        _finding("open", None),
        _finding("solved", None),
        _finding("expired", "expired"),
        _finding("deleted", "deleted"),
    ]
    [group] = finding_groups(findings, WEEK, {}, per_group=10)
    states = {item.summary.split()[-1]: (item.state, item.state_text) for item in group.items}
    closed_at = "04-01 00:00"  # two days into 2026-W14, Asia/Shanghai
    assert states == {
        "open": ("open", "未解决"),
        "solved": ("resolved", f"已解决（复查时问题已不存在，{closed_at}）"),
        "expired": ("open", f"逾期未答复（已过追踪期）（{closed_at}）"),
        "deleted": ("closed", f"网民已删除（{closed_at}）"),
    }
    # Unanswered: the open one and the one that aged past tracking; only one was solved.
    assert (group.open_count, group.resolved_count) == (2, 1)


def test_a_closed_finding_reads_as_its_closure_everywhere_states_are_listed() -> None:
    assert finding_state_label("closed", {"closed_as": "expired"}) == "逾期未答复（已过追踪期）"
    assert finding_state_label("closed", {"closed_as": "deleted"}) == "网民已删除"
    assert finding_state_label("closed", {}) == "已关闭"
    assert finding_state_label("resolved", {"closed_as": "expired"}) == "已解决"
    assert finding_state_label("open") == "未解决"


def test_an_ad_that_left_the_window_unchanged_still_counts_as_open_with_its_closure() -> None:
    """Closed because govmon stopped looking (analysis window), not because it was removed."""
    ad = DigestFinding(
        rule="commercial_content",
        article="第二十四条",
        severity="warning",
        summary="发布内容含商业广告用语 ad",
        dedup_key="commercial_content:weibo:p1",
        first_seen=WEEK.start - dt.timedelta(days=40),
        resolved_at=WEEK.start + dt.timedelta(days=2),
        unit="示例市交通运输局",
        data={"closed_as": "aged_out"},
    )
    [group] = finding_groups([ad], WEEK, {}, per_group=10)
    [item] = group.items
    assert (item.state, item.state_text) == (
        "open",
        "已超出检查期限，未见删除或修改（04-01 00:00）",
    )
    assert (group.open_count, group.resolved_count) == (1, 0)
    assert (
        finding_state_label("closed", {"closed_as": "aged_out"}) == "已超出检查期限，未见删除或修改"
    )
