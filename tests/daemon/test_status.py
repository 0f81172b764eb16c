"""`govmon status`: what it shows, and its exit code as a health check (0 healthy, 1 when
something needs a human, each reason listed in Chinese)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from monitor.cli.status_cmd import ROW_LABELS
from monitor.daemon.lock import file_lock
from monitor.db import migrate
from monitor.db.engine import make_engine, make_sessionmaker
from monitor.db.models import Account, Alert, Base, Delivery, FindingRow, JobRun, Unit

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


@pytest.fixture
def status(
    db_url: str,
    engine: Engine,
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
) -> Callable[..., Result]:
    """`govmon status` on the migrated test database, with extra settings text."""

    def run(extra: str = "") -> Result:
        return run_cli("--config", write_settings(extra, db_url=db_url), "status")

    return run


def _unit(session: Session) -> Unit:
    unit = Unit(name="省高速公路管理局")
    session.add(unit)
    session.flush()
    return unit


def _failing_account(
    session: Session,
    hours: float,
    kind: str,
    error: str,
    failures: int = 5,
    last_ok: dt.datetime | None = None,
) -> Account:
    account = Account(
        unit=_unit(session),
        platform="weibo",
        platform_id="1001",
        name="高速微博",
        last_error_kind=kind,
        last_error=error,
        consecutive_failures=failures,
        failing_since=NOW - dt.timedelta(hours=hours),
        last_collected_at=last_ok,
    )
    session.add(account)
    return account


def test_healthy_database_exits_0(status: Callable[..., Result]) -> None:
    result = status()
    assert result.exit_code == 0, result.output
    assert "一切正常" in result.stdout
    assert "后台服务：未运行" in result.stdout
    assert "collect" in result.stdout and "从未运行" in result.stdout
    assert "没有失败的账号" in result.stdout
    assert "任务记录（job_runs）" in result.stdout  # row counts
    # Every table is named in Chinese: none shown as "users（users）".
    for table in Base.metadata.sorted_tables:
        assert f"{ROW_LABELS[table.name]}（{table.name}）" in result.stdout


def test_login_wall_for_more_than_a_day_says_update_the_cookie(
    sessions: sessionmaker[Session], status: Callable[..., Result]
) -> None:
    with sessions.begin() as session:
        _failing_account(session, 30, "login_wall", "weibo:1001：需要登录，Cookie 已失效")
    result = status()
    assert result.exit_code == 1, result.output
    assert "需要处理（1 项）" in result.stdout
    reason = next(ln for ln in result.stdout.splitlines() if ln.startswith("  - "))
    assert "省高速公路管理局的账号 高速微博（微博 账号ID 1001）" in reason
    assert "30 小时（5 次）" in reason
    assert "需要登录，Cookie 已失效" in reason
    assert "更新 Cookie" in reason
    # The table says how long, not a bare "超时" (which reads as a network timeout).
    row = next(ln for ln in result.stdout.splitlines() if "│ 高速微博" in ln)
    assert "（已 30 小时，需处理）" in row and "超时" not in row
    # Piped, a row is one line, as long as its cells: the reason and advice read whole.
    assert "需要登录，Cookie 已失效" in row and "更新 Cookie（collectors.weibo.cookie）" in row


def test_an_account_failing_for_less_than_the_threshold_is_shown_but_healthy(
    sessions: sessionmaker[Session], status: Callable[..., Result]
) -> None:
    with sessions.begin() as session:
        _failing_account(session, 2, "rate_limited", "weibo:1001：被限流", failures=1, last_ok=NOW)
    result = status()
    assert result.exit_code == 0, result.output
    assert "采集失败的账号" in result.stdout and "被限流" in result.stdout
    # …until the threshold is lowered below its age.
    assert status("[daemon]\ncollector_failing_hours = 1\n").exit_code == 1


def test_a_failed_delivery_exits_1_with_its_reason(
    sessions: sessionmaker[Session], status: Callable[..., Result]
) -> None:
    with sessions.begin() as session:
        session.add_all(
            [
                Delivery(
                    kind="alert",
                    channel_ref="settings:ops",
                    channel_display="wecom://****",
                    recipient="省高速公路管理局",
                    subject="告警",
                    status="failed",
                    attempts=8,
                    last_error="企业微信返回 93000：机器人地址无效",
                ),
                Delivery(kind="alert", channel_ref="settings:ops", status="pending"),
            ]
        )
    result = status()
    assert result.exit_code == 1, result.output
    assert "待发送 1" in result.stdout and "失败 1" in result.stdout
    reason = next(ln for ln in result.stdout.splitlines() if ln.startswith("  - "))
    assert "最近 7 天有 1 条消息发送失败" in reason
    assert "wecom://**** → 省高速公路管理局" in reason
    assert "93000：机器人地址无效" in reason


def test_an_old_failed_delivery_no_longer_fails_the_check(
    sessions: sessionmaker[Session], status: Callable[..., Result]
) -> None:
    with sessions.begin() as session:
        session.add(
            Delivery(
                kind="alert",
                channel_ref="settings:ops",
                status="failed",
                last_error="超时",
                created_at=NOW - dt.timedelta(days=8),
            )
        )
    assert status().exit_code == 0


def test_a_job_failing_again_and_again_exits_1(
    sessions: sessionmaker[Session], status: Callable[..., Result]
) -> None:
    with sessions.begin() as session:
        session.add(JobRun(job="collect", started_at=NOW - dt.timedelta(hours=2), outcome="ok"))
        for minutes in (3, 2, 1):
            session.add(
                JobRun(
                    job="analyze",
                    started_at=NOW - dt.timedelta(minutes=minutes),
                    finished_at=NOW - dt.timedelta(minutes=minutes),
                    outcome="failed",
                    error="ValueError: 坏数据",
                )
            )
    result = status()
    assert result.exit_code == 1, result.output
    assert "任务 analyze（分析）已连续失败 3 次：ValueError: 坏数据" in result.stdout
    assert "失败（连续 3 次）" in result.stdout
    # Two failures are not yet a pattern.
    assert status("[daemon]\njob_failing_runs = 4\n").exit_code == 0


def test_open_alerts_by_rule_and_unit_and_the_rss_note(
    sessions: sessionmaker[Session], status: Callable[..., Result]
) -> None:
    with sessions.begin() as session:
        unit = _unit(session)
        session.add(
            Account(
                unit=unit,
                platform="website",
                platform_id="news",
                name="门户网站",
                feed_url="http://127.0.0.1:9/feed.xml",
                last_collected_at=NOW,
            )
        )
        for n, state in enumerate(["open", "acknowledged", "resolved"]):
            finding = FindingRow(
                dedup_key=f"stale_account:{n}",
                rule="stale_account",
                article="第十二条",
                subject_type="account",
                subject_key=f"weibo:{n}",
                unit_id=unit.id,
                severity="warning",
                summary="超过一个月未更新（第十二条）",
            )
            session.add(Alert(finding=finding, severity="warning", state=state))
    result = status()
    assert result.exit_code == 0, result.output
    assert "未关闭的告警" in result.stdout
    row = next(line for line in result.stdout.splitlines() if "长期未更新" in line)
    assert "stale_account" not in result.stdout  # a rule is shown by its name, not its code
    assert "省高速公路管理局" in row and row.rstrip(" │").endswith("2")
    assert "1 个账号经 RSS 采集，RSS 不提供评论和转评赞数" in result.stdout


def test_shows_a_running_daemon(
    tmp_path: Path, write_settings: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    config = write_settings()
    db = tmp_path / "data" / "govmon.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate.upgrade(engine)
    engine.dispose()
    with file_lock(Path(f"{db}.daemon.lock"), "test"):
        result = run_cli("--config", config, "status")
    assert result.exit_code == 0, result.output
    assert f"后台服务：运行中（进程 {os.getpid()}）" in result.stdout


def test_an_uninitialised_database_is_one_clear_error(
    write_settings: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    result = run_cli("--config", write_settings(), "status")
    assert result.exit_code == 1
    assert "数据库尚未初始化：请先运行 govmon init" in result.stderr


def test_shows_the_sentiment_engine_in_use(status: Callable[..., Result], tmp_path: Path) -> None:
    import numpy as np

    from analysis.sentiment.linear import LinearModel
    from analysis.sentiment.store import activate_model, save_model

    before = status()
    assert "情感引擎：snownlp 默认模型（尚未训练" in before.stdout
    missing = status('[sentiment]\nengine = "trained"\n')
    assert missing.exit_code == 1 and "没有已启用的情感模型" in missing.stdout
    model_dir = tmp_path / "data" / "sentiment"  # the default place under data_dir
    idf, coef = np.ones(16, dtype=np.float32), np.zeros(32, dtype=np.float32)
    meta = {
        "trained_at": "2026-11-20T02:00:00+00:00",
        "n_examples": 1234,
        "holdout": {"macro_f1": 0.8123},
        "compared_with": {"engine": "snownlp-default", "macro_f1": 0.56},
    }
    model_dir.mkdir(parents=True)
    folder = save_model(LinearModel(idf, idf, coef, 0.0, meta), model_dir)
    activate_model(model_dir, folder)
    trained = status()
    assert trained.exit_code == 0, trained.stdout
    assert f"情感引擎：{folder.name}（2026-11-20 训练，样本 1234 条，留出集宏F1 0.812" in (
        trained.stdout.replace("\n", "")
    )
    (model_dir / "current.json").write_text('{"name": "../elsewhere"}', encoding="utf-8")
    broken = status()
    assert broken.exit_code == 1 and "模型名 '../elsewhere' 无效" in broken.stdout


# ---- issue 12 §2: failure is loud ---------------------------------------------------------


def test_interrupted_sends_need_a_human(
    sessions: sessionmaker[Session], status: Callable[..., Result]
) -> None:
    """Six rows left 发送中 past their claim (the sender died): not 一切正常."""
    with sessions.begin() as session:
        for n in range(6):
            session.add(
                Delivery(
                    kind="alert",
                    channel_ref="settings:ops",
                    recipient=f"单位{n}",
                    status="sending",
                    attempts=1,
                    next_attempt_at=NOW - dt.timedelta(minutes=5),
                )
            )
        # A claim still running is no problem.
        session.add(
            Delivery(
                kind="alert",
                channel_ref="settings:ops",
                status="sending",
                next_attempt_at=NOW + dt.timedelta(minutes=10),
            )
        )
    result = status()
    assert result.exit_code == 1, result.output
    assert "一切正常" not in result.stdout
    assert "需要处理（1 项）" in result.stdout
    assert "6 条消息发送中断" in result.stdout and "govmon alerts send" in result.stdout


def test_an_account_never_collected_needs_a_human(
    sessions: sessionmaker[Session], status: Callable[..., Result]
) -> None:
    with sessions.begin() as session:
        session.add(
            Account(unit=_unit(session), platform="wechat", platform_id="gh_1", name="公众号")
        )
    result = status()
    assert result.exit_code == 1, result.output
    reason = next(ln for ln in result.stdout.splitlines() if ln.startswith("  - "))
    assert "省高速公路管理局的账号 公众号（微信公众号 账号ID gh_1）从未采集成功" in reason
    assert "govmon collect" in reason


def _collected(session: Session, not_modified: bool) -> None:
    from monitor.db.models import CollectionRun

    unit = _unit(session)
    for n in range(3):
        account = Account(
            unit=unit,
            platform="weibo",
            platform_id=f"10{n}",
            name=f"微博{n}",
            last_collected_at=NOW - dt.timedelta(minutes=10),
        )
        session.add(account)
        session.flush()
        for minutes, seen in ((70, 5), (10, 0)):  # the earlier run found posts, the last none
            session.add(
                CollectionRun(
                    account_id=account.id,
                    started_at=NOW - dt.timedelta(minutes=minutes),
                    finished_at=NOW - dt.timedelta(minutes=minutes),
                    outcome="ok",
                    posts_seen=seen,
                    not_modified=not_modified and seen == 0,
                )
            )


def test_a_last_run_that_found_nothing_anywhere_needs_a_human(
    sessions: sessionmaker[Session], status: Callable[..., Result]
) -> None:
    with sessions.begin() as session:
        _collected(session, not_modified=False)
    result = status()
    assert result.exit_code == 1, result.output
    assert "最近一次采集的 3 个账号全部成功却没有任何内容" in result.stdout


def test_a_last_run_of_304s_is_healthy(
    sessions: sessionmaker[Session], status: Callable[..., Result]
) -> None:
    with sessions.begin() as session:
        _collected(session, not_modified=True)
    result = status()
    assert result.exit_code == 0, result.output


def test_a_collection_with_failed_accounts_shows_as_partly_failed(
    sessions: sessionmaker[Session], status: Callable[..., Result]
) -> None:
    with sessions.begin() as session:
        session.add(
            JobRun(
                job="collect",
                started_at=NOW - dt.timedelta(minutes=3),
                finished_at=NOW - dt.timedelta(minutes=2),
                outcome="partial",
                summary="采集 3 个到期账号：成功 2，失败 1",
            )
        )
    result = status()
    row = next(line for line in result.stdout.splitlines() if "collect" in line)
    assert "部分失败" in row and "成功 2，失败 1" in row


def test_status_as_json_has_stable_keys(
    db_url: str,
    sessions: sessionmaker[Session],
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
) -> None:
    import json

    with sessions.begin() as session:
        _failing_account(session, 30, "login_wall", "weibo:1001：需要登录，Cookie 已失效")
    result = run_cli("--config", write_settings(db_url=db_url), "status", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert list(report) == [
        "healthy",
        "reasons",
        "daemon",
        "jobs",
        "failing_accounts",
        "incomplete_accounts",
        "last_run_empty_accounts",
        "feed_only_accounts",
        "open_alerts",
        "outbox",
        "interrupted_deliveries",
        "next_attempt_at",
        "failed_deliveries",
        "sentiment",
        "database",
        "database_bytes",
        "row_counts",
    ]
    assert report["healthy"] is False and len(report["reasons"]) == 1
    [account] = report["failing_accounts"]
    assert account["key"] == "weibo:1001" and account["kind"] == "login_wall"
    assert report["incomplete_accounts"][0]["reason"].startswith("采集失败，数据不完整")
