"""Alembic environment: runs with the engine govmon hands it (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from monitor.db.models import Base
from monitor.workers.schema import is_queue_table

engine: Engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # procrastinate's tables belong to procrastinate's schema file, not to the models
        include_name=lambda name, type_, _parents: not (type_ == "table" and is_queue_table(name)),
    )
    with context.begin_transaction():
        context.run_migrations()
