"""Recording job runs in ``job_runs`` (read back by `govmon status`).

Outcomes: ``running`` while it runs, then ``ok``, ``partial`` (it ran, but some of its items
failed, e.g. a collection with failed accounts), ``failed`` (with the error), ``interrupted``
(stopped at a safe point by a signal) or ``abandoned`` (left ``running`` by a daemon that
died; marked when the next daemon starts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session

from monitor.db.models import JobRun

OUTCOME_LABELS = {
    "running": "运行中",
    "ok": "成功",
    "partial": "部分失败",
    "failed": "失败",
    "interrupted": "因停止信号中断",
    "abandoned": "进程意外退出，未完成",
    "skipped": "跳过（上一次仍在运行）",
}
_ERROR_CAP = 4000


def start_run(engine: Engine, job: str, started_at: dt.datetime) -> int:
    with engine.begin() as conn:
        run_id = conn.execute(
            insert(JobRun)
            .values(job=job, started_at=started_at, outcome="running")
            .returning(JobRun.id)
        ).scalar_one()
    return int(run_id)


def finish_run(
    engine: Engine,
    run_id: int,
    *,
    outcome: str,
    finished_at: dt.datetime,
    summary: str = "",
    error: str = "",
) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(JobRun)
            .where(JobRun.id == run_id)
            .values(
                outcome=outcome,
                finished_at=finished_at,
                summary=summary,
                error=error[:_ERROR_CAP],
            )
        )


def record_skipped(engine: Engine, job: str, at: dt.datetime, reason: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(JobRun).values(
                job=job, started_at=at, finished_at=at, outcome="skipped", summary=reason
            )
        )


def mark_abandoned(engine: Engine, jobs: Iterable[str], now: dt.datetime) -> int:
    """Runs of these jobs still ``running``: a daemon died during them (we hold the lock now)."""
    with engine.begin() as conn:
        result = conn.execute(
            update(JobRun)
            .where(JobRun.outcome == "running", JobRun.job.in_(list(jobs)))
            .values(
                outcome="abandoned",
                finished_at=now,
                error="上一个后台服务在此任务运行中退出（崩溃、被强制结束或断电）",
            )
        )
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class JobHistory:
    """The newest run of a job, its last success and how many runs failed in a row."""

    job: str
    last: JobRun
    last_ok_at: dt.datetime | None
    failures_in_a_row: int


def job_histories(session: Session, *, depth: int = 20) -> list[JobHistory]:
    """Per job that ever ran: its newest run, last success, and consecutive failures (counted
    over at most ``depth`` newest runs; skipped runs do not break or extend a streak)."""
    names = list(session.scalars(select(JobRun.job).distinct().order_by(JobRun.job)))
    histories = []
    for name in names:
        recent = list(
            session.scalars(
                select(JobRun)
                .where(JobRun.job == name, JobRun.outcome != "skipped")
                .order_by(JobRun.started_at.desc(), JobRun.id.desc())
                .limit(depth)
            )
        )
        if not recent:
            recent = list(
                session.scalars(
                    select(JobRun).where(JobRun.job == name).order_by(JobRun.id.desc()).limit(1)
                )
            )
        streak = 0
        for run in recent:
            if run.outcome == "running":
                continue
            if run.outcome != "failed":
                break
            streak += 1
        last_ok = session.scalar(
            select(func.max(JobRun.finished_at)).where(JobRun.job == name, JobRun.outcome == "ok")
        )
        histories.append(JobHistory(name, recent[0], last_ok, streak))
    return histories
