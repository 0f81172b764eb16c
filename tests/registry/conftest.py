"""Fixtures for the registry tests: a session on the shared ``db_engine`` (tests/conftest.py:
SQLite, and PostgreSQL when configured), files to import, the CLI on tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from testkit.registry import HEADERS, ROWS, Govmon, csv_text

from monitor.db.engine import make_sessionmaker


@pytest.fixture
def session(db_engine: Engine) -> Iterator[Session]:
    with make_sessionmaker(db_engine)() as session:
        yield session


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(
        rows: Sequence[Sequence[object]] = ROWS,
        headers: Sequence[str] = HEADERS,
        *,
        name: str = "登记表.csv",
        encoding: str = "utf-8",
    ) -> Path:
        path = tmp_path / name
        path.write_bytes(csv_text(headers, rows).encode(encoding))
        return path

    return write


@pytest.fixture
def govmon(tmp_path: Path) -> Govmon:
    app = Govmon(tmp_path)
    result = app("init")
    assert result.exit_code == 0, result.output
    return app
