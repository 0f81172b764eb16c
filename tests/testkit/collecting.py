"""Helpers for the collectors tests: a frozen clock, fixture paths, settings aimed at the fake."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from collectors.fakeplatform import FakePlatform
from collectors.settings import CollectorsSettings
from monitor.settings import Settings, settings_from_dict

NOW = dt.datetime(2026, 11, 28, 4, 0, tzinfo=dt.UTC)  # 2026-11-28 12:00 Asia/Shanghai
FIXTURES = Path(__file__).resolve().parents[2] / "collectors" / "fakeplatform" / "fixtures"
SENTINEL_COOKIE = "SUB=sentinel-cookie-7f3a9c1e; SUBP=0033WrSXqPxfM725Ws9jqgMF55529P9D9W"


def clock() -> dt.datetime:
    return NOW


def make_settings(fake: FakePlatform, **overrides: Any) -> CollectorsSettings:
    """Settings pointing every collector at the fake, fast and deterministic."""
    weibo = {"base_url": fake.url, **overrides.pop("weibo", {})}
    rss = {"rsshub_base_url": fake.url, **overrides.pop("rss", {})}
    values: dict[str, Any] = {
        "per_host_min_interval_seconds": 0,
        "timeout_seconds": 2,
        "retry_attempts": 2,
        "retry_backoff_seconds": 0.01,
        "retry_backoff_max_seconds": 0.02,
        "retry_after_max_seconds": 0.05,
        "weibo": weibo,
        "rss": rss,
    }
    values.update(overrides)
    return CollectorsSettings.model_validate(values)


def weibo_settings(fake: FakePlatform, *, retry: bool = True, **sections: Any) -> Settings:
    """Whole settings reading weibo from the fake without a politeness wait; ``retry=False``:
    a platform that is down fails at once. Other sections (``sentiment={...}``) as given."""
    collectors: dict[str, Any] = {
        "per_host_min_interval_seconds": 0,
        "weibo": {"base_url": fake.url},
    }
    if retry:
        collectors.update(retry_backoff_seconds=0.01, retry_backoff_max_seconds=0.02)
    else:
        collectors["retry_attempts"] = 0
    return settings_from_dict({"collectors": collectors, **sections})
