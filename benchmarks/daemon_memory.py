"""Benchmark: the daemon's memory over 24 simulated collection ticks of the demo data.

The demo's 备案登记表 is imported into a fresh SQLite database; the fake platform serves the
demo content from a child process (so its request log does not count); the daemon's own job
runner fires the collection tick 24 times, 90 simulated minutes apart (with the default
60-minute interval every account is due at each tick), each tick followed as in `govmon run` by analysis, alert evaluation and sending.
Prints the resident set size (VmRSS) after each tick, and the ratios against the first tick
and the twelfth measured in the same run: a steady daemon stays near 1.0.

    python benchmarks/daemon_memory.py [--ticks 24]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from collectors.fakeplatform import FakePlatform
from monitor.cli.main import cli
from monitor.daemon.runner import JobRunner
from monitor.db.engine import make_engine
from monitor.db.models import JobRun
from monitor.demo.content import (
    demo_accounts_csv,
    demo_collectors_settings,
    demo_now,
    load_demo_content,
)
from monitor.settings import settings_from_dict


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def serve(conn: Connection) -> None:
    with FakePlatform(load_demo_content(), clock=demo_now) as fake:
        conn.send(fake.url)
        conn.recv()  # until the parent says stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=24)
    args = parser.parse_args()

    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(theirs,), daemon=True)
    server.start()
    url = ours.recv()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        config = Path(tmp) / "settings.toml"
        config.write_text(
            f'[general]\ndata_dir = "{data.as_posix()}"\n'
            f'log_file = "{(data / "govmon.log").as_posix()}"\n',
            encoding="utf-8",
        )
        runner_cli = CliRunner()
        for command in (["init"], ["accounts", "import", str(demo_accounts_csv())]):
            result = runner_cli.invoke(cli, ["--config", str(config), *command])
            assert result.exit_code == 0, result.output
        settings = settings_from_dict(
            {
                "general": {"data_dir": str(data), "log_file": str(data / "govmon.log")},
                "collectors": demo_collectors_settings(url),
                "alerts": {"outbox_dir": str(data / "outbox")},
            }
        )
        engine = make_engine(settings.database_url())
        tick = 0

        def clock() -> dt.datetime:
            return demo_now() + dt.timedelta(minutes=90 * tick)

        runner = JobRunner(settings, engine, clock)
        figures: list[tuple[int, float, float]] = []
        print(f"{'tick':>4} {'RSS MB':>8} {'seconds':>8}")
        for tick in range(1, args.ticks + 1):
            began = time.monotonic()
            runner.fire("collect")  # and its follow-ups: analyze → alerts → send
            seconds = time.monotonic() - began
            figures.append((tick, rss_mb(), seconds))
            print(f"{tick:>4} {figures[-1][1]:>8.1f} {seconds:>8.2f}", flush=True)
        with engine.connect() as conn:
            outcomes = conn.execute(
                select(JobRun.job, JobRun.outcome, func.count()).group_by(
                    JobRun.job, JobRun.outcome
                )
            ).all()
        engine.dispose()
    ours.send("stop")
    server.join(10)

    first, middle, last = figures[0][1], figures[len(figures) // 2 - 1][1], figures[-1][1]
    print()
    print("job runs: " + ", ".join(f"{job} {outcome} ×{n}" for job, outcome, n in outcomes))
    print(
        f"RSS after tick 1: {first:.1f} MB; after tick {len(figures) // 2}: {middle:.1f} MB; "
        f"after tick {len(figures)}: {last:.1f} MB"
    )
    print(f"ratio last/first  = {last / first:.3f}")
    print(f"ratio last/middle = {last / middle:.3f}  (steady: ≈ 1.0)")


if __name__ == "__main__":
    main()
