"""Counting what a test's code writes: the INSERT and UPDATE statements sent to the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from monitor.db.models import Account, Unit


@contextmanager
def recorded_writes(engine: Engine, table: str | None = None) -> Iterator[list[str]]:
    """The INSERT / UPDATE statements executed (one per executemany); ``table``: only those
    writing that table."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        words = statement.split()
        if not words or words[0].upper() not in ("INSERT", "UPDATE"):
            return
        if table is None or table in words[:3]:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def toll_station_account(sessions: sessionmaker[Session]) -> None:
    """The unit 城东收费站 with its account weibo:1 「城东收费站微博」."""
    with sessions.begin() as session:
        unit = Unit(name="城东收费站")
        session.add(unit)
        session.flush()
        session.add(Account(unit=unit, platform="weibo", platform_id="1", name="城东收费站微博"))
