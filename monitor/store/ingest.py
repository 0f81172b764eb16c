"""Storing what collectors return: bulk, idempotent upserts of posts, comments and snapshots.

A collection killed halfway and run again loses nothing and duplicates nothing: every row is
keyed by (platform, platform id) and written with INSERT … ON CONFLICT DO UPDATE.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ARRAY, String, any_, bindparam, func, null, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert

from collectors.records import CommentRecord, PostRecord, ProfileRecord
from monitor.db.models import AccountSnapshot, Comment, Post
from monitor.store.hashing import text_hash
from monitor.store.upsert import chunks, execute_many, upsert

log = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")

_POST_COUNTS = ("reposts", "comments_count", "likes", "reads")
_POST_ALWAYS = (
    "title",
    "url",
    "is_repost",
    "source",
    "original_author",
    "original_post_id",
    "is_pinned",
    "fetched_url",
    "last_seen",
)


@dataclass
class IngestCounts:
    posts_new: int = 0
    posts_seen: int = 0
    comments_new: int = 0
    comments_seen: int = 0
    comments_orphaned: int = 0
    comments_deleted: int = 0


def _count_stored(
    conn: Connection, column_platform: Any, column_id: Any, keys: Iterable[tuple[str, str]]
) -> int:
    """How many of these (platform, id) keys are stored already, counted by the database:
    only the new-or-seen tally needs it, so no row is read back.

    SQLite: plain IN lists in chunks, answered from the unique index (a row-value IN would
    scan the table). PostgreSQL: one ``= ANY(array)`` per platform — on a freshly loaded
    table without statistics its planner filters the list row by row, so chunks would mean
    one scan each; a single array is one scan, with the array hashed.
    """
    by_platform: dict[str, list[str]] = {}
    for platform, id_ in keys:
        by_platform.setdefault(platform, []).append(id_)
    found = 0
    for platform, ids in by_platform.items():
        if conn.dialect.name == "postgresql":
            query = select(func.count()).where(
                column_platform == platform,
                column_id == any_(bindparam("ids", ids, type_=ARRAY(String()))),
            )
            found += conn.execute(query).scalar_one()
            continue
        for part in chunks(ids, 900):
            query = select(func.count()).where(column_platform == platform, column_id.in_(part))
            found += conn.execute(query).scalar_one()
    return found


def store_posts(
    conn: Connection, account_id: int, posts: Iterable[PostRecord], now: dt.datetime
) -> tuple[int, int]:
    """Upsert posts of one account; returns (new, seen)."""
    records = {(p.platform, p.platform_post_id): p for p in posts}  # last wins within a batch
    if not records:
        return 0, 0
    seen = _count_stored(conn, Post.platform, Post.platform_post_id, records)
    groups: dict[tuple[bool, bool, bool], list[dict[str, Any]]] = {}
    for record in records.values():
        row = {
            "account_id": account_id,
            "platform": record.platform,
            "platform_post_id": record.platform_post_id,
            "published_at": record.published_at,
            "title": record.title,
            "text": record.text,
            "url": record.url,
            "is_repost": record.is_repost,
            "source": record.source,
            "original_author": record.original_author,
            "original_post_id": record.original_post_id,
            "is_pinned": record.is_pinned,
            "reposts": record.reposts,
            "comments_count": record.comments_count,
            "likes": record.likes,
            "reads": record.reads,
            "text_hash": text_hash(record.text),
            "fetched_url": record.fetched_url,
            "first_seen": now,
            "last_seen": now,
        }
        key = (record.has_counts, record.is_long_text, record.time_exact)
        groups.setdefault(key, []).append(row)
    table = Post.__table__
    for (has_counts, preview, exact), rows in groups.items():
        update = [*_POST_ALWAYS, "published_at"]
        if has_counts:  # RSS gives no counts: keep what an earlier source stored
            update += _POST_COUNTS
        if not preview:  # a long post's preview must not overwrite its full text
            update += ["text", "text_hash"]
        upsert(
            conn,
            table,  # type: ignore[arg-type]
            rows,
            conflict=("platform", "platform_post_id"),
            update=update,
            keep_existing=() if exact else ("published_at",),
        )
    return len(records) - seen, seen


def store_comments(
    conn: Connection, platform: str, comments: Iterable[CommentRecord], now: dt.datetime
) -> tuple[int, int, int]:
    """Upsert comments (their posts must be stored); returns (new, seen, orphaned)."""
    records = {(c.platform, c.platform_comment_id): c for c in comments}
    if not records:
        return 0, 0, 0
    post_ids = {pid for pid in (c.post_platform_id for c in records.values())}
    post_map: dict[str, int] = {}
    for part in chunks(sorted(post_ids), 400):
        rows = conn.execute(
            select(Post.platform_post_id, Post.id).where(
                Post.platform == platform, Post.platform_post_id.in_(part)
            )
        )
        post_map.update({pid: id_ for pid, id_ in rows})
    # A relative time ("5分钟前") never moves a stored one; an absolute time corrects it.
    by_precision: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    stored: list[tuple[str, str]] = []
    for key, record in records.items():
        post_id = post_map.get(record.post_platform_id)
        if post_id is None:
            continue
        stored.append(key)
        by_precision[record.time_exact].append(
            {
                "post_id": post_id,
                "platform": record.platform,
                "platform_comment_id": record.platform_comment_id,
                "parent_platform_id": record.parent_platform_id,
                "root_platform_id": record.root_platform_id,
                "author_id": record.author_id,
                "author_name": record.author_name,
                "text": record.text,
                "created_at": record.created_at,
                "is_official": record.is_official,
                "liked_by_author": record.liked_by_author,
                "likes": record.likes,
                "text_hash": text_hash(record.text),
                "fetched_url": record.fetched_url,
                "first_seen": now,
                "last_seen": now,
            }
        )
    orphaned = len(records) - len(stored)
    if orphaned:
        log.warning("%d 条评论找不到所属帖子，未保存（平台 %s）", orphaned, platform)
    seen = _count_stored(conn, Comment.platform, Comment.platform_comment_id, stored)
    for exact, batch in by_precision.items():
        execute_many(conn, _comment_upsert(conn.dialect.name, exact), batch)
    return len(stored) - seen, seen, orphaned


_COMMENT_UPDATE = (
    "parent_platform_id",
    "root_platform_id",
    "author_id",
    "author_name",
    "text",
    "created_at",
    "is_official",
    "liked_by_author",
    "likes",
    "text_hash",
    "fetched_url",
    "last_seen",
)


@functools.cache
def _comment_upsert(dialect: str, exact: bool) -> Insert:
    """INSERT … ON CONFLICT DO UPDATE for comments, built once per dialect and precision and
    run with executemany. A comment returned again is not (or no longer) deleted: deleted_at
    is cleared by the statement itself, not bound row by row."""
    insert = postgresql.insert(Comment) if dialect == "postgresql" else sqlite.insert(Comment)
    values: dict[str, Any] = {column: insert.excluded[column] for column in _COMMENT_UPDATE}
    if not exact:  # a relative time keeps the stored one unless there is none
        values["created_at"] = func.coalesce(Comment.created_at, insert.excluded.created_at)
    values["deleted_at"] = null()
    return insert.on_conflict_do_update(
        index_elements=["platform", "platform_comment_id"], set_=values
    )


def mark_deleted(
    conn: Connection,
    platform: str,
    complete_post_ids: Iterable[str],
    returned: Iterable[CommentRecord],
    now: dt.datetime,
) -> int:
    """Mark deleted the stored comments of posts read in full that the read did not return.

    Only a complete read (every page, nothing cut short) may say a comment is gone: a partial
    or failed one is no evidence. Returns how many comments were newly marked.
    """
    post_ids = sorted(set(complete_post_ids))
    if not post_ids:
        return 0
    seen = {c.platform_comment_id for c in returned if c.platform == platform}
    marked = 0
    for part in chunks(post_ids, 400):
        rows = conn.execute(
            select(Comment.id, Comment.platform_comment_id)
            .join(Post, Post.id == Comment.post_id)
            .where(
                Post.platform == platform,
                Post.platform_post_id.in_(part),
                Comment.deleted_at.is_(None),
            )
        ).all()
        gone = [id_ for id_, comment_id in rows if comment_id not in seen]
        for ids in chunks(gone, 500):
            conn.execute(update(Comment).where(Comment.id.in_(ids)).values(deleted_at=now))
        marked += len(gone)
    if marked:
        log.info("%d 条评论在完整重读中已不存在，标记为网民已删除（平台 %s）", marked, platform)
    return marked


def store_snapshot(
    conn: Connection, account_id: int, profile: ProfileRecord, now: dt.datetime
) -> None:
    """One follower snapshot per account per day (Asia/Shanghai); a later one that day wins."""
    day = now.astimezone(SHANGHAI).date()
    upsert(
        conn,
        AccountSnapshot.__table__,  # type: ignore[arg-type]
        [
            {
                "account_id": account_id,
                "day": day,
                "taken_at": now,
                "followers": profile.followers,
                "posts_total": profile.posts_total,
                "name_seen": profile.name,
            }
        ],
        conflict=("account_id", "day"),
        update=("taken_at", "followers", "posts_total", "name_seen"),
    )


def store_result(
    conn: Connection,
    account_id: int,
    platform: str,
    *,
    profile: ProfileRecord | None,
    posts: Sequence[PostRecord],
    comments: Sequence[CommentRecord],
    now: dt.datetime,
    comments_complete: Sequence[str] = (),
) -> IngestCounts:
    """Store one account's result. ``comments_complete``: posts whose comments were read in
    full, so a stored comment of theirs that was not returned is marked deleted."""
    counts = IngestCounts()
    counts.posts_new, counts.posts_seen = store_posts(conn, account_id, posts, now)
    new, seen, orphaned = store_comments(conn, platform, comments, now)
    counts.comments_new, counts.comments_seen, counts.comments_orphaned = new, seen, orphaned
    counts.comments_deleted = mark_deleted(conn, platform, comments_complete, comments, now)
    if profile is not None:
        store_snapshot(conn, account_id, profile, now)
    return counts
