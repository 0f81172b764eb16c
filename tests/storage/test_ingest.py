"""Idempotent bulk storage of collected records, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from collectors.records import CommentRecord, PostRecord, ProfileRecord
from monitor.db.models import Account, AccountSnapshot, Comment, Post, Unit
from monitor.store.ingest import store_result

T0 = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)


def _account(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        unit = Unit(name="省高速公路管理局")
        account = Account(unit=unit, platform="weibo", platform_id="100", name="某省高速")
        session.add(account)
        session.commit()
        return account.id


def _post(pid: str, **kw: object) -> PostRecord:
    base: dict[str, object] = {
        "platform": "weibo",
        "platform_post_id": pid,
        "fetched_url": "http://127.0.0.1/p",
        "fetched_at": T0,
        "published_at": T0 - dt.timedelta(hours=3),
        "text": f"路况通报 {pid}",
        "reposts": 1,
        "comments_count": 2,
        "likes": 3,
    }
    base.update(kw)
    return PostRecord(**base)  # type: ignore[arg-type]


def _comment(cid: str, post: str = "p1", **kw: object) -> CommentRecord:
    base: dict[str, object] = {
        "platform": "weibo",
        "platform_comment_id": cid,
        "post_platform_id": post,
        "fetched_url": "http://127.0.0.1/c",
        "fetched_at": T0,
        "text": f"请问 {cid} 什么时候通车？",
        "created_at": T0 - dt.timedelta(hours=1),
    }
    base.update(kw)
    return CommentRecord(**base)  # type: ignore[arg-type]


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_store_twice_duplicates_nothing_and_updates_counts(
    db_engine: Engine, db_sessions: sessionmaker[Session]
) -> None:
    account_id = _account(db_sessions)
    posts = [_post("p1"), _post("p2")]
    comments = [_comment("c1"), _comment("c2", parent_platform_id="c1", root_platform_id="c1")]
    profile = ProfileRecord("weibo", "100", "http://127.0.0.1/u", T0, name="某省高速", followers=10)
    with db_engine.begin() as conn:
        counts = store_result(
            conn, account_id, "weibo", profile=profile, posts=posts, comments=comments, now=T0
        )
    assert (counts.posts_new, counts.posts_seen, counts.comments_new) == (2, 0, 2)
    later = T0 + dt.timedelta(hours=1)
    with db_engine.begin() as conn:
        counts = store_result(
            conn,
            account_id,
            "weibo",
            profile=ProfileRecord("weibo", "100", "u", later, followers=12),
            posts=[_post("p1", likes=99), _post("p3")],
            comments=[_comment("c1", likes=5), _comment("c3")],
            now=later,
        )
    assert (counts.posts_new, counts.posts_seen) == (1, 1)
    assert (counts.comments_new, counts.comments_seen) == (1, 1)
    assert _count(db_engine, Post) == 3
    assert _count(db_engine, Comment) == 3
    assert _count(db_engine, AccountSnapshot) == 1  # same day: updated in place
    with db_sessions() as session:
        p1 = session.scalars(select(Post).where(Post.platform_post_id == "p1")).one()
        assert p1.likes == 99
        assert p1.first_seen == T0 and p1.last_seen == later
        snap = session.scalars(select(AccountSnapshot)).one()
        assert snap.followers == 12
        c2 = session.scalars(select(Comment).where(Comment.platform_comment_id == "c2")).one()
        assert c2.parent_platform_id == "c1"


def test_feed_without_counts_keeps_stored_counts(
    db_engine: Engine, db_sessions: sessionmaker[Session]
) -> None:
    account_id = _account(db_sessions)
    with db_engine.begin() as conn:
        store_result(
            conn,
            account_id,
            "weibo",
            profile=None,
            posts=[_post("p1", likes=7)],
            comments=[],
            now=T0,
        )
    with db_engine.begin() as conn:
        store_result(
            conn,
            account_id,
            "weibo",
            profile=None,
            posts=[_post("p1", likes=0, has_counts=False, title="新标题")],
            comments=[],
            now=T0,
        )
    with db_sessions() as session:
        post = session.scalars(select(Post)).one()
        assert post.likes == 7 and post.title == "新标题"


def test_long_text_preview_does_not_overwrite_full_text(
    db_engine: Engine, db_sessions: sessionmaker[Session]
) -> None:
    account_id = _account(db_sessions)
    with db_engine.begin() as conn:
        store_result(
            conn,
            account_id,
            "weibo",
            profile=None,
            posts=[_post("p1", text="全文" * 100)],
            comments=[],
            now=T0,
        )
        store_result(
            conn,
            account_id,
            "weibo",
            profile=None,
            posts=[_post("p1", text="全文...", is_long_text=True)],
            comments=[],
            now=T0,
        )
    with db_sessions() as session:
        assert session.scalars(select(Post)).one().text == "全文" * 100


def test_relative_times_do_not_drift_and_an_absolute_time_corrects_them(
    db_engine: Engine, db_sessions: sessionmaker[Session]
) -> None:
    account_id = _account(db_sessions)
    first = T0 - dt.timedelta(hours=3)
    exact = T0 - dt.timedelta(hours=2, minutes=47)

    def store(created_at: dt.datetime, time_exact: bool) -> None:
        with db_engine.begin() as conn:
            store_result(
                conn,
                account_id,
                "weibo",
                profile=None,
                posts=[_post("p1", published_at=created_at, time_exact=time_exact)],
                comments=[_comment("c1", created_at=created_at, time_exact=time_exact)],
                now=T0,
            )

    def stored() -> tuple[dt.datetime | None, dt.datetime | None]:
        with db_sessions() as session:
            return (
                session.scalars(select(Post.published_at)).one(),
                session.scalars(select(Comment.created_at)).one(),
            )

    store(first, time_exact=False)  # "3小时前"
    store(first + dt.timedelta(minutes=59), time_exact=False)  # "2小时前", read later
    assert stored() == (first, first)
    store(exact, time_exact=True)  # "Sat Nov 28 07:13:00 +0800 2026"
    assert stored() == (exact, exact)
    store(exact + dt.timedelta(minutes=30), time_exact=False)  # relative never moves it back
    assert stored() == (exact, exact)


def _deleted(db_sessions: sessionmaker[Session]) -> dict[str, bool]:
    with db_sessions() as session:
        rows = session.execute(select(Comment.platform_comment_id, Comment.deleted_at))
        return {cid: deleted_at is not None for cid, deleted_at in rows}


def test_a_full_reread_marks_missing_comments_deleted_and_a_partial_one_does_not(
    db_engine: Engine, db_sessions: sessionmaker[Session]
) -> None:
    account_id = _account(db_sessions)

    def store(comments: list[CommentRecord], complete: tuple[str, ...]) -> int:
        with db_engine.begin() as conn:
            counts = store_result(
                conn,
                account_id,
                "weibo",
                profile=None,
                posts=[_post("p1"), _post("p2")],
                comments=comments,
                now=T0,
                comments_complete=complete,
            )
        return counts.comments_deleted

    everything = [_comment("c1"), _comment("c2"), _comment("c3", post="p2")]
    assert store(everything, ("p1", "p2")) == 0
    # A partial read (page limit reached, or p2 not read at all) proves nothing.
    assert store([_comment("c1")], ()) == 0
    assert _deleted(db_sessions) == {"c1": False, "c2": False, "c3": False}
    # A full read of p1 without c2: c2 is gone; p2 was not read in full, c3 stays.
    assert store([_comment("c1")], ("p1",)) == 1
    assert _deleted(db_sessions) == {"c1": False, "c2": True, "c3": False}
    assert store([_comment("c1")], ("p1",)) == 0  # counted once
    # Back again (an appeal upheld, a read that had missed it): no longer deleted.
    store([_comment("c1"), _comment("c2")], ())
    assert _deleted(db_sessions) == {"c1": False, "c2": False, "c3": False}


def test_comment_of_unknown_post_is_counted_not_stored(
    db_engine: Engine, db_sessions: sessionmaker[Session]
) -> None:
    account_id = _account(db_sessions)
    with db_engine.begin() as conn:
        counts = store_result(
            conn,
            account_id,
            "weibo",
            profile=None,
            posts=[],
            comments=[_comment("c1", post="nope")],
            now=T0,
        )
    assert counts.comments_orphaned == 1
    assert _count(db_engine, Comment) == 0


def test_many_rows_in_chunks(db_engine: Engine, db_sessions: sessionmaker[Session]) -> None:
    account_id = _account(db_sessions)
    posts = [_post(f"p{i}") for i in range(1200)]
    comments = [_comment(f"c{i}", post=f"p{i % 1200}") for i in range(2600)]
    with db_engine.begin() as conn:
        counts = store_result(
            conn, account_id, "weibo", profile=None, posts=posts, comments=comments, now=T0
        )
    assert (counts.posts_new, counts.comments_new) == (1200, 2600)
    with db_engine.begin() as conn:
        counts = store_result(
            conn, account_id, "weibo", profile=None, posts=posts, comments=comments, now=T0
        )
    assert (counts.posts_seen, counts.comments_seen, counts.comments_new) == (1200, 2600, 0)
