"""`govmon status`: what ran, what failed, what is pending; exit 1 when a human is needed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from analysis.collection_gaps import error_reason
from analysis.labels import account_locator, rule_title
from monitor.cli.console import out_console
from monitor.cli.context import AppContext, config_option, pass_app
from monitor.daemon.health import StatusReport, build_report
from monitor.daemon.runs import OUTCOME_LABELS
from monitor.pipeline.outbox import STATUS_LABELS as DELIVERY_LABELS  # h12c: one table

KIND_LABELS = {"alert": "告警", "resolution": "解除通知", "digest": "周报", "test": "测试"}
ROW_LABELS = {
    "units": "单位",
    "accounts": "账号",
    "posts": "帖子",
    "comments": "评论",
    "account_snapshots": "粉丝数快照",
    "findings": "发现的问题",
    "alerts": "告警",
    "deliveries": "发件箱消息",
    "collection_runs": "采集记录",
    "analysis_cache": "情感分析缓存",
    "text_results": "文本规则缓存",
    "sentiment_labels": "人工情感标注",
    "analysis_state": "分析状态",
    "finding_sweeps": "各规则检查时间",
    "finding_closures": "发现的关闭记录",
    "job_runs": "任务记录",
    "digests": "周报",
    "bot_sends": "群机器人发送记录",
    "host_slots": "采集站点并发占用",
    "host_turns": "采集站点请求间隔",
    "users": "网页控制台用户",
    "audit_log": "操作日志",
}


def _size(n: int | None) -> str:
    if n is None:
        return "未知"
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="输出格式：table 为表格，json 为键名固定的 JSON（供监控系统读取）",
)
@config_option
@pass_app
def status(app: AppContext, fmt: str) -> None:
    """查看运行状态：各任务最近一次运行、采集失败的账号、未关闭的告警、发件箱和数据库。

    有需要处理的问题时退出码为 1（可作健康检查），否则为 0。
    """
    settings = app.settings
    report = build_report(settings, app.engine(), dt.datetime.now(dt.UTC))
    if fmt == "json":
        click.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
        if not report.healthy:
            raise click.exceptions.Exit(1)
        return
    console = out_console()  # piped: as wide as the rows (monitor/cli/console.py), never folded
    _render(report, ZoneInfo(settings.general.timezone), console)
    if not report.healthy:
        raise click.exceptions.Exit(1)


def _render(report: StatusReport, tz: ZoneInfo, console: Console) -> None:
    def when(value: dt.datetime | None) -> str:
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else "—"

    console.print(f"后台服务：{escape(report.daemon)}")

    jobs = Table(title="任务", show_header=True)
    for column in ("任务", "最近一次运行", "结果", "耗时", "说明", "最近成功"):
        jobs.add_column(column)
    for job in report.jobs:
        title = job.title + ("" if job.scheduled else "（不按计划运行）")
        if not job.outcome:
            jobs.add_row(f"{job.name} {title}", "从未运行", "", "", "", "")
            continue
        took = (
            f"{(job.finished_at - job.started_at).total_seconds():.1f} 秒"
            if job.finished_at and job.started_at
            else ""
        )
        label = OUTCOME_LABELS.get(job.outcome, "未知")
        if job.failures_in_a_row > 1:
            label += f"（连续 {job.failures_in_a_row} 次）"
        jobs.add_row(
            f"{job.name} {title}",
            when(job.started_at),
            label,
            took,
            escape(job.error or job.summary),
            when(job.last_ok_at),
        )
    console.print(jobs)

    if report.failing:
        failing = Table(title="采集失败的账号", show_header=True)
        for column in ("账号", "单位", "失败自", "次数", "原因", "处理"):
            failing.add_column(column, overflow="fold")  # a reason is read whole, never cut
        for account in report.failing:
            failing.add_row(
                escape(account_locator(account.name, account.key)),
                escape(account.unit),
                when(account.since)
                + (f"（已 {account.hours:.0f} 小时，需处理）" if account.needs_human else ""),
                str(account.failures),
                escape(error_reason(account.key, account.error)),
                account.advice,
            )
        console.print(failing)
    else:
        console.print("采集：没有失败的账号")
    if report.feed_only_accounts:
        console.print(
            f"注意：{report.feed_only_accounts} 个账号经 RSS 采集，RSS 不提供评论和转评赞数，"
            "这些账号的回复率、评论情感和互动排行无法计算"
        )

    if report.open_alerts:
        alerts = Table(title="未关闭的告警", show_header=True)
        alerts.add_column("规则")
        alerts.add_column("单位")
        alerts.add_column("数量", justify="right")
        for rule, unit, count in report.open_alerts:
            alerts.add_row(escape(rule_title(rule)), escape(unit), str(count))
        console.print(alerts)
    else:
        console.print("告警：没有未关闭的告警")

    console.print(f"情感引擎：{escape(report.sentiment)}")
    if report.workers is not None:
        _render_workers(report, console)

    counts = "，".join(f"{DELIVERY_LABELS.get(k, k)} {v}" for k, v in sorted(report.outbox.items()))
    line = f"发件箱：{counts or '空'}"
    if report.interrupted_deliveries:
        line += f"（其中发送中断 {report.interrupted_deliveries}）"
    if report.next_attempt_at:
        line += f"；下一次发送 {when(report.next_attempt_at)}"
    console.print(line)
    if report.failed_deliveries:
        failed = Table(title="发送失败的消息", show_header=True)
        for column in ("编号", "类型", "渠道", "收件人", "主题", "尝试", "原因"):
            failed.add_column(column)
        for item in report.failed_deliveries[:20]:
            failed.add_row(
                f"#{item.id}",
                KIND_LABELS.get(item.kind, "消息"),
                escape(item.channel),
                escape(item.recipient),
                escape(item.subject),
                str(item.attempts),
                escape(item.error),
            )
        console.print(failed)

    database = Table(title=escape(f"数据库 {report.database}（{_size(report.database_bytes)}）"))
    database.add_column("表")
    database.add_column("行数", justify="right")
    order = {name: i for i, name in enumerate(ROW_LABELS)}
    for name, count in sorted(report.row_counts.items(), key=lambda kv: order.get(kv[0], 99)):
        database.add_row(f"{ROW_LABELS.get(name, name)}（{name}）", str(count))
    console.print(database)

    if report.reasons:
        console.print(f"[bold red]需要处理（{len(report.reasons)} 项）：[/bold red]")
        for reason in report.reasons:
            console.print(f"  - {reason}", markup=False, soft_wrap=True)
    else:
        console.print("[green]一切正常，无需人工处理[/green]")


QUEUE_LABELS = {"collect": "采集", "jobs": "分析、告警、周报", "outbox": "发送"}


def _render_workers(report: StatusReport, console: Console) -> None:
    workers = report.workers
    assert workers is not None
    console.print(
        f"任务引擎 procrastinate：在线 worker {workers.alive} 个；停滞的任务 {workers.stalled}；"
        f"最近一天失败的任务 {workers.failed_recently}"
    )
    if workers.queues:
        queues = Table(title="任务队列", show_header=True)
        for column in ("队列", "排队中", "执行中"):
            queues.add_column(column)
        for queue, counts in workers.queues.items():
            queues.add_row(
                f"{QUEUE_LABELS.get(queue, queue)}（{queue}）",
                str(counts.get("todo", 0)),
                str(counts.get("doing", 0)),
            )
        console.print(queues)
    else:
        console.print("任务队列：空")


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def report_json(report: StatusReport) -> dict[str, Any]:
    """The report with stable keys (documented in the README); times ISO 8601 UTC, rules and
    kinds as codes with their Chinese label beside them."""

    def plain(item: Any) -> dict[str, Any]:
        return {
            k: _iso(v) if isinstance(v, dt.datetime) else v
            for k, v in dataclasses.asdict(item).items()
        }

    return {
        "healthy": report.healthy,
        "reasons": list(report.reasons),
        "daemon": report.daemon,
        "jobs": [
            {**plain(job), "outcome_label": OUTCOME_LABELS.get(job.outcome, "")}
            for job in report.jobs
        ],
        "failing_accounts": [plain(a) for a in report.failing],
        "incomplete_accounts": [
            {
                "account_key": gap.account_key,
                "name": gap.name,
                "unit": gap.unit,
                "kind": gap.kind,
                "reason": gap.text,
                "last_ok": _iso(gap.last_ok),
            }
            for gap in report.gaps
        ],
        "last_run_empty_accounts": report.last_run_empty,
        "feed_only_accounts": report.feed_only_accounts,
        "open_alerts": [
            {"rule": rule, "rule_title": rule_title(rule), "unit": unit, "count": count}
            for rule, unit, count in report.open_alerts
        ],
        "outbox": dict(sorted(report.outbox.items())),
        "interrupted_deliveries": report.interrupted_deliveries,
        "next_attempt_at": _iso(report.next_attempt_at),
        "failed_deliveries": [plain(d) for d in report.failed_deliveries],
        "sentiment": report.sentiment,
        "database": report.database,
        "database_bytes": report.database_bytes,
        "row_counts": dict(sorted(report.row_counts.items())),
    }
