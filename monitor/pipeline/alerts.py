"""Alert evaluation run: stored findings → alerts → outbox, in one transaction.

``run_check`` reads the open findings and the stored alerts, asks :func:`alerts.evaluate` what
to do, stores every decision's alert, batches the notices per recipient (:func:`alerts.plan`)
and writes one ``deliveries`` row per message — before anything is sent, so a crash or a
channel that is down loses nothing. Either all of this is committed, or none of it: a run that
fails halfway leaves the alerts as they were and the next run decides again.

The outbox stores channel *references* (``settings:NAME``, ``registry:UNIT``) and masked
channel names, never a URL: webhook keys and passwords stay in the settings and the registry.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import itertools
import json
import logging
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import (
    Engine,
    Row,
    Text,
    bindparam,
    func,
    insert,
    literal,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from alerts import (
    AlertState,
    ChannelURLError,
    Decision,
    Outgoing,
    UnitContact,
    UnitTree,
    acknowledge,
    build_channel,
    channel_url,
    evaluate,
    message_for,
)
from alerts.plan import plan
from alerts.policy import unseen_reason
from alerts.recheck import items_to_payload
from analysis.collection_gaps import CARRIED_RULES
from analysis.findings import Finding, evidence_from_json
from analysis.labels import account_label
from monitor.calendar import work_calendar
from monitor.db.models import Account, Alert, Delivery, FindingRow, Unit
from monitor.settings import Settings
from monitor.settings.secrets import register_secret
from monitor.store.collection_state import load_gaps
from monitor.store.findings import VALUE_COLUMNS, carried_keys
from monitor.store.open_rumours import unseen_rumour_keys
from monitor.store.upsert import chunks

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class PlannedDelivery:
    """One message written to (or, in a dry run, that would be written to) the outbox."""

    delivery_id: int | None
    kind: str
    channel: str  # masked
    recipient: str
    subject: str
    text: str
    items: int
    urgent: bool
    not_before: dt.datetime | None


@dataclass
class CheckSummary:
    findings: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    deliveries: list[PlannedDelivery] = field(default_factory=list)
    dry_run: bool = False


# -- reading ---------------------------------------------------------------------------------


def webhook_secrets(hook: str) -> list[str]:
    """The secret parts of a registered webhook (the key), for the log redaction."""
    text = hook.strip()
    if not text:
        return []
    if "://" not in text:
        return [text]
    parts = urlsplit(text)
    keys = parse_qs(parts.query).get("key", [])
    if parts.scheme.lower() == "wecom" and parts.netloc:
        keys.append(parts.netloc)
    return [text, *keys]


def load_tree(session: Session, settings: Settings) -> UnitTree:
    """The unit tree with each unit's contacts, from the ``units`` table.

    A registered webhook is a secret: it is remembered for the log redaction here, so that it
    is masked wherever it might turn up.
    """
    units = list(session.scalars(select(Unit)))
    names = {u.id: u.name for u in units}
    contacts = []
    for unit in units:
        for secret in webhook_secrets(unit.wecom_webhook or ""):
            register_secret(secret)
        contacts.append(
            UnitContact(
                name=unit.name,
                parent=names.get(unit.parent_id) if unit.parent_id is not None else None,
                emails=tuple(unit.emails or ()),
                wecom_webhook=unit.wecom_webhook or "",
                mobiles=tuple(unit.mobiles or ()),
            )
        )
    return UnitTree(contacts, settings.alerts.top_unit)


def _as_read(value: Any) -> Any:
    return value


def finding_from_row(
    row: FindingRow | Row[Any],
    unit: str | None,
    account: str | None,
    decode: Callable[[Any], Any] = _as_read,
) -> Finding:
    """``decode``: for the JSON columns when they are read as text (``_column``, ``_json``)."""
    evidence, data = decode(row.evidence), decode(row.data)
    return Finding(
        rule=row.rule,
        article=row.article,
        subject_type=row.subject_type,  # type: ignore[arg-type]  # stored from a Finding
        subject_key=row.subject_key,
        dedup_key=row.dedup_key,
        severity=row.severity,  # type: ignore[arg-type]
        summary=row.summary,
        unit=unit,
        account=account,
        since=row.since,
        deadline=row.deadline,
        evidence=evidence_from_json(evidence or ()),
        data=dict(data or {}),
    )


def state_from_row(
    alert: Alert | Row[Any], finding: FindingRow | Row[Any], unit: str | None
) -> AlertState:
    return AlertState(
        dedup_key=finding.dedup_key,
        rule=finding.rule,
        severity=alert.severity,  # type: ignore[arg-type]  # stored from an AlertState
        urgent=alert.urgent,
        state=alert.state,  # type: ignore[arg-type]
        opened_at=alert.opened_at,
        unit=unit,
        escalation_level=alert.escalation_level,
        last_sent_at=alert.last_sent_at,
        send_count=alert.send_count,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by=alert.acknowledged_by,
        resolved_at=alert.resolved_at,
        resolution_reported_at=alert.resolution_reported_at,
        id=alert.id,
    )


_STATE_COLUMNS = (
    "state",
    "severity",
    "urgent",
    "escalation_level",
    "opened_at",
    "last_sent_at",
    "send_count",
    "acknowledged_at",
    "acknowledged_by",
    "resolved_at",
    "resolution_reported_at",
)


def state_values(state: AlertState) -> dict[str, Any]:
    """The ``alerts`` columns an AlertState decides."""
    return {name: getattr(state, name) for name in _STATE_COLUMNS}


def store_state(alert: Alert, state: AlertState) -> None:
    for name, value in state_values(state).items():
        setattr(alert, name, value)


@dataclass
class _Stored:
    """What the run reads: open findings, the alerts that matter, names of units/accounts."""

    whole: bool  # the open findings were read whole (as told), not only what deciding needs
    findings: list[Finding]
    finding_ids: dict[str, int]
    alerts: dict[str, AlertState]
    alert_ids: dict[str, int]
    account_names: dict[str, str]
    rules_present: set[str]
    gone: dict[str, Finding]  # findings no longer open, of alerts that may now resolve
    closed: dict[str, str]  # findings closed unsolved: dedup key → why (no "已解决" for them)
    units: dict[int, str]  # unit id → name
    accounts: dict[int, str]  # account id → account key

    def unit_of(self, row: Any) -> str | None:
        return self.units.get(row.unit_id) if row.unit_id is not None else None

    def account_of(self, row: Any) -> str | None:
        return self.accounts.get(row.account_id) if row.account_id is not None else None


# What deciding needs of an open finding; the rest (summary, evidence, data…) is read only
# for the findings a message tells of (``_told_findings``): mostly none of ~50k in a run —
# or nearly all in a first check, when they are read whole at once (``_read``).
_DECIDING = (
    "id",
    "dedup_key",
    "rule",
    "article",
    "subject_type",
    "subject_key",
    "severity",
    "unit_id",
    "account_id",
)


def _read(session: Session) -> _Stored:
    """Columns, not ORM objects: a province has tens of thousands of open findings."""
    units = {id_: name for id_, name in session.execute(select(Unit.id, Unit.name))}
    accounts: dict[int, str] = {}
    account_names: dict[str, str] = {}
    for id_, platform, pid, name in session.execute(
        select(Account.id, Account.platform, Account.platform_id, Account.name)
    ):
        accounts[id_] = f"{platform}:{pid}"
        account_names[f"{platform}:{pid}"] = account_label(name, platform)  # 公众号 or 微博?

    def unit_of(row: Any) -> str | None:
        return units.get(row.unit_id) if row.unit_id is not None else None

    def account_of(row: Any) -> str | None:
        return accounts.get(row.account_id) if row.account_id is not None else None

    findings_table = FindingRow.__table__
    # The alerts that can change: unresolved ones, and resolved ones whose finding is back.
    query = (
        select(
            Alert.__table__,
            FindingRow.dedup_key,
            FindingRow.rule,
            FindingRow.unit_id,
            FindingRow.state.label("finding_state"),
        )
        .join(FindingRow, Alert.finding_id == FindingRow.id)
        .where(or_(Alert.state != "resolved", FindingRow.state == "open"))
    )
    alerts: dict[str, AlertState] = {}
    alert_ids: dict[str, int] = {}
    not_open: list[str] = []
    for row in session.execute(query).all():
        alerts[row.dedup_key] = state_from_row(row, row, unit_of(row))
        alert_ids[row.dedup_key] = row.id
        if row.finding_state != "open":
            not_open.append(row.dedup_key)
    is_open = findings_table.c.state == "open"
    opened = session.scalar(select(func.count()).select_from(findings_table).where(is_open))
    # Most open findings without an alert (a first check): nearly all will be told, so they
    # are read whole now rather than twice (``_told_findings``).
    whole = len(alerts) * 2 < (opened or 0)
    names = ("id", *_TOLD) if whole else _DECIDING
    columns = [_column(findings_table, name) for name in names]
    open_rows = session.execute(select(*columns).where(is_open).order_by(findings_table.c.id)).all()
    if whole:
        findings = [finding_from_row(r, unit_of(r), account_of(r), _json) for r in open_rows]
    else:
        findings = [
            Finding(
                rule=r.rule,
                article=r.article,
                subject_type=r.subject_type,
                subject_key=r.subject_key,
                dedup_key=r.dedup_key,
                severity=r.severity,
                summary="",
                unit=unit_of(r),
                account=account_of(r),
            )
            for r in open_rows
        ]
    # The findings of alerts that may now resolve or close, as last seen: a "已解决" line
    # restates what went, and a finding closed unsolved gets no "已解决" at all. Few per run.
    gone: dict[str, Finding] = {}
    closed: dict[str, str] = {}
    for part in chunks(not_open, 900):
        for r in session.execute(
            select(findings_table).where(findings_table.c.dedup_key.in_(part))
        ).all():
            gone[r.dedup_key] = finding_from_row(r, unit_of(r), account_of(r))
            if r.state == "closed":
                closed[r.dedup_key] = str((r.data or {}).get("closure") or "已关闭")
    rules_present = set(session.scalars(select(FindingRow.rule).distinct()))
    return _Stored(
        whole=whole,
        findings=findings,
        finding_ids={r.dedup_key: r.id for r in open_rows},
        alerts=alerts,
        alert_ids=alert_ids,
        account_names=account_names,
        rules_present=rules_present,
        gone=gone,
        closed=closed,
        units=units,
        accounts=accounts,
    )


# What a message restates of a finding (``finding_from_row``): its key and the values a run
# stores for it (monitor.store.findings), not its bookkeeping columns.
_TOLD = ("dedup_key", *VALUE_COLUMNS)


def _told_findings(
    session: Session, decisions: list[Decision], stored: _Stored
) -> dict[str, Finding]:
    """The findings of the decisions that notify, read whole (a message restates them), by
    dedup key: by id, or all open ones in one query when most of them are told (a first
    check)."""
    keys = {
        d.finding.dedup_key for d in decisions if d.notify is not None and d.finding is not None
    }
    if not keys:
        return {}
    if stored.whole:
        return {f.dedup_key: f for f in stored.findings if f.dedup_key in keys}
    table = FindingRow.__table__
    columns = [_column(table, name) for name in _TOLD]
    if len(keys) * 2 > len(stored.finding_ids):
        parts: Iterable[Any] = [table.c.state == "open"]
    else:
        ids = sorted(stored.finding_ids[key] for key in keys)
        parts = (table.c.id.in_(part) for part in chunks(ids, 900))
    whole: dict[str, Finding] = {}
    for where in parts:
        for r in session.execute(select(*columns).where(where)).all():
            if r.dedup_key in keys:
                whole[r.dedup_key] = finding_from_row(
                    r, stored.unit_of(r), stored.account_of(r), _json
                )
    return whole


_JSON = frozenset({"evidence", "data"})
_DECODE = json.JSONDecoder().raw_decode


def _column(table: Any, name: str) -> Any:
    """A findings column as read: the JSON ones as their text, decoded by ``_json``."""
    return type_coerce(table.c[name], Text) if name in _JSON else table.c[name]


def _json(value: Any) -> Any:
    """A JSON column read as it is stored: text on SQLite, decoded here with the decoder's
    own ``raw_decode`` (``json.loads`` scans for whitespace around it first, which cost
    more than the decoding for ~100k small values); PostgreSQL's driver has decoded it."""
    if not isinstance(value, str):
        return value
    try:
        return _DECODE(value)[0]
    except ValueError:  # not as SQLAlchemy writes it (e.g. leading whitespace)
        return json.loads(value)


def _persist(session: Session, decisions: list[Decision], stored: _Stored) -> None:
    """Store each decision's alert — changed ones in one bulk UPDATE, new ones by INSERT …
    SELECT (``_insert_alerts``) — and note the new rows' ids in ``stored.alert_ids`` (the
    decisions are not copied to hold them: ~50k of them in a first check)."""
    updates: list[dict[str, Any]] = []
    new: list[tuple[int, tuple[Any, ...]]] = []
    for decision in decisions:
        state = decision.alert
        key = state.dedup_key
        alert_id = stored.alert_ids.get(key)
        if alert_id is not None:
            if stored.alerts.get(key) != state:
                updates.append({"alert_id": alert_id, **state_values(state)})
            continue
        finding_id = stored.finding_ids.get(key)
        if finding_id is None:  # cannot happen: a new alert comes from an open finding
            log.warning("告警 %s 没有对应的发现记录，跳过", key)
            continue
        new.append((finding_id, tuple(getattr(state, name) for name in _STATE_COLUMNS)))
    conn = session.connection()
    if updates:
        statement = (
            update(Alert)
            .where(Alert.id == bindparam("alert_id"))
            .values({name: bindparam(name) for name in _STATE_COLUMNS})
        )
        conn.execute(statement, updates)
    if new:
        _insert_alerts(conn, new)
        by_finding = {
            finding_id: alert_id
            for part in chunks(sorted(finding_id for finding_id, _ in new), 900)
            for alert_id, finding_id in conn.execute(
                select(Alert.id, Alert.finding_id).where(Alert.finding_id.in_(part))
            )
        }
        key_of_finding = {v: k for k, v in stored.finding_ids.items()}
        for finding_id, alert_id in by_finding.items():
            stored.alert_ids[key_of_finding[finding_id]] = alert_id


def _insert_alerts(conn: Connection, new: list[tuple[int, tuple[Any, ...]]]) -> None:
    """New alerts, (finding id, ``_STATE_COLUMNS`` values) each, as INSERT … SELECT from
    their findings: alerts opened by one run share their values (one clock, a few severities),
    so each stretch of equal values is bound once per statement, not once per alert (a first
    check opens ~50k). Inserted in the given order, which gives the rows their ids; columns
    left NULL are not named."""
    alerts, findings = Alert.__table__.c, FindingRow.__table__.c
    for values, stretch in itertools.groupby(new, key=lambda pair: pair[1]):
        named = [(name, v) for name, v in zip(_STATE_COLUMNS, values, strict=True) if v is not None]
        constants = [literal(v, alerts[name].type).label(name) for name, v in named]
        for part in chunks([finding_id for finding_id, _ in stretch], 900):
            rows = select(findings.id, *constants).where(findings.id.in_(part))
            conn.execute(
                insert(Alert).from_select(
                    ["finding_id", *(name for name, _ in named)], rows.order_by(findings.id)
                )
            )


def channel_display(ref: str, settings: Settings, tree: UnitTree) -> str:
    """The masked channel name for the outbox row (the URL itself is never stored)."""
    try:
        return str(build_channel(channel_url(ref, settings.alerts, tree)))
    except (KeyError, ChannelURLError):
        return f"{ref}（渠道地址无效）"


def _write_outbox(
    session: Session,
    outgoing: list[Outgoing],
    ids: dict[str, int],
    tree: UnitTree,
    settings: Settings,
    now: dt.datetime,
) -> list[PlannedDelivery]:
    unit_ids = {name: id_ for name, id_ in session.execute(select(Unit.name, Unit.id))}
    written: list[PlannedDelivery] = []
    for item in outgoing:
        display = channel_display(item.route.channel_ref, settings, tree)
        row = Delivery(
            kind=item.kind,
            channel_ref=item.route.channel_ref,
            channel_display=display[:300],
            recipient=item.route.label[:300],
            unit_id=unit_ids.get(item.route.unit),
            alert_ids=[ids[k] for k in item.alert_keys if ids.get(k) is not None],
            status="pending",
            attempts=0,
            next_attempt_at=item.not_before,
            created_at=now,
        )
        session.add(row)
        session.flush()  # the row id keys the message (a retried file write overwrites itself)
        message = message_for(item, now, settings.alerts, key=str(row.id))
        # h12c: the items ride along, so the message is re-checked before it goes (§5).
        row.payload = message.to_payload() | items_to_payload(item.route.unit, item.items)
        row.subject = message.subject
        written.append(
            PlannedDelivery(
                delivery_id=row.id,
                kind=item.kind,
                channel=display,
                recipient=item.route.label,
                subject=message.subject,
                text=message.text,
                items=len(item.items),
                urgent=item.urgent,
                not_before=item.not_before,
            )
        )
    session.flush()
    return written


def check_in_session(
    session: Session,
    settings: Settings,
    now: dt.datetime,
    evaluated_rules: Collection[str] | None = None,
) -> CheckSummary:
    """The whole evaluation inside the caller's transaction (the caller commits or not)."""
    stored = _read(session)
    tree = load_tree(session, settings)
    rules = stored.rules_present if evaluated_rules is None else set(evaluated_rules)
    # STYLE 18: what the analysis carries unseen for an account it cannot read now — the same
    # gaps it used — is not escalated as if the unit were ignoring it.
    blind = load_gaps(session, settings.collectors, now)
    unseen = set(carried_keys(session, CARRIED_RULES, blind))
    unseen.update(unseen_rumour_keys(session, settings.rumours, blind))
    decisions = evaluate(
        stored.findings,
        stored.alerts,
        now,
        work_calendar(settings),
        settings.alerts,
        tree,
        evaluated_rules=rules,
        closures=stored.closed,
        unseen=unseen,
    )
    held = [
        d for d in decisions if d.dedup_key in unseen and d.reason == unseen_reason(d.alert.rule)
    ]
    if held:
        log.info("%d 条告警的账号目前无法采集：%s", len(held), held[0].reason)
    told = _told_findings(session, decisions, stored)
    _persist(session, decisions, stored)
    outgoing = plan(
        [d for d in decisions if d.dedup_key in stored.alert_ids],  # stored, as it should be
        tree,
        settings.alerts,
        now,
        stored.account_names,
        stored.gone,
        alert_ids=stored.alert_ids,
        told=told,
    )
    summary = CheckSummary(findings=len(stored.findings))
    summary.actions.update(d.action for d in decisions)
    summary.deliveries = _write_outbox(session, outgoing, stored.alert_ids, tree, settings, now)
    return summary


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused for the check: a first check builds hundreds of
    thousands of small objects (findings, alert states, message items) that reference counting
    frees, and the collector's repeated passes over the growing heap cost about a fifth of its
    CPU time (peak memory unchanged). It resumes afterwards, if it was on."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def run_check(
    engine: Engine,
    settings: Settings,
    *,
    clock: Clock = utcnow,
    evaluated_rules: Collection[str] | None = None,
    dry_run: bool = False,
) -> CheckSummary:
    """Findings → alerts → outbox in one transaction; a dry run rolls everything back.

    ``evaluated_rules``: the rules whose findings a completed analysis stored (only these can
    resolve alerts); default every rule present in the findings table.
    """
    now = clock()
    if not settings.alerts.enabled:
        log.info("告警已在配置中关闭（alerts.enabled = false），跳过评估")
        return CheckSummary(dry_run=dry_run)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with _no_cycle_collection(), sessions() as session:
        summary = check_in_session(session, settings, now, evaluated_rules)
        summary.dry_run = dry_run
        if dry_run:
            session.rollback()
            summary.deliveries = [
                dataclasses.replace(d, delivery_id=None) for d in summary.deliveries
            ]
        else:
            session.commit()
            log.info(
                "告警评估：%d 个未解决的发现，%s，写入 %d 条待发消息",
                summary.findings,
                "，".join(f"{k} {v}" for k, v in sorted(summary.actions.items())) or "无变化",
                len(summary.deliveries),
            )
    return summary


# -- acknowledging ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AckResult:
    alert_id: int
    before: str  # the state before: open, acknowledged, resolved
    state: AlertState


def acknowledge_alert(
    engine: Engine, alert_id: int, now: dt.datetime, by: str = ""
) -> AckResult | None:
    """``govmon alerts ack ID``; None when there is no such alert."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions.begin() as session:
        row = session.get(Alert, alert_id)
        if row is None:
            return None
        finding = row.finding
        unit = session.get(Unit, finding.unit_id) if finding.unit_id is not None else None
        before = state_from_row(row, finding, unit.name if unit else None)
        after = acknowledge(before, now, by)
        store_state(row, after)
        return AckResult(alert_id, before.state, after)
