"""The bulk comment path stores exactly these rows: every column of every comment after new,
existing, edited, relative-time, deleted and returned comments, and the counts it reports.

Written out in full so that a faster storage path that changed one column of one case (a
deletion mark not cleared, a relative time moving a stored one, a first-seen overwritten, a
hash of the wrong text) fails here, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from collectors.records import CommentRecord, PostRecord
from monitor.db.models import Account, Comment, Post, Unit
from monitor.store.hashing import text_hash
from monitor.store.ingest import IngestCounts, store_result

T0 = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(hours=1)
T2 = T0 + dt.timedelta(hours=2)
AGO = T0 - dt.timedelta(hours=3)  # what "3小时前" read at T0 means
EXACT = T0 - dt.timedelta(hours=2, minutes=47)


def _post(pid: str) -> PostRecord:
    return PostRecord("weibo", pid, "http://127.0.0.1/p", T0, published_at=AGO, text=pid)


def _comment(cid: str, post: str, fetched_at: dt.datetime, **kw: Any) -> CommentRecord:
    values: dict[str, Any] = {
        "author_id": "u" + cid,
        "author_name": "网友" + cid,
        "text": f"请问 {cid} 什么时候通车？",
        "created_at": AGO,
    }
    values.update(kw)
    return CommentRecord("weibo", cid, post, f"http://127.0.0.1/c/{post}", fetched_at, **values)


def _store(
    engine: Engine,
    account_id: int,
    comments: list[CommentRecord],
    now: dt.datetime,
    complete: tuple[str, ...] = (),
) -> IngestCounts:
    with engine.begin() as conn:
        return store_result(
            conn,
            account_id,
            "weibo",
            profile=None,
            posts=[_post("p1"), _post("p2")],
            comments=comments,
            now=now,
            comments_complete=complete,
        )


def _rows(sessions: sessionmaker[Session]) -> dict[str, tuple[Any, ...]]:
    with sessions() as session:
        found = session.execute(
            select(Comment, Post.platform_post_id).join(Post, Post.id == Comment.post_id)
        ).all()
        return {
            c.platform_comment_id: (
                post,
                c.parent_platform_id,
                c.root_platform_id,
                c.author_id,
                c.author_name,
                c.text,
                c.created_at,
                c.is_official,
                c.liked_by_author,
                c.likes,
                c.text_hash,
                c.fetched_url,
                c.first_seen,
                c.last_seen,
                c.deleted_at,
            )
            for c, post in found
        }


def _row(
    post: str,
    cid: str,
    *,
    text: str | None = None,
    created_at: dt.datetime = AGO,
    likes: int = 0,
    first: dt.datetime = T0,
    last: dt.datetime = T0,
    deleted: dt.datetime | None = None,
    parent: str = "",
    official: bool = False,
    liked: bool = False,
) -> tuple[Any, ...]:
    text = f"请问 {cid} 什么时候通车？" if text is None else text
    return (
        post,
        parent,
        parent,  # root: the replies here are to top-level comments
        "u" + cid,
        "网友" + cid,
        text,
        created_at,
        official,
        liked,
        likes,
        text_hash(text),
        f"http://127.0.0.1/c/{post}",
        first,
        last,
        deleted,
    )


def _counts(counts: IngestCounts) -> tuple[int, int, int, int]:
    return (
        counts.comments_new,
        counts.comments_seen,
        counts.comments_orphaned,
        counts.comments_deleted,
    )


def test_bulk_path_stores_exactly_these_rows(
    db_engine: Engine, db_sessions: sessionmaker[Session]
) -> None:
    with db_sessions() as session:
        account = Account(
            unit=Unit(name="省高速公路管理局"), platform="weibo", platform_id="100", name="某省高速"
        )
        session.add(account)
        session.commit()
        account_id = account.id

    # T0, all new: one with an exact time, a relative-time reply, an official answer, a
    # comment liked by the account, one under the other post, one whose post is unknown.
    first = [
        _comment("c1", "p1", T0, created_at=EXACT, likes=2),
        _comment("c2", "p1", T0, time_exact=False, parent_platform_id="c1", root_platform_id="c1"),
        _comment("c3", "p1", T0, is_official=True, text="已转交相关部门处理"),
        _comment("c4", "p2", T0, liked_by_author=True),
        _comment("c9", "gone", T0),
        _comment("c1", "p1", T0, created_at=EXACT, likes=3),  # twice in a batch: last wins
    ]
    assert _counts(_store(db_engine, account_id, first, T0, complete=("p1",))) == (4, 0, 1, 0)

    # T1, a full re-read of p1: c1 edited, c2's relative time read later ("2小时前" an hour
    # on), c3 gone from the platform, a new c5; p2 not read at all.
    second = [
        _comment("c1", "p1", T1, created_at=EXACT, likes=7, text="请问 c1 何时通车？（已编辑）"),
        _comment(
            "c2",
            "p1",
            T1,
            created_at=AGO + dt.timedelta(minutes=59),
            time_exact=False,
            parent_platform_id="c1",
            root_platform_id="c1",
        ),
        _comment("c5", "p1", T1),
    ]
    assert _counts(_store(db_engine, account_id, second, T1, complete=("p1",))) == (1, 2, 0, 1)

    # T2, a partial read: c3 back (no longer deleted), c4 with an exact time that corrects it,
    # c5 not returned (a partial read proves nothing).
    third = [
        _comment("c3", "p1", T2, is_official=True, text="已转交相关部门处理"),
        _comment("c4", "p2", T2, created_at=EXACT, liked_by_author=True),
    ]
    assert _counts(_store(db_engine, account_id, third, T2)) == (0, 2, 0, 0)

    assert _rows(db_sessions) == {
        "c1": _row(
            "p1",
            "c1",
            text="请问 c1 何时通车？（已编辑）",
            created_at=EXACT,
            likes=7,
            last=T1,
        ),
        "c2": _row("p1", "c2", parent="c1", last=T1),
        "c3": _row("p1", "c3", text="已转交相关部门处理", official=True, last=T2),
        "c4": _row("p2", "c4", created_at=EXACT, liked=True, last=T2),
        "c5": _row("p1", "c5", first=T1, last=T1),
    }
