"""`govmon run` in a subprocess: jobs fire, a failing job does not kill it, SIGTERM stops it
cleanly (exit 0, database consistent), a second daemon is refused, a killed one leaves no
stuck lock."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text
from testkit.daemon import Daemon, job_runs, wait_for


def _consistent(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
    assert [r for r in job_runs(engine) if r.outcome == "running"] == []


def test_jobs_fire_a_failing_job_does_not_kill_it_and_sigterm_exits_0(
    daemon_config: Path, daemon_engine: Engine, start_daemon: Callable[..., Daemon]
) -> None:
    daemon = start_daemon(daemon_config, test_jobs="boom,slow")
    # The collection tick fires again and again, with the failing job failing beside it.
    wait_for(
        lambda: len([r for r in job_runs(daemon_engine, "collect") if r.outcome == "ok"]) >= 3,
        "three collection ticks",
    )
    wait_for(lambda: len(job_runs(daemon_engine, "boom")) >= 3, "three runs of the failing job")
    assert daemon.proc.poll() is None, daemon.output()
    collects = [r for r in job_runs(daemon_engine, "collect") if r.outcome == "ok"]
    assert collects[0].summary == "没有到期的账号"
    assert collects[0].finished_at is not None
    failed = [r for r in job_runs(daemon_engine, "boom") if r.outcome == "failed"]
    assert failed and failed[0].error == "RuntimeError: 测试任务故意失败"
    # The slow job is running: SIGTERM stops it at its next safe point.
    wait_for(
        lambda: any(r.outcome == "running" for r in job_runs(daemon_engine, "slow")), "the slow job"
    )

    assert daemon.stop(signal.SIGTERM) == 0, daemon.output()

    slow = job_runs(daemon_engine, "slow")
    assert slow[-1].outcome == "interrupted"
    _consistent(daemon_engine)
    console = daemon.output()
    assert "任务 collect 完成" in console  # one line per job run
    assert "任务 boom（测试任务 boom）失败" in console
    assert "Traceback" not in console  # the console gets one line…
    log = (daemon_config.parent / "data" / "govmon.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: 测试任务故意失败" in log  # …the log all of it
    assert "已停止" in console


def test_sigint_also_stops_it_cleanly(
    daemon_config: Path, daemon_engine: Engine, start_daemon: Callable[..., Daemon]
) -> None:
    daemon = start_daemon(daemon_config)
    wait_for(lambda: job_runs(daemon_engine, "collect"), "a collection tick")
    assert daemon.stop(signal.SIGINT) == 0, daemon.output()
    _consistent(daemon_engine)


def test_a_second_daemon_on_the_same_database_is_refused(
    daemon_config: Path,
    daemon_engine: Engine,
    start_daemon: Callable[..., Daemon],
    tmp_path: Path,
) -> None:
    first = start_daemon(daemon_config, name="first")
    wait_for(lambda: job_runs(daemon_engine, "collect"), "the first daemon's tick")
    # Another settings file naming the same database: still the same lock.
    other = tmp_path / "other.toml"
    other.write_text(
        daemon_config.read_text(encoding="utf-8")
        + f'\n[database]\nurl = "sqlite:///{(tmp_path / "data" / "govmon.db").as_posix()}"\n',
        encoding="utf-8",
    )
    second = start_daemon(other, name="second")
    assert second.proc.wait(timeout=90) == 1
    message = second.output()
    assert "另一个 govmon run 已在使用数据库" in message
    assert f"进程 {first.proc.pid}" in message
    assert "同一数据库只能运行一个后台服务" in message
    assert "Traceback" not in message
    assert first.proc.poll() is None
    assert first.stop() == 0, first.output()


def test_a_killed_daemon_leaves_no_stuck_lock(
    daemon_config: Path, daemon_engine: Engine, start_daemon: Callable[..., Daemon]
) -> None:
    crashed = start_daemon(daemon_config, test_jobs="slow", name="crashed")
    wait_for(
        lambda: any(r.outcome == "running" for r in job_runs(daemon_engine, "slow")), "the slow job"
    )
    assert crashed.stop(signal.SIGKILL) == -signal.SIGKILL
    lock = daemon_config.parent / "data" / "govmon.db.daemon.lock"
    assert lock.exists()  # the file stays behind; its lock died with the process

    again = start_daemon(daemon_config, test_jobs="slow", name="again")
    wait_for(
        lambda: [r for r in job_runs(daemon_engine, "slow") if r.outcome == "abandoned"],
        "the killed daemon's run marked abandoned",
    )
    before = len(job_runs(daemon_engine, "collect"))
    wait_for(lambda: len(job_runs(daemon_engine, "collect")) > before, "a tick of the new daemon")
    assert again.stop() == 0, again.output()
    _consistent(daemon_engine)
