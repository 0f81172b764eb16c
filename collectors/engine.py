"""Collect many accounts concurrently; one account's failure never stops the others.

monitor calls :func:`collect_accounts` (or iterates :func:`iter_collect` to store each account
as soon as it is done), writes one ``collection_runs`` row per :class:`AccountOutcome`, keeps
``error_text`` as the account's ``last_error`` (cleared when ``ok``), and schedules the next
run with :func:`next_due_at`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import time
import zlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

import httpx

from collectors.base import AccountRef, AccountResult, Clock, Collector
from collectors.errors import CollectError, InternalError, RateLimited, Unsupported
from collectors.http import HostPacer, PoliteClient, RequestStats, Sleep, utcnow
from collectors.registry import build_collectors, choose
from collectors.settings import CollectorsSettings

log = logging.getLogger("govmon.collectors")


@dataclass(frozen=True)
class AccountOutcome:
    """What one account's collection did: a result or a classified error, and its cost."""

    account: AccountRef
    collector: str  # name of the collector used; "" when none could
    started_at: dt.datetime
    finished_at: dt.datetime
    duration_seconds: float
    result: AccountResult | None
    error: CollectError | None
    requests: int
    retries: int

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def outcome(self) -> str:
        return "ok" if self.error is None else "failed"

    @property
    def error_kind(self) -> str:
        return self.error.kind if self.error else ""

    @property
    def error_text(self) -> str:
        """Chinese, for ``last_error``: names the account and what to do."""
        if self.error is None:
            return ""
        return f"{self.account.key}：{self.error.text}"

    @property
    def posts_seen(self) -> int:
        return len(self.result.posts) if self.result else 0

    @property
    def comments_seen(self) -> int:
        return len(self.result.comments) if self.result else 0


async def _collect_one(
    collector: Collector | None, account: AccountRef, client: PoliteClient, clock: Clock
) -> AccountOutcome:
    started = clock()
    began = time.monotonic()
    session = client.session()
    result: AccountResult | None = None
    error: CollectError | None = None
    if collector is None:
        error = Unsupported()
    else:
        try:
            result = await collector.collect(account, session)
        except CollectError as exc:
            error = exc
        except Exception:  # a collector bug must not stop the other accounts
            log.exception("collector %s failed on %s", collector.platform, account.key)
            error = InternalError()
    if error is not None:
        log.info("collect %s failed: %s (%s)", account.key, error.kind, error.text)
    stats: RequestStats = session.stats
    return AccountOutcome(
        account=account,
        collector=collector.platform if collector else "",
        started_at=started,
        finished_at=clock(),
        duration_seconds=time.monotonic() - began,
        result=result,
        error=error,
        requests=stats.requests,
        retries=stats.retries,
    )


async def iter_collect(
    accounts: Iterable[AccountRef],
    settings: CollectorsSettings,
    *,
    clock: Clock = utcnow,
    client: httpx.AsyncClient | None = None,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
    collectors: list[Collector] | None = None,
    pacer: HostPacer | None = None,
) -> AsyncIterator[AccountOutcome]:
    """Yield each account's outcome as soon as it is finished (in completion order)."""
    chosen = collectors if collectors is not None else build_collectors(settings, clock)
    async with PoliteClient(
        settings, client=client, clock=clock, sleep=sleep, rng=rng, pacer=pacer
    ) as polite:
        tasks = [
            asyncio.create_task(_collect_one(choose(chosen, account), account, polite, clock))
            for account in accounts
        ]
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def collect_accounts(
    accounts: Iterable[AccountRef],
    settings: CollectorsSettings,
    *,
    clock: Clock = utcnow,
    client: httpx.AsyncClient | None = None,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
    collectors: list[Collector] | None = None,
) -> list[AccountOutcome]:
    """Every account's outcome, in the order the accounts were given."""
    accounts = list(accounts)
    outcomes = {
        id(o.account): o
        async for o in iter_collect(
            accounts,
            settings,
            clock=clock,
            client=client,
            sleep=sleep,
            rng=rng,
            collectors=collectors,
        )
    }
    return [outcomes[id(a)] for a in accounts]


def next_due_at(outcome: AccountOutcome, settings: CollectorsSettings) -> dt.datetime:
    """When to collect this account again: the platform's interval, or what a limit asked."""
    minutes = settings.interval_minutes.get(
        outcome.account.platform, settings.interval_minutes.get(outcome.collector, 60)
    )
    # A fixed offset per account (from its key) spreads accounts that finished together over
    # the interval, so they do not stay bunched; deterministic, so runs are reproducible.
    spread = zlib.crc32(outcome.account.key.encode("utf-8")) / 2**32
    spread_minutes = minutes * (1 + settings.interval_jitter * spread)
    due = outcome.finished_at + dt.timedelta(minutes=spread_minutes)
    if isinstance(outcome.error, RateLimited) and outcome.error.retry_after:
        due = max(due, outcome.finished_at + dt.timedelta(seconds=outcome.error.retry_after))
    return due
