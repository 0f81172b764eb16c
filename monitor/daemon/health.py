"""What `govmon status` reports, and which of it needs a human (the health check's exit 1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from analysis.collection_gaps import Gap, error_reason
from analysis.labels import account_locator
from collectors.base import AccountRef
from collectors.failing import ADVICE
from collectors.registry import build_collectors, choose
from monitor.daemon import jobs
from monitor.daemon.lock import ADVISORY_KEY, file_lock_holder, lock_path
from monitor.daemon.runs import job_histories
from monitor.db.models import Account, Alert, Base, CollectionRun, Delivery, FindingRow, Unit
from monitor.settings import Settings
from monitor.settings.secrets import redact
from monitor.store.collection_state import load_gaps
from monitor.workers.health import WorkerHealth, worker_health

NEVER_COLLECTED = "运行 govmon collect（或启动后台服务 govmon run）采集一次"
COLLECTION_OFF = (
    "采集已在配置中关闭（collectors.enabled = false），数据不会更新；需要时在配置中开启采集"
)


@dataclass(frozen=True)
class JobLine:
    name: str
    title: str
    scheduled: bool
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    outcome: str  # "" when it never ran
    summary: str
    error: str
    last_ok_at: dt.datetime | None
    failures_in_a_row: int


@dataclass(frozen=True)
class FailingAccount:
    key: str
    name: str
    unit: str
    kind: str
    error: str
    since: dt.datetime | None
    failures: int
    hours: float
    advice: str
    needs_human: bool


@dataclass(frozen=True)
class FailedDelivery:
    id: int
    kind: str
    channel: str
    recipient: str
    subject: str
    attempts: int
    error: str
    created_at: dt.datetime


@dataclass
class StatusReport:
    daemon: str
    jobs: list[JobLine] = field(default_factory=list)
    failing: list[FailingAccount] = field(default_factory=list)
    feed_only_accounts: int = 0  # collected through RSS: no comments, no counts
    open_alerts: list[tuple[str, str, int]] = field(default_factory=list)  # rule, unit, n
    outbox: dict[str, int] = field(default_factory=dict)  # by status
    next_attempt_at: dt.datetime | None = None
    failed_deliveries: list[FailedDelivery] = field(default_factory=list)
    interrupted_deliveries: int = 0  # "sending" past the claim: the sender died mid-send
    gaps: list[Gap] = field(default_factory=list)  # accounts whose data is incomplete now
    last_run_empty: int = 0  # accounts of the last collection, all ok and all empty (0: no)
    database: str = ""
    database_bytes: int | None = None
    row_counts: dict[str, int] = field(default_factory=dict)
    sentiment: str = ""  # the engine analysis scores with
    sentiment_problem: str | None = None
    workers: WorkerHealth | None = None  # the worker engine (daemon.engine = "procrastinate")
    reasons: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.reasons


def daemon_state(settings: Settings, engine: Engine) -> str:
    path = lock_path(settings)
    if path is None:
        with engine.connect() as conn:
            pid = conn.execute(
                text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND ((classid::bigint << 32) | objid::bigint) = :k LIMIT 1"
                ),
                {"k": ADVISORY_KEY},
            ).scalar()
        return f"运行中（PostgreSQL 会话 {pid}）" if pid else "未运行"
    holder = file_lock_holder(path)
    if holder is None:
        return "未运行"
    return f"运行中（进程 {holder}）" if holder else "运行中"


def _jobs(session: Session, settings: Settings) -> list[JobLine]:
    histories = {h.job: h for h in job_histories(session)}
    lines = []
    names = [j.name for j in jobs.registered()]
    names += [n for n in histories if n not in names]
    for name in names:
        try:
            job: jobs.Job | None = jobs.get(name)
        except KeyError:
            job = None
        scheduled = job is not None and job.schedule(settings) is not None
        title = job.title if job is not None else name
        history = histories.get(name)
        if history is None:
            lines.append(JobLine(name, title, scheduled, None, None, "", "", "", None, 0))
            continue
        last = history.last
        lines.append(
            JobLine(
                name,
                title,
                scheduled,
                last.started_at,
                last.finished_at,
                last.outcome,
                last.summary,
                redact(last.error),
                history.last_ok_at,
                history.failures_in_a_row,
            )
        )
    return lines


def _failing(session: Session, settings: Settings, now: dt.datetime) -> list[FailingAccount]:
    limit = settings.daemon.collector_failing_hours
    rows = session.execute(
        select(Account, Unit.name)
        .join(Unit, Account.unit_id == Unit.id)
        .where(Account.consecutive_failures > 0, Account.status != "closed")
        .order_by(Account.failing_since, Account.id)
    )
    failing = []
    for account, unit in rows:
        since = account.failing_since
        hours = (now - since).total_seconds() / 3600 if since else 0.0
        failing.append(
            FailingAccount(
                account.key,
                account.name,
                unit,
                account.last_error_kind,
                redact(account.last_error),
                since,
                account.consecutive_failures,
                hours,
                ADVICE.get(account.last_error_kind, "查看日志文件"),
                hours > limit,
            )
        )
    return failing


def _feed_only(session: Session, settings: Settings) -> int:
    collectors = build_collectors(settings.collectors, lambda: dt.datetime.now(dt.UTC))
    count = 0
    for platform, platform_id, feed_url in session.execute(
        select(Account.platform, Account.platform_id, Account.feed_url).where(
            Account.status != "closed"
        )
    ):
        collector = choose(collectors, AccountRef(platform, platform_id, feed_url=feed_url))
        if collector is not None and not collector.gives_comments:
            count += 1
    return count


def _open_alerts(session: Session) -> list[tuple[str, str, int]]:
    rows = session.execute(
        select(FindingRow.rule, func.coalesce(Unit.name, "（未指明单位）"), func.count(Alert.id))
        .join(FindingRow, Alert.finding_id == FindingRow.id)
        .outerjoin(Unit, FindingRow.unit_id == Unit.id)
        .where(Alert.state != "resolved")
        .group_by(FindingRow.rule, Unit.name)
        .order_by(FindingRow.rule, Unit.name)
    )
    return [(rule, unit, int(n)) for rule, unit, n in rows]


def _outbox(session: Session, report: StatusReport, since: dt.datetime, now: dt.datetime) -> None:
    counts = session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
    report.outbox = {status: int(n) for status, n in counts}
    report.next_attempt_at = session.scalar(
        select(func.min(Delivery.next_attempt_at)).where(Delivery.status == "pending")
    )
    report.interrupted_deliveries = int(
        session.scalar(
            select(func.count()).where(
                Delivery.status == "sending", Delivery.next_attempt_at <= now
            )
        )
        or 0
    )
    failed = session.scalars(
        select(Delivery)
        .where(Delivery.status == "failed", Delivery.created_at >= since)
        .order_by(Delivery.id.desc())
    )
    report.failed_deliveries = [
        FailedDelivery(
            row.id,
            row.kind,
            row.channel_display or row.channel_ref,
            row.recipient,
            row.subject,
            row.attempts,
            redact(row.last_error),
            row.created_at,
        )
        for row in failed
    ]


def _database(session: Session, settings: Settings, report: StatusReport) -> None:
    url = make_url(settings.database_url())
    report.database = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            files = [Path(url.database + suffix) for suffix in ("", "-wal", "-shm")]
            report.database_bytes = sum(p.stat().st_size for p in files if p.exists())
    else:
        size = session.execute(text("SELECT pg_database_size(current_database())")).scalar()
        report.database_bytes = int(size) if size is not None else None
    for table in Base.metadata.sorted_tables:
        count = session.execute(select(func.count()).select_from(table)).scalar_one()
        report.row_counts[table.name] = int(count)


def _last_run_empty(session: Session) -> int:
    """How many accounts the newest collection read, when it found nothing for every one of
    them (each run ok, no post, no 304); 0 otherwise. An API that changed shape answers "ok"
    and empty: quiet, and worse than an error."""
    newest = (
        select(CollectionRun.account_id, func.max(CollectionRun.id).label("id"))
        .join(Account, Account.id == CollectionRun.account_id)
        .where(Account.status != "closed")
        .group_by(CollectionRun.account_id)
        .subquery()
    )
    runs = session.scalars(select(CollectionRun).join(newest, CollectionRun.id == newest.c.id))
    last = list(runs)
    if not last:
        return 0
    empty = all(
        r.outcome == "ok" and not r.not_modified and r.posts_seen == 0 and r.comments_seen == 0
        for r in last
    )
    return len(last) if empty else 0


def _reasons(report: StatusReport, settings: Settings) -> list[str]:
    daemon = settings.daemon
    reasons = []
    threshold = settings.collectors.failing_after_runs
    blind = {gap.account_key: gap for gap in report.gaps}
    for account in report.failing:
        if account.needs_human or account.failures >= threshold or account.key in blind:
            blind.pop(account.key, None)
            reasons.append(
                f"{account.unit}的账号 {account_locator(account.name, account.key)}采集已连续失败 "
                f"{account.hours:.0f} 小时（{account.failures} 次），数据不完整："
                f"{error_reason(account.key, account.error)}。"
                f"处理：{account.advice}"
            )
    # With collection switched off (as in the settings `govmon demo` leaves), collecting is
    # not the remedy to offer.
    remedy = NEVER_COLLECTED if settings.collectors.enabled else COLLECTION_OFF
    for gap in blind.values():  # never collected, or not collected for too long
        when = "从未采集成功" if gap.last_ok is None else "已超过采集间隔未采集成功"
        reasons.append(f"{gap.unit}的账号 {gap.locator}{when}，数据不完整。处理：{remedy}")
    if report.interrupted_deliveries:
        reasons.append(
            f"发件箱中有 {report.interrupted_deliveries} 条消息发送中断（“发送中”已超过认领时间，"
            "无法确认是否送达）。处理：运行 govmon alerts send 重新发送，并检查发送进程为何中断"
        )
    if report.last_run_empty:
        reasons.append(
            f"最近一次采集的 {report.last_run_empty} 个账号全部成功却没有任何内容："
            "平台接口或订阅源可能已变化。处理：在浏览器中打开几个账号的主页核对，"
            "并检查 collectors 的地址设置"
        )
    if report.failed_deliveries:
        first = report.failed_deliveries[0]
        reasons.append(
            f"最近 {daemon.failed_deliveries_days} 天有 {len(report.failed_deliveries)} 条消息"
            f"发送失败，最近一条 #{first.id}（{first.channel} → {first.recipient}）：{first.error}。"
            "请检查告警渠道配置（[alerts] channels）和单位联系方式"
        )
    for job in report.jobs:
        if job.failures_in_a_row >= daemon.job_failing_runs:
            reasons.append(
                f"任务 {job.name}（{job.title}）已连续失败 {job.failures_in_a_row} 次：{job.error}"
            )
    if report.sentiment_problem:
        reasons.append(report.sentiment_problem)
    return reasons


def build_report(settings: Settings, engine: Engine, now: dt.datetime) -> StatusReport:
    report = StatusReport(daemon=daemon_state(settings, engine))
    since = now - dt.timedelta(days=settings.daemon.failed_deliveries_days)
    with Session(engine) as session:
        report.jobs = _jobs(session, settings)
        report.failing = _failing(session, settings, now)
        report.gaps = list(load_gaps(session, settings.collectors, now).values())
        report.last_run_empty = _last_run_empty(session)
        report.feed_only_accounts = _feed_only(session, settings)
        report.open_alerts = _open_alerts(session)
        _outbox(session, report, since, now)
        _database(session, settings, report)
    from analysis.sentiment.store import describe_engine  # numpy and scipy: only when asked

    report.sentiment, report.sentiment_problem = describe_engine(
        settings.sentiment.model_dir, settings.sentiment.engine
    )
    if settings.daemon.engine == "procrastinate":
        report.workers = worker_health(settings, engine)
    report.reasons = _reasons(report, settings)
    if report.workers is not None:
        report.reasons += report.workers.problems
    return report
