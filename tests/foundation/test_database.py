"""The database: migrations (also from an installed wheel), version checks, UTC, SQLite pragmas."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import Account, Base, Unit
from monitor.errors import DatabaseVersionError
from monitor.workers.schema import is_queue_table

ROOT = Path(__file__).parents[2]


def test_migrations_create_every_table(db_engine: Engine) -> None:
    tables = set(inspect(db_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    migrate.check(db_engine)  # up to date: no error


def test_the_head_the_code_checks_against_is_alembics(db_engine: Engine) -> None:
    """A new migration must also move ``migrate.HEAD`` (every command's quick check)."""
    assert migrate.head_revision(db_engine) == migrate.HEAD


def test_an_up_to_date_database_is_checked_without_alembic(tmp_path: Path) -> None:
    """Every command checks the schema; on an up-to-date database that reads one row, and
    alembic (a fifth of a second of each command's start) is not imported."""
    url = f"sqlite:///{tmp_path / 'db.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    code = (
        "import sys; from monitor.db import migrate; from monitor.db.engine import make_engine; "
        f"migrate.check(make_engine({url!r})); print('alembic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_migrations_match_the_models(db_engine: Engine) -> None:
    """A model changed without a migration is caught here."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with db_engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "include_name": lambda name, type_, _parents: (
                    not (type_ == "table" and is_queue_table(name))
                )
            },
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_timestamps_round_trip_as_aware_utc(db_sessions: sessionmaker[Session]) -> None:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    with db_sessions() as session:
        unit = Unit(name="省交通运输厅", created_at=dt.datetime(2026, 3, 5, 9, 0, tzinfo=shanghai))
        session.add(unit)
        session.commit()
    with db_sessions() as session:
        stored = session.scalars(select(Unit)).one()
        assert stored.created_at == dt.datetime(2026, 3, 5, 1, 0, tzinfo=dt.UTC)
        assert stored.created_at.tzinfo is not None


def test_naive_timestamps_are_refused(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions() as session:
        session.add(Unit(name="x", created_at=dt.datetime(2026, 1, 1)))
        with pytest.raises(Exception, match="naive datetime"):
            session.commit()


def test_foreign_keys_enforced(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions() as session:
        session.add(Account(unit_id=999, platform="weibo", platform_id="1", name="x"))
        with pytest.raises(Exception, match=r"(?i)foreign key"):
            session.commit()


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_uninitialised_database_is_a_clear_message(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(DatabaseVersionError, match=r"尚未初始化.*govmon init"):
        migrate.check(engine)


def test_newer_database_is_refused(db_engine: Engine) -> None:
    with db_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff9999'"))
    with pytest.raises(DatabaseVersionError, match="较新版本的 govmon"):
        migrate.check(db_engine)
    with pytest.raises(DatabaseVersionError, match="较新版本的 govmon"):
        migrate.upgrade(db_engine)


def test_older_database_asks_for_upgrade(
    db_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = migrate.current_revision(db_engine)
    monkeypatch.setattr(migrate, "HEAD", "9999_future")
    monkeypatch.setattr(migrate, "head_revision", lambda _engine: "9999_future")
    monkeypatch.setattr(migrate, "_known_revisions", lambda _engine: {current, "9999_future"})
    with pytest.raises(DatabaseVersionError, match=r"较旧.*govmon init"):
        migrate.check(db_engine)


def test_commands_check_the_schema(
    write_settings: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    path = write_settings()
    result = run_cli("accounts", "list", "--config", path)
    assert result.exit_code != 0
    assert "govmon init" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_creates_settings_and_database_then_is_idempotent(
    tmp_path: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    first = run_cli("init")
    assert first.exit_code == 0, first.output
    assert (tmp_path / "config" / "settings.toml").exists()
    assert (tmp_path / "data" / "govmon.db").exists()
    assert "已创建数据库" in first.output
    second = run_cli("init")
    assert second.exit_code == 0
    assert "已存在" in second.output and "已是最新" in second.output


@pytest.mark.slow
def test_migrations_work_from_an_installed_wheel(tmp_path: Path) -> None:
    """Build the wheel, unpack it away from the source tree and migrate from there."""
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("govmon-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "monitor/migrations/env.py" in names
    assert "monitor/migrations/script.py.mako" in names
    assert any(n.startswith("monitor/migrations/versions/0001") for n in names)
    assert "monitor/defaults/settings.example.toml" in names
    assert "monitor/defaults/accounts.example.csv" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import monitor, sys;"
        "assert monitor.__file__.startswith(sys.argv[1]), monitor.__file__;"
        "from monitor.db.engine import make_engine;"
        "from monitor.db import migrate;"
        "e = make_engine('sqlite:///w.db'); print(migrate.upgrade(e)); migrate.check(e);"
        "print(migrate.head_revision(e))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(site)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    # Upgraded from nothing to the newest revision (whichever that is once revisions chain).
    head = migrate.head_revision(make_engine("sqlite://"))
    assert f"(None, {head!r})" in run.stdout
