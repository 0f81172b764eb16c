"""The job runner, the registry, the lock and the settings, in-process (frozen clock)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from monitor.daemon import jobs, runs, signals
from monitor.daemon.lock import DaemonAlreadyRunning, file_lock, file_lock_holder, lock_path
from monitor.daemon.runner import JobRunner
from monitor.daemon.scheduler import build_scheduler
from monitor.db.models import JobRun
from monitor.errors import SettingsError
from monitor.pipeline.analyze import window_start
from monitor.settings import Settings, settings_from_dict
from monitor.store.text_results import read_results, write_results

NOW = dt.datetime(2026, 11, 30, 0, 30, tzinfo=dt.UTC)  # Monday 08:30 in Shanghai


@pytest.fixture
def temp_jobs() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        jobs.unregister(name)
    signals.reset()


def _register(names: list[str], name: str, func: jobs.JobFunc) -> None:
    jobs.register(jobs.Job(name, f"测试 {name}", func))
    names.append(name)


def _runs(engine: Engine, job: str) -> list[JobRun]:
    with Session(engine) as session:
        return list(session.scalars(select(JobRun).where(JobRun.job == job).order_by(JobRun.id)))


def test_a_job_that_raises_is_recorded_and_logged_not_raised(
    db_engine: Engine, temp_jobs: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_s: Settings, _e: Engine, _n: dt.datetime) -> jobs.JobOutcome:
        raise ValueError("坏数据")

    _register(temp_jobs, "t_broken", broken)
    runner = JobRunner(Settings(), db_engine, clock=lambda: NOW)
    runner.fire("t_broken")
    runner.fire("t_broken")
    rows = _runs(db_engine, "t_broken")
    assert [r.outcome for r in rows] == ["failed", "failed"]
    assert rows[0].error == "ValueError: 坏数据" and rows[0].started_at == NOW
    failures = [r for r in caplog.records if "t_broken" in r.getMessage()]
    assert len(failures) == 2 and failures[0].exc_info is not None  # traceback for the file


def test_follow_ups_run_after_success_each_recorded(
    db_engine: Engine, temp_jobs: list[str]
) -> None:
    order: list[str] = []

    def first(_s: Settings, _e: Engine, _n: dt.datetime) -> jobs.JobOutcome:
        order.append("first")
        return jobs.JobOutcome("采集 1 个", ("t_second",))

    def second(_s: Settings, _e: Engine, _n: dt.datetime) -> jobs.JobOutcome:
        order.append("second")
        return jobs.JobOutcome("分析完成")

    _register(temp_jobs, "t_first", first)
    _register(temp_jobs, "t_second", second)
    JobRunner(Settings(), db_engine, clock=lambda: NOW).fire("t_first")
    assert order == ["first", "second"]
    assert _runs(db_engine, "t_second")[0].summary == "分析完成"


def test_a_job_never_runs_twice_at_once(db_engine: Engine, temp_jobs: list[str]) -> None:
    inside, release = threading.Event(), threading.Event()

    def blocking(_s: Settings, _e: Engine, _n: dt.datetime) -> jobs.JobOutcome:
        inside.set()
        release.wait(60)
        return jobs.JobOutcome("完成")

    _register(temp_jobs, "t_block", blocking)
    runner = JobRunner(Settings(), db_engine, clock=lambda: NOW)
    worker = threading.Thread(target=runner.fire, args=["t_block"])
    worker.start()
    assert inside.wait(60)
    assert runner.run_once("t_block") == ()  # skipped: still running
    assert runner.active() == 1
    release.set()
    worker.join(60)
    assert runner.wait_idle(60)
    assert [r.outcome for r in _runs(db_engine, "t_block")] == ["ok"]


def test_a_stop_request_interrupts_at_a_safe_point(db_engine: Engine, temp_jobs: list[str]) -> None:
    def stepping(_s: Settings, _e: Engine, _n: dt.datetime) -> jobs.JobOutcome:
        signals.request_stop()
        signals.raise_if_stopping()
        return jobs.JobOutcome("不应到达")

    _register(temp_jobs, "t_step", stepping)
    JobRunner(Settings(), db_engine, clock=lambda: NOW).fire("t_step")
    assert _runs(db_engine, "t_step")[0].outcome == "interrupted"


def test_a_missing_pipeline_module_is_one_clear_failure() -> None:
    with pytest.raises(jobs.JobUnavailable, match=r"此版本尚未包含 monitor\.pipeline\.nope"):
        jobs._pipeline("monitor.pipeline.nope", "run")
    with pytest.raises(jobs.JobUnavailable, match=r"monitor\.pipeline\.collect 中没有 nope"):
        jobs._pipeline("monitor.pipeline.collect", "nope")


def test_the_registry_refuses_a_duplicate_name(temp_jobs: list[str]) -> None:
    def f(_s: Settings, _e: Engine, _n: dt.datetime) -> jobs.JobOutcome:
        return jobs.JobOutcome("")

    with pytest.raises(jobs.DuplicateJob, match="任务名称 'collect' 重复"):
        jobs.register(jobs.Job("collect", "另一个采集", f))
    with pytest.raises(KeyError, match="没有名为 'nope' 的任务"):
        jobs.get("nope")


def test_collect_tick_with_no_due_account(db_engine: Engine) -> None:
    settings = Settings()
    assert jobs.collect_due(settings, db_engine, NOW) == jobs.JobOutcome("没有到期的账号")
    assert jobs.snapshot_missing(settings, db_engine, NOW).summary == "今天的粉丝数快照已齐全"


def test_prune_forgets_old_runs_and_text_results_out_of_the_window(db_engine: Engine) -> None:
    old = runs.start_run(db_engine, "collect", NOW - dt.timedelta(days=31))
    runs.finish_run(db_engine, old, outcome="ok", finished_at=NOW - dt.timedelta(days=31))
    runs.start_run(db_engine, "collect", NOW - dt.timedelta(days=1))
    # Results computed a week before the analysis window began (44 days by default) go.
    cutoff = (NOW - window_start(Settings(), NOW, None)).days + 7
    ages = {"a" * 64: cutoff + 1, "b" * 64: cutoff - 1, "c" * 64: 0}
    with db_engine.begin() as conn:
        for text_hash, days in ages.items():
            write_results(conn, [("flags:x", text_hash, [True])], NOW - dt.timedelta(days=days))
    outcome = jobs.prune_old_rows(Settings(), db_engine, NOW)
    assert outcome.summary == (
        "清理 1 条 30 天前的任务记录，1 条 44 天前算出的逐条文本结果（其文本已在分析窗口之外）"
    )
    assert len(_runs(db_engine, "collect")) == 1
    with db_engine.connect() as conn:
        kept = {h for h, _r in read_results(conn, "flags:x", ages)}
    assert kept == {"b" * 64, "c" * 64}


def test_schedule_has_every_job_with_the_required_options(db_engine: Engine) -> None:
    settings = settings_from_dict({"alerts": {"enabled": False}})
    scheduler = build_scheduler(settings, JobRunner(settings, db_engine))
    planned = {job.id: job for job in scheduler.get_jobs()}
    assert set(planned) == {"collect", "snapshots", "digest", "prune"}  # alerts switched off
    for job in planned.values():
        assert job.max_instances == 1 and job.coalesce is True
        assert job.misfire_grace_time == 300
    digest = planned["digest"].trigger
    assert str(digest) == "cron[day_of_week='mon', hour='8', minute='30']"
    assert str(digest.timezone) == "Asia/Shanghai"
    fire = digest.get_next_fire_time(None, NOW - dt.timedelta(days=2))
    assert fire == NOW  # Monday 08:30 Asia/Shanghai


def test_lock_refuses_a_second_holder_with_its_pid(tmp_path: Path) -> None:
    path = tmp_path / "govmon.db.daemon.lock"
    assert file_lock_holder(path) is None
    with file_lock(path, "sqlite:///govmon.db"):
        holder = file_lock_holder(path)
        assert holder is not None and holder.isdigit()
        with (
            pytest.raises(DaemonAlreadyRunning, match=f"（进程 {holder}）"),
            file_lock(path, "sqlite:///govmon.db"),
        ):
            pass
    assert file_lock_holder(path) is None
    with file_lock(path, "sqlite:///govmon.db"):  # released: taken again at once
        pass


def test_lock_path_follows_the_database() -> None:
    settings = settings_from_dict({"database": {"url": "sqlite:////srv/govmon/govmon.db"}})
    assert lock_path(settings) == Path("/srv/govmon/govmon.db.daemon.lock")
    pg = settings_from_dict({"database": {"url": "postgresql+psycopg://govmon@db/govmon"}})
    assert lock_path(pg) is None  # advisory lock
    forced = settings_from_dict({"daemon": {"lock_file": "/run/govmon/lock"}})
    assert lock_path(forced) == Path("/run/govmon/lock")


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"digest_day": "monday"}, "键 daemon.digest_day"),
        ({"tick_seconds": 0}, "键 daemon.tick_seconds"),
        ({"digest_hour": 24}, "键 daemon.digest_hour"),
        ({"tick_secs": 5}, "键 daemon.tick_secs：未知的配置项"),
    ],
)
def test_bad_daemon_settings_are_named(section: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        settings_from_dict({"daemon": section})


def test_postgres_advisory_lock_refuses_a_second_daemon(db_engine: Engine) -> None:
    if db_engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (GOVMON_TEST_DATABASE_URL)")
    from monitor.daemon.lock import advisory_lock

    with (
        advisory_lock(db_engine, "govmon_test"),
        pytest.raises(DaemonAlreadyRunning, match="PostgreSQL 会话"),
        advisory_lock(db_engine, "govmon_test"),
    ):
        pass
    with advisory_lock(db_engine, "govmon_test"):  # released with its session
        pass


def test_a_collection_tick_with_failed_accounts_is_recorded_as_partly_failed(
    db_engine: Engine, temp_jobs: list[str]
) -> None:
    """Issue 12 §2: a run with failed accounts is 部分失败, not 成功; its follow-ups still run."""
    from monitor.db.models import Account, Unit

    with Session(db_engine) as session, session.begin():
        unit = Unit(name="江东省交通运输厅")
        session.add(Account(unit=unit, platform="wechat", platform_id="gh_1", name="公众号"))
    order: list[str] = []

    def after(_s: Settings, _e: Engine, _n: dt.datetime) -> jobs.JobOutcome:
        order.append("after")
        return jobs.JobOutcome("完成")

    def tick(settings: Settings, engine: Engine, now: dt.datetime) -> jobs.JobOutcome:
        outcome = jobs.collect_due(settings, engine, now)  # the 公众号 has no collector
        return jobs.JobOutcome(outcome.summary, ("t_after",), partial=outcome.partial)

    _register(temp_jobs, "t_tick", tick)
    _register(temp_jobs, "t_after", after)
    JobRunner(Settings(), db_engine, clock=lambda: NOW).fire("t_tick")
    [run] = _runs(db_engine, "t_tick")
    assert run.outcome == "partial" and runs.OUTCOME_LABELS[run.outcome] == "部分失败"
    assert "失败 1" in run.summary
    assert order == ["after"]
