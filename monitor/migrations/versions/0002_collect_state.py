"""collection runs record a 304 (not modified)

Revision ID: 0002_collect_state
Revises: 0001
Create Date: 2026-12-01 00:30:00

`govmon status` tells a run that found nothing for every account (an API that changed shape,
an empty mirror) from one whose feeds answered 304 Not Modified, which is a success.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_collect_state"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("collection_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("not_modified", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("collection_runs", schema=None) as batch_op:
        batch_op.drop_column("not_modified")
