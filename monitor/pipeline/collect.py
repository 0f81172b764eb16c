"""Collection run: due accounts → collectors (concurrent) → storage, one account at a time.

Each account's outcome is committed as soon as it arrives, so a run killed halfway keeps
what it finished and the next run picks up the rest (storage is an idempotent upsert).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from collectors.base import AccountRef
from collectors.engine import AccountOutcome, iter_collect, next_due_at
from collectors.failing import FAILURE_RULES, failure_finding
from collectors.failing import FailedAccount as FailureState
from collectors.http import HostPacer
from monitor.db.models import Account, CollectionRun, Unit
from monitor.pipeline.comment_rereads import comment_plan
from monitor.settings import Settings
from monitor.store.failed import store_failed
from monitor.store.findings import resolve_absent, save_findings
from monitor.store.ingest import store_result

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class FailedAccount:
    account_key: str
    name: str
    unit: str
    kind: str
    text: str


@dataclass
class CollectSummary:
    accounts: int = 0
    ok: int = 0
    failed_by_kind: Counter[str] = field(default_factory=Counter)
    failed: list[FailedAccount] = field(default_factory=list)
    posts_new: int = 0
    comments_new: int = 0
    requests: int = 0
    retries: int = 0
    not_modified: int = 0


@dataclass(frozen=True)
class Selection:
    """Which accounts to collect (all filters optional)."""

    account: str | None = None  # database id, platform id or "platform:platform_id"
    platform: str | None = None
    unit: str | None = None
    only_due: bool = False


def select_accounts(session: Session, selection: Selection, now: dt.datetime) -> list[Account]:
    query = select(Account).join(Unit).where(Account.status != "closed").order_by(Account.id)
    if selection.platform:
        query = query.where(Account.platform == selection.platform)
    if selection.unit:
        query = query.where(Unit.name == selection.unit)
    accounts = list(session.scalars(query))
    if selection.account:
        wanted = selection.account
        accounts = [a for a in accounts if wanted in (str(a.id), a.platform_id, a.key)]
    if selection.only_due:
        accounts = [a for a in accounts if a.next_due_at is None or a.next_due_at <= now]
    return accounts


def _account_ref(
    session: Session, account: Account, settings: Settings, now: dt.datetime
) -> AccountRef:
    plan = comment_plan(session, account, settings, now)  # which comments to (re-)read
    return AccountRef(
        platform=account.platform,
        platform_id=account.platform_id,
        feed_url=account.feed_url,
        cursor=dict(account.cursor or {}),
        comment_post_ids=plan.reread_post_ids,
        known_post_ids=plan.known_post_ids,
        comments_since=plan.comments_since,
        name=account.name,
    )


def record_outcome(
    sessions: sessionmaker[Session],
    account_id: int,
    outcome: AccountOutcome,
    settings: Settings,
    summary: CollectSummary,
) -> None:
    """Store one account's outcome in one transaction: data, run row, account state, finding."""
    now = outcome.finished_at
    with sessions.begin() as session:
        account = session.get(Account, account_id)
        if account is None:  # deleted from the registry while collecting
            return
        run = CollectionRun(
            account_id=account_id,
            started_at=outcome.started_at,
            finished_at=outcome.finished_at,
            outcome=outcome.outcome,
            error_kind=outcome.error_kind,
            error_text=outcome.error_text,
            requests=outcome.requests,
            retries=outcome.retries,
        )
        if outcome.ok and outcome.result is not None:
            result = outcome.result
            counts = store_result(
                session.connection(),
                account_id,
                account.platform,
                profile=result.profile,
                posts=result.posts,
                comments=result.comments,
                now=now,
                comments_complete=result.comments_complete,
            )
            run.posts_new, run.posts_seen = counts.posts_new, counts.posts_seen
            run.comments_new, run.comments_seen = counts.comments_new, counts.comments_seen
            run.not_modified = bool(result.not_modified)
            account.cursor = dict(result.cursor)
            account.last_error, account.last_error_kind = "", ""
            account.consecutive_failures = 0
            account.failing_since = None
            account.last_collected_at = now
            if account.status == "gone":
                account.status = "active"
            summary.ok += 1
            summary.posts_new += counts.posts_new
            summary.comments_new += counts.comments_new
            summary.not_modified += int(result.not_modified)
            resolve_absent(session, FAILURE_RULES, (), now, subject_keys={account.key})
        else:
            account.last_error = outcome.error_text
            account.last_error_kind = outcome.error_kind
            account.consecutive_failures += 1
            account.failing_since = account.failing_since or outcome.started_at
            if outcome.error_kind == "account_gone":
                account.status = "gone"
            summary.failed_by_kind[outcome.error_kind] += 1
            summary.failed.append(
                FailedAccount(
                    account.key,
                    account.name,
                    account.unit.name,
                    outcome.error_kind,
                    outcome.error_text,
                )
            )
            finding = failure_finding(
                FailureState(
                    account_key=account.key,
                    name=account.name,
                    unit=account.unit.name,
                    platform=account.platform,
                    consecutive_failures=account.consecutive_failures,
                    error_kind=outcome.error_kind,
                    error_text=outcome.error_text,
                    failing_since=account.failing_since,
                    ever_collected=account.last_collected_at is not None,
                    closed_on=account.closed_on,
                    closure_filed_on=account.closure_filed_on,
                ),
                threshold=settings.collectors.failing_after_runs,
            )
            # One finding per failed account: the kind may change (a feed URL was added, and
            # now the network fails), so the other failure findings of this account go.
            keep = [finding.dedup_key] if finding is not None else []
            others = [r for r in FAILURE_RULES if finding is None or r != finding.rule]
            resolve_absent(session, others, keep, now, subject_keys={account.key})
            if finding is not None:
                save_findings(session, [finding], now)
        account.next_due_at = next_due_at(outcome, settings.collectors)
        session.add(run)
        # Counted last: a store that fails rolls all of this back and is recorded again.
        summary.requests += outcome.requests
        summary.retries += outcome.retries


async def _run(
    sessions: sessionmaker[Session],
    refs: Sequence[tuple[int, AccountRef]],
    settings: Settings,
    clock: Clock,
    client: httpx.AsyncClient | None,
    progress: Callable[[AccountOutcome], None] | None,
    summary: CollectSummary,
    pacer: HostPacer | None,
) -> None:
    ids = {id(ref): account_id for account_id, ref in refs}
    async for outcome in iter_collect(
        [ref for _, ref in refs], settings.collectors, clock=clock, client=client, pacer=pacer
    ):
        try:
            record_outcome(sessions, ids[id(outcome.account)], outcome, settings, summary)
        except Exception as exc:  # one record that cannot be stored fails its account only
            log.error("账号 %s 的采集结果无法保存", outcome.account.key, exc_info=True)
            outcome = store_failed(outcome, exc)
            record_outcome(sessions, ids[id(outcome.account)], outcome, settings, summary)
        if progress is not None:
            progress(outcome)


def run_collection(
    engine: Engine,
    settings: Settings,
    selection: Selection = Selection(),
    *,
    clock: Clock = utcnow,
    client: httpx.AsyncClient | None = None,
    on_start: Callable[[int], None] | None = None,
    progress: Callable[[AccountOutcome], None] | None = None,
    pacer: HostPacer | None = None,
) -> CollectSummary:
    sessions = sessionmaker(engine, expire_on_commit=False)
    now = clock()
    with sessions() as session:
        accounts = select_accounts(session, selection, now)
        refs = [(a.id, _account_ref(session, a, settings, now)) for a in accounts]
    if pacer is None and settings.daemon.engine == "procrastinate":
        # Workers on other machines collect from the same hosts: pace with them, also when
        # an operator runs `govmon collect` by hand.
        from monitor.workers.pacing import shared_pacer

        pacer = shared_pacer(engine, settings.collectors)
    summary = CollectSummary(accounts=len(refs))
    if on_start is not None:
        on_start(len(refs))
    if refs:
        asyncio.run(_run(sessions, refs, settings, clock, client, progress, summary, pacer))
    return summary
