"""Benchmark: collection throughput of 1, 2 and 4 `govmon worker` processes on PostgreSQL.

N Weibo accounts on the fake platform (its own process), a fixed latency per request, and
the politeness interval per host. Each round: `govmon run` (procrastinate engine) queues every
account, the workers collect them; the figure is accounts per second from the first request to
the last collection recorded. The politeness bound is the host's interval: at most one request
per interval, so accounts/s ≤ 1 / (interval × requests per account). Each line prints the ratio
to that bound, and the speed-up against one worker measured in the same run: it grows with
the workers until the bound, not the workers, limits.

    GOVMON_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/govmon \\
        python benchmarks/workers.py [--accounts 3000] [--latency 0.1] [--interval 0.02] \\
        [--concurrency 1] [--workers 1,2,4,8]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from collect import Remote  # benchmarks/collect.py: the fake platform in its own process
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from collectors.fakeplatform import crowd_accounts, weibo_crowd
from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import Account, CollectionRun, Unit

POSTS = 2  # one page, no comments: 2 requests per account (profile, posts)
REQUESTS_PER_ACCOUNT = 2


def fresh_schema(base: str) -> str:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def seed(url: str, accounts: int) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        unit = Unit(name="江东省交通运输厅")
        session.add(unit)
        session.flush()
        session.add_all(
            Account(unit_id=unit.id, platform="weibo", platform_id=uid, name=name)
            for uid, name in crowd_accounts(accounts)
        )
        session.commit()
    engine.dispose()


def write_settings(folder: Path, url: str, fake_url: str, interval: float) -> Path:
    path = folder / "settings.toml"
    path.write_text(
        f"""
[general]
data_dir = "{(folder / "data").as_posix()}"
[database]
url = "{url}"
[sentiment]
enabled = false
[collectors]
per_host_min_interval_seconds = {interval}
per_host_concurrency = 16
max_concurrency = 32
timeout_seconds = 30
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
""",
        encoding="utf-8",
    )
    return path


def collected(url: str) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return int(
                session.scalar(select(func.count(func.distinct(CollectionRun.account_id)))) or 0
            )
    finally:
        engine.dispose()


def one_round(
    base: str, fake: Remote, accounts: int, workers: int, args: argparse.Namespace
) -> float:
    url = fresh_schema(base)
    seed(url, accounts)
    folder = Path(tempfile.mkdtemp(prefix="govmon-bench-workers-"))
    config = write_settings(folder, url, fake.url, args.interval)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("GOVMON_CONFIG", None)
    command = [sys.executable, "-m", "monitor", "--config", str(config)]
    log = (folder / "processes.log").open("wb")
    procs = [
        subprocess.Popen(
            [*command, "worker", "--concurrency", str(args.concurrency)],
            stdout=log,
            stderr=log,
            env=env,
        )
        for _ in range(workers)
    ]
    procs.append(subprocess.Popen([*command, "run"], stdout=log, stderr=log, env=env))
    try:
        # Timed from the first recorded collection to the last, so the processes' start-up
        # (imports, the scheduler's first tick) is not counted as collection.
        began = started = time.perf_counter()
        first_done: float | None = None
        while (done := collected(url)) < accounts:
            now = time.perf_counter()
            if first_done is None and done:
                first_done, began = done, now
            if now - started > args.timeout:
                raise SystemExit(f"round with {workers} workers did not finish; see {folder}")
            time.sleep(0.1)
        return time.perf_counter() - began, accounts - (first_done or 0)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=3000)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added per request")
    parser.add_argument("--interval", type=float, default=0.02, help="per-host min interval")
    parser.add_argument("--concurrency", type=int, default=1, help="jobs per worker")
    parser.add_argument("--workers", default="1,2,4,8")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    base = os.environ.get("GOVMON_BENCH_DATABASE_URL") or os.environ.get("GOVMON_TEST_DATABASE_URL")
    if not base:
        raise SystemExit(
            "set GOVMON_BENCH_DATABASE_URL to a PostgreSQL database (postgresql+psycopg://…)"
        )
    counts = [int(n) for n in args.workers.split(",")]
    bound = 1 / (args.interval * REQUESTS_PER_ACCOUNT)
    print(
        f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}; "
        f"{args.accounts} accounts × {REQUESTS_PER_ACCOUNT} requests, latency {args.latency * 1000:.0f} ms, "
        f"interval {args.interval * 1000:.1f} ms → politeness bound {bound:.1f} accounts/s; "
        f"{args.concurrency} jobs per worker"
    )
    fake = Remote(weibo_crowd(args.accounts, POSTS), args.latency)
    try:
        first: float | None = None
        for n in counts:
            wall, timed = one_round(base, fake, args.accounts, n, args)
            rate = timed / wall
            first = first or rate
            print(
                f"workers {n}: {wall:7.1f} s  {rate:6.1f} accounts/s  "
                f"speed-up {rate / first:4.2f}×  {rate / bound:4.2f}× of the politeness bound"
            )
    finally:
        fake.stop()


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    main()
