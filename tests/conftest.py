"""Shared fixtures: one parametrised database (SQLite always; PostgreSQL too when
GOVMON_TEST_DATABASE_URL is set), settings files in a temporary folder, and the CLI runner."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import migrate
from monitor.db.engine import make_engine, make_sessionmaker

PG_URL = os.environ.get("GOVMON_TEST_DATABASE_URL", "")

BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])


def _postgres_schema_url(schema: str) -> str:
    url = make_url(PG_URL)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'govmon.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _postgres_schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    """An engine on a fresh database migrated to the newest revision."""
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db_sessions(db_engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(db_engine)


@pytest.fixture
def write_settings(tmp_path: Path) -> Callable[..., Path]:
    """Write a settings.toml under tmp_path whose data_dir is tmp_path/data; extra TOML text is
    appended as given."""

    def write(extra: str = "", *, db_url: str | None = None, name: str = "settings.toml") -> Path:
        data = tmp_path / "data"
        lines = [
            "[general]",
            f'data_dir = "{data.as_posix()}"',
            f'log_file = "{(data / "govmon.log").as_posix()}"',
        ]
        if db_url:
            lines += ["[database]", f'url = "{db_url}"']
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
        return path

    return write


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    """Invoke `govmon ARGS…` in-process; the result has exit_code, stdout and stderr."""
    from monitor.cli.main import cli

    def run(*args: str | os.PathLike[str], env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)

    return run
