"""procrastinate's tables, created by `govmon init` through the project's migrations.

The SQL is the schema file of the installed procrastinate release, run as it ships; a later
procrastinate release that changes it comes with a govmon migration that applies its
migration files. SQLite has no queue: the worker engine needs PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import Connection

from monitor.errors import GovmonError

QUEUE_TABLES = (
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)


def is_queue_table(name: str | None) -> bool:
    """procrastinate's own objects, which the models do not describe (migration checks skip them)."""
    return bool(name) and str(name).startswith("procrastinate_")


def _schema_sql() -> str:
    try:
        from procrastinate.schema import SchemaManager
    except ModuleNotFoundError:
        raise GovmonError(
            "PostgreSQL 数据库需要 procrastinate（任务队列）：请安装 pip install 'govmon[postgres]'"
        ) from None
    return str(SchemaManager.get_schema())


def create_queue_schema(connection: Connection) -> None:
    # Run through the driver without parameters, so the '%' in procrastinate's functions are
    # not read as placeholders.
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_schema_sql())
    finally:
        cursor.close()


def drop_queue_schema(connection: Connection) -> None:
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for table in QUEUE_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
        for kind in ("procrastinate_job_status", "procrastinate_job_event_type"):
            cursor.execute(f"DROP TYPE IF EXISTS {kind} CASCADE")
    finally:
        cursor.close()
