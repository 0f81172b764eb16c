"""Storing findings by their stable key: found again → updated; no longer found → resolved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.findings import Finding
from monitor.db.models import Account, FindingRow, Unit


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


def save_findings(
    session: Session,
    findings: Iterable[Finding],
    now: dt.datetime,
    *,
    index: SubjectIndex | None = None,
) -> tuple[int, int]:
    """Upsert findings by dedup key; a resolved finding found again is reopened.
    Returns (new, updated)."""
    findings = list(findings)
    if not findings:
        return 0, 0
    index = index or SubjectIndex(session)
    keys = [f.dedup_key for f in findings]
    existing = {
        row.dedup_key: row
        for part in range(0, len(keys), 500)
        for row in session.scalars(
            select(FindingRow).where(FindingRow.dedup_key.in_(keys[part : part + 500]))
        )
    }
    new = 0
    for finding in findings:
        unit_id, account_id = index.ids(finding)
        values = {
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
            "last_seen": now,
        }
        row = existing.get(finding.dedup_key)
        if row is None:
            new += 1
            row = FindingRow(dedup_key=finding.dedup_key, first_seen=now, state="open", **values)
            session.add(row)
            existing[finding.dedup_key] = row
        else:
            for name, value in values.items():
                setattr(row, name, value)
            # A finding a person closed (误报, 已线下答复: store/dismissals.py) stays closed.
            if row.state == "resolved":
                row.state = "open"
                row.resolved_at = None
    session.flush()
    return new, len(findings) - new


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
    query = select(FindingRow).where(FindingRow.rule.in_(list(rules)), FindingRow.state == "open")
    resolved = 0
    for row in session.scalars(query):
        if row.dedup_key in present:
            continue
        if subject_keys is not None and row.subject_key not in subject_keys:
            continue
        row.state = "resolved"
        row.resolved_at = now
        resolved += 1
    session.flush()
    return resolved
