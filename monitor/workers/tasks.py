"""govmon's procrastinate tasks: the daemon's job functions, run by any worker.

- ``collect_account``: one due account. Deferred with a queueing lock (never twice in the
  queue) and a lock (never twice at once). The scheduler claims the account when it defers it
  (``next_due_at`` moves to the claim's end); the task collects only while that claim is still
  the account's, so a job retried after its worker died does not collect an account whose
  collection had already been recorded.
- ``run_job``: a named daemon job (analyze, alerts, send, snapshots, digest, prune), one at a
  time each; its follow-ups are deferred, not run inline, so they spread over the workers.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from procrastinate import Blueprint, JobContext
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.daemon.runner import JobRunner
from monitor.db.models import Account
from monitor.workers.app import QUEUE_OF_JOB
from monitor.workers.context import CONTEXT_KEY, WorkerContext

log = logging.getLogger("monitor.workers")

blueprint = Blueprint()


def _context(job_context: JobContext) -> WorkerContext:
    context = job_context.additional_context.get(CONTEXT_KEY)
    assert isinstance(context, WorkerContext), "govmon worker sets up the task context"
    return context


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def defer_job(app_or_blueprint: Any, name: str) -> bool:
    """Queue the daemon job ``name`` unless it is already waiting; True if queued now."""
    lock = f"job:{name}"
    try:
        app_or_blueprint.configure_task(
            "govmon:run_job",
            queue=QUEUE_OF_JOB.get(name, "jobs"),
            lock=lock,
            queueing_lock=lock,
        ).defer(name=name)
    except AlreadyEnqueued:
        return False
    return True


@blueprint.task(name="collect_account", pass_context=True, queue="collect")
def collect_account(job_context: JobContext, account_id: int, claim: str) -> str:
    context = _context(job_context)
    from monitor.pipeline.collect import Selection, run_collection

    claimed_until = dt.datetime.fromisoformat(claim)
    with Session(context.engine) as session:
        due = session.scalar(select(Account.next_due_at).where(Account.id == account_id))
    if due is None or due != claimed_until:
        # Collected (and recorded) by an earlier run of this job, or re-claimed since.
        return "已采集，跳过"
    summary = run_collection(
        context.engine,
        context.settings,
        Selection(account=str(account_id)),
        pacer=context.pacer,
    )
    if (
        summary.posts_new or summary.comments_new
    ) and context.settings.daemon.analyze_after_collect:
        defer_job(job_context.app, "analyze")
    return f"新帖子 {summary.posts_new}，新评论 {summary.comments_new}"


@blueprint.task(name="run_job", pass_context=True, queue="jobs")
def run_job(job_context: JobContext, name: str) -> str:
    context = _context(job_context)
    runner = JobRunner(context.settings, context.engine, _utcnow)
    follow = runner.run_once(name)
    for next_job in follow:
        defer_job(job_context.app, next_job)
    return "完成" + (f"，随后排队：{'、'.join(follow)}" if follow else "")
