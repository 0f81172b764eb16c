"""`govmon analyze` over a small database: findings stored, cached scores, resolution."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db.models import Account, AnalysisCache, Comment, FindingRow, Post, Unit
from monitor.pipeline.analyze import analyze
from monitor.settings import settings_from_dict
from monitor.store.hashing import text_hash

NOW = dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC)  # Friday 10:00 in Shanghai


def clock() -> dt.datetime:
    return NOW


def _seed(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        top = Unit(
            name="江东省交通运输厅",
            short_name="江东交通",
            head="甲",
            deputy="乙",
            editor="丙",
            department="办公室",
        )
        unit = Unit(name="江东省高速公路管理局", short_name="江东高速", parent=top, head="丁")
        fresh = Account(
            unit=top,
            platform="weibo",
            platform_id="1",
            name="江东交通",
            opened_on=dt.date(2025, 1, 6),
            filed_on=dt.date(2025, 1, 8),
            staff="戊",
            last_collected_at=NOW - dt.timedelta(minutes=30),  # read: its silence is evidence
        )
        stale = Account(
            unit=unit,
            platform="weibo",
            platform_id="2",
            name="江东高速",
            opened_on=dt.date(2025, 1, 6),
            filed_on=dt.date(2025, 1, 7),
            last_collected_at=NOW - dt.timedelta(minutes=30),
        )
        session.add_all([fresh, stale])
        session.flush()
        post = Post(
            account_id=fresh.id,
            platform="weibo",
            platform_post_id="p1",
            published_at=NOW - dt.timedelta(days=6),
            text="【路况】G60 江东段施工，请绕行。",
            url="https://m.weibo.cn/detail/p1",
            text_hash=text_hash("【路况】G60 江东段施工，请绕行。"),
        )
        ad = Post(
            account_id=fresh.id,
            platform="weibo",
            platform_post_id="p2",
            published_at=NOW - dt.timedelta(days=1),
            text="限时优惠！扫码领取优惠券，加微信购买特价商品",
            url="https://m.weibo.cn/detail/p2",
        )
        old = Post(
            account_id=stale.id,
            platform="weibo",
            platform_post_id="p3",
            published_at=NOW - dt.timedelta(days=20),
            text="冬季行车安全提示。",
        )
        session.add_all([post, ad, old])
        session.flush()
        question = "请问G60江东段施工什么时候结束？"
        session.add(
            Comment(
                post_id=post.id,
                platform="weibo",
                platform_comment_id="c1",
                author_id="9",
                author_name="网友",
                text=question,
                created_at=NOW - dt.timedelta(days=6),
                text_hash=text_hash(question),
            )
        )


def test_analyze_stores_findings_caches_scores_and_resolves(
    db_engine: Engine, db_sessions: sessionmaker[Session]
) -> None:
    _seed(db_sessions)
    settings = settings_from_dict({})
    first = analyze(db_engine, settings, clock=clock)
    assert first.posts == 3 and first.comments == 1
    # 2 posts + 1 comment: no trained model, so snownlp scores the digest window only (from
    # Monday 16 November); the stale account's post of 7 November stays unscored.
    assert first.sentiment_scored == 3
    rules = first.findings_by_rule
    assert rules["stale_account"] == 1
    assert rules["unanswered_question"] == 1
    assert rules["commercial_content"] == 1
    assert rules["roles_missing"] == 1  # the 高速公路管理局 lacks 分管负责人 and 总编辑
    with db_sessions() as session:
        stored = {f.rule: f for f in session.scalars(select(FindingRow))}
        assert stored["unanswered_question"].account_id is not None
        assert "第十六条" in stored["unanswered_question"].summary
        assert session.scalars(select(AnalysisCache)).all()

    again = analyze(db_engine, settings, clock=clock)
    assert again.sentiment_scored == 0  # all cached
    assert again.new_findings == 0 and again.resolved == 0

    with db_sessions.begin() as session:  # the account answers: the finding resolves
        post = session.scalars(select(Post).where(Post.platform_post_id == "p1")).one()
        session.add(
            Comment(
                post_id=post.id,
                platform="weibo",
                platform_comment_id="c2",
                parent_platform_id="c1",
                root_platform_id="c1",
                author_id="1",
                text="您好，预计本周日结束。",
                is_official=True,
                created_at=NOW - dt.timedelta(hours=2),
            )
        )
    third = analyze(db_engine, settings, clock=clock)
    assert third.resolved == 1
    with db_sessions() as session:
        row = session.scalars(
            select(FindingRow).where(FindingRow.rule == "unanswered_question")
        ).one()
        assert row.state == "resolved" and row.resolved_at == NOW


def test_analyze_and_findings_cli(
    write_settings: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    config = write_settings()
    assert run_cli("init", "--config", config).exit_code == 0
    result = run_cli("analyze", "--config", config)
    assert result.exit_code == 0, result.output + result.stderr
    assert "分析结果" in result.output
    status = run_cli("status", "--config", config)  # the manual run shows like a daemon job
    assert "手动分析" in status.output, status.output
    listed = run_cli("findings", "--open", "--config", config)
    assert listed.exit_code == 0 and "没有符合条件的发现" in listed.output
    bad = run_cli("findings", "--rule", "stale_acount", "--config", config)
    assert bad.exit_code == 2 and "未知的规则" in bad.stderr
    bad_date = run_cli("analyze", "--since", "2026-13-01", "--config", config)
    assert bad_date.exit_code == 2 and "无法识别的日期" in bad_date.stderr
    bad_unit = run_cli("findings", "--unit", "不存在的单位", "--config", config)
    assert bad_unit.exit_code == 2 and "找不到单位" in bad_unit.stderr


def test_manual_runs_are_recorded_but_typos_are_not(
    write_settings: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    from monitor.db.engine import make_engine
    from monitor.db.models import JobRun

    config = write_settings()
    assert run_cli("init", "--config", config).exit_code == 0
    assert run_cli("alerts", "check", "--config", config).exit_code == 0
    assert run_cli("alerts", "send", "--config", config).exit_code == 0
    assert run_cli("digest", "--week", "2026-W99", "--config", config).exit_code == 2
    engine = make_engine(f"sqlite:///{config.parent / 'data' / 'govmon.db'}")
    with engine.connect() as conn:
        rows = conn.execute(select(JobRun.job, JobRun.outcome).order_by(JobRun.id)).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("alerts", "ok"), ("send", "ok")]
