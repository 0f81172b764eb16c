"""Ingest benchmark: upsert 200,000 comments twice (all new, then all existing) through
govmon's storage, beside a plain SQLAlchemy Core executemany upsert of the same rows in the
same run. Target: govmon's path at least 0.5× the plain path's rows/s.

    python benchmarks/ingest.py [--comments 200000] [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.dialects import postgresql, sqlite

from collectors.records import CommentRecord, PostRecord
from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import Account, Comment, Unit
from monitor.store.hashing import text_hash
from monitor.store.ingest import store_comments, store_posts

NOW = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)
POSTS = 2000


def fresh_engine(base_url: str | None, tmp: Path) -> Engine:
    if not base_url:
        engine = make_engine(f"sqlite:///{tmp / (uuid.uuid4().hex + '.db')}")
    else:
        schema = "bench_" + uuid.uuid4().hex[:8]
        admin = make_engine(base_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        sep = "&" if "?" in base_url else "?"
        engine = make_engine(f"{base_url}{sep}options=-csearch_path%3D{schema}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        unit_id = conn.execute(
            Unit.__table__.insert().values(
                name="u",
                emails=[],
                mobiles=[],
                short_name="",
                wecom_webhook="",
                phone="",
                head="",
                deputy="",
                editor="",
                department="",
                listed=True,
                created_at=NOW,
                updated_at=NOW,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(
            Account.__table__.insert().values(
                id=1,
                unit_id=unit_id,
                platform="weibo",
                platform_id="1",
                name="a",
                home_url="",
                feed_url="",
                entrusted=False,
                operator="",
                staff="",
                phone="",
                emails=[],
                superiors=[],
                status="active",
                cursor={},
                last_error_kind="",
                last_error="",
                consecutive_failures=0,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        posts = [
            PostRecord("weibo", f"p{i}", "u", NOW, published_at=NOW, text=f"帖子{i}")
            for i in range(POSTS)
        ]
        store_posts(conn, 1, posts, NOW)
    return engine


def make_comments(n: int) -> list[CommentRecord]:
    return [
        CommentRecord(
            "weibo",
            f"c{i}",
            f"p{i % POSTS}",
            "http://127.0.0.1/c",
            NOW,
            author_id=str(i % 5000),
            author_name=f"网友{i % 5000}",
            text=f"请问第{i}个路口什么时候恢复通行？",
            created_at=NOW,
            likes=i % 7,
        )
        for i in range(n)
    ]


def govmon_path(engine: Engine, comments: list[CommentRecord]) -> None:
    with engine.begin() as conn:
        store_comments(conn, "weibo", comments, NOW)


def plain_path(engine: Engine, comments: list[CommentRecord]) -> None:
    """The reference: one Core executemany INSERT … ON CONFLICT DO UPDATE, post ids known."""
    with engine.begin() as conn:
        post_ids = dict(conn.execute(text("SELECT platform_post_id, id FROM posts")).all())
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        stmt = insert(Comment.__table__)
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "platform_comment_id"],
            set_={c: stmt.excluded[c] for c in ("text", "likes", "text_hash", "last_seen")},
        )
        rows = [
            {
                "post_id": post_ids[c.post_platform_id],
                "platform": c.platform,
                "platform_comment_id": c.platform_comment_id,
                "parent_platform_id": "",
                "root_platform_id": "",
                "author_id": c.author_id,
                "author_name": c.author_name,
                "text": c.text,
                "created_at": c.created_at,
                "is_official": False,
                "liked_by_author": False,
                "likes": c.likes,
                "text_hash": text_hash(c.text),
                "fetched_url": c.fetched_url,
                "first_seen": NOW,
                "last_seen": NOW,
            }
            for c in comments
        ]
        conn.execute(stmt, rows)


def timed(fn: Callable[[], None]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default SQLite)")
    args = parser.parse_args()
    comments = make_comments(args.comments)
    with tempfile.TemporaryDirectory() as tmp:
        results: dict[str, tuple[float, float]] = {}
        for name, fn in (("govmon", govmon_path), ("plain Core executemany", plain_path)):
            engine = fresh_engine(args.database_url, Path(tmp))
            first = timed(lambda fn=fn, engine=engine: fn(engine, comments))
            second = timed(lambda fn=fn, engine=engine: fn(engine, comments))
            results[name] = (args.comments / first, args.comments / second)
            engine.dispose()
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"ingest benchmark: {args.comments:,} comments on {backend}")
    print(f"{'path':<26}{'all new rows/s':>16}{'all existing rows/s':>22}")
    for name, (new, existing) in results.items():
        print(f"{name:<26}{new:>16,.0f}{existing:>22,.0f}")
    ours, plain = results["govmon"], results["plain Core executemany"]
    print(
        f"ratio govmon/plain: all new {ours[0] / plain[0]:.2f}×, "
        f"all existing {ours[1] / plain[1]:.2f}× (target ≥ 0.5×)"
    )


if __name__ == "__main__":
    main()
