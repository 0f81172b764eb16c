"""Opening the database: SQLite (WAL, foreign keys on) by default, PostgreSQL by URL."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from monitor.errors import GovmonError
from monitor.logging_setup import SQL_ECHO_LOGGER


def make_engine(url: str, *, echo: bool = False) -> Engine:
    parsed = make_url(url)
    # SQLAlchemy's own echo handler prints to stdout, where it would mix with a command's
    # results (`govmon findings --format json | …`). `database.echo` raises the level of its
    # logger instead: the statements reach the log file and, through logging_setup, stderr.
    logging.getLogger(SQL_ECHO_LOGGER).setLevel(logging.INFO if echo else logging.WARNING)
    kwargs: dict[str, Any] = {"echo": False, "future": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # Several threads (the daemon's scheduler, the progress bar) may touch the engine;
        # SQLite connections are pooled per thread and wait for locks rather than fail.
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except ModuleNotFoundError as exc:
        raise GovmonError(
            f"无法连接数据库：缺少驱动 {exc.name}"
            "（PostgreSQL 请安装 pip install 'govmon[postgres]'）"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
