"""Daemon test fixtures: a settings file with intervals of seconds, a migrated database, and
a starter for `govmon run` in a subprocess (stopped at teardown)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from testkit.daemon import EXTRA_JOBS, FAST, Daemon

from monitor.db import migrate
from monitor.db.engine import make_engine


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
