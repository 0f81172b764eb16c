"""STYLE 18 over time: when collection of an account starts failing, what govmon concluded
from its silence is carried as it was. A long-silent account is not announced 已解决 because
govmon stopped reading it, a question's deadline passing unseen does not make it overdue, and a
negative surge or a hot topic is not over because its comments are no longer read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from testkit.one_account import one_weibo_account
from testkit.threads import thread

from collectors.records import CommentRecord, PostRecord
from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import Account, Alert, AnalysisCache, Delivery, FindingRow
from monitor.pipeline.alerts import run_check
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


TOPIC = "G25宁安段团雾封闭{}，什么时候恢复通行？已经堵了两个小时"


def _hot(path: Path, accounts: int) -> tuple[Engine, Settings]:
    """A burst of talk about one closure, on the posts of ``accounts`` accounts, in the last
    day before SEEN, all read at SEEN: a hot topic (第二十二条) naming them all."""
    engine = make_engine(f"sqlite:///{path / 'db.db'}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        unit = one_weibo_account(conn)
        for n in range(2, accounts + 1):
            conn.execute(
                Account.__table__.insert().values(
                    id=n, unit_id=unit, platform="weibo", platform_id=str(n), name=f"交通{n}"
                )
            )
    for n in range(1, accounts + 1):
        texts = [TOPIC.format(f"{n}-{i}") for i in range(12)]
        thread(engine, f"closure-{n}", SEEN - dt.timedelta(hours=6), texts, account=n)
    with engine.begin() as conn:
        conn.execute(Account.__table__.update().values(last_collected_at=SEEN))
    settings = settings_from_dict(
        {
            "general": {"data_dir": str(path / "data")},
            "digest": {"out_dir": str(path / "digests")},
            "sentiment": {"enabled": False},
            "rumours": {"enabled": False},
        }
    )
    analyze(engine, settings, clock=lambda: SEEN)
    hot = [key for key in _findings(engine) if key.startswith("hot_topic:")]
    assert len(hot) == 1
    return engine, settings


def _topic_state(engine: Engine) -> str:
    with engine.connect() as conn:
        return conn.execute(
            select(FindingRow.state).where(FindingRow.rule == "hot_topic")
        ).scalar_one()


def _read_again(engine: Engine, accounts: list[int], at: dt.datetime) -> None:
    with engine.begin() as conn:
        conn.execute(
            Account.__table__.update()
            .where(Account.id.in_(accounts))
            .values(last_collected_at=at, consecutive_failures=0, failing_since=None)
        )


@pytest.mark.parametrize(
    ("accounts", "read_again", "state"),
    [
        (1, [1], "resolved"),  # read meanwhile: the topic has cooled
        (1, [], "open"),  # unread: govmon cannot tell, the finding stays as it was
        (2, [2], "resolved"),  # from one account it names, govmon saw the talk fall
        (2, [], "open"),  # none of its accounts read: carried
    ],
)
def test_a_hot_topic_is_carried_only_while_none_of_its_accounts_can_be_read(
    accounts: int, read_again: list[int], state: str, tmp_path: Path
) -> None:
    """Three days on, the burst has left the 24-hour window; collection has failed since."""
    later = SEEN + dt.timedelta(days=3)
    engine, settings = _hot(tmp_path, accounts)
    _failing_since_seen(engine, failures=40)
    _read_again(engine, read_again, later)
    summary = analyze(engine, settings, clock=lambda: later)
    assert _topic_state(engine) == state
    if state == "open":
        assert summary.resolved == 0
    engine.dispose()


def test_the_alert_of_a_carried_hot_topic_is_neither_re_sent_nor_announced_solved(
    tmp_path: Path,
) -> None:
    """A topic naming two accounts, neither readable for a working week: its alert keeps its
    level and is not re-sent (every 3 working days otherwise), and no message says 已解决."""
    engine, settings = _hot(tmp_path, accounts=2)
    run_check(engine, settings, clock=lambda: SEEN)
    _failing_since_seen(engine, failures=40)
    for day in (1, 4, 5, 6, 7):  # Friday to Thursday, 10:00 in Shanghai
        at = SEEN + dt.timedelta(days=day)
        analyze(engine, settings, clock=lambda at=at: at)
        run_check(engine, settings, clock=lambda at=at: at)
    with engine.connect() as conn:
        alert = conn.execute(
            select(Alert.id, Alert.state, Alert.escalation_level, Alert.send_count)
            .join(FindingRow)
            .where(FindingRow.rule == "hot_topic")
        ).one()
        told = [
            t
            for ids, t in conn.execute(select(Delivery.alert_ids, Delivery.kind))
            if alert.id in ids
        ]
    assert tuple(alert)[1:] == ("open", 0, 1)
    assert told == ["alert"]  # opened once: no re-send, no resolution
    engine.dispose()
