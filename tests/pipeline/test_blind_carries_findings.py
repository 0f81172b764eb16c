"""STYLE 18 over time: when collection of an account starts failing, what govmon concluded
from its silence is carried as it was. A long-silent account is not announced 已解决 because
govmon stopped reading it, and a question's deadline passing unseen does not make it overdue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, select
from testkit.one_account import one_weibo_account

from collectors.records import CommentRecord, PostRecord
from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import Account, FindingRow
from monitor.pipeline.analyze import analyze
from monitor.settings import settings_from_dict
from monitor.store.ingest import store_comments, store_posts

# Thursday 2026-11-26 10:00 in Shanghai.
SEEN = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
LATER = SEEN + dt.timedelta(days=5)  # Tuesday: the question would be overdue by then
STALE = "stale_account:weibo:1"
QUESTION = "unanswered_question:weibo:q1"


def _database(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        one_weibo_account(conn)
        post = PostRecord(
            "weibo",
            "p1",
            "https://m.weibo.cn/",
            SEEN,
            published_at=SEEN - dt.timedelta(days=20),
            text="【通告】G25宁安段施工",
        )
        store_posts(conn, 1, [post], SEEN)
        question = CommentRecord(
            "weibo",
            "q1",
            "p1",
            "https://m.weibo.cn/",
            SEEN,
            author_id="42",
            author_name="网友",
            text="请问G25宁安段什么时候恢复通行？",
            created_at=SEEN - dt.timedelta(hours=1),
        )
        store_comments(conn, "weibo", [question], SEEN)
        conn.execute(Account.__table__.update().values(last_collected_at=SEEN))
    return engine


def _findings(engine: Engine) -> dict[str, tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(FindingRow.dedup_key, FindingRow.state, FindingRow.severity))
        return {key: (state, severity) for key, state, severity in rows}


def test_a_silent_account_that_can_no_longer_be_read_is_not_announced_solved(
    tmp_path: Path,
) -> None:
    settings = settings_from_dict({"digest": {"out_dir": str(tmp_path / "digests")}})
    engine = _database(tmp_path / "db.db")
    analyze(engine, settings, clock=lambda: SEEN)
    seen = _findings(engine)
    assert seen[STALE] == ("open", "warning")  # 20 days without a post, while read
    assert QUESTION not in seen  # asked an hour ago: not due

    with engine.begin() as conn:  # every collection since has failed
        conn.execute(
            Account.__table__.update().values(
                consecutive_failures=6,
                failing_since=SEEN + dt.timedelta(hours=1),
                last_error_kind="network",
                last_error="无法连接 m.weibo.cn",
            )
        )
    summary = analyze(engine, settings, clock=lambda: LATER)
    later = _findings(engine)
    assert later[STALE] == ("open", "warning")  # carried: neither resolved nor escalated
    assert QUESTION not in later  # its deadline passed unseen: no 逾期未答复
    assert summary.resolved == 0
    engine.dispose()
