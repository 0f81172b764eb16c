"""The fixed week of the digest tests (2026-W48): its clock and settings (the data is built by
tests/digest/conftest.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from monitor.settings import Settings, settings_from_dict

WEEK = "2026-W48"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A time in November 2026, Shanghai wall clock."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI).astimezone(dt.UTC)


NOW = at(30, 8, 30)  # Monday after W48


def settings_for(tmp_path: Path, **digest: Any) -> Settings:
    return settings_from_dict(
        {
            "general": {"data_dir": str(tmp_path / "data")},
            "sentiment": {"enabled": False},
            "topics": {"enabled": False},
            "rumours": {"enabled": False},
            "digest": {"out_dir": str(tmp_path / "digests"), "charts": False, **digest},
        }
    )
