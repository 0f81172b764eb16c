"""Helpers of the daemon tests: start `govmon run` in a subprocess and wait for what it writes
(no timed assertions: every wait polls with a generous deadline)."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from monitor.db.models import JobRun

HERE = Path(__file__).resolve().parents[1] / "daemon"
EXTRA_JOBS = HERE / "daemon_with_test_jobs.py"
DEADLINE = 90.0  # seconds; generous for a loaded 2-core machine

FAST = """
[daemon]
tick_seconds = 1
jitter_seconds = 0
alerts_interval_minutes = 60
send_interval_minutes = 60
digest_enabled = false
shutdown_timeout_seconds = 60
"""


def wait_for(predicate: Callable[[], Any], what: str, deadline: float = DEADLINE) -> Any:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Daemon:
    proc: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def output(self) -> str:
        return self.stderr.read_text(encoding="utf-8") + self.stdout.read_text(encoding="utf-8")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=DEADLINE)


def job_runs(engine: Engine, job: str | None = None) -> list[JobRun]:
    with Session(engine) as session:
        query = select(JobRun).order_by(JobRun.id)
        if job is not None:
            query = query.where(JobRun.job == job)
        return list(session.scalars(query))
