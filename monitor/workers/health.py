"""The worker engine's health for `govmon status`: workers alive, queue depths, stalled and
failed jobs, read from procrastinate's tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, text

from monitor.settings import Settings

FAILED_WINDOW = dt.timedelta(days=1)


@dataclass(frozen=True)
class WorkerHealth:
    alive: int  # workers with a heartbeat within workers.alive_minutes
    queues: dict[str, dict[str, int]] = field(default_factory=dict)  # queue → status → jobs
    stalled: int = 0  # jobs "doing" on a worker without a recent heartbeat
    failed_recently: int = 0  # jobs that failed for good within FAILED_WINDOW
    problems: tuple[str, ...] = ()  # what needs a person (status exits 1)


def worker_health(settings: Settings, engine: Engine) -> WorkerHealth:
    alive_seconds = settings.workers.alive_minutes * 60
    stalled_seconds = settings.workers.stalled_after_seconds
    with engine.connect() as conn:
        alive = conn.execute(
            text(
                "SELECT count(*) FROM procrastinate_workers "
                "WHERE last_heartbeat > now() - make_interval(secs => :s)"
            ),
            {"s": alive_seconds},
        ).scalar_one()
        queues: dict[str, dict[str, int]] = {}
        for queue, status, count in conn.execute(
            text(
                "SELECT queue_name, status::text, count(*) FROM procrastinate_jobs "
                "WHERE status IN ('todo', 'doing') GROUP BY 1, 2 ORDER BY 1, 2"
            )
        ):
            queues.setdefault(str(queue), {})[str(status)] = int(count)
        stalled = conn.execute(
            text(
                "SELECT count(*) FROM procrastinate_jobs j "
                "LEFT JOIN procrastinate_workers w ON w.id = j.worker_id "
                "WHERE j.status = 'doing' AND (w.id IS NULL "
                "OR w.last_heartbeat < now() - make_interval(secs => :s))"
            ),
            {"s": stalled_seconds},
        ).scalar_one()
        failed = conn.execute(
            text(
                "SELECT count(DISTINCT j.id) FROM procrastinate_jobs j "
                "JOIN procrastinate_events e ON e.job_id = j.id "
                "WHERE j.status = 'failed' AND e.type = 'failed' "
                "AND e.at > now() - make_interval(secs => :s)"
            ),
            {"s": FAILED_WINDOW.total_seconds()},
        ).scalar_one()
    problems: list[str] = []
    if alive == 0:
        problems.append(
            f"没有在线的 govmon worker（{settings.workers.alive_minutes} 分钟内无心跳）："
            "排队的采集、分析和告警都不会执行，请启动 govmon worker"
        )
    if failed:
        problems.append(f"最近一天有 {failed} 个任务失败，详见各 worker 的日志")
    if stalled:
        problems.append(f"{stalled} 个任务所在的 worker 已无心跳，等待 govmon run 重新排队")
    return WorkerHealth(
        alive=int(alive),
        queues=queues,
        stalled=int(stalled),
        failed_recently=int(failed),
        problems=tuple(problems),
    )
