"""Collection end to end: fake platform on 127.0.0.1 → collectors → database."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from testkit.collecting import weibo_settings

from collectors.fakeplatform import FakeContent, FakePlatform
from collectors.fakeplatform.content import account_from_dict
from collectors.fakeplatform.faults import Fault
from monitor.db.models import Account, CollectionRun, Comment, FindingRow, Post, Unit
from monitor.pipeline.collect import Selection, run_collection
from monitor.settings import Settings

NOW = dt.datetime(2026, 11, 28, 4, 0, tzinfo=dt.UTC)
UID = "1000000001"


def clock() -> dt.datetime:
    return NOW


def _weibo_account(uid: str, posts: int, comments: int) -> dict[str, object]:
    return {
        "platform": "weibo",
        "id": uid,
        "name": f"示例账号{uid}",
        "followers": 1000,
        "posts": [
            {
                "id": f"{uid}{p:04d}",
                "created_at": f"-{p + 1}h",
                "text": f"第{p}条路况信息",
                "comments": [
                    {
                        "id": f"{uid}{p:04d}{c:03d}",
                        "user_id": "9",
                        "user_name": "网友",
                        "text": f"请问{c}号路口怎么走？",
                        "created_at": "-30m",
                    }
                    for c in range(comments)
                ],
            }
            for p in range(posts)
        ],
    }


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    content = FakeContent()
    content.add(account_from_dict(_weibo_account(UID, posts=4, comments=3)))
    with FakePlatform(content, clock=clock) as server:
        yield server


def _settings(fake: FakePlatform) -> Settings:
    return weibo_settings(fake)


def _register(sessions: sessionmaker[Session], *uids: str) -> None:
    with sessions.begin() as session:
        unit = Unit(name="示例省交通运输厅")
        for uid in uids:
            session.add(Account(unit=unit, platform="weibo", platform_id=uid, name=f"账号{uid}"))


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_collect_stores_posts_comments_and_runs(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform
) -> None:
    _register(db_sessions, UID)
    summary = run_collection(db_engine, _settings(fake), clock=clock)
    assert (summary.accounts, summary.ok, summary.posts_new, summary.comments_new) == (1, 1, 4, 12)
    again = run_collection(db_engine, _settings(fake), clock=clock)
    assert (again.posts_new, again.comments_new) == (0, 0)
    assert _count(db_engine, Post) == 4 and _count(db_engine, Comment) == 12
    with db_sessions() as session:
        runs = session.scalars(select(CollectionRun)).all()
        assert [r.outcome for r in runs] == ["ok", "ok"]
        assert runs[0].posts_new == 4 and runs[0].requests > 0
        account = session.scalars(select(Account)).one()
        assert account.last_error == "" and account.next_due_at is not None


def test_three_failures_make_a_finding_and_success_resolves_it(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform
) -> None:
    _register(db_sessions, UID)
    settings = _settings(fake)
    fake.inject("/api/container/getIndex", Fault("login_html", times=None))
    for _ in range(3):
        summary = run_collection(db_engine, settings, clock=clock)
        assert summary.failed_by_kind == {"login_wall": 1}
    with db_sessions() as session:
        account = session.scalars(select(Account)).one()
        assert account.consecutive_failures == 3
        assert "Cookie" in account.last_error
        finding = session.scalars(select(FindingRow)).one()
        assert finding.rule == "collection_failing" and finding.state == "open"
        assert finding.account_id == account.id
    fake.clear_faults()
    run_collection(db_engine, settings, clock=clock)
    with db_sessions() as session:
        account = session.scalars(select(Account)).one()
        assert account.consecutive_failures == 0 and account.last_error == ""
        assert session.scalars(select(FindingRow)).one().state == "resolved"


def test_one_failing_account_does_not_stop_the_others(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform
) -> None:
    fake.content.add(account_from_dict(_weibo_account("1000000002", posts=2, comments=1)))
    _register(db_sessions, UID, "1000000002", "1000000099")  # the last is unknown: gone
    summary = run_collection(db_engine, _settings(fake), clock=clock)
    assert summary.ok == 2
    assert summary.failed_by_kind == {"account_gone": 1}
    assert summary.failed[0].account_key == "weibo:1000000099"


def test_selection_filters(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform
) -> None:
    _register(db_sessions, UID, "1000000002")
    summary = run_collection(
        db_engine, _settings(fake), Selection(account=f"weibo:{UID}"), clock=clock
    )
    assert summary.accounts == 1


def test_collect_cli_without_accounts_is_a_clear_error(
    write_settings: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    config = write_settings()
    assert run_cli("init", "--config", config).exit_code == 0
    result = run_cli("collect", "--config", config)
    assert result.exit_code == 2
    assert "没有符合条件的账号" in result.stderr


@pytest.mark.slow
def test_killed_collection_loses_nothing_and_duplicates_nothing(
    tmp_path: Path, write_settings: Callable[..., Path]
) -> None:
    """SIGKILL a collecting subprocess halfway; the next run completes the data exactly."""
    content = FakeContent()
    uids = [f"20000000{i:02d}" for i in range(12)]
    for uid in uids:
        content.add(account_from_dict(_weibo_account(uid, posts=3, comments=4)))
    with FakePlatform(content, latency=0.15) as fake:
        config = write_settings(
            "[collectors]\nper_host_concurrency = 2\nper_host_min_interval_seconds = 0\n"
            f'[collectors.weibo]\nbase_url = "{fake.url}"\n'
        )
        env = {**os.environ, "GOVMON_CONFIG": str(config)}
        subprocess.run(
            [sys.executable, "-m", "monitor", "init"], env=env, check=True, capture_output=True
        )
        from monitor.db.engine import make_engine

        engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'govmon.db'}")
        with sessionmaker(engine).begin() as session:
            unit = Unit(name="示例省高速公路管理局")
            for uid in uids:
                session.add(Account(unit=unit, platform="weibo", platform_id=uid, name=uid))
        proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", "collect"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while _count(engine, CollectionRun) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        done = _count(engine, CollectionRun)
        assert 3 <= done < len(uids), "the kill should land halfway"
        rerun = subprocess.run(
            [sys.executable, "-m", "monitor", "collect"], env=env, capture_output=True, text=True
        )
        assert rerun.returncode == 0, rerun.stderr
        assert _count(engine, Post) == len(uids) * 3
        assert _count(engine, Comment) == len(uids) * 3 * 4
        engine.dispose()
