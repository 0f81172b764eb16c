"""findings: a fingerprint of the saved values, and last_seen kept once per rule for the
findings the latest complete analysis found again (finding_sweeps), so that an analysis
rewrites only the findings that changed

Revision ID: 0006_finding_fingerprints
Revises: 0005_workers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision = "0006_finding_fingerprints"
down_revision = "0005_workers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finding_sweeps",
        sa.Column("rule", sa.String(length=60), nullable=False),
        sa.Column("swept_at", monitor.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("rule"),
    )
    # Existing rows: no fingerprint (the next analysis writes each once), last_seen as stored.
    with op.batch_alter_table("findings") as batch:
        batch.add_column(
            sa.Column("seen_in_sweep", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("fingerprint", sa.String(length=40), server_default="", nullable=False)
        )


def downgrade() -> None:
    op.execute(  # the time kept per rule back into each row
        "UPDATE findings SET last_seen = (SELECT swept_at FROM finding_sweeps"
        " WHERE finding_sweeps.rule = findings.rule) WHERE seen_in_sweep"
        " AND rule IN (SELECT rule FROM finding_sweeps)"
    )
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("fingerprint")
        batch.drop_column("seen_in_sweep")
    op.drop_table("finding_sweeps")
