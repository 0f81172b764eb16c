"""Dialect-aware bulk upsert (INSERT … ON CONFLICT) for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert

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
    execute_many(conn, statement, rows)


def execute_many(conn: Connection, statement: Insert, rows: Sequence[dict[str, Any]]) -> None:
    """``conn.execute(statement, rows)``, with each column's values converted for the driver
    once per column and handed to the driver's executemany: SQLAlchemy otherwise builds and
    converts every row's parameters one by one, which cost more than the database's own work
    (200,000 text results: 2.0 s against 0.7 s). Statements whose parameters are not exactly
    the rows' keys (a column default to fill in, say) go through SQLAlchemy as before."""
    if not rows:
        return
    keys = list(rows[0])
    compiled = statement.compile(dialect=conn.dialect, column_keys=keys)
    binds = {name: compiled.binds[name] for name in compiled.bind_names.values()}
    if {bind.key for bind in binds.values()} != set(keys) or any(
        bind.expanding or bind.callable is not None for bind in binds.values()
    ):
        for part in chunks(rows, 5000):
            conn.execute(statement, list(part))
        return
    dialect = conn.dialect
    names = list(compiled.positiontup or ()) if compiled.positional else list(binds)
    columns = []
    for name in names:
        bind = binds[name]
        values = [row[bind.key] for row in rows]  # KeyError: rows with different keys
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        columns.append(values if convert is None else _converted(values, convert))
    params: list[Any] = (
        list(zip(*columns, strict=True))
        if compiled.positional
        else [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
    )
    for part in chunks(params, 5000):
        conn.exec_driver_sql(compiled.string, part)


_SAMPLE = 64  # values looked at before a column's values are keyed


def _converted(values: list[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """``[convert(v) for v in values]``, converting each distinct value once (a column often
    holds one time, one scorer, a handful of states, a JSON column a handful of tuples). Keyed
    by type too, and a tuple by its items' types: 1 and True are equal keys, not equal values
    for every column type ((1, "") and (True, "") are different JSON)."""
    try:
        # A sample first: a column of mostly distinct values (times, texts' hashes) or of JSON
        # lists and objects is converted one by one without a key made for every value.
        sample = values[:_SAMPLE]
        if len(set(map(_key, sample))) > len(sample) // 2:
            return [convert(v) for v in values]
        keys = [_key(v) for v in values]
        distinct = dict.fromkeys(keys)
    except TypeError:  # unhashable values (JSON lists and objects): one by one
        return [convert(v) for v in values]
    if len(distinct) > len(values) // 2:
        return [convert(v) for v in values]
    done = {key: convert(key[1]) for key in distinct}
    return [done[key] for key in keys]


def _key(value: Any) -> tuple[Any, ...]:
    if type(value) is tuple:
        return (tuple, value, tuple(map(type, value)))
    return (type(value), value)
