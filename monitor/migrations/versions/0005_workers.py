"""workers: procrastinate's tables (PostgreSQL), shared host pacing and bot sends

Revision ID: 0005_workers
Revises: 0004_text_results
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0005_workers"
down_revision = "0004_text_results"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "host_turns",
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("next_start", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("host"),
    )
    op.create_table(
        "host_slots",
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("lease_until", monitor.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("host", "slot"),
    )
    op.create_table(
        "bot_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("sent_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_bot_sends_key_sent", "bot_sends", ["key", "sent_at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        from monitor.workers.schema import create_queue_schema

        create_queue_schema(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        from monitor.workers.schema import drop_queue_schema

        drop_queue_schema(op.get_bind())
    op.drop_index("ix_bot_sends_key_sent", table_name="bot_sends")
    op.drop_table("bot_sends")
    op.drop_table("host_slots")
    op.drop_table("host_turns")
