"""One daemon per database: a lock the kernel (or the database server) releases when the
process dies, so a crashed daemon never leaves it stuck.

SQLite: ``fcntl.flock`` on a file beside the database (``govmon.db.daemon.lock``), holding the
owner's PID for the message. PostgreSQL: a session-level ``pg_try_advisory_lock`` on a
connection kept open for the daemon's life. ``daemon.lock_file`` forces a file lock anywhere.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from monitor.errors import GovmonError
from monitor.settings import Settings

# A fixed positive 63-bit key for pg_advisory_lock, derived from a name (advisory locks are per database).
ADVISORY_KEY = (
    int.from_bytes(hashlib.sha256(b"govmon-daemon").digest()[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF
)
# A health check (`govmon status`) probes the lock for an instant; retry over this window so
# that probe never refuses a daemon starting at the same moment.
_ACQUIRE_WINDOW_SECONDS = 1.0


class DaemonAlreadyRunning(GovmonError):
    pass


def lock_path(settings: Settings) -> Path | None:
    """The lock file for this database, or None when PostgreSQL's advisory lock is used."""
    if settings.daemon.lock_file:
        return Path(settings.daemon.lock_file)
    url = make_url(settings.database_url())
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if not database or database == ":memory:":
        return Path(settings.general.data_dir) / "govmon.daemon.lock"
    return Path(database + ".daemon.lock")


def _refusal(where: str, holder: str) -> DaemonAlreadyRunning:
    who = f"（进程 {holder}）" if holder else ""
    return DaemonAlreadyRunning(
        f"另一个 govmon run 已在使用数据库 {where}{who}：同一数据库只能运行一个后台服务。"
        "如需重启，请先停止正在运行的那个（systemctl stop govmon 或向它发送 SIGTERM）"
    )


@contextmanager
def file_lock(path: Path, where: str) -> Iterator[None]:
    """Hold an exclusive flock on ``path``; refuse at once when another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + _ACQUIRE_WINDOW_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    raise _refusal(where, holder) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield
        finally:
            # The file stays (removing it would race with a daemon starting); the lock goes.
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def file_lock_holder(path: Path) -> str | None:
    """The PID in a held lock file, "" when held with no PID written, None when not held.

    Probes with a shared lock for an instant (released at once)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


@contextmanager
def advisory_lock(engine: Engine, where: str) -> Iterator[Connection]:
    """PostgreSQL: hold a session advisory lock on a dedicated connection."""
    conn = engine.connect()
    try:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
        conn.commit()
        if not got:
            holder = conn.execute(
                text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND ((classid::bigint << 32) | objid::bigint) = :k LIMIT 1"
                ),
                {"k": ADVISORY_KEY},
            ).scalar()
            raise _refusal(where, f"PostgreSQL 会话 {holder}" if holder else "")
        try:
            yield conn
        finally:
            with contextlib.suppress(Exception):
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                conn.commit()
    finally:
        conn.close()


@contextmanager
def daemon_lock(settings: Settings, engine: Engine) -> Iterator[str]:
    """Hold the daemon lock for this database; yields a description of the lock for the log."""
    where = make_url(settings.database_url()).render_as_string(hide_password=True)
    path = lock_path(settings)
    if path is None:
        with advisory_lock(engine, where):
            yield f"PostgreSQL advisory lock {ADVISORY_KEY}"
    else:
        with file_lock(path, where):
            yield str(path)
