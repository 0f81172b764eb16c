"""The daemon's jobs: a registry of named plain functions ``(settings, engine, now) → JobOutcome``.

A job is not a closure over a scheduler, so either engine can call it: APScheduler in
`govmon run` (monitor.daemon.scheduler) and, later, procrastinate tasks on PostgreSQL. Each job
imports its pipeline module inside the function: a job whose module is not there yet fails at
run time with one clear line, and the other jobs keep going.

When a job runs is described here too, engine-neutrally (:class:`Every`, :class:`Cron`), from
the settings; ``None`` means the job is switched off or only runs as another job's follow-up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import sessionmaker

from monitor.daemon.signals import raise_if_stopping
from monitor.settings import Settings


@dataclass(frozen=True)
class JobOutcome:
    """What a job did, in one Chinese line; ``follow_up`` names jobs to run right after it."""

    summary: str
    follow_up: tuple[str, ...] = ()
    partial: bool = False  # it ran, but some items failed: recorded as 部分失败, not 成功


JobFunc = Callable[[Settings, Engine, dt.datetime], JobOutcome]


@dataclass(frozen=True)
class Every:
    """Run every ``seconds`` (each run delayed by up to ``jitter`` seconds)."""

    seconds: float
    jitter: float = 0.0
    at_start: bool = False  # also run as soon as the daemon starts


@dataclass(frozen=True)
class Cron:
    """Run at ``hour:minute`` (general.timezone) on the given days (APScheduler/cron names)."""

    hour: int
    minute: int
    day_of_week: str = "*"


Schedule = Every | Cron


def _never(_settings: Settings) -> Schedule | None:
    return None


@dataclass(frozen=True)
class Job:
    name: str
    title: str  # Chinese, shown by `govmon status`
    func: JobFunc
    schedule: Callable[[Settings], Schedule | None] = _never


class JobUnavailable(RuntimeError):
    """The pipeline function a job needs is not part of this installation (yet)."""


class DuplicateJob(ValueError):
    pass


_REGISTRY: dict[str, Job] = {}


def register(job: Job) -> Job:
    """Enrol a job; a second, different job under the same name is an error."""
    existing = _REGISTRY.get(job.name)
    if existing is not None and existing != job:
        raise DuplicateJob(f"任务名称 {job.name!r} 重复")
    _REGISTRY[job.name] = job
    return job


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def get(name: str) -> Job:
    try:
        return _REGISTRY[name]
    except KeyError:
        known = "、".join(_REGISTRY)
        raise KeyError(f"没有名为 {name!r} 的任务（已有：{known}）") from None


def registered() -> list[Job]:
    return list(_REGISTRY.values())


# -- helpers ---------------------------------------------------------------------------------


def _pipeline(module: str, attr: str) -> Any:
    """The pipeline function a job calls, or :class:`JobUnavailable` saying which is missing."""
    try:
        found = getattr(importlib.import_module(module), attr)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if not (module == missing or module.startswith(missing + ".")):
            raise  # a dependency missing inside the module: a real error, keep its traceback
        raise JobUnavailable(f"此版本尚未包含 {module}（缺少 {attr}），任务无法运行") from None
    except AttributeError:
        raise JobUnavailable(f"{module} 中没有 {attr}，任务无法运行") from None
    return found


def clock_from(now: dt.datetime) -> Callable[[], dt.datetime]:
    """A clock that starts at the job's ``now`` and advances with real time, so a job given a
    simulated ``now`` (a test, a benchmark) stays consistent within itself."""
    began = time.monotonic()

    def clock() -> dt.datetime:
        return now + dt.timedelta(seconds=time.monotonic() - began)

    return clock


def describe(result: Any) -> str:
    """One line for a pipeline result whose type this module does not know."""
    if isinstance(result, str):
        return result
    text = getattr(result, "describe", None)
    if callable(text):
        return str(text())
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        parts = [
            f"{f.name} {getattr(result, f.name)}"
            for f in dataclasses.fields(result)
            if isinstance(getattr(result, f.name), int | float)
            and not isinstance(getattr(result, f.name), bool)
        ]
        return "，".join(parts) or "完成"
    return "完成"


# -- the jobs --------------------------------------------------------------------------------


def collect_due(settings: Settings, engine: Engine, now: dt.datetime) -> JobOutcome:
    """A collection tick: the accounts that are due (per platform interval), concurrently."""
    if not settings.collectors.enabled:
        return JobOutcome("采集已关闭（collectors.enabled = false），跳过")
    from monitor.pipeline.collect import Selection, run_collection

    summary = run_collection(
        engine,
        settings,
        Selection(only_due=True),
        clock=clock_from(now),
        progress=lambda _outcome: raise_if_stopping(),  # each account is committed by then
    )
    if summary.accounts == 0:
        return JobOutcome("没有到期的账号")
    failed = sum(summary.failed_by_kind.values())
    follow = ("analyze",) if settings.daemon.analyze_after_collect and summary.ok else ()
    return JobOutcome(
        f"采集 {summary.accounts} 个到期账号：成功 {summary.ok}，失败 {failed}；"
        f"新帖子 {summary.posts_new}，新评论 {summary.comments_new}",
        follow,
        partial=failed > 0,
    )


def analyze_recent(settings: Settings, engine: Engine, now: dt.datetime) -> JobOutcome:
    """Analysis of what was collected (every rule); alerts are evaluated right after it."""
    analyze = _pipeline("monitor.pipeline.analyze", "analyze")
    summary = analyze(engine, settings, clock=clock_from(now))
    follow = ("alerts",) if settings.alerts.enabled else ()
    return JobOutcome(
        f"分析 {summary.posts} 条帖子、{summary.comments} 条评论：新发现 {summary.new_findings}，"
        f"已解决 {summary.resolved}",
        follow,
    )


def check_alerts(settings: Settings, engine: Engine, now: dt.datetime) -> JobOutcome:
    """Findings → alerts → outbox; the outbox is sent right after when it has new messages."""
    run_check = _pipeline("monitor.pipeline.alerts", "run_check")
    summary = run_check(engine, settings, clock=clock_from(now))
    written = len(summary.deliveries)
    actions = "，".join(f"{k} {v}" for k, v in sorted(summary.actions.items())) or "无变化"
    return JobOutcome(
        f"告警评估：{summary.findings} 个未解决的发现，{actions}，写入 {written} 条待发消息",
        ("send",) if written else (),
    )


def send_outbox(settings: Settings, engine: Engine, now: dt.datetime) -> JobOutcome:
    """Send the outbox's due messages (new ones and retries)."""
    send_due = _pipeline("monitor.pipeline.outbox", "send_due")
    summary = send_due(
        engine, settings, clock=clock_from(now), progress=lambda _info: raise_if_stopping()
    )
    if summary.due == 0 and summary.recovered == 0:
        return JobOutcome("没有到期的待发消息")
    return JobOutcome(
        f"发送 {summary.due} 条到期消息：成功 {summary.sent}，稍后重试 {summary.retry}，"
        f"失败 {summary.failed}"
        + (f"，发送前取消 {summary.cancelled}" if summary.cancelled else "")  # h12c
    )


def snapshot_missing(settings: Settings, engine: Engine, now: dt.datetime) -> JobOutcome:
    """Once a day: collect now the accounts that have no follower snapshot for today yet.

    Snapshots are written by collection itself (the profile); this only fills the gaps, for
    accounts whose platform gives counts (not RSS) and that are not currently failing (a
    failing account keeps its backoff).
    """
    if not settings.collectors.enabled:
        return JobOutcome("采集已关闭（collectors.enabled = false），跳过")
    from collectors.base import AccountRef
    from collectors.registry import build_collectors, choose
    from monitor.db.models import Account, AccountSnapshot
    from monitor.pipeline.collect import Selection, run_collection
    from monitor.store.ingest import SHANGHAI

    today = now.astimezone(SHANGHAI).date()
    collectors = build_collectors(settings.collectors, clock_from(now))
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions.begin() as session:
        have = select(AccountSnapshot.account_id).where(AccountSnapshot.day == today)
        candidates = session.scalars(
            select(Account).where(
                Account.status == "active",
                Account.consecutive_failures == 0,
                Account.id.not_in(have),
            )
        ).all()
        missing = []
        for account in candidates:
            ref = AccountRef(account.platform, account.platform_id, feed_url=account.feed_url)
            collector = choose(collectors, ref)
            if collector is not None and collector.gives_counts:
                missing.append(account)
                if account.next_due_at is None or account.next_due_at > now:
                    account.next_due_at = now
    if not missing:
        return JobOutcome("今天的粉丝数快照已齐全")
    if settings.daemon.engine == "procrastinate":
        # Marked due: the scheduler's next tick queues them as ordinary collection jobs, each
        # under its account's lock, instead of this worker collecting beside them.
        return JobOutcome(f"{len(missing)} 个账号今天还没有粉丝数快照，已排入采集队列")
    summary = run_collection(
        engine,
        settings,
        Selection(only_due=True),
        clock=clock_from(now),
        progress=lambda _outcome: raise_if_stopping(),
    )
    return JobOutcome(
        f"{len(missing)} 个账号今天还没有粉丝数快照，已补采 {summary.accounts} 个账号："
        f"成功 {summary.ok}，失败 {sum(summary.failed_by_kind.values())}"
    )


def weekly_digest(settings: Settings, engine: Engine, now: dt.datetime) -> JobOutcome:
    """The weekly 舆情 digest of the week just ended (第二十六条), built and queued for sending."""
    run_digest = _pipeline("monitor.pipeline.digest", "run_digest")
    result = run_digest(engine, settings, clock=clock_from(now))
    return JobOutcome(f"周报：{describe(result)}", ("send",) if settings.alerts.enabled else ())


def prune_old_rows(settings: Settings, engine: Engine, now: dt.datetime) -> JobOutcome:
    """Forget job runs older than ``daemon.job_runs_keep_days`` (one tick every few minutes
    would otherwise grow the table by a quarter of a million rows a year), and per-text
    results computed before the analysis window began, a week to spare (about one row per
    comment ever collected, never read again once their texts left the window)."""
    from monitor.db.models import JobRun
    from monitor.pipeline.analyze import window_start
    from monitor.store.text_results import prune_results

    before = now - dt.timedelta(days=settings.daemon.job_runs_keep_days)
    results_before = window_start(settings, now, None) - dt.timedelta(days=7)
    with engine.begin() as conn:
        deleted = conn.execute(delete(JobRun).where(JobRun.started_at < before)).rowcount
        results = prune_results(conn, results_before)
    days = (now - results_before).days
    return JobOutcome(
        f"清理 {deleted} 条 {settings.daemon.job_runs_keep_days} 天前的任务记录，"
        f"{results} 条 {days} 天前算出的逐条文本结果（其文本已在分析窗口之外）"
    )


# -- the schedule ----------------------------------------------------------------------------


def _collect_schedule(settings: Settings) -> Schedule | None:
    daemon = settings.daemon
    if not settings.collectors.enabled:
        return None
    return Every(daemon.tick_seconds, jitter=daemon.jitter_seconds, at_start=True)


def _alerts_schedule(settings: Settings) -> Schedule | None:
    if not settings.alerts.enabled:
        return None
    return Every(settings.daemon.alerts_interval_minutes * 60)


def _send_schedule(settings: Settings) -> Schedule | None:
    if not settings.alerts.enabled:
        return None
    return Every(settings.daemon.send_interval_minutes * 60, at_start=True)


def _snapshot_schedule(settings: Settings) -> Schedule | None:
    if not settings.collectors.enabled:
        return None
    return Cron(hour=settings.daemon.snapshot_hour, minute=0)


def _digest_schedule(settings: Settings) -> Schedule | None:
    daemon = settings.daemon
    if not (daemon.digest_enabled and settings.digest.enabled):
        return None
    return Cron(hour=daemon.digest_hour, minute=daemon.digest_minute, day_of_week=daemon.digest_day)


def _prune_schedule(settings: Settings) -> Schedule | None:
    return Cron(hour=settings.daemon.snapshot_hour, minute=30)


COLLECT = register(Job("collect", "采集到期账号", collect_due, _collect_schedule))
ANALYZE = register(Job("analyze", "分析", analyze_recent))
ALERTS = register(Job("alerts", "评估告警", check_alerts, _alerts_schedule))
SEND = register(Job("send", "发送消息", send_outbox, _send_schedule))
SNAPSHOTS = register(Job("snapshots", "补采粉丝数快照", snapshot_missing, _snapshot_schedule))
DIGEST = register(Job("digest", "每周舆情周报", weekly_digest, _digest_schedule))
PRUNE = register(Job("prune", "清理任务记录和过期缓存", prune_old_rows, _prune_schedule))
