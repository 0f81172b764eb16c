"""STYLE 18 over time: an advertising post (第二十四条) that leaves the analysis window was not
seen removed — govmon stopped looking at it. Its finding is closed unsolved (已超出检查期限，未见
删除或修改), never announced 已解决 (广告内容已删除或修改), and the digest keeps it open. A post
edited inside the window, which govmon did see, is resolved as before."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, select
from testkit.one_account import one_weibo_account
from testkit.threads import thread

from analysis.labels import CLOSURE_LABELS
from collectors.records import PostRecord
from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import Account, Alert, Comment, Delivery, FindingRow
from monitor.pipeline.alerts import run_check
from monitor.pipeline.analyze import analyze, window_start
from monitor.settings import Settings, settings_from_dict
from monitor.store.ingest import store_posts

SEEN = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)  # Thursday 10:00 in Shanghai
AD = "【便民】限时抢购，点击购买高速通行卡"
PLAIN = "【便民】高速通行卡办理指南"


def _post(
    engine: Engine, text: str, at: dt.datetime, post_id: str = "p1", published: dt.datetime = SEEN
) -> None:
    post = PostRecord(
        "weibo", post_id, "https://m.weibo.cn/", at, published_at=published, text=text
    )
    with engine.begin() as conn:
        store_posts(conn, 1, [post], at)
        conn.execute(Account.__table__.update().values(last_collected_at=at))


def _advertised(path: Path) -> tuple[Engine, Settings]:
    engine = make_engine(f"sqlite:///{path / 'db.db'}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        one_weibo_account(conn)
    _post(engine, AD, SEEN)
    settings = settings_from_dict(
        {
            "general": {"data_dir": str(path / "data")},
            "alerts": {"outbox_dir": str(path / "outbox")},
            "sentiment": {"enabled": False},
            "topics": {"enabled": False},
            "rumours": {"enabled": False},
        }
    )
    analyze(engine, settings, clock=lambda: SEEN)
    run_check(engine, settings, clock=lambda: SEEN)
    assert _ad(engine) == ("open", None)
    return engine, settings


def _ad(engine: Engine) -> tuple[str, str | None]:
    with engine.connect() as conn:
        state, data = conn.execute(
            select(FindingRow.state, FindingRow.data).where(FindingRow.rule == "commercial_content")
        ).one()
    return state, (data or {}).get("closed_as")


def _told_of_the_ad(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        alert_id = conn.execute(
            select(Alert.id).join(FindingRow).where(FindingRow.rule == "commercial_content")
        ).scalar_one()
        return [
            kind
            for ids, kind in conn.execute(select(Delivery.alert_ids, Delivery.kind))
            if alert_id in ids
        ]


def test_an_ad_that_left_the_window_is_closed_unsolved_not_resolved(tmp_path: Path) -> None:
    engine, settings = _advertised(tmp_path)
    # Read every day meanwhile, the post unchanged; now it is older than the window, and not
    # the account's latest (which the staleness rule reads, and so the content rules too).
    later = SEEN + (SEEN - window_start(settings, SEEN, None)) + dt.timedelta(days=2)
    _post(engine, AD, later)
    _post(engine, PLAIN, later, post_id="p2", published=later - dt.timedelta(days=1))
    summary = analyze(engine, settings, clock=lambda: later)
    assert _ad(engine) == ("closed", "aged_out")
    assert summary.aged_out == 1
    run_check(engine, settings, clock=lambda: later)
    assert _told_of_the_ad(engine) == ["alert"]  # no 已解决 message
    with engine.connect() as conn:
        alert = conn.execute(
            select(Alert.state).join(FindingRow).where(FindingRow.rule == "commercial_content")
        ).scalar_one()
        closure = conn.execute(
            select(FindingRow.data).where(FindingRow.rule == "commercial_content")
        ).scalar_one()["closure"]
    assert alert != "open"
    assert closure == CLOSURE_LABELS["aged_out"]
    engine.dispose()


def test_an_ad_edited_inside_the_window_is_resolved(tmp_path: Path) -> None:
    engine, settings = _advertised(tmp_path)
    later = SEEN + dt.timedelta(days=1)
    _post(engine, PLAIN, later)  # re-read: the unit took the advertising out
    summary = analyze(engine, settings, clock=lambda: later)
    assert _ad(engine) == ("resolved", None)
    assert summary.aged_out == 0
    run_check(engine, settings, clock=lambda: later)
    assert _told_of_the_ad(engine) == ["alert", "resolution"]
    engine.dispose()


def test_a_harmful_comment_seen_deleted_is_resolved_at_once(tmp_path: Path) -> None:
    """A full re-read no longer finds the comment (deleted_at): govmon saw it go, so the
    finding is resolved then (有害评论已处置), not carried until it leaves the window."""
    engine = make_engine(f"sqlite:///{tmp_path / 'db.db'}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        one_weibo_account(conn)
    thread(engine, "路况通告", SEEN - dt.timedelta(hours=3), ["狗官，去死吧", "谢谢发布"])
    with engine.begin() as conn:
        conn.execute(Account.__table__.update().values(last_collected_at=SEEN))
    settings = settings_from_dict(
        {
            "general": {"data_dir": str(tmp_path / "data")},
            "sentiment": {"enabled": False},
            "topics": {"enabled": False},
            "rumours": {"enabled": False},
        }
    )
    analyze(engine, settings, clock=lambda: SEEN)
    later = SEEN + dt.timedelta(days=1)
    with engine.begin() as conn:
        conn.execute(
            Comment.__table__.update()
            .where(Comment.platform_comment_id == "路况通告-0")
            .values(deleted_at=later - dt.timedelta(hours=1))
        )
        conn.execute(Account.__table__.update().values(last_collected_at=later))
    analyze(engine, settings, clock=lambda: later)
    with engine.connect() as conn:
        state, data = conn.execute(
            select(FindingRow.state, FindingRow.data).where(FindingRow.rule == "harmful_comment")
        ).one()
    assert (state, (data or {}).get("closed_as")) == ("resolved", None)
    engine.dispose()
