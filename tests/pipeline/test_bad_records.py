"""One bad record never stops a run: control characters are cleaned at ingest, and a record the
database refuses fails only its own account, with the reason recorded.

Runs on SQLite, and on PostgreSQL (test ids ``[postgres]``) when GOVMON_TEST_DATABASE_URL is
set — PostgreSQL is where a NUL in a text column aborted the whole collection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from testkit.collecting import weibo_settings

from collectors.fakeplatform import FakeContent, FakePlatform
from collectors.fakeplatform.content import account_from_dict
from monitor.db.models import Account, CollectionRun, Comment, Post, Unit
from monitor.pipeline.collect import run_collection
from monitor.settings import Settings

NOW = dt.datetime(2026, 11, 28, 4, 0, tzinfo=dt.UTC)
DIRTY, CLEAN, HUGE = "1000000011", "1000000012", "1000000013"


def clock() -> dt.datetime:
    return NOW


def _account(uid: str, text: str, comment: str, likes: int = 0) -> dict[str, object]:
    return {
        "platform": "weibo",
        "id": uid,
        "name": f"示例账号{uid}",
        "followers": 10,
        "posts": [
            {
                "id": f"{uid}01",
                "created_at": "-2h",
                "text": text,
                "likes": likes,
                "comments": [
                    {
                        "id": f"{uid}01001",
                        "user_id": "9",
                        "user_name": "网友\x00",
                        "text": comment,
                        "created_at": "-1h",
                    }
                ],
            }
        ],
    }


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    content = FakeContent()
    content.add(
        account_from_dict(_account(DIRTY, "封路\x00通知\x1b：\t绕行\n请注意", "几点\x00通车？"))
    )
    content.add(account_from_dict(_account(CLEAN, "今日路况良好", "谢谢")))
    content.add(account_from_dict(_account(HUGE, "点赞数异常", "是吗", likes=10**20)))
    with FakePlatform(content, clock=clock) as server:
        yield server


def _settings(fake: FakePlatform) -> Settings:
    return weibo_settings(fake)


def _register(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        unit = Unit(name="示例省交通运输厅")
        for uid in (DIRTY, CLEAN, HUGE):
            session.add(Account(unit=unit, platform="weibo", platform_id=uid, name=f"账号{uid}"))


def test_clean_text_keeps_line_breaks_and_tabs() -> None:
    from collectors.text import clean_text

    assert clean_text("a\x00b\tc\r\nd\x7fe\x85f\udcff") == "ab\tc\nde" + "f"
    assert clean_text("普通文本\n第二行") == "普通文本\n第二行"


def test_a_post_with_nul_is_cleaned_and_stored(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform
) -> None:
    _register(db_sessions)
    summary = run_collection(db_engine, _settings(fake), clock=clock)
    assert f"weibo:{DIRTY}" not in [f.account_key for f in summary.failed]
    with db_sessions() as session:
        texts = dict(session.execute(select(Post.platform_post_id, Post.text)).all())
        assert texts[f"{DIRTY}01"] == "封路通知： 绕行\n请注意"  # HTML whitespace folded
        comment = session.scalars(
            select(Comment).where(Comment.platform_comment_id == f"{DIRTY}01001")
        ).one()
        assert (comment.text, comment.author_name) == ("几点通车？", "网友")
        dirty = session.scalars(select(Account).where(Account.platform_id == DIRTY)).one()
        assert dirty.last_error == "" and dirty.last_collected_at is not None


def test_a_record_the_database_refuses_fails_only_its_account(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform
) -> None:
    _register(db_sessions)
    summary = run_collection(db_engine, _settings(fake), clock=clock)
    assert summary.accounts == 3 and summary.ok == 2
    assert [f.account_key for f in summary.failed] == [f"weibo:{HUGE}"]
    with db_sessions() as session:
        texts = dict(session.execute(select(Post.platform_post_id, Post.text)).all())
        assert texts[f"{CLEAN}01"] == "今日路况良好"
        assert f"{HUGE}01" not in texts  # its account's batch was refused as a whole
        accounts = {a.platform_id: a for a in session.scalars(select(Account))}
        failed = accounts[HUGE]
        assert failed.last_error_kind == "store_failed"
        assert failed.last_error.startswith(
            f"weibo:{HUGE}：采集到的数据无法保存：有数值超出数据库可存储的范围（"
        )
        assert failed.consecutive_failures == 1 and failed.last_collected_at is None
        runs = {r.account_id: r for r in session.scalars(select(CollectionRun)).all()}
        assert runs[failed.id].outcome == "failed"
        assert runs[failed.id].error_text == failed.last_error
        assert runs[accounts[CLEAN].id].outcome == "ok"
