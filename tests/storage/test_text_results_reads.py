"""Stored per-text results read back (monitor/store/text_results.py): equal results are one
tuple, decoded once; a scorer with nothing stored (new word lists, a first run) is not looked
up hash by hash."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, event

from monitor.store.text_results import StoredTextCache, read_results, write_results

AT = dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC)


def test_results_read_back_equal_and_shared(db_engine: Engine) -> None:
    rows = [
        ("flags:x", f"{i:064x}", (i % 2 == 0, "") if i < 5 else (True, "公告")) for i in range(7)
    ]
    with db_engine.begin() as conn:
        write_results(conn, rows, AT)
    cache = StoredTextCache({})
    with db_engine.connect() as conn:
        found = cache.load(conn, [f"{s}:{h}" for s, h, _r in rows] + ["flags:x:" + "f" * 64])
    assert found == 7 and not cache.computed  # read, not computed
    assert {key: cache[key] for key in cache} == {f"{s}:{h}": r for s, h, r in rows}
    assert cache[f"flags:x:{0:064x}"] is cache[f"flags:x:{2:064x}"]  # one tuple for equal ones


def test_a_scorer_with_nothing_stored_is_not_looked_up(db_engine: Engine) -> None:
    with db_engine.begin() as conn:
        write_results(conn, [("flags:old", "a" * 64, (True, ""))], AT)
    statements: list[str] = []
    event.listen(db_engine, "before_cursor_execute", lambda *a: statements.append(str(a[2])))
    with db_engine.connect() as conn:
        wanted = [f"{i:064x}" for i in range(2000)]  # several chunks, were they asked
        assert list(read_results(conn, "flags:new", wanted)) == []
        assert len(list(read_results(conn, "flags:old", ["a" * 64, "b" * 64]))) == 1
    assert sum(" IN " in s for s in statements) == 1  # the stored scorer's one chunk
