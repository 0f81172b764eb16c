"""comments: when a full re-read no longer returned a comment (deleted on the platform)

Revision ID: 0002_comment_seen
Revises: 0002_collect_state
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0002_comment_seen"
down_revision = "0002_collect_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.add_column(
            sa.Column("deleted_at", monitor.db.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("deleted_at")
