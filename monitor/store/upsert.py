"""Dialect-aware bulk upsert (INSERT … ON CONFLICT) for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

# SQLite allows 32,766 bound parameters per statement; PostgreSQL 65,535. Rows of ~20
# columns in chunks of 500 stay well inside both.
CHUNK = 500


T = TypeVar("T")


def chunks(rows: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
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
    # One statement compiled once (and cached) for every row: executemany, which SQLAlchemy
    # batches into multi-row INSERTs itself. Building .values(rows) would recompile per chunk.
    stmt = insert_fn(table)
    excluded = stmt.excluded
    values: dict[str, Any] = {}
    for column in update:
        if column in keep_existing:
            values[column] = func.coalesce(table.c[column], excluded[column])
        else:
            values[column] = excluded[column]
    statement = stmt.on_conflict_do_update(index_elements=list(conflict), set_=values)
    for part in chunks(rows, 5000):
        conn.execute(statement, list(part))
