"""Fixtures of the alerts tests: a frozen clock that sleeps by advancing, a channel context on
it, a unit tree and default settings."""

from __future__ import annotations

import datetime as dt

import pytest
from testkit.clock import FakeClock

from alerts.channels import ChannelContext
from alerts.routing import UnitContact, UnitTree
from alerts.settings import AlertsSettings
from analysis.workdays import WorkCalendar


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
