"""Storing findings by their stable key: found again → updated; no longer found → resolved."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Iterable, Sequence
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, func, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from analysis.collection_gaps import MANY_ACCOUNT_RULES
from analysis.findings import Finding, evidence_to_json, json_safe
from monitor.db.models import Account, FindingRow, FindingSweep, Unit
from monitor.store.upsert import chunks, upsert


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


_FINDINGS = cast(Table, FindingRow.__table__)
_SWEEPS = cast(Table, FindingSweep.__table__)

STAYS_CLOSED = frozenset({"dismissed", "closed"})

# What saving a finding writes that a later run can change: the fingerprint hashes these.
VALUE_COLUMNS = (
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
)
_SEEN_COLUMNS = ("fingerprint", "last_seen", "seen_in_sweep")


def fingerprint(values: dict[str, Any]) -> str:
    """A hash of a finding's stored values (``VALUE_COLUMNS``, JSON-safe but for times)."""
    text = json.dumps(
        [values[name] for name in VALUE_COLUMNS],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=json_safe,
    )
    return hashlib.blake2b(text.encode("utf-8"), digest_size=20).hexdigest()


def _values(finding: Finding, index: SubjectIndex) -> dict[str, Any]:
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
        "evidence": [evidence_to_json(e) for e in finding.evidence],
        "data": json_safe(finding.data),
        "since": finding.since,
        "deadline": finding.deadline,
    }
    values["fingerprint"] = fingerprint(values)
    return values


class _Stored(NamedTuple):
    id: int
    fingerprint: str
    state: str
    seen_in_sweep: bool
    rule: str


_STORED = (
    FindingRow.id,
    FindingRow.dedup_key,
    FindingRow.fingerprint,
    FindingRow.state,
    FindingRow.seen_in_sweep,
    FindingRow.rule,
)


def _rows(result: Iterable[Sequence[Any]]) -> dict[str, _Stored]:
    return {
        str(key): _Stored(int(id_), str(fp), str(state), bool(swept), str(rule))
        for id_, key, fp, state, swept, rule in result
    }


def _stored(conn: Connection, keys: Collection[str], rules: Collection[str]) -> dict[str, _Stored]:
    """The stored rows of these keys; with ``rules``, also every open row of those rules and
    every row their latest sweep found (one query; then the few keys it did not cover)."""
    found: dict[str, _Stored] = {}
    if rules:
        query = select(*_STORED).where(
            FindingRow.rule.in_(list(rules)),
            or_(FindingRow.state == "open", FindingRow.seen_in_sweep.is_(True)),
        )
        found = _rows(conn.execute(query))
    missing = [key for key in keys if key not in found]
    for part in chunks(missing, 900):
        query = select(*_STORED).where(FindingRow.dedup_key.in_(part))
        found.update(_rows(conn.execute(query)))
    return found


def _seen_as_stored() -> dict[str, Any]:
    """SET values that keep a row's last_seen when it leaves its rule's sweep: the sweep's
    time, written into the row."""
    rows, sweeps = _FINDINGS.c, _SWEEPS.c
    swept = (
        select(sweeps.swept_at)
        .where(sweeps.rule == rows.rule, rows.seen_in_sweep.is_(True))
        .scalar_subquery()
    )
    return {"last_seen": func.coalesce(swept, rows.last_seen), "seen_in_sweep": False}


def _update_ids(conn: Connection, ids: Sequence[int], values: dict[str, Any]) -> None:
    for part in chunks(ids, 900):
        conn.execute(update(_FINDINGS).where(_FINDINGS.c.id.in_(part)).values(values))


WRITE_CHUNK = 5_000  # findings made into rows and written at a time


def save_findings(
    session: Session,
    findings: Iterable[Finding],
    now: dt.datetime,
    *,
    index: SubjectIndex | None = None,
    complete: bool = False,
) -> tuple[int, int]:
    """Store findings by dedup key, found at ``now``; a resolved finding found again is
    reopened, one closed for good stays closed. Returns (new, updated): updated counts every
    finding that was stored before, written or not.

    Written in bulk Core statements, not ORM objects (a province has tens of thousands).
    ``complete``: these are all the findings of their rules, from an analysis of the whole
    window. Then a finding found again unchanged (same fingerprint) is not written at all:
    its ``last_seen`` is its rule's sweep time (``finding_sweeps``), moved once per rule.
    Otherwise (a few findings: one account collected, a deadline passed) each is written.
    """
    by_key = {f.dedup_key: f for f in findings}  # one row per key (the last wins)
    if not by_key:
        return 0, 0
    index = index or SubjectIndex(session)
    session.flush()
    conn = session.connection()
    rules = sorted({f.rule for f in by_key.values()})
    stored = _stored(conn, list(by_key), rules if complete else ())
    # The rows to write are made and written a chunk at a time: a cold province run writes
    # ~50k findings, whose row dicts all at once would add ~40 MiB to the run's peak.
    for part in chunks(list(by_key.items()), WRITE_CHUNK):
        reopen: list[dict[str, Any]] = []
        kept: list[dict[str, Any]] = []
        for key, finding in part:
            values = _values(finding, index)
            old = stored.get(key)
            if old is not None:
                stays = old.state == "open" or old.state in STAYS_CLOSED
                if (
                    complete
                    and stays
                    and old.seen_in_sweep
                    and old.fingerprint == values["fingerprint"]
                ):
                    continue  # found again as it was: nothing to write
            values |= {
                "dedup_key": key,
                "state": "open",
                "first_seen": now,
                "last_seen": now,
                "seen_in_sweep": complete,
                "resolved_at": None,
            }
            # A finding closed for good stays closed when found again: by a person (误报,
            # 已线下答复: store/dismissals.py) or by the analysis (a question past tracking:
            # store/closures.py).
            (kept if old is not None and old.state in STAYS_CLOSED else reopen).append(values)
        if reopen:
            upsert(
                conn,
                _FINDINGS,
                reopen,
                conflict=("dedup_key",),
                # first_seen stays
                update=(*VALUE_COLUMNS, *_SEEN_COLUMNS, "state", "resolved_at"),
            )
        if kept:
            update_columns = (*VALUE_COLUMNS, *_SEEN_COLUMNS)
            upsert(conn, _FINDINGS, kept, conflict=("dedup_key",), update=update_columns)
    if complete:
        # The rows this sweep did not find keep their time as they leave it (they are
        # resolved, carried or closed: still "last found" at the rule's previous sweep).
        gone = [
            row.id
            for key, row in stored.items()
            if row.seen_in_sweep and row.rule in rules and key not in by_key
        ]
        _update_ids(conn, gone, _seen_as_stored())
    if complete:
        swept = [{"rule": rule, "swept_at": now} for rule in rules]
        upsert(conn, _SWEEPS, swept, conflict=("rule",), update=("swept_at",))
    expire_loaded(session)
    new = sum(1 for key in by_key if key not in stored)
    return new, len(by_key) - new


def expire_loaded(session: Session) -> None:
    """Finding objects loaded before a Core write must not show their old values."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, FindingRow):
            session.expire(obj)


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
    Only those rows are written.
    """
    present = set(present_keys)
    query = select(FindingRow.id, FindingRow.dedup_key, FindingRow.subject_key).where(
        FindingRow.rule.in_(list(rules)), FindingRow.state == "open"
    )
    if subject_keys is not None:
        query = query.where(FindingRow.subject_key.in_(list(subject_keys)))
    gone = [id_ for id_, key, _subject in session.execute(query) if key not in present]
    values = {"state": "resolved", "resolved_at": now, **_seen_as_stored()}
    session.flush()
    _update_ids(session.connection(), gone, values)
    expire_loaded(session)
    return len(gone)


def carried_keys(session: Session, rules: Collection[str], accounts: Collection[str]) -> list[str]:
    """Dedup keys of the open findings of ``rules`` about these accounts (by key) only: a run
    that could not look at them must neither resolve nor change those findings. A finding of
    :data:`~analysis.collection_gaps.MANY_ACCOUNT_RULES` is about the accounts its data names;
    any other, about its account."""
    if not accounts:
        return []
    blind = set(accounts)
    single = [r for r in rules if r not in MANY_ACCOUNT_RULES]
    many = [r for r in rules if r in MANY_ACCOUNT_RULES]
    query = (
        select(FindingRow.dedup_key, Account.platform, Account.platform_id)
        .join(Account, Account.id == FindingRow.account_id)
        .where(FindingRow.rule.in_(single), FindingRow.state == "open")
    )
    keys = [key for key, platform, uid in session.execute(query) if f"{platform}:{uid}" in blind]
    if many:
        named = select(FindingRow.dedup_key, FindingRow.data).where(
            FindingRow.rule.in_(many), FindingRow.state == "open"
        )
        for key, data in session.execute(named):
            named_accounts = set((data or {}).get("accounts") or ())
            if named_accounts and named_accounts <= blind:
                keys.append(key)
    return keys
