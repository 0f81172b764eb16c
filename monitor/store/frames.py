"""Reading the database into the DataFrames analysis functions take (analysis/frames.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import ColumnElement, DateTime, func, literal_column, select, type_coerce
from sqlalchemy.orm import Session

from analysis import frames as cols
from monitor.db.models import Account, AccountSnapshot, Comment, Post, Unit


@dataclass
class Frames:
    units: pd.DataFrame
    accounts: pd.DataFrame
    posts: pd.DataFrame
    comments: pd.DataFrame
    snapshots: pd.DataFrame


def _utc(frame: pd.DataFrame, *columns: str) -> None:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column], utc=True)


def load_units(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(
            Unit.id,
            Unit.name,
            Unit.short_name,
            Unit.parent_id,
            Unit.head,
            Unit.deputy,
            Unit.editor,
            Unit.department,
        ).order_by(Unit.id)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=cols.UNITS)
    frame["parent_id"] = frame["parent_id"].astype("Int64")
    return frame


def load_accounts(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(
            Account.id,
            Account.platform,
            Account.platform_id,
            Account.unit_id,
            Unit.name,
            Account.name,
            Account.home_url,
            Account.opened_on,
            Account.filed_on,
            Account.closed_on,
            Account.closure_filed_on,
            Account.status,
            Account.superiors,
            Account.staff,
        )
        .join(Unit, Unit.id == Account.unit_id)
        .order_by(Account.id)
    ).all()
    records = [
        {
            "account_id": r[0],
            "account_key": f"{r[1]}:{r[2]}",
            "unit_id": r[3],
            "unit": r[4],
            "platform": r[1],
            "platform_id": r[2],
            "name": r[5],
            "home_url": r[6],
            "opened_on": r[7],
            "filed_on": r[8],
            "closed_on": r[9],
            "closure_filed_on": r[10],
            "status": r[11],
            "superiors": list(r[12] or []),
            "staff": r[13] or "",
        }
        for r in rows
    ]
    return pd.DataFrame(records, columns=cols.ACCOUNTS)


_POST_COLUMNS = (
    Post.id,
    Post.account_id,
    Post.platform,
    Post.platform_post_id,
    Post.published_at,
    Post.title,
    Post.text,
    Post.url,
    Post.is_repost,
    Post.source,
    Post.original_author,
    Post.original_post_id,
    Post.reposts,
    Post.comments_count,
    Post.likes,
    Post.reads,
)


def load_posts(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
) -> pd.DataFrame:
    """Posts published in [since, until], plus each account's latest post before ``since``
    (so that "days since the last post" is right for long-silent accounts)."""
    in_window = select(*_POST_COLUMNS, Post.text_hash).where(
        Post.published_at >= since, Post.published_at <= until
    )
    latest_query = select(Post.account_id, func.max(Post.published_at).label("latest")).where(
        Post.published_at < since
    )
    latest_before = latest_query.group_by(Post.account_id).subquery()
    older = select(*_POST_COLUMNS, Post.text_hash).join(
        latest_before,
        (Post.account_id == latest_before.c.account_id)
        & (Post.published_at == latest_before.c.latest),
    )
    rows = [tuple(r) for r in session.execute(in_window)] + [
        tuple(r) for r in session.execute(older)
    ]
    frame = pd.DataFrame(rows, columns=[*cols.POSTS, "text_hash"])
    frame = frame.drop_duplicates("post_id").sort_values(["account_id", "published_at"])
    _utc(frame, "published_at")
    for column in ("reposts", "comments_count", "likes", "reads"):
        frame[column] = frame[column].astype("int64")
    frame["is_repost"] = frame["is_repost"].astype(bool)
    return frame.reset_index(drop=True)


_COMMENTS_QUERY = (
    select(
        Comment.id,
        Comment.post_id,
        Post.account_id,
        Comment.platform,
        Comment.platform_comment_id,
        Comment.parent_platform_id,
        Comment.root_platform_id,
        Comment.author_id,
        Comment.author_name,
        Comment.text,
        # As the driver gives them (naive UTC on SQLite): _utc makes the column aware UTC in
        # one call, instead of UTCDateTime converting each of ~200k values in Python.
        type_coerce(Comment.created_at, DateTime()),
        Comment.is_official,
        Comment.liked_by_author,
        Comment.likes,
        Comment.text_hash,
        type_coerce(Comment.deleted_at, DateTime()),
    )
    .join(Post, Post.id == Comment.post_id)
    .order_by(Comment.id)
)


_COMMENT_FRAME = [*cols.COMMENTS, "text_hash", "deleted_at"]


def _comment_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if not parts:
        return _comment_part(pd.DataFrame([], columns=_COMMENT_FRAME))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _written_between(
    session: Session, since: dt.datetime, until: dt.datetime
) -> list[ColumnElement[bool]]:
    """The condition on the comments' time. When the window holds most comments, SQLite is
    told so (``likelihood``): it then reads the table in id order, where through the time
    index it looks each row up in time order and sorts them again (at province scale ~1 s of
    the ~3 s load). PostgreSQL's planner weighs this itself."""
    terms = [Comment.created_at >= since, Comment.created_at <= until]
    if session.get_bind().dialect.name != "sqlite":
        return terms
    inside = session.scalar(select(func.count()).where(*terms)) or 0
    total = session.scalar(select(func.count()).select_from(Comment)) or 0
    if inside * 2 < total:
        return terms
    # A constant in the SQL, not a bound parameter: likelihood() requires one.
    usually: ColumnElement[float] = literal_column("0.99")
    return [func.likelihood(term, usually) for term in terms]


def load_comments(session: Session, since: dt.datetime, until: dt.datetime) -> pd.DataFrame:
    """Comments written in [since, until]."""
    query = _COMMENTS_QUERY.where(*_written_between(session, since, until))
    query = query.execution_options(yield_per=20_000)
    rows = session.connection().execute(query)  # Core: no ORM row loading for ~200k rows
    # In chunks: a province's 200,000 comments as one list of row tuples would briefly take
    # about as much memory again as the frame itself. Plain tuples: pandas builds a frame from
    # them in half the time it takes over SQLAlchemy's Row objects.
    seen: dict[object, object] = {}
    return _comment_frame(
        [
            _share_repeats(
                _comment_part(pd.DataFrame([tuple(r) for r in chunk], columns=_COMMENT_FRAME)),
                seen,
            )
            for chunk in rows.partitions(20_000)
        ]
    )


# Columns whose values recur from comment to comment: the platform, a thread's root and parent,
# a frequent commenter. The driver returns a new string for every row; the frame holds each
# distinct value once (~40 MiB of a province week's ~140 MiB comments frame).
_REPEATED = ("platform", "parent_platform_id", "root_platform_id", "author_id", "author_name")


def _share_repeats(frame: pd.DataFrame, seen: dict[object, object]) -> pd.DataFrame:
    """The frame with equal strings of :data:`_REPEATED` made one object (``seen``: those met
    so far in this load)."""
    share = seen.setdefault
    for column in _REPEATED:
        values: list[object] = frame[column].to_numpy(dtype=object).tolist()
        shared: list[object] = list(map(share, values, values))
        frame[column] = pd.Series(shared, index=frame.index, dtype=frame[column].dtype)
    return frame


def _comment_part(frame: pd.DataFrame) -> pd.DataFrame:
    _utc(frame, "created_at", "deleted_at")
    frame["is_official"] = frame["is_official"].astype(bool)
    frame["liked_by_author"] = frame["liked_by_author"].astype(bool)
    frame["likes"] = frame["likes"].astype("int64")
    return frame


def load_snapshots(session: Session, since: dt.date) -> pd.DataFrame:
    rows = session.execute(
        select(
            AccountSnapshot.account_id,
            AccountSnapshot.day,
            AccountSnapshot.followers,
            AccountSnapshot.posts_total,
        ).where(AccountSnapshot.day >= since)
    )
    frame = pd.DataFrame([tuple(r) for r in rows], columns=cols.SNAPSHOTS)
    frame["followers"] = frame["followers"].astype("Int64")
    frame["posts_total"] = frame["posts_total"].astype("Int64")
    return frame


def load_frames(session: Session, since: dt.datetime, until: dt.datetime) -> Frames:
    return Frames(
        units=load_units(session),
        accounts=load_accounts(session),
        posts=load_posts(session, since, until),
        comments=load_comments(session, since, until),
        snapshots=load_snapshots(session, (since - dt.timedelta(days=7)).date()),
    )
