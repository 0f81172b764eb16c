"""Closing a finding by hand: 误报 (false positive) or 已线下答复 (answered by phone or in person).

The finding's state becomes ``dismissed`` and the reason is kept in ``finding_closures`` under
its dedup key, so the analysis finding it again does not re-open it (store/findings.py), and the
next alert check resolves its alert. The web console and any CLI command call these functions.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.models import FindingClosure, FindingRow

KINDS = ("false_positive", "answered_offline")


class ClosureError(ValueError):
    """A closure that cannot be made; the message is Chinese."""


def close_finding(
    session: Session, row: FindingRow, kind: str, reason: str, by: str, now: dt.datetime
) -> FindingClosure:
    if kind not in KINDS:
        raise ClosureError(f"未知的关闭原因类型 {kind!r}")
    reason = reason.strip()
    if not reason:
        raise ClosureError("请填写关闭的理由（会保存在记录中）")
    if row.state == "dismissed":
        raise ClosureError("该问题已被人工关闭")
    closure = session.get(FindingClosure, row.dedup_key)
    if closure is None:
        closure = FindingClosure(dedup_key=row.dedup_key)
        session.add(closure)
    closure.kind = kind
    closure.reason = reason
    closure.closed_by = by
    closure.closed_at = now
    row.state = "dismissed"
    row.resolved_at = now
    session.flush()
    return closure


def closure_of(session: Session, dedup_key: str) -> FindingClosure | None:
    return session.scalars(
        select(FindingClosure).where(FindingClosure.dedup_key == dedup_key)
    ).first()
