"""The worker engine on a real PostgreSQL: `govmon run` defers, three `govmon worker`
processes collect 300 accounts from the fake platform; one worker is SIGKILLed mid-round.

Every account is collected exactly once in the round, nothing is lost or duplicated, and the
per-host interval holds across the workers (the fake records when each request arrived).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from testkit.daemon import wait_for
from testkit.postgres import PG_URL, fresh_schema

from collectors.fakeplatform import FakePlatform, crowd_accounts, weibo_crowd
from collectors.settings import CollectorsSettings
from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import Account, CollectionRun, Post, Unit
from monitor.settings import settings_from_dict
from monitor.workers.health import worker_health
from monitor.workers.pacing import SharedBotPacer, SharedPacer

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (GOVMON_TEST_DATABASE_URL)"),
]

ACCOUNTS = 300
POSTS = 2
INTERVAL = 0.01  # collectors.per_host_min_interval_seconds
ROUND_DEADLINE = 240.0
WINDOW = 20


@pytest.fixture
def database() -> Iterator[tuple[str, Engine]]:
    with fresh_schema() as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        with Session(engine) as session:
            unit = Unit(name="江东省交通运输厅")
            session.add(unit)
            session.flush()
            session.add_all(
                Account(unit_id=unit.id, platform="weibo", platform_id=uid, name=name)
                for uid, name in crowd_accounts(ACCOUNTS)
            )
            session.commit()
        yield url, engine
        engine.dispose()


def _settings(tmp_path: Path, url: str, fake_url: str) -> Path:
    data = tmp_path / "data"
    path = tmp_path / "settings.toml"
    path.write_text(
        f"""
[general]
data_dir = "{data.as_posix()}"
[database]
url = "{url}"
[sentiment]
enabled = false
[collectors]
per_host_min_interval_seconds = {INTERVAL}
per_host_concurrency = 4
timeout_seconds = 5
retry_backoff_seconds = 0.05
[collectors.weibo]
base_url = "{fake_url}"
max_pages = 1
[daemon]
engine = "procrastinate"
tick_seconds = 1
jitter_seconds = 0
analyze_after_collect = false
digest_enabled = false
[alerts]
enabled = false
[workers]
heartbeat_seconds = 0.5
stalled_after_seconds = 3
recover_interval_seconds = 1
""",
        encoding="utf-8",
    )
    return path


def _start(tmp_path: Path, config: Path, name: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("GOVMON_CONFIG", None)
    out = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config), *args],
        stdout=out,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
    )


def _runs_by_account(engine: Engine) -> dict[int, int]:
    with Session(engine) as session:
        rows = session.execute(
            select(CollectionRun.account_id, func.count())
            .where(CollectionRun.outcome == "ok")
            .group_by(CollectionRun.account_id)
        ).all()
    return {int(a): int(n) for a, n in rows}


def test_three_workers_collect_every_account_once_postgres(
    tmp_path: Path, database: tuple[str, Engine]
) -> None:
    url, engine = database
    with FakePlatform(weibo_crowd(ACCOUNTS, POSTS), latency=0.02) as fake:
        config = _settings(tmp_path, url, fake.url)
        procs = [_start(tmp_path, config, "scheduler", "run")]
        procs += [
            _start(tmp_path, config, f"worker{i}", "worker", "--concurrency", "4") for i in range(3)
        ]
        try:
            wait_for(
                lambda: len(_runs_by_account(engine)) >= ACCOUNTS // 5, "a fifth collected", 60
            )
            procs[1].send_signal(signal.SIGKILL)  # mid-round, with jobs in hand
            procs[1].wait()
            wait_for(
                lambda: len(_runs_by_account(engine)) == ACCOUNTS,
                "every account collected",
                ROUND_DEADLINE,
            )
            requests = fake.requests()
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
        logs = "\n".join(
            (tmp_path / f"{n}.log").read_text(encoding="utf-8", errors="replace")
            for n in ("scheduler", "worker0", "worker1", "worker2")
        )

    runs = _runs_by_account(engine)
    assert len(runs) == ACCOUNTS, logs[-3000:]
    assert set(runs.values()) == {1}, {a: n for a, n in runs.items() if n != 1}
    with Session(engine) as session:
        posts = session.scalar(select(func.count()).select_from(Post))
        distinct = session.scalar(select(func.count(func.distinct(Post.platform_post_id))))
        due = session.scalars(select(Account.next_due_at)).all()
    assert posts == distinct == ACCOUNTS * POSTS
    now = dt.datetime.now(dt.UTC)
    assert all(d is not None and d > now for d in due)  # next round planned, not pending

    # Politeness across processes: requests to the one host never come faster than one per
    # interval. Measured where the platform sees them (arrival at the fake), over windows of
    # WINDOW requests: one request read late by a busy machine can bunch with its neighbour,
    # but WINDOW requests cannot fit in much less than (WINDOW - 1) intervals unless the
    # pacing across workers is broken (unpaced, the 12 connections would send several per
    # interval).
    starts = sorted(r.started for r in requests)
    assert len(starts) >= ACCOUNTS * 2
    spans = [b - a for a, b in zip(starts, starts[WINDOW - 1 :], strict=False)]
    assert min(spans) >= (WINDOW - 3) * INTERVAL, sorted(spans)[:5]


@pytest.fixture
def bare_database() -> Iterator[Engine]:
    with fresh_schema() as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        yield engine
        engine.dispose()


def test_host_slots_are_shared_and_leases_expire_postgres(bare_database: Engine) -> None:
    settings = CollectorsSettings(per_host_concurrency=2, timeout_seconds=1)
    a, b, c = (SharedPacer(bare_database, settings, name) for name in "abc")
    host = "m.weibo.cn"

    async def scenario() -> None:
        async with a.slot(host), b.slot(host):
            # both slots are taken by other processes' pacers: a third must wait
            assert await asyncio.to_thread(c._try_lease, host, 2, 10) is None
        assert await asyncio.to_thread(c._try_lease, host, 2, 0.2) is not None
        # a holder killed mid-request never releases: its lease runs out instead
        assert await asyncio.to_thread(a._try_lease, host, 2, 0.2) is not None
        assert await asyncio.to_thread(b._try_lease, host, 2, 10) is None
        await asyncio.sleep(0.3)
        assert await asyncio.to_thread(b._try_lease, host, 2, 10) is not None

    asyncio.run(scenario())


def test_status_needs_a_live_worker_postgres(bare_database: Engine, tmp_path: Path) -> None:
    settings = settings_from_dict(
        {"general": {"data_dir": str(tmp_path)}, "daemon": {"engine": "procrastinate"}}
    )
    health = worker_health(settings, bare_database)
    assert health.alive == 0 and any("没有在线的 govmon worker" in p for p in health.problems)
    with bare_database.begin() as conn:
        conn.execute(text("INSERT INTO procrastinate_workers DEFAULT VALUES"))
    health = worker_health(settings, bare_database)
    assert health.alive == 1 and health.problems == ()


def test_bot_budget_holds_across_workers_postgres(bare_database: Engine) -> None:
    """Two workers' pacers of one bot, 3 messages in any 0.4 s: the recorded sends never put a
    fourth in a window (sleeps are real but short; what is checked is the record)."""
    limit, window = 3, 0.4
    pacers = [SharedBotPacer(bare_database, "wecom:abc123", limit, window) for _ in range(2)]

    def send(pacer: SharedBotPacer) -> None:
        for _ in range(4):
            pacer.wait()

    threads = [threading.Thread(target=send, args=(p,)) for p in pacers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with bare_database.connect() as conn:
        times = sorted(
            float(v)
            for v in conn.execute(
                text("SELECT EXTRACT(EPOCH FROM sent_at) FROM bot_sends WHERE key = 'wecom:abc123'")
            ).scalars()
        )
    # rows older than the window are forgotten as new ones come: the last sends remain
    assert 0 < len(times) <= 8
    for i in range(len(times) - limit):
        assert times[i + limit] - times[i] >= window, times
