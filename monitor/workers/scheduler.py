"""`govmon run` on the worker engine: the same schedule as the single-machine daemon, but each
job is deferred to the queue instead of run here; any `govmon worker` takes it.

It also recovers the work of dead workers: a job still "doing" on a worker that has sent no
heartbeat for ``workers.stalled_after_seconds`` is put back in the queue for another worker
(procrastinate's ``get_stalled_jobs`` / ``retry_job``); storage is idempotent and collection
jobs check their claim, so a retried job does no harm.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from apscheduler.triggers.interval import IntervalTrigger
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy import Engine, or_, update

from monitor.daemon import signals
from monitor.daemon.lock import daemon_lock
from monitor.daemon.scheduler import build_scheduler
from monitor.db.models import Account
from monitor.settings import Settings
from monitor.workers.app import QUEUE_OF_JOB, build_app

log = logging.getLogger("monitor.daemon")

T = TypeVar("T")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def claim_due_accounts(
    settings: Settings, engine: Engine, now: dt.datetime
) -> list[tuple[int, dt.datetime]]:
    """Mark every due account as queued (next_due_at → the claim's end); returns the claims.

    One statement, so two schedulers (which the daemon lock prevents anyway) could not both
    claim an account.
    """
    until = now + dt.timedelta(minutes=settings.workers.claim_minutes)
    with engine.begin() as conn:
        rows = conn.execute(
            update(Account)
            .where(
                Account.status != "closed",
                or_(Account.next_due_at.is_(None), Account.next_due_at <= now),
            )
            .values(next_due_at=until)
            .returning(Account.id, Account.next_due_at)
        ).all()
    return sorted((int(account_id), due or until) for account_id, due in rows)


class QueueingRunner:
    """The scheduler's ``fire(name)``: defer instead of run (see monitor.daemon.scheduler).

    The queue is reached from one event loop of its own (a thread), opened once: the
    scheduler's threads hand it their work, so the connection pool is never shared across
    loops nor opened and closed on every tick.
    """

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self.app = build_app(settings)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="govmon-queue", daemon=True
        )

    def __enter__(self) -> QueueingRunner:
        self._thread.start()
        self._call(self._open())
        return self

    async def _open(self) -> None:
        await self.app.open_async()

    def __exit__(self, *_exc: object) -> None:
        try:
            self._call(self.app.close_async())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def fire(self, name: str) -> None:
        try:
            if name == "collect":
                queued = self._call(self._defer_collections())
                if queued:
                    log.info("排队采集 %d 个到期账号", queued)
            else:
                self._call(self._defer_job(name))
        except Exception:
            log.error("任务 %s 无法排队", name, exc_info=True)

    def recover(self) -> None:
        try:
            retried = self._call(self._recover())
        except Exception:
            log.error("检查停滞任务失败", exc_info=True)
            return
        if retried:
            log.warning("%d 个任务所在的 worker 已无心跳，已重新排队", retried)

    async def _defer_collections(self) -> int:
        claims = claim_due_accounts(self.settings, self.engine, utcnow())
        queued = 0
        for account_id, claim in claims:
            lock = f"collect:{account_id}"
            try:
                await self.app.configure_task(
                    "govmon:collect_account", lock=lock, queueing_lock=lock
                ).defer_async(account_id=account_id, claim=claim.isoformat())
            except AlreadyEnqueued:
                continue
            queued += 1
        return queued

    async def _defer_job(self, name: str) -> None:
        lock = f"job:{name}"
        try:
            await self.app.configure_task(
                "govmon:run_job",
                queue=QUEUE_OF_JOB.get(name, "jobs"),
                lock=lock,
                queueing_lock=lock,
            ).defer_async(name=name)
        except AlreadyEnqueued:
            log.info("任务 %s 已在队列中，本次不重复排队", name)

    async def _recover(self) -> int:
        seconds = self.settings.workers.stalled_after_seconds
        manager = self.app.job_manager
        stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=seconds))
        for job in stalled:
            await manager.retry_job(job)
        await manager.prune_stalled_workers(seconds_since_heartbeat=seconds)
        return len(stalled)


def run_scheduler(settings: Settings, engine: Engine) -> None:
    """Hold the daemon lock and defer the schedule's work until a stop signal."""
    signals.reset()
    with (
        signals.stop_on_signals(),
        daemon_lock(settings, engine) as lock,
        QueueingRunner(settings, engine) as runner,
    ):
        scheduler = build_scheduler(settings, runner)
        scheduler.add_job(
            runner.recover,
            IntervalTrigger(
                seconds=settings.workers.recover_interval_seconds,
                timezone=ZoneInfo(settings.general.timezone),
            ),
            id="recover",
            name="重新排队停滞的任务",
            max_instances=1,
            coalesce=True,
        )
        scheduler.start()
        planned: Any = "；".join(
            f"{job.id} {job.next_run_time:%m-%d %H:%M:%S}" for job in scheduler.get_jobs()
        )
        log.info(
            "govmon 调度已启动（任务引擎 procrastinate，锁 %s）：只排队，由 govmon worker 执行。"
            "下次排队：%s",
            lock,
            planned,
        )
        while not signals.wait_for_stop(1.0):
            pass
        scheduler.shutdown(wait=True)
        log.info("调度已停止（已排队的任务仍由 worker 执行）")
