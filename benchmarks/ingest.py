"""Ingest benchmark: upsert 200,000 comments twice (all new, then all existing) through
govmon's storage, beside a plain SQLAlchemy Core executemany upsert of the same rows in the
same run. Target: govmon's path at least 0.8× the plain path's rows/s.

Rows/s are given by CPU time — this process's, plus on PostgreSQL that of the connection's
server backend when the server runs on this machine (read from /proc) — and by wall time.
The machine may be shared, so each path runs ``--repeat`` times (alternating which goes
first) and the best run of each is kept; the load average is stated.

    python benchmarks/ingest.py [--comments 200000] [--repeat 3] [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.dialects import postgresql, sqlite

from collectors.records import CommentRecord, PostRecord
from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import Account, Comment, Unit
from monitor.store.hashing import text_hash
from monitor.store.ingest import store_comments, store_posts

NOW = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)
POSTS = 2000


def fresh_engine(base_url: str | None, tmp: Path) -> Engine:
    if not base_url:
        engine = make_engine(f"sqlite:///{tmp / (uuid.uuid4().hex + '.db')}")
    else:
        schema = "bench_" + uuid.uuid4().hex[:8]
        admin = make_engine(base_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        sep = "&" if "?" in base_url else "?"
        engine = make_engine(f"{base_url}{sep}options=-csearch_path%3D{schema}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        unit_id = conn.execute(
            Unit.__table__.insert().values(
                name="u",
                emails=[],
                mobiles=[],
                short_name="",
                wecom_webhook="",
                phone="",
                head="",
                deputy="",
                editor="",
                department="",
                listed=True,
                created_at=NOW,
                updated_at=NOW,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(
            Account.__table__.insert().values(
                id=1,
                unit_id=unit_id,
                platform="weibo",
                platform_id="1",
                name="a",
                home_url="",
                feed_url="",
                entrusted=False,
                operator="",
                staff="",
                phone="",
                emails=[],
                superiors=[],
                status="active",
                cursor={},
                last_error_kind="",
                last_error="",
                consecutive_failures=0,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        posts = [
            PostRecord("weibo", f"p{i}", "u", NOW, published_at=NOW, text=f"帖子{i}")
            for i in range(POSTS)
        ]
        store_posts(conn, 1, posts, NOW)
    return engine


def make_comments(n: int) -> list[CommentRecord]:
    return [
        CommentRecord(
            "weibo",
            f"c{i}",
            f"p{i % POSTS}",
            "http://127.0.0.1/c",
            NOW,
            author_id=str(i % 5000),
            author_name=f"网友{i % 5000}",
            text=f"请问第{i}个路口什么时候恢复通行？",
            created_at=NOW,
            likes=i % 7,
        )
        for i in range(n)
    ]


def govmon_path(conn: Connection, comments: list[CommentRecord]) -> None:
    store_comments(conn, "weibo", comments, NOW)


def plain_path(conn: Connection, comments: list[CommentRecord]) -> None:
    """The reference: one Core executemany INSERT … ON CONFLICT DO UPDATE, post ids known."""
    post_ids = dict(conn.execute(text("SELECT platform_post_id, id FROM posts")).all())
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(Comment.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=["platform", "platform_comment_id"],
        set_={c: stmt.excluded[c] for c in ("text", "likes", "text_hash", "last_seen")},
    )
    rows = [
        {
            "post_id": post_ids[c.post_platform_id],
            "platform": c.platform,
            "platform_comment_id": c.platform_comment_id,
            "parent_platform_id": "",
            "root_platform_id": "",
            "author_id": c.author_id,
            "author_name": c.author_name,
            "text": c.text,
            "created_at": c.created_at,
            "is_official": False,
            "liked_by_author": False,
            "likes": c.likes,
            "text_hash": text_hash(c.text),
            "fetched_url": c.fetched_url,
            "first_seen": NOW,
            "last_seen": NOW,
        }
        for c in comments
    ]
    conn.execute(stmt, rows)


PATHS: dict[str, Callable[[Connection, list[CommentRecord]], None]] = {
    "govmon": govmon_path,
    "plain Core executemany": plain_path,
}


def backend_cpu(conn: Connection) -> Callable[[], float | None]:
    """CPU seconds used so far by this connection's PostgreSQL backend process, read from
    /proc when the server runs on this machine; None elsewhere (and for SQLite, whose work is
    done in this process and counted in its CPU time)."""
    if conn.dialect.name != "postgresql":
        return lambda: None
    pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    stat = Path(f"/proc/{pid}/stat")
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float | None:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    return read


@dataclass(frozen=True)
class Cost:
    wall: float
    cpu: float  # this process (for SQLite: all of the work)
    database: float | None  # the PostgreSQL backend, when it can be read

    @property
    def total_cpu(self) -> float:
        return self.cpu + (self.database or 0.0)


def measure(engine: Engine, path: str, comments: list[CommentRecord]) -> Cost:
    with engine.begin() as conn:
        database = backend_cpu(conn)
        db_before = database()
        wall, cpu = time.perf_counter(), time.process_time()
        PATHS[path](conn, comments)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        db_after = database()
    used = None if db_before is None or db_after is None else db_after - db_before
    return Cost(wall, cpu, used)


def best(costs: list[Cost]) -> Cost:
    """The least disturbed of the repeats (the machine is shared)."""
    return Cost(
        min(c.wall for c in costs),
        min(c.cpu for c in costs),
        None if costs[0].database is None else min(c.database or 0.0 for c in costs),
    )


def load() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each path; best kept")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default SQLite)")
    args = parser.parse_args()
    comments = make_comments(args.comments)
    load_before = load()
    costs: dict[tuple[str, str], list[Cost]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for repeat in range(args.repeat):
            order = list(PATHS) if repeat % 2 == 0 else list(reversed(PATHS))
            for path in order:  # alternated, so neither path always runs on a warmer machine
                engine = fresh_engine(args.database_url, Path(tmp))
                for phase in ("all new", "all existing"):
                    costs.setdefault((path, phase), []).append(measure(engine, path, comments))
                engine.dispose()
    results = {key: best(value) for key, value in costs.items()}
    backend = "PostgreSQL" if args.database_url else "SQLite"
    with_db = all(c.database is not None for c in results.values())
    print(
        f"ingest benchmark: {args.comments:,} comments on {backend}, best of {args.repeat} runs; "
        f"{os.cpu_count()} CPUs, load average {load_before} before, {load()} after"
    )
    cpu_name = "CPU (this process + database backend)" if with_db else "CPU (this process)"
    if args.database_url and not with_db:
        cpu_name += " — the database server's CPU could not be read: compare wall times"
    print(f"rows/s by {cpu_name}, and by wall time:")
    print(
        f"{'path':<24}{'new, CPU':>12}{'new, wall':>12}{'existing, CPU':>16}{'existing, wall':>16}"
    )
    for path in PATHS:
        new, existing = results[(path, "all new")], results[(path, "all existing")]
        print(
            f"{path:<24}{args.comments / new.total_cpu:>12,.0f}{args.comments / new.wall:>12,.0f}"
            f"{args.comments / existing.total_cpu:>16,.0f}{args.comments / existing.wall:>16,.0f}"
        )
    ratios = []
    for phase in ("all new", "all existing"):
        ours, plain = results[("govmon", phase)], results[("plain Core executemany", phase)]
        ratios.append(
            f"{phase} {plain.total_cpu / ours.total_cpu:.2f}× by CPU"
            f" ({plain.wall / ours.wall:.2f}× by wall)"
        )
    print(f"ratio govmon/plain rows/s: {'; '.join(ratios)} (target ≥ 0.8×)")
    if args.database_url and with_db:
        for path in PATHS:
            new, existing = results[(path, "all new")], results[(path, "all existing")]
            print(
                f"  {path}: database backend CPU {new.database:.2f} s new,"
                f" {existing.database:.2f} s existing; this process {new.cpu:.2f} s,"
                f" {existing.cpu:.2f} s"
            )


if __name__ == "__main__":
    main()
