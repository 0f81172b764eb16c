"""Reading and writing the timestamps kept in an account's collection cursor (ISO, UTC)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def to_iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def from_iso(value: Any) -> dt.datetime | None:
    """An ISO timestamp from a cursor, or None when absent or unreadable (then: a full run)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
