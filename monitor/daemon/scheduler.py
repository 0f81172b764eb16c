"""`govmon run`: the registered jobs on APScheduler 3, until SIGTERM/SIGINT.

Every job gets ``max_instances=1``, ``coalesce=True`` and a set ``misfire_grace_time``; the
runner adds a per-job lock, so a job never runs twice at once, even as another's follow-up.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from monitor.daemon import jobs, runs, signals
from monitor.daemon.lock import daemon_lock
from monitor.daemon.runner import Clock, JobRunner, utcnow
from monitor.settings import Settings

log = logging.getLogger("monitor.daemon")


def trigger_for(schedule: jobs.Schedule, timezone: ZoneInfo) -> Any:
    if isinstance(schedule, jobs.Every):
        return IntervalTrigger(
            seconds=schedule.seconds, jitter=schedule.jitter or None, timezone=timezone
        )
    return CronTrigger(
        day_of_week=schedule.day_of_week,
        hour=schedule.hour,
        minute=schedule.minute,
        timezone=timezone,
    )


class Fires(Protocol):
    """What the scheduler calls with a job's name: the JobRunner here, or the worker engine's
    QueueingRunner, which defers the job instead (monitor.workers.scheduler)."""

    def fire(self, name: str) -> None: ...


def build_scheduler(settings: Settings, runner: Fires) -> BackgroundScheduler:
    """A scheduler (not started) with every registered job whose schedule is on."""
    timezone = ZoneInfo(settings.general.timezone)
    scheduler = BackgroundScheduler(
        timezone=timezone,
        executors={"default": ThreadPoolExecutor(settings.daemon.max_workers)},
        job_defaults={
            "max_instances": 1,
            "coalesce": True,
            "misfire_grace_time": settings.daemon.misfire_grace_seconds,
        },
    )
    now = dt.datetime.now(timezone)
    for job in jobs.registered():
        schedule = job.schedule(settings)
        if schedule is None:
            continue
        extra: dict[str, Any] = {}
        if isinstance(schedule, jobs.Every) and schedule.at_start:
            extra["next_run_time"] = now
        scheduler.add_job(
            runner.fire,
            trigger_for(schedule, timezone),
            args=[job.name],
            id=job.name,
            name=job.title,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=settings.daemon.misfire_grace_seconds,
            **extra,
        )
    return scheduler


@dataclass(frozen=True)
class DaemonExit:
    clean: bool  # every running job finished or stopped at a safe point
    abandoned: int  # jobs still running when the wait ended


def run_daemon(
    settings: Settings,
    engine: Engine,
    *,
    clock: Clock = utcnow,
) -> DaemonExit:
    """Hold the lock, run the schedule until a stop signal, stop cleanly.

    Must be called from the main thread (it installs the signal handlers).
    """
    signals.reset()
    with signals.stop_on_signals(), daemon_lock(settings, engine) as lock:
        abandoned = runs.mark_abandoned(engine, [j.name for j in jobs.registered()], clock())
        if abandoned:
            log.warning("上次后台服务退出时有 %d 个任务未完成，已标记为未完成", abandoned)
        runner = JobRunner(settings, engine, clock)
        scheduler = build_scheduler(settings, runner)
        scheduler.start()
        planned = "；".join(
            f"{job.id} {job.next_run_time:%m-%d %H:%M:%S}" for job in scheduler.get_jobs()
        )
        log.info(
            "govmon 后台服务已启动（锁 %s），按 Ctrl+C 或发送 SIGTERM 停止。下次运行：%s",
            lock,
            planned,
        )
        while not signals.wait_for_stop(1.0):
            pass
        scheduler.shutdown(wait=False)  # no new runs; running ones stop at a safe point
        timeout = settings.daemon.shutdown_timeout_seconds
        clean = runner.wait_idle(timeout, give_up=signals.hurried)
        left = runner.active()
        if clean:
            log.info("后台服务已停止")
        else:
            log.warning(
                "等待 %s 秒后仍有 %d 个任务在运行，放弃它们退出（已提交的数据不受影响）",
                timeout,
                left,
            )
    return DaemonExit(clean, left)
