"""Findings closed without being solved (``data["closed_as"]``, see
:data:`analysis.labels.CLOSURE_LABELS`): stored as state ``closed``, never ``resolved``.

A question that aged past tracking unanswered, or that its author deleted, is no longer
followed — but it was not answered: no "已解决" is announced for it, and the digest keeps
counting it as unanswered. A closed finding stays closed when it leaves the analysis window
(only open findings are resolved by absence).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.findings import Finding
from monitor.db.models import FindingRow


def close_findings(session: Session, findings: Iterable[Finding], now: dt.datetime) -> int:
    """Mark stored findings that carry a closure as ``closed`` at their closing time."""
    closing = {f.dedup_key: f for f in findings if f.data.get("closed_as")}
    if not closing:
        return 0
    keys = list(closing)
    closed = 0
    for part in range(0, len(keys), 500):
        rows = session.scalars(
            select(FindingRow).where(FindingRow.dedup_key.in_(keys[part : part + 500]))
        )
        for row in rows:
            when = closing[row.dedup_key].data.get("closed_at")
            row.state = "closed"
            row.resolved_at = when if isinstance(when, dt.datetime) else now
            closed += 1
    session.flush()
    return closed
