"""One unit with one Weibo account (id 1), the smallest registry a pipeline test needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.engine import Connection

from collectors.records import CommentRecord, PostRecord
from monitor.db.models import Account, Unit
from monitor.store.ingest import store_comments, store_posts


def one_weibo_account(conn: Connection) -> int:
    """Insert 江东省交通运输厅 with the account weibo:1 「江东交通」; returns the unit's id."""
    unit = int(
        conn.execute(
            Unit.__table__.insert().values(
                name="江东省交通运输厅", head="甲", deputy="乙", editor="丙"
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    )
    conn.execute(
        Account.__table__.insert().values(
            id=1, unit_id=unit, platform="weibo", platform_id="1", name="江东交通"
        )
    )
    return unit


def comments_under_one_post(
    conn: Connection, comments: Sequence[CommentRecord], at: dt.datetime
) -> None:
    """:func:`one_weibo_account`, its post p1 「通告」 and ``comments`` under it, collected at
    ``at``."""
    one_weibo_account(conn)
    store_posts(conn, 1, [PostRecord("weibo", "p1", "https://m.weibo.cn/", at, text="通告")], at)
    store_comments(conn, "weibo", list(comments), at)
