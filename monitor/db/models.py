"""The database tables (SQLAlchemy 2 typed models). Timestamps are timezone-aware UTC.

Changing a table means a new Alembic revision in monitor/migrations/versions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, relationship
from sqlalchemy.sql import ColumnElement

from monitor.db.types import UTCDateTime


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
        list[str]: JSON,
    }


class Unit(Base):
    """A unit (厅 → 厅直单位 → 下属单位) and its named people (第七条) and contacts."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(100), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    emails: Mapped[list[str]] = mapped_column(default=list)
    wecom_webhook: Mapped[str] = mapped_column(Text, default="")
    mobiles: Mapped[list[str]] = mapped_column(default=list)
    phone: Mapped[str] = mapped_column(String(100), default="")
    head: Mapped[str] = mapped_column(String(100), default="")  # 主要负责人
    deputy: Mapped[str] = mapped_column(String(100), default="")  # 分管负责人
    editor: Mapped[str] = mapped_column(String(100), default="")  # 总编辑
    department: Mapped[str] = mapped_column(String(200), default="")  # 管理部门
    listed: Mapped[bool] = mapped_column(Boolean, default=True)  # False: only named as a parent
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")
    accounts: Mapped[list[Account]] = relationship(back_populates="unit")


class Account(Base):
    """One account on one platform (备注3), as filed in the 备案登记表."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("platform", "platform_id", name="uq_accounts_platform_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    platform_id: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(200))
    home_url: Mapped[str] = mapped_column(Text, default="")
    feed_url: Mapped[str] = mapped_column(Text, default="")
    opened_on: Mapped[dt.date | None] = mapped_column(Date)
    filed_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    closure_filed_on: Mapped[dt.date | None] = mapped_column(Date)
    entrusted: Mapped[bool] = mapped_column(Boolean, default=False)  # 是否委托运营
    operator: Mapped[str] = mapped_column(String(200), default="")  # 实际运营单位
    staff: Mapped[str] = mapped_column(String(200), default="")  # 工作人员
    phone: Mapped[str] = mapped_column(String(100), default="")
    emails: Mapped[list[str]] = mapped_column(default=list)
    superiors: Mapped[list[str]] = mapped_column(default=list)  # ["weibo:123", ...]
    status: Mapped[str] = mapped_column(String(20), default="active")  # active, closed, gone
    # collection state
    cursor: Mapped[dict[str, Any]] = mapped_column(default=dict)  # etag, last_modified, ...
    last_collected_at: Mapped[dt.datetime | None]
    next_due_at: Mapped[dt.datetime | None]
    last_error_kind: Mapped[str] = mapped_column(String(40), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    failing_since: Mapped[dt.datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship(back_populates="accounts")

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.platform_id}"


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("platform", "platform_post_id", name="uq_posts_platform_id"),
        Index("ix_posts_account_published", "account_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    platform_post_id: Mapped[str] = mapped_column(String(300))
    published_at: Mapped[dt.datetime | None]
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    is_repost: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(Text, default="")  # credited source (来源/转自…)
    original_author: Mapped[str] = mapped_column(String(200), default="")
    original_post_id: Mapped[str] = mapped_column(String(300), default="")
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    reposts: Mapped[int] = mapped_column(BigInteger, default=0)
    comments_count: Mapped[int] = mapped_column(BigInteger, default=0)
    likes: Mapped[int] = mapped_column(BigInteger, default=0)
    reads: Mapped[int] = mapped_column(BigInteger, default=0)
    text_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    fetched_url: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        UniqueConstraint("platform", "platform_comment_id", name="uq_comments_platform_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    platform_comment_id: Mapped[str] = mapped_column(String(300))
    parent_platform_id: Mapped[str] = mapped_column(String(300), default="")  # "" = top level
    root_platform_id: Mapped[str] = mapped_column(String(300), default="")  # thread's top comment
    author_id: Mapped[str] = mapped_column(String(100), default="")
    author_name: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime | None]
    is_official: Mapped[bool] = mapped_column(Boolean, default=False)
    liked_by_author: Mapped[bool] = mapped_column(Boolean, default=False)
    likes: Mapped[int] = mapped_column(BigInteger, default=0)
    text_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    fetched_url: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set when a full re-read of its post no longer returned it (deleted on the platform);
    # cleared if it comes back. A deleted question is closed, a deleted reply answers nothing.
    deleted_at: Mapped[dt.datetime | None]


class AccountSnapshot(Base):
    """Followers and post totals, once a day per account (关注量 and its growth)."""

    __tablename__ = "account_snapshots"
    __table_args__ = (UniqueConstraint("account_id", "day", name="uq_snapshots_account_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    taken_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    followers: Mapped[int | None] = mapped_column(BigInteger)
    posts_total: Mapped[int | None] = mapped_column(BigInteger)
    name_seen: Mapped[str] = mapped_column(String(200), default="")


class FindingSweep(Base):
    """The time of the latest complete analysis of a rule: the ``last_seen`` of the findings
    it found again (``FindingRow.seen_in_sweep``)."""

    __tablename__ = "finding_sweeps"

    rule: Mapped[str] = mapped_column(String(60), primary_key=True)
    swept_at: Mapped[dt.datetime]


class FindingRow(Base):
    """A stored finding, one row per stable dedup key."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(500), unique=True)
    rule: Mapped[str] = mapped_column(String(60), index=True)
    article: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_key: Mapped[str] = mapped_column(String(500))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    severity: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    since: Mapped[dt.datetime | None]
    deadline: Mapped[dt.datetime | None]
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open, resolved
    first_seen: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # When the finding was last found. Stored in the row, except while ``seen_in_sweep`` (found
    # by the latest complete analysis of its rule): then it is that analysis' time, kept once
    # per rule in ``finding_sweeps``, so that a run does not rewrite every finding it found
    # again unchanged. Read and set it as ``last_seen``.
    stored_last_seen: Mapped[dt.datetime] = mapped_column("last_seen", default=utcnow)
    seen_in_sweep: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A hash of the values saving a finding writes (store/findings.py): unchanged, not written.
    fingerprint: Mapped[str] = mapped_column(String(40), default="", server_default="")
    resolved_at: Mapped[dt.datetime | None]
    swept_last_seen: Mapped[dt.datetime | None] = column_property(
        select(FindingSweep.swept_at)
        .where(FindingSweep.rule == rule, seen_in_sweep.is_(True))
        .correlate_except(FindingSweep)
        .scalar_subquery()
    )

    @hybrid_property
    def last_seen(self) -> dt.datetime:
        swept = self.swept_last_seen  # None until the row is flushed and read
        return swept if swept is not None else self.stored_last_seen

    @last_seen.inplace.setter
    def _last_seen_setter(self, value: dt.datetime) -> None:
        self.stored_last_seen = value
        self.seen_in_sweep = False

    @last_seen.inplace.expression
    @classmethod
    def _last_seen_expression(cls) -> ColumnElement[dt.datetime]:
        return func.coalesce(cls.swept_last_seen, cls.stored_last_seen)


class Alert(Base):
    """An alert opened once per finding; re-sent, escalated, acknowledged, resolved."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)
    severity: Mapped[str] = mapped_column(String(20))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_sent_at: Mapped[dt.datetime | None]
    send_count: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_at: Mapped[dt.datetime | None]
    acknowledged_by: Mapped[str] = mapped_column(String(100), default="")
    resolved_at: Mapped[dt.datetime | None]
    resolution_reported_at: Mapped[dt.datetime | None]

    finding: Mapped[FindingRow] = relationship()


class Delivery(Base):
    """The outbox: written before any attempt to send; nothing is lost when a channel is down.

    ``channel_ref`` names where the channel's URL comes from (settings or registry), never the
    URL itself, so that webhook keys and passwords do not reach the database.
    """

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # alert, resolution, digest, test
    channel_ref: Mapped[str] = mapped_column(String(300))
    channel_display: Mapped[str] = mapped_column(String(300), default="")  # masked
    recipient: Mapped[str] = mapped_column(String(300), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    alert_ids: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]


class CollectionRun(Base):
    __tablename__ = "collection_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    outcome: Mapped[str] = mapped_column(String(20), default="running")  # ok, failed, running
    error_kind: Mapped[str] = mapped_column(String(40), default="")
    error_text: Mapped[str] = mapped_column(Text, default="")
    requests: Mapped[int] = mapped_column(Integer, default=0)
    retries: Mapped[int] = mapped_column(Integer, default=0)
    posts_new: Mapped[int] = mapped_column(Integer, default=0)
    posts_seen: Mapped[int] = mapped_column(Integer, default=0)
    comments_new: Mapped[int] = mapped_column(Integer, default=0)
    comments_seen: Mapped[int] = mapped_column(Integer, default=0)
    # 304 Not Modified: nothing new, and rightly so (not "found nothing")
    not_modified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AnalysisCache(Base):
    """Expensive per-text results (sentiment…), keyed by engine and text hash."""

    __tablename__ = "analysis_cache"

    engine: Mapped[str] = mapped_column(String(100), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    label: Mapped[str] = mapped_column(String(20), default="")
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TextResult(Base):
    """What the rules computed for one text (question? matched words…), keyed by the scorer
    (kind and word lists' fingerprint) and text hash, so a fresh process does not recompute."""

    __tablename__ = "text_results"

    scorer: Mapped[str] = mapped_column(String(80), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    result: Mapped[list[Any]] = mapped_column(default=list)
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AnalysisState(Base):
    """The last complete `govmon analyze`: what its inputs were and until when its results
    hold without new data (the next deadline or clock hour), so a no-op run can skip."""

    __tablename__ = "analysis_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    inputs: Mapped[str] = mapped_column(String(64))
    ran_at: Mapped[dt.datetime]
    valid_until: Mapped[dt.datetime]
    rules: Mapped[list[str]] = mapped_column(default=list)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)  # counts the run reported


class JobRun(Base):
    """One run of a command or daemon job, for `govmon status`."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    outcome: Mapped[str] = mapped_column(String(20), default="running")
    summary: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")


class Digest(Base):
    """A built weekly digest (第二十二、二十六条), per unit or for the whole system."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("week", "scope", name="uq_digests_week_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(10))  # 2026-W48
    scope: Mapped[str] = mapped_column(String(200))  # "全系统" or a unit name
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    built_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    files: Mapped[dict[str, Any]] = mapped_column(default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)


class HostTurn(Base):
    """When the next request to a platform host may start, shared by every worker (the
    politeness interval across processes: monitor.workers.pacing)."""

    __tablename__ = "host_turns"

    host: Mapped[str] = mapped_column(String(255), primary_key=True)
    next_start: Mapped[dt.datetime]


class HostSlot(Base):
    """One of a host's concurrency slots, leased by a worker while its request is in flight;
    a lease that outlives a killed worker expires by itself."""

    __tablename__ = "host_slots"

    host: Mapped[str] = mapped_column(String(255), primary_key=True)
    slot: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    holder: Mapped[str] = mapped_column(String(200), default="")
    lease_until: Mapped[dt.datetime | None]


class BotSend(Base):
    """A message sent to a group bot, for the vendor's rate limit (WeCom: 20 a minute) across
    workers and runs. ``key`` identifies the bot by a hash, never by its webhook key."""

    __tablename__ = "bot_sends"
    __table_args__ = (Index("ix_bot_sends_key_sent", "key", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[dt.datetime]


# -- web console (issue 14) -------------------------------------------------------------------


class User(Base):
    """A person who signs in to the web console: admin (厅办公室), unit (its subtree), viewer."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))  # admin, unit, viewer
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    password_hash: Mapped[str] = mapped_column(Text)  # argon2
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]


class AuditEntry(Base):
    """Who did what to which object, when, and the object's state before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(20))  # finding, alert, account, user, …
    object_id: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str] = mapped_column(Text, default="")


class FindingClosure(Base):
    """A finding closed by a person (误报 or 已线下答复): its dedup key does not re-open it."""

    __tablename__ = "finding_closures"

    dedup_key: Mapped[str] = mapped_column(String(500), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # false_positive, answered_offline
    reason: Mapped[str] = mapped_column(Text)
    closed_by: Mapped[str] = mapped_column(String(100))
    closed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SentimentLabel(Base):
    """A comment's sentiment as a person labelled it; `govmon sentiment train` learns from it."""

    __tablename__ = "sentiment_labels"

    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[int] = mapped_column(Integer)  # 0 negative, 1 positive, 2 neutral
    labelled_by: Mapped[str] = mapped_column(String(100))
    labelled_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# The console's overview counts this week's comments (0003_web): without it, a full scan.
Index("ix_comments_created_at", Comment.created_at)
