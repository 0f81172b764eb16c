"""Alembic migrations shipped inside the package: create, upgrade and check the schema."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from monitor.errors import DatabaseVersionError

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision (tests/foundation checks it is alembic's head): every command checks the
# database against it, and reading one row is all that check needs when they agree — alembic
# is imported only when they do not (a fifth of a second of each command's start).
HEAD = "0006_finding_fingerprints"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    # Resolved through the package, so it works from an installed wheel too.
    config.set_main_option("script_location", str(Path(str(files("monitor.migrations")))))
    config.attributes["engine"] = engine
    return config


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Create or upgrade the schema to the newest revision; returns (before, after)."""
    before = current_revision(engine)
    known = _known_revisions(engine)
    if before is not None and before not in known:
        raise _newer_error(before)
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
    return before, head_revision(engine)


def check(engine: Engine) -> None:
    """Refuse to work on a database that is absent, older or newer than this code."""
    if _stored_revision(engine) == HEAD:
        return
    current = current_revision(engine)
    head = head_revision(engine)
    if current == head:
        return
    if current is None:
        if inspect(engine).has_table("accounts"):
            raise DatabaseVersionError(
                "数据库缺少版本标记，无法确认其结构；请备份后重新运行 govmon init"
            )
        raise DatabaseVersionError("数据库尚未初始化：请先运行 govmon init")
    if current not in _known_revisions(engine):
        raise _newer_error(current)
    raise DatabaseVersionError(
        f"数据库结构较旧（版本 {current}，程序需要 {head}）：请运行 govmon init 升级数据库"
    )


def _stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, read without alembic (None when unreadable)."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no such table: check() says what is wrong
        return None


def _known_revisions(engine: Engine) -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine))
    return {rev.revision for rev in script.walk_revisions()}


def _newer_error(revision: str) -> DatabaseVersionError:
    return DatabaseVersionError(
        f"数据库由较新版本的 govmon 创建（版本 {revision}，本程序不认识）：请升级 govmon 后再运行"
    )
