"""Dialect-aware bulk upsert (INSERT … ON CONFLICT) for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Table, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

# SQLite allows 32,766 bound parameters per statement; PostgreSQL 65,535. Rows of ~20
# columns in chunks of 500 stay well inside both.
CHUNK = 500


def chunks(rows: Sequence[dict[str, Any]], size: int = CHUNK) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    conflict: Sequence[str],
    update: Sequence[str],
    keep_existing: Sequence[str] = (),
) -> None:
    """Insert rows; on a conflict of ``conflict`` columns, update the ``update`` columns.

    Columns in ``keep_existing`` (also listed in ``update``) keep their stored value unless it
    is NULL: a time first parsed from "3小时前" must not drift on every later fetch.
    """
    if not rows:
        return
    dialect = conn.dialect.name
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for part in chunks(rows):
        stmt = insert_fn(table).values(list(part))
        excluded = stmt.excluded
        values: dict[str, Any] = {}
        for column in update:
            if column in keep_existing:
                values[column] = func.coalesce(table.c[column], excluded[column])
            else:
                values[column] = excluded[column]
        conn.execute(stmt.on_conflict_do_update(index_elements=list(conflict), set_=values))
