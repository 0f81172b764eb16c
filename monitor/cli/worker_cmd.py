"""`govmon worker`: run procrastinate jobs (collection, analysis, alerts, sending, digests)
from the queue that `govmon run` fills, with ``daemon.engine = "procrastinate"``."""

from __future__ import annotations

import logging
import os
import socket

import click

from monitor.cli.context import AppContext, config_option, pass_app
from monitor.errors import InputError
from monitor.workers.app import QUEUES

log = logging.getLogger("monitor.workers")


@click.command()
@config_option
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=None,
    help="同时处理几个任务（默认 workers.concurrency）",
)
@click.option(
    "--queues",
    default="",
    help=f"只处理这些队列，逗号分隔（{'、'.join(QUEUES)}；默认全部）",
)
@click.option("--identity", default="", help="使用 [workers.identities] 中的哪个出口身份")
@pass_app
def worker(app: AppContext, concurrency: int | None, queues: str, identity: str) -> None:
    """运行任务 worker：从 PostgreSQL 队列中取出采集、分析、告警、发送和周报任务执行（多台机器可同时运行）。"""
    from monitor.cli.run_cmd import job_lines_to_console
    from monitor.workers.app import build_app, require_postgres, require_procrastinate
    from monitor.workers.context import CONTEXT_KEY, WorkerContext, with_identity
    from monitor.workers.pacing import SharedPacer

    settings = app.settings
    chosen = [q.strip() for q in queues.split(",") if q.strip()]
    unknown = sorted(set(chosen) - set(QUEUES))
    if unknown:
        raise InputError(f"未知的队列 {'、'.join(unknown)}（可用：{'、'.join(QUEUES)}）")
    require_postgres(settings)
    require_procrastinate()
    identity = identity or settings.workers.identity
    settings = with_identity(settings, identity)
    engine = app.engine()
    name = f"{socket.gethostname()}:{os.getpid()}" + (f":{identity}" if identity else "")
    context = WorkerContext(
        settings=settings,
        engine=engine,
        pacer=SharedPacer(engine, settings.collectors, name),
        name=name,
    )
    job_lines_to_console()
    procrastinate_app = build_app(settings)
    workers = settings.workers
    log.info(
        "govmon worker %s 已启动：队列 %s，并发 %d；按 Ctrl+C 或发送 SIGTERM 停止",
        name,
        "、".join(chosen or QUEUES),
        concurrency or workers.concurrency,
    )
    procrastinate_app.run_worker(
        queues=chosen or list(QUEUES),
        concurrency=concurrency or workers.concurrency,
        name=name,
        update_heartbeat_interval=workers.heartbeat_seconds,
        stalled_worker_timeout=float(workers.stalled_after_seconds),
        additional_context={CONTEXT_KEY: context},
        delete_jobs="successful",
        install_signal_handlers=True,
    )
    click.echo("worker 已停止。", err=True)
