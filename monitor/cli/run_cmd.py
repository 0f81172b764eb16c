"""`govmon run`: the background service, until SIGTERM or Ctrl+C (exit 0)."""

from __future__ import annotations

import logging
import os
import sys

import click

from monitor.cli.context import AppContext, config_option, pass_app
from monitor.logging_setup import RedactingFilter


class _BelowWarning(logging.Filter):
    """Warnings and errors already reach the console through the root handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < logging.WARNING


def job_lines_to_console() -> None:
    """The daemon's one line per job run also goes to stderr (the journal under systemd)."""
    for name in ("monitor.daemon", "monitor.workers"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if getattr(handler, "_govmon_daemon", False):
                logger.removeHandler(handler)
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.INFO)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler.addFilter(_BelowWarning())
        handler.addFilter(RedactingFilter())
        handler._govmon_daemon = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


@click.command()
@config_option
@pass_app
def run(app: AppContext) -> None:
    """作为后台服务运行：按计划采集、分析、告警、发送消息和生成周报，收到 SIGTERM 或 Ctrl+C 后安全退出。"""
    from monitor.daemon.scheduler import run_daemon

    settings = app.settings
    if settings.daemon.engine == "procrastinate":
        from monitor.workers.app import require_postgres, require_procrastinate

        require_postgres(settings)
        require_procrastinate()
        from monitor.workers.scheduler import run_scheduler

        engine = app.engine()
        job_lines_to_console()
        run_scheduler(settings, engine)
        click.echo("已停止。", err=True)
        return
    engine = app.engine()
    job_lines_to_console()
    console = None
    if settings.web.enabled:  # [web] enabled: the console runs beside the daemon (issue 14)
        from monitor.web.serve import start_in_background

        console = start_in_background(settings, engine)
    try:
        result = run_daemon(settings, engine)
    finally:
        if console is not None:
            console.stop()
    if not result.clean:
        # A job did not reach a safe point in time. What it committed stays; its open
        # transaction is rolled back by the database when the process ends. Worker threads
        # cannot be interrupted, so leave without joining them.
        click.echo(f"已停止（放弃了 {result.abandoned} 个未完成的任务）。", err=True)
        logging.shutdown()
        sys.stderr.flush()
        os._exit(0)
    click.echo("已停止。", err=True)
