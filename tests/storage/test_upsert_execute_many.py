"""Bulk upserts hand the driver each column converted once (monitor/store/upsert.py): what is
stored must be exactly what SQLAlchemy's own executemany stores, on both databases."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from monitor.db.models import AnalysisCache, TextResult
from monitor.store.text_results import write_results
from monitor.store.upsert import _converted, upsert

NOW = dt.datetime(2026, 11, 30, 8, 15, 30, 123456, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=1)


def _stored(engine: Engine) -> dict[tuple[str, str], tuple[Any, dt.datetime]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                TextResult.scorer, TextResult.text_hash, TextResult.result, TextResult.computed_at
            )
        )
        return {(s, h): (r, at) for s, h, r, at in rows}


def test_rows_are_stored_and_updated_as_given(
    db_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        ("c:f1", f"{i:064x}", [i % 2 == 0, "退票怎么办？" if i % 3 else "", i, None])
        for i in range(12)
    ]

    # The driver path does not go through Connection.execute at all.
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("went through SQLAlchemy's per-row executemany")

    with db_engine.begin() as conn:
        monkeypatch.setattr(Connection, "execute", refuse)
        write_results(conn, rows, NOW)
        monkeypatch.undo()
    assert _stored(db_engine) == {(s, h): (r, NOW) for s, h, r in rows}

    changed = [(s, h, [*r[:3], "已改"]) for s, h, r in rows[:5]]
    with db_engine.begin() as conn:
        write_results(conn, changed, LATER)
    expected = {(s, h): (r, NOW) for s, h, r in rows}
    expected.update({(s, h): (r, LATER) for s, h, r in changed})
    assert _stored(db_engine) == expected


def test_a_column_default_to_fill_goes_through_sqlalchemy(db_engine: Engine) -> None:
    """Rows without ``computed_at``: SQLAlchemy fills the column's default, as before."""
    rows = [{"engine": "trained-x", "text_hash": "a" * 64, "score": 0.25, "label": "负面"}]
    with db_engine.begin() as conn:
        upsert(
            conn, AnalysisCache.__table__, rows, conflict=("engine", "text_hash"), update=("score",)
        )  # type: ignore[arg-type]
    with db_engine.connect() as conn:
        stored = conn.execute(select(AnalysisCache.score, AnalysisCache.computed_at)).one()
    assert stored[0] == 0.25 and stored[1] is not None


def test_rows_with_other_keys_are_refused(db_engine: Engine) -> None:
    rows: list[dict[str, Any]] = [
        {"scorer": "c:f1", "text_hash": "a" * 64, "result": [], "computed_at": NOW},
        {"scorer": "c:f1", "text_hash": "b" * 64, "result": []},
    ]
    with db_engine.begin() as conn, pytest.raises(KeyError):
        upsert(
            conn, TextResult.__table__, rows, conflict=("scorer", "text_hash"), update=("result",)
        )  # type: ignore[arg-type]


def test_each_distinct_value_is_converted_once_and_equal_values_of_two_types_apart() -> None:
    calls: list[object] = []

    def convert(value: object) -> str:
        calls.append(value)
        return repr(value)

    values: list[object] = [1, True, 1, True, 1.0, NOW, NOW, NOW]
    assert _converted(values, convert) == [repr(v) for v in values]
    assert sorted(map(repr, calls)) == sorted(map(repr, [1, True, 1.0, NOW]))
    unhashable: list[object] = [[1], [1], {"a": 1}]
    assert _converted(unhashable, repr) == ["[1]", "[1]", "{'a': 1}"]


def test_tuples_equal_but_for_their_items_types_are_converted_apart() -> None:
    """Per-text results are stored as tuples (a few distinct ones over a window's texts):
    (1, "") equals (True, "") as a key, not as JSON."""
    calls: list[object] = []

    def convert(value: object) -> str:
        calls.append(value)
        return json.dumps(value)

    values: list[object] = [(True, ""), (1, ""), (True, ""), (1, ""), (False, "骗子")] * 3
    assert _converted(values, convert) == [json.dumps(v) for v in values]
    assert len(calls) == 3


def test_tuple_results_are_stored_as_json_arrays(db_engine: Engine) -> None:
    rows = [("c:f1", f"{i:064x}", (i % 2 == 0, "骗子" if i % 3 else "")) for i in range(12)]
    with db_engine.begin() as conn:
        write_results(conn, rows, NOW)
    assert _stored(db_engine) == {(s, h): (list(r), NOW) for s, h, r in rows}


def test_a_column_of_distinct_values_is_converted_one_by_one_and_equal() -> None:
    """Its first values are distinct: no key is made for the rest, each is converted once; a
    column whose first values repeat is still converted once per distinct value."""
    calls: list[object] = []

    def convert(value: object) -> str:
        calls.append(value)
        return repr(value)

    times: list[object] = [NOW + dt.timedelta(seconds=i) for i in range(500)]
    assert _converted(times, convert) == [repr(v) for v in times]
    assert len(calls) == 500
    calls.clear()
    repeated: list[object] = [NOW, NOW + dt.timedelta(seconds=1)] * 250
    assert _converted(repeated, convert) == [repr(v) for v in repeated]
    assert len(calls) == 2
