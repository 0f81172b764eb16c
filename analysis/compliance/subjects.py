"""How findings name their subjects: account keys, display labels, post and comment keys."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd

from analysis.platforms import platform_label


@dataclass(frozen=True)
class AccountRef:
    account_id: int
    key: str  # "platform:platform_id"
    name: str
    unit: str
    platform: str

    @property
    def label(self) -> str:
        """「name」平台, as alert texts show an account."""
        return f"「{self.name}」{platform_label(self.platform)}"


def account_refs(accounts: pd.DataFrame) -> dict[int, AccountRef]:
    return {
        int(row["account_id"]): AccountRef(
            account_id=int(row["account_id"]),
            key=str(row["account_key"]),
            name=str(row["name"]),
            unit=str(row["unit"]),
            platform=str(row["platform"]),
        )
        for row in records(accounts[["account_id", "account_key", "name", "unit", "platform"]])
    }


def clip(text: str, limit: int = 40) -> str:
    """One line of at most ``limit`` characters, for summaries."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts (typed loosely on purpose: the columns are the frames' contract)."""
    return cast(list[dict[str, Any]], frame.to_dict("records"))


def to_datetime(value: Any) -> pd.Timestamp | None:
    """A timestamp, or None for a missing value (None, NaN, NaT)."""
    if value is None or (not isinstance(value, str | dt.date) and pd.isna(value)):
        return None
    stamp = pd.Timestamp(value)
    return None if pd.isna(stamp) else stamp


def py_datetime(value: Any) -> dt.datetime | None:
    """A plain aware datetime for findings, or None."""
    stamp = to_datetime(value)
    return None if stamp is None else stamp.floor("us").to_pydatetime()


def py_datetimes(times: pd.Series) -> list[dt.datetime | None]:
    """Plain aware datetimes of a datetime column (vectorised), None where missing."""
    floored = pd.to_datetime(times, utc=True).dt.floor("us")
    # Converted by pandas in one call (a Timestamp per value cost 5× as much); NaT → None.
    return [None if t is pd.NaT else t for t in floored.dt.to_pydatetime()]
