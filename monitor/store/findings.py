"""Storing findings by their stable key: found again → updated; no longer found → resolved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import asdict
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from analysis.findings import Finding
from monitor.db.models import Account, FindingRow, Unit
from monitor.store.upsert import chunks, upsert


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


class SubjectIndex:
    """Maps the unit names and account keys of findings to database ids (loaded once)."""

    def __init__(self, session: Session) -> None:
        self.units: dict[str, int] = {
            name: id_ for name, id_ in session.execute(select(Unit.name, Unit.id))
        }
        self.accounts: dict[str, tuple[int, int]] = {
            f"{platform}:{pid}": (id_, unit_id)
            for id_, platform, pid, unit_id in session.execute(
                select(Account.id, Account.platform, Account.platform_id, Account.unit_id)
            )
        }

    def ids(self, finding: Finding) -> tuple[int | None, int | None]:
        unit_id = self.units.get(finding.unit) if finding.unit else None
        account_id = None
        if finding.account and finding.account in self.accounts:
            account_id, account_unit = self.accounts[finding.account]
            unit_id = unit_id or account_unit
        return unit_id, account_id


STAYS_CLOSED = frozenset({"dismissed", "closed"})

_VALUE_COLUMNS = (
    "rule",
    "article",
    "subject_type",
    "subject_key",
    "unit_id",
    "account_id",
    "severity",
    "summary",
    "evidence",
    "data",
    "since",
    "deadline",
    "last_seen",
)


def save_findings(
    session: Session,
    findings: Iterable[Finding],
    now: dt.datetime,
    *,
    index: SubjectIndex | None = None,
) -> tuple[int, int]:
    """Upsert findings by dedup key (one bulk INSERT … ON CONFLICT, not ORM objects: a
    province has tens of thousands); a resolved finding found again is reopened.
    Returns (new, updated)."""
    by_key = {f.dedup_key: f for f in findings}  # one row per key (the last wins)
    if not by_key:
        return 0, 0
    index = index or SubjectIndex(session)
    session.flush()
    conn = session.connection()
    existing: dict[str, str] = {}  # dedup key → state
    for part in chunks(list(by_key), 900):
        query = select(FindingRow.dedup_key, FindingRow.state).where(FindingRow.dedup_key.in_(part))
        existing.update((str(key), str(state)) for key, state in conn.execute(query))
    rows = []
    for key, finding in by_key.items():
        unit_id, account_id = index.ids(finding)
        rows.append(
            {
                "dedup_key": key,
                "rule": finding.rule,
                "article": finding.article,
                "subject_type": finding.subject_type,
                "subject_key": finding.subject_key,
                "unit_id": unit_id,
                "account_id": account_id,
                "severity": finding.severity,
                "summary": finding.summary,
                "evidence": [_json_safe(asdict(e)) for e in finding.evidence],
                "data": _json_safe(finding.data),
                "since": finding.since,
                "deadline": finding.deadline,
                "state": "open",
                "first_seen": now,
                "last_seen": now,
                "resolved_at": None,
            }
        )
    # A finding closed for good stays closed when found again: by a person (误报, 已线下答复:
    # store/dismissals.py) or by the analysis (a question past tracking: store/closures.py).
    kept = [r for r in rows if existing.get(r["dedup_key"]) in STAYS_CLOSED]
    reopen = [r for r in rows if existing.get(r["dedup_key"]) not in STAYS_CLOSED]
    table = FindingRow.__table__
    if reopen:
        upsert(
            conn,
            table,  # type: ignore[arg-type]
            reopen,
            conflict=("dedup_key",),
            update=(*_VALUE_COLUMNS, "state", "resolved_at"),  # first_seen stays
        )
    if kept:
        upsert(conn, table, kept, conflict=("dedup_key",), update=_VALUE_COLUMNS)  # type: ignore[arg-type]
    for obj in list(session.identity_map.values()):  # loaded before: must not show old values
        if isinstance(obj, FindingRow):
            session.expire(obj)
    new = len(by_key) - len(existing)
    return new, len(by_key) - new


def resolve_absent(
    session: Session,
    rules: Collection[str],
    present_keys: Collection[str],
    now: dt.datetime,
    *,
    subject_keys: Collection[str] | None = None,
) -> int:
    """Resolve open findings of ``rules`` that this run did not find again.

    ``subject_keys`` limits it to the subjects this run looked at (a collection of some
    accounts must not resolve the findings of the others). Returns how many were resolved.
    """
    present = set(present_keys)
    query = select(FindingRow.id, FindingRow.dedup_key, FindingRow.subject_key).where(
        FindingRow.rule.in_(list(rules)), FindingRow.state == "open"
    )
    gone = [
        id_
        for id_, key, subject in session.execute(query)
        if key not in present and (subject_keys is None or subject in subject_keys)
    ]
    for part in chunks(gone, 900):
        session.execute(
            update(FindingRow)
            .where(FindingRow.id.in_(part))
            .values(state="resolved", resolved_at=now)
            .execution_options(synchronize_session="fetch")
        )
    return len(gone)


def carried_keys(session: Session, rules: Collection[str], accounts: Collection[str]) -> list[str]:
    """Dedup keys of the open findings of ``rules`` about these accounts (by key): a run that
    could not look at them must neither resolve nor change those findings."""
    if not accounts:
        return []
    query = (
        select(FindingRow.dedup_key, Account.platform, Account.platform_id)
        .join(Account, Account.id == FindingRow.account_id)
        .where(FindingRow.rule.in_(list(rules)), FindingRow.state == "open")
    )
    return [key for key, platform, uid in session.execute(query) if f"{platform}:{uid}" in accounts]
