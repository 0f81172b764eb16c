"""The comments frame holds a recurring value once (monitor/store/frames.py): the driver returns
a new string for every row, and a province week's platform, thread and commenter columns repeat
most of their values. The frame's values and types are those the rows hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session
from testkit.one_account import comments_under_one_post

from collectors.records import CommentRecord
from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.store.frames import load_comments

AT = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


def test_recurring_values_are_one_object_and_the_values_are_the_rows(tmp_path: Path) -> None:
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
                author_id=str(i % 2),
                author_name="网友" + "甲乙"[i % 2],
                text=f"第{i}条评论",
                created_at=AT + dt.timedelta(minutes=i),
                root_platform_id="c0" if i else "",
                parent_platform_id="c0" if i else "",
            )
            for i in range(4)
        ]
        comments_under_one_post(conn, comments, AT)
    with Session(engine) as session:
        frame = load_comments(session, AT - dt.timedelta(days=1), AT + dt.timedelta(days=1))
    engine.dispose()

    assert frame["author_name"].tolist() == ["网友甲", "网友乙", "网友甲", "网友乙"]
    assert frame["author_id"].tolist() == ["0", "1", "0", "1"]
    assert frame["platform"].tolist() == ["weibo"] * 4
    assert frame["root_platform_id"].tolist()[1:] == ["c0"] * 3
    assert frame["text"].tolist() == [f"第{i}条评论" for i in range(4)]
    for column in ("platform", "author_id", "author_name", "root_platform_id", "text"):
        assert isinstance(frame[column].dtype, pd.StringDtype), column

    def same_object(column: str, a: int, b: int) -> bool:
        values = frame[column].to_numpy(dtype=object)
        return values[a] is values[b]

    assert same_object("author_name", 0, 2) and same_object("author_id", 1, 3)
    assert same_object("platform", 0, 3) and same_object("root_platform_id", 1, 3)
