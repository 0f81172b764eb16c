"""`govmon` with extra jobs registered, for the daemon tests (run as a script in a subprocess).

GOVMON_TEST_JOBS names them, comma-separated: ``boom`` raises on every run (every second);
``slow`` runs until the daemon is stopped, checking for the stop at a safe point.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from sqlalchemy import Engine

from monitor.cli.main import main
from monitor.daemon import jobs
from monitor.daemon.signals import raise_if_stopping
from monitor.settings import Settings


def boom(_settings: Settings, _engine: Engine, _now: dt.datetime) -> jobs.JobOutcome:
    raise RuntimeError("测试任务故意失败")


def slow(_settings: Settings, _engine: Engine, _now: dt.datetime) -> jobs.JobOutcome:
    while True:  # one step per 0.1 s, each a safe point
        time.sleep(0.1)
        raise_if_stopping()


def every_second(_settings: Settings) -> jobs.Schedule:
    return jobs.Every(1, at_start=True)


AVAILABLE = {"boom": boom, "slow": slow}

if __name__ == "__main__":
    for name in filter(None, os.environ.get("GOVMON_TEST_JOBS", "").split(",")):
        jobs.register(jobs.Job(name, f"测试任务 {name}", AVAILABLE[name], every_second))
    main()
