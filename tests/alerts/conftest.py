"""Fixtures of the alerts tests: a frozen clock that sleeps by advancing, a channel context on
it, a unit tree, default settings, and the fakes of tests/fakes (importable as ``fakes``
because the root conftest puts tests/ on sys.path)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: import fakes.*

from alerts.channels import ChannelContext
from alerts.routing import UnitContact, UnitTree
from alerts.settings import AlertsSettings
from analysis.workdays import WorkCalendar


class FakeClock:
    """Wall time and monotonic time that move only when told to (or when slept on)."""

    def __init__(self, start: dt.datetime) -> None:
        self.wall = start
        self.mono = 1000.0
        self.slept: list[float] = []

    def now(self) -> dt.datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += dt.timedelta(seconds=seconds)

    def now_ms(self) -> int:
        return int(self.wall.timestamp() * 1000)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))  # Monday 10:00 Shanghai


@pytest.fixture
def context(clock: FakeClock) -> ChannelContext:
    return ChannelContext(now=clock.now, clock=clock.monotonic, sleep=clock.sleep, timeout=5.0)


@pytest.fixture
def settings() -> AlertsSettings:
    return AlertsSettings()


@pytest.fixture
def calendar() -> WorkCalendar:
    return WorkCalendar()


@pytest.fixture
def tree() -> UnitTree:
    return UnitTree(
        [
            UnitContact("厅办公室"),
            UnitContact("高速公路管理局", parent="厅办公室", emails=("gs@example.org",)),
            UnitContact("城东收费站", parent="高速公路管理局"),
        ],
        top_unit="厅办公室",
    )
