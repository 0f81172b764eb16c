"""The comments of a window are the same rows, in id order, whichever way SQLite reads them:
through the time index (a window holding few of the comments) or by scanning the table (one
holding most of them, where the index costs twice as much: monitor/store/frames.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session
from testkit.one_account import comments_under_one_post

from collectors.records import CommentRecord
from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.store.frames import load_comments

AT = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
# Written out of time order, so that id order and time order differ.
HOURS = [5, 1, 9, 3, 7, 0, 8, 2, 6, 4]


@pytest.mark.parametrize(
    ("first", "last", "scanned"),
    [(2, 4, False), (1, 9, True), (0, 9, True), (6, 6, False)],
)
def test_a_window_has_its_comments_in_id_order_either_way(
    tmp_path: Path, first: int, last: int, scanned: bool
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.db'}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        comments = [
            CommentRecord(
                "weibo",
                f"c{i}",
                "p1",
                "https://m.weibo.cn/",
                AT,
                text=f"第{i}条评论",
                created_at=AT + dt.timedelta(hours=hour),
            )
            for i, hour in enumerate(HOURS)
        ]
        comments_under_one_post(conn, comments, AT)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with Session(engine) as session:
        frame = load_comments(
            session, AT + dt.timedelta(hours=first), AT + dt.timedelta(hours=last)
        )
    engine.dispose()

    expected = [f"c{i}" for i, hour in enumerate(HOURS) if first <= hour <= last]
    assert frame["platform_comment_id"].tolist() == expected
    assert frame["comment_id"].is_monotonic_increasing
    assert any("likelihood" in s for s in statements) is scanned
