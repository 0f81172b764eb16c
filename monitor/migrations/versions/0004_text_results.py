"""per-text analysis results and the last analysis run's state (incremental analyze)

Revision ID: 0004_text_results
Revises: 0003_web
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0004_text_results"
down_revision = "0003_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "text_results",
        sa.Column("scorer", sa.String(length=80), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("computed_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scorer", "text_hash"),
    )
    op.create_table(
        "analysis_state",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("inputs", sa.String(length=64), nullable=False),
        sa.Column("ran_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("analysis_state")
    op.drop_table("text_results")
