"""STYLE 18 over time: when collection of an account starts failing, what govmon concluded
from its silence is carried as it was. A long-silent account is not announced 已解决 because
govmon stopped reading it, a question's deadline passing unseen does not make it overdue, and a
negative surge is not over because its comments are no longer read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, select
from testkit.one_account import one_weibo_account
from testkit.threads import thread

from collectors.records import CommentRecord, PostRecord
from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import Account, AnalysisCache, FindingRow
from monitor.pipeline.analyze import analyze
from monitor.settings import Settings, settings_from_dict
from monitor.store.ingest import store_comments, store_posts

# Thursday 2026-11-26 10:00 in Shanghai.
SEEN = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
LATER = SEEN + dt.timedelta(days=5)  # Tuesday: the question would be overdue by then
STALE = "stale_account:weibo:1"
QUESTION = "unanswered_question:weibo:q1"
WEEK = dt.timedelta(days=7)


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


def _failing_since_seen(engine: Engine, failures: int) -> None:
    """Every collection of the account since SEEN has failed."""
    with engine.begin() as conn:
        conn.execute(
            Account.__table__.update().values(
                consecutive_failures=failures,
                failing_since=SEEN + dt.timedelta(hours=1),
                last_error_kind="network",
                last_error="无法连接 m.weibo.cn",
            )
        )


def test_a_silent_account_that_can_no_longer_be_read_is_not_announced_solved(
    tmp_path: Path,
) -> None:
    settings = settings_from_dict({"digest": {"out_dir": str(tmp_path / "digests")}})
    engine = _database(tmp_path / "db.db")
    analyze(engine, settings, clock=lambda: SEEN)
    seen = _findings(engine)
    assert seen[STALE] == ("open", "warning")  # 20 days without a post, while read
    assert QUESTION not in seen  # asked an hour ago: not due

    _failing_since_seen(engine, failures=6)
    summary = analyze(engine, settings, clock=lambda: LATER)
    later = _findings(engine)
    assert later[STALE] == ("open", "warning")  # carried: neither resolved nor escalated
    assert QUESTION not in later  # its deadline passed unseen: no 逾期未答复
    assert summary.resolved == 0
    engine.dispose()


GOOD = "谢谢及时发布，辛苦了，工作人员好样的，点赞{}"
BAD = "太差了，又堵了三个小时，投诉没人管，气死了{}"
SURGE = "negative_surge:weibo:1"


def _surging(path: Path) -> tuple[Engine, Settings]:
    """Angry comments on yesterday's post against a calm baseline two weeks back, all scored
    and read at SEEN: a negative surge (第二十二条)."""
    engine = make_engine(f"sqlite:///{path / 'db.db'}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        one_weibo_account(conn)
    calm = thread(engine, "calm", SEEN - dt.timedelta(days=14), [GOOD.format(i) for i in range(25)])
    angry = thread(engine, "angry", SEEN - dt.timedelta(days=1), [BAD.format(i) for i in range(25)])
    with engine.begin() as conn:  # scored as the trained engine or snownlp would score them
        conn.execute(
            AnalysisCache.__table__.insert(),
            [
                {"engine": "snownlp-default", "text_hash": h, "score": score, "label": label}
                for hashes, score, label in ((calm, 0.9, "positive"), (angry, 0.05, "negative"))
                for h in hashes[1:]  # the comments (the first is the post)
            ],
        )
        conn.execute(Account.__table__.update().values(last_collected_at=SEEN))
    settings = settings_from_dict(
        {
            "general": {"data_dir": str(path / "data")},
            "digest": {"out_dir": str(path / "digests")},
            "sentiment": {"engine": "snownlp"},
            "topics": {"enabled": False},
            "rumours": {"enabled": False},
        }
    )
    analyze(engine, settings, clock=lambda: SEEN)
    assert _findings(engine)[SURGE] == ("open", "warning")
    return engine, settings


def test_a_negative_surge_is_not_over_because_govmon_stopped_reading_the_comments(
    tmp_path: Path,
) -> None:
    """A week later the angry post has left the rule's recent window. Read meanwhile, that
    means the surge is over; unread, govmon cannot tell, so the finding stays as it was."""
    (tmp_path / "read").mkdir()
    read, settings = _surging(tmp_path / "read")
    with read.begin() as conn:
        conn.execute(Account.__table__.update().values(last_collected_at=SEEN + WEEK))
    analyze(read, settings, clock=lambda: SEEN + WEEK)
    assert _findings(read)[SURGE][0] == "resolved"
    read.dispose()

    (tmp_path / "unread").mkdir()
    unread, settings = _surging(tmp_path / "unread")
    _failing_since_seen(unread, failures=40)
    summary = analyze(unread, settings, clock=lambda: SEEN + WEEK)
    assert _findings(unread)[SURGE] == ("open", "warning")
    assert summary.resolved == 0
    unread.dispose()
