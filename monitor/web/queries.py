"""The console's one query layer: every page and download reads through these functions, and
each applies the signed-in person's :class:`Scope`. An object outside the scope is None (404)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from monitor.db.models import (
    Account,
    Alert,
    AnalysisCache,
    AuditEntry,
    Comment,
    Digest,
    FindingClosure,
    FindingRow,
    Post,
    Unit,
)
from monitor.web.scope import Scope

T = TypeVar("T")

QUESTION_RULE = "unanswered_question"


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def paginate(session: Session, query: Select[Any], number: int, size: int) -> Page[Any]:
    """Count and fetch one page in the database (never the whole list in Python)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    number = max(1, number)
    rows = list(session.execute(query.limit(size).offset((number - 1) * size)).all())
    return Page(rows, number, size, total)


# -- units -----------------------------------------------------------------------------------


def units_in_scope(session: Session, scope: Scope) -> list[Unit]:
    return list(session.scalars(select(Unit).where(scope.units(Unit.id)).order_by(Unit.name)))


# -- findings and alerts ---------------------------------------------------------------------


@dataclass(frozen=True)
class FindingFilter:
    unit_id: int | None = None
    rule: str = ""
    state: str = ""
    severity: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def findings_query(scope: Scope, wanted: FindingFilter) -> Select:
    query = (
        select(FindingRow, Alert, Unit.name, Account.name, Account.platform)
        .outerjoin(Alert, Alert.finding_id == FindingRow.id)
        .outerjoin(Unit, FindingRow.unit_id == Unit.id)
        .outerjoin(Account, FindingRow.account_id == Account.id)
        .where(scope.units(FindingRow.unit_id))
    )
    if wanted.unit_id is not None:
        query = query.where(FindingRow.unit_id == wanted.unit_id)
    if wanted.rule:
        query = query.where(FindingRow.rule == wanted.rule)
    if wanted.state:
        query = query.where(FindingRow.state == wanted.state)
    if wanted.severity:
        query = query.where(FindingRow.severity == wanted.severity)
    if wanted.since is not None:
        start = dt.datetime.combine(wanted.since, dt.time(), dt.UTC)
        query = query.where(FindingRow.last_seen >= start)
    if wanted.until is not None:
        end = dt.datetime.combine(wanted.until + dt.timedelta(days=1), dt.time(), dt.UTC)
        query = query.where(FindingRow.first_seen < end)
    return query.order_by(FindingRow.last_seen.desc(), FindingRow.id.desc())


def finding(session: Session, scope: Scope, finding_id: int) -> FindingRow | None:
    return session.scalars(
        select(FindingRow).where(FindingRow.id == finding_id, scope.units(FindingRow.unit_id))
    ).first()


def alert_of(session: Session, finding_id: int) -> Alert | None:
    return session.scalars(select(Alert).where(Alert.finding_id == finding_id)).first()


def closure(session: Session, row: FindingRow) -> FindingClosure | None:
    return session.get(FindingClosure, row.dedup_key)


def open_questions_query(scope: Scope) -> Select:
    """Unanswered questions (第十六条), soonest deadline first."""
    return (
        select(FindingRow, Unit.name, Account.name, Account.platform)
        .outerjoin(Unit, FindingRow.unit_id == Unit.id)
        .outerjoin(Account, FindingRow.account_id == Account.id)
        .where(
            FindingRow.rule == QUESTION_RULE,
            FindingRow.state == "open",
            scope.units(FindingRow.unit_id),
        )
        .order_by(FindingRow.deadline.asc().nulls_last(), FindingRow.id)
    )


def open_alerts_by_unit(
    session: Session, scope: Scope
) -> list[tuple[str, int, dt.datetime | None]]:
    """(unit, open alerts, earliest deadline) for the overview."""
    rows = session.execute(
        select(
            func.coalesce(Unit.name, ""),
            func.count(Alert.id),
            func.min(FindingRow.deadline),
        )
        .join(FindingRow, Alert.finding_id == FindingRow.id)
        .outerjoin(Unit, FindingRow.unit_id == Unit.id)
        .where(Alert.state != "resolved", scope.units(FindingRow.unit_id))
        .group_by(Unit.name)
        .order_by(func.count(Alert.id).desc())
    ).all()
    return [(name, count, deadline) for name, count, deadline in rows]


# -- accounts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountFilter:
    unit_id: int | None = None
    platform: str = ""
    status: str = ""
    text: str = ""


def accounts_query(scope: Scope, wanted: AccountFilter) -> Select:
    query = (
        select(Account, Unit.name)
        .join(Unit, Account.unit_id == Unit.id)
        .where(scope.units(Account.unit_id))
    )
    if wanted.unit_id is not None:
        query = query.where(Account.unit_id == wanted.unit_id)
    if wanted.platform:
        query = query.where(Account.platform == wanted.platform)
    if wanted.status:
        query = query.where(Account.status == wanted.status)
    if wanted.text:
        query = query.where(Account.name.contains(wanted.text))
    return query.order_by(Unit.name, Account.platform, Account.name, Account.id)


def account(session: Session, scope: Scope, account_id: int) -> Account | None:
    return session.scalars(
        select(Account).where(Account.id == account_id, scope.units(Account.unit_id))
    ).first()


def account_posts(session: Session, account_id: int, limit: int = 20) -> Sequence[Post]:
    return session.scalars(
        select(Post)
        .where(Post.account_id == account_id)
        .order_by(Post.published_at.desc().nulls_last(), Post.id.desc())
        .limit(limit)
    ).all()


def account_comments(session: Session, account_id: int, limit: int = 20) -> Sequence[Comment]:
    return session.scalars(
        select(Comment)
        .join(Post, Comment.post_id == Post.id)
        .where(Post.account_id == account_id)
        .order_by(Comment.created_at.desc().nulls_last(), Comment.id.desc())
        .limit(limit)
    ).all()


def posts_per_day(
    session: Session, account_id: int, since: dt.datetime
) -> list[tuple[dt.date, int]]:
    """Posts per day since ``since`` (the account page's activity chart)."""
    stamps = session.scalars(
        select(Post.published_at).where(Post.account_id == account_id, Post.published_at >= since)
    ).all()
    counts: dict[dt.date, int] = {}
    for stamp in stamps:
        if stamp is not None:
            counts[stamp.date()] = counts.get(stamp.date(), 0) + 1
    return sorted(counts.items())


def account_findings(session: Session, account_id: int) -> Sequence[FindingRow]:
    return session.scalars(
        select(FindingRow)
        .where(FindingRow.account_id == account_id)
        .order_by(FindingRow.state, FindingRow.last_seen.desc())
        .limit(50)
    ).all()


def failing_accounts(session: Session, scope: Scope) -> list[tuple[Account, str]]:
    rows = session.execute(
        select(Account, Unit.name)
        .join(Unit, Account.unit_id == Unit.id)
        .where(Account.failing_since.is_not(None), scope.units(Account.unit_id))
        .order_by(Account.failing_since)
    ).all()
    return [(a, unit) for a, unit in rows]


# -- digests ---------------------------------------------------------------------------------


def digests_query(scope: Scope) -> Select:
    return (
        select(Digest).where(scope.units(Digest.unit_id)).order_by(Digest.week.desc(), Digest.scope)
    )


def digest(session: Session, scope: Scope, digest_id: int) -> Digest | None:
    return session.scalars(
        select(Digest).where(Digest.id == digest_id, scope.units(Digest.unit_id))
    ).first()


# -- audit -----------------------------------------------------------------------------------


def recent_audit(session: Session, scope: Scope, limit: int = 20) -> Sequence[AuditEntry]:
    return session.scalars(
        select(AuditEntry)
        .where(scope.units(AuditEntry.unit_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ).all()


def week_counts(session: Session, scope: Scope, since: dt.datetime) -> dict[str, int]:
    """This week's key numbers within the scope: posts, comments, new findings, open alerts."""
    posts_query = select(func.count(Post.id)).where(Post.published_at >= since)
    comments_query = select(func.count(Comment.id)).where(Comment.created_at >= since)
    if scope.unit_ids is not None:  # an admin counts everything: no join needed
        in_scope = select(Account.id).where(scope.units(Account.unit_id))
        posts_query = posts_query.where(Post.account_id.in_(in_scope))
        comments_query = comments_query.join(Post, Comment.post_id == Post.id).where(
            Post.account_id.in_(in_scope)
        )
    posts = session.scalar(posts_query)
    comments = session.scalar(comments_query)
    new_findings = session.scalar(
        select(func.count(FindingRow.id)).where(
            FindingRow.first_seen >= since, scope.units(FindingRow.unit_id)
        )
    )
    open_alerts = session.scalar(
        select(func.count(Alert.id))
        .join(FindingRow, Alert.finding_id == FindingRow.id)
        .where(Alert.state != "resolved", scope.units(FindingRow.unit_id))
    )
    return {
        "posts": posts or 0,
        "comments": comments or 0,
        "new_findings": new_findings or 0,
        "open_alerts": open_alerts or 0,
    }


def comment_text_in_scope(session: Session, scope: Scope, text_hash: str) -> str | None:
    """A public comment's text by its hash, if some comment with it is within the scope."""
    return session.scalars(
        select(Comment.text)
        .join(Post, Comment.post_id == Post.id)
        .join(Account, Post.account_id == Account.id)
        .where(Comment.text_hash == text_hash, scope.units(Account.unit_id))
        .limit(1)
    ).first()


@dataclass(frozen=True)
class Thread:
    post: Post
    comments: list[Comment]  # the question's thread: its top comment and the replies under it
    question_id: int


def question_thread(session: Session, row: FindingRow) -> Thread | None:
    """The post and the comment thread of a question finding (subject ``platform:comment_id``);
    the finding itself was already read through the scope."""
    if row.subject_type != "comment":
        return None
    platform, _, comment_id = row.subject_key.partition(":")
    question = session.scalars(
        select(Comment).where(
            Comment.platform == platform, Comment.platform_comment_id == comment_id
        )
    ).first()
    if question is None:
        return None
    post = session.get(Post, question.post_id)
    if post is None:
        return None
    root = question.root_platform_id or question.platform_comment_id
    comments = session.scalars(
        select(Comment)
        .where(
            Comment.post_id == question.post_id,
            or_(Comment.platform_comment_id == root, Comment.root_platform_id == root),
        )
        .order_by(Comment.created_at.asc().nulls_first(), Comment.id)
        .limit(200)
    ).all()
    return Thread(post, list(comments), question.id)


def sentiment_counts(
    session: Session, account_id: int, engine_name: str, since: dt.datetime
) -> dict[str, int]:
    """Public comments since ``since`` by the sentiment label `govmon analyze` stored for them
    (the current engine's score cache); comments not scored yet are not counted."""
    rows = session.execute(
        select(AnalysisCache.label, func.count(Comment.id))
        .join(Post, Comment.post_id == Post.id)
        .join(
            AnalysisCache,
            (AnalysisCache.text_hash == Comment.text_hash) & (AnalysisCache.engine == engine_name),
        )
        .where(
            Post.account_id == account_id,
            Comment.is_official.is_(False),
            Comment.created_at >= since,
        )
        .group_by(AnalysisCache.label)
    ).all()
    return {label: count for label, count in rows}


def cached_labels(session: Session, engine_name: str, hashes: Sequence[str]) -> dict[str, str]:
    rows = session.execute(
        select(AnalysisCache.text_hash, AnalysisCache.label).where(
            AnalysisCache.engine == engine_name, AnalysisCache.text_hash.in_(list(set(hashes)))
        )
    ).all()
    return {h: label for h, label in rows}
