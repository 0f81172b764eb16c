"""Findings closed without being solved (``data["closed_as"]``, see
:data:`analysis.labels.CLOSURE_LABELS`): stored as state ``closed``, never ``resolved``.

A question that aged past tracking unanswered, or that its author deleted, is no longer
followed — but it was not answered: no "已解决" is announced for it, and the digest keeps
counting it as unanswered. So is a post or comment of a content rule that left the analysis
window unchanged (:func:`close_aged_out`): govmon stopped looking, it did not see it removed.
A closed finding stays closed when it leaves the analysis window (only open findings are
resolved by absence).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from analysis.findings import Finding
from analysis.labels import CLOSURE_LABELS
from monitor.db.models import FindingRow
from monitor.store.findings import expire_loaded
from monitor.store.upsert import chunks


def close_findings(session: Session, findings: Iterable[Finding], now: dt.datetime) -> int:
    """Mark stored findings that carry a closure as ``closed`` at their closing time; only
    the rows not already so are written (one bulk UPDATE). Returns how many stored findings
    carry a closure."""
    closing = {f.dedup_key: f for f in findings if f.data.get("closed_as")}
    if not closing:
        return 0
    session.flush()
    conn = session.connection()
    table = cast(Table, FindingRow.__table__)
    stored = 0
    changes: list[dict[str, Any]] = []
    for part in chunks(list(closing), 900):
        query = select(table.c.id, table.c.dedup_key, table.c.state, table.c.resolved_at).where(
            table.c.dedup_key.in_(part)
        )
        for id_, key, state, resolved_at in conn.execute(query):
            stored += 1
            when = closing[key].data.get("closed_at")
            when = when if isinstance(when, dt.datetime) else now
            if state != "closed" or resolved_at != when:
                changes.append({"row_id": id_, "closed_at": when})
    if changes:
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(state="closed", resolved_at=bindparam("closed_at"))
        )
        conn.execute(statement, changes)
        expire_loaded(session)
    return stored


def aged_out(
    session: Session, rules: Collection[str], present: Collection[str], before: dt.datetime
) -> list[tuple[int, str, dict[str, Any]]]:
    """The open findings of ``rules`` not found again whose post or comment dates from before
    ``before``, the analysis window's start: (row id, dedup key, data). govmon no longer
    looks at what they are about, so it cannot tell whether it was removed."""
    table = cast(Table, FindingRow.__table__)
    query = select(table.c.id, table.c.dedup_key, table.c.data).where(
        table.c.rule.in_(list(rules)), table.c.state == "open", table.c.since < before
    )
    found = set(present)
    return [
        (id_, key, dict(data or {}))
        for id_, key, data in session.connection().execute(query)
        if key not in found
    ]


def close_aged_out(
    session: Session, rows: Sequence[tuple[int, str, dict[str, Any]]], now: dt.datetime
) -> int:
    """Close these findings (from :func:`aged_out`) unsolved: ``closed_as`` "aged_out", state
    ``closed`` — no "已解决" is announced, and the digest keeps them open. Returns how many."""
    if not rows:
        return 0
    session.flush()
    closure = {"closed_as": "aged_out", "closure": CLOSURE_LABELS["aged_out"]}
    changes = [
        {
            "row_id": id_,
            "closed_at": now,
            "closed_data": data | closure | {"closed_at": now.isoformat()},
        }
        for id_, _key, data in rows
    ]
    table = cast(Table, FindingRow.__table__)
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(state="closed", resolved_at=bindparam("closed_at"), data=bindparam("closed_data"))
    )
    session.connection().execute(statement, changes)
    expire_loaded(session)
    return len(changes)
