"""Daemon tests: a settings file with intervals of seconds, a migrated database, and a way to
start `govmon run` in a subprocess and wait for what it writes (no timed assertions: every wait
polls with a generous deadline)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import JobRun

HERE = Path(__file__).parent
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


@pytest.fixture
def daemon_config(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    path = tmp_path / "settings.toml"
    path.write_text(
        "[general]\n"
        f'data_dir = "{data.as_posix()}"\n'
        f'log_file = "{(data / "govmon.log").as_posix()}"\n' + FAST,
        encoding="utf-8",
    )
    return path


@pytest.fixture
def daemon_engine(tmp_path: Path, daemon_config: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'govmon.db'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def start_daemon(tmp_path: Path) -> Iterator[Callable[..., Daemon]]:
    started: list[Daemon] = []

    def start(config: Path, *, test_jobs: str = "", name: str = "d") -> Daemon:
        out, err = tmp_path / f"{name}.out", tmp_path / f"{name}.err"
        env = {**os.environ, "GOVMON_TEST_JOBS": test_jobs, "PYTHONUNBUFFERED": "1"}
        env.pop("GOVMON_CONFIG", None)
        command = [sys.executable, str(EXTRA_JOBS), "--config", str(config), "run"]
        with out.open("wb") as o, err.open("wb") as e:
            proc = subprocess.Popen(command, stdout=o, stderr=e, env=env, cwd=tmp_path)
        daemon = Daemon(proc, out, err)
        started.append(daemon)
        return daemon

    yield start
    for daemon in started:  # a failed test must not leave a daemon behind
        if daemon.proc.poll() is None:
            daemon.proc.kill()
            daemon.proc.wait()


def job_runs(engine: Engine, job: str | None = None) -> list[JobRun]:
    with Session(engine) as session:
        query = select(JobRun).order_by(JobRun.id)
        if job is not None:
            query = query.where(JobRun.job == job)
        return list(session.scalars(query))
