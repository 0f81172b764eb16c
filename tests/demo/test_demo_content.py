"""The bundled sample of `govmon demo`: it loads, its 备案登记表 imports, every account collects
from the fake platform server with the numbers the content holds, and the registry rules find
the planted late filing. (The end-to-end demo test checks the other planted problems.)"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.compliance.registry_rules import check_registry
from analysis.workdays import WorkCalendar
from collectors.fakeplatform import FakeContent, FakePlatform
from collectors.fakeplatform.content import resolve_time
from monitor.db.engine import make_engine
from monitor.db.models import Account, Comment, Post, Unit
from monitor.demo.content import (
    demo_accounts_csv,
    demo_collectors_settings,
    demo_data_dir,
    demo_expect_file,
    demo_now,
    load_demo_content,
)
from monitor.pipeline.collect import run_collection
from monitor.registry.query import registry_frames
from monitor.settings import settings_from_dict

RunCli = Callable[..., Result]
NOW = demo_now()
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _expect() -> dict[str, Any]:
    with demo_expect_file().open("rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def content() -> FakeContent:
    return load_demo_content(NOW)


@pytest.fixture
def imported(
    db_url: str, write_settings: Callable[..., Path], run_cli: RunCli
) -> tuple[str, Path, Result]:
    cfg = write_settings(db_url=db_url)
    init = run_cli("init", "--config", cfg)
    assert init.exit_code == 0, init.output
    result = run_cli("accounts", "import", demo_accounts_csv(), "--config", cfg)
    return db_url, cfg, result


# ---- the content ---------------------------------------------------------------------------


def test_demo_now_is_monday_nine_in_shanghai() -> None:
    local = NOW.astimezone(SHANGHAI)
    assert (local.date(), local.hour, local.weekday()) == (dt.date(2026, 11, 30), 9, 0)
    assert NOW.tzinfo is not None
    assert _expect()["now"] == local.isoformat()


def test_content_loads_with_times_pinned_to_now(content: FakeContent) -> None:
    expect = _expect()["collection"]
    # Every registered account has content, but the one govmon cannot read (no collector).
    assert len(content.accounts) == expect["accounts"] - len(expect["failing"])
    assert {p for p, _ in content.accounts} == {"weibo", "rss"}
    assert sum(len(a.posts) for a in content.accounts.values()) == expect["posts"]
    later = NOW + dt.timedelta(days=3)  # a different server clock changes nothing
    for account in content.accounts.values():
        for post in account.posts:
            assert resolve_time(post.created_at, later) <= NOW
            assert NOW - resolve_time(post.created_at, NOW) < dt.timedelta(days=100)
            for comment in post.comments:
                assert resolve_time(comment.created_at, later) <= NOW
                for reply in comment.replies:
                    assert resolve_time(reply.created_at, later) >= resolve_time(
                        comment.created_at, later
                    )


def test_content_ids_are_unique_and_weibo_ids_numeric(content: FakeContent) -> None:
    posts: list[str] = []
    comments: list[str] = []
    for (platform, _), account in content.accounts.items():
        for post in account.posts:
            posts.append(post.id)
            assert platform != "weibo" or post.id.isdigit()
            for comment in post.comments:
                comments += [comment.id, *(r.id for r in comment.replies)]
    assert len(posts) == len(set(posts))
    assert len(comments) == len(set(comments))
    assert all(c.isdigit() for c in comments)


def test_content_is_varied_not_templated(content: FakeContent) -> None:
    texts = [
        c.text
        for a in content.accounts.values()
        for p in a.posts
        for c in p.comments
        if c.user_id != a.id
    ]
    assert len(texts) >= 1000
    assert len(set(texts)) / len(texts) > 0.5


def test_load_demo_content_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="时区"):
        load_demo_content(dt.datetime(2026, 11, 30, 9, 0))


def test_expectations_name_accounts_of_the_registry(content: FakeContent) -> None:
    filed = demo_accounts_csv().read_text(encoding="utf-8-sig")
    for item in _expect()["planted"]:
        for key in [item.get("account"), *item.get("accounts", [])]:
            if key is None:
                continue
            platform, account_id = key.split(":", 1)
            unread = key in _expect()["collection"]["failing"]  # filed, but nothing to read
            assert (content.get(platform, account_id) is None) is unread, key
            assert f",{account_id}," in filed, key
    assert (demo_data_dir() / "content").is_dir()


# ---- the registry ---------------------------------------------------------------------------


def test_registry_imports_cleanly(imported: tuple[str, Path, Result]) -> None:
    db_url, _cfg, result = imported
    expect = _expect()["collection"]
    assert result.exit_code == 0, result.output
    assert f"{expect['accounts']} 个账号，{expect['units']} 个单位" in result.output
    assert f"账号：新建 {expect['accounts']}" in result.output
    assert "警告" not in result.output and "不认识" not in result.output
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            units = {u.id: u for u in session.scalars(select(Unit))}
            depth = {
                u.name: 1 + (u.parent_id is not None) + (
                    u.parent_id is not None and units[u.parent_id].parent_id is not None
                )
                for u in units.values()
            }  # fmt: skip
            accounts = list(session.scalars(select(Account)))
    finally:
        engine.dispose()
    assert set(depth.values()) == {1, 2, 3}
    assert len({a.unit_id for a in accounts}) >= 5
    assert {a.platform for a in accounts} == {"weibo", "rss", "wechat"}


def test_registry_rules_find_only_the_late_filing(
    imported: tuple[str, Path, Result], run_cli: RunCli
) -> None:
    db_url, cfg, _ = imported
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            accounts, units = registry_frames(session)
    finally:
        engine.dispose()
    settings = settings_from_dict({})
    findings = check_registry(
        accounts,
        units,
        today=NOW.astimezone(SHANGHAI).date(),
        calendar=WorkCalendar(),
        config=settings.registry,
    )
    planted = [p for p in _expect()["planted"] if p["rule"] == "filing_overdue"]
    assert [(f.rule, f.account, f.severity) for f in findings] == [
        (p["rule"], p["account"], p["severity"]) for p in planted
    ]
    assert findings[0].data["workdays_late"] == 4
    shown = run_cli("accounts", "check", "--today", "2026-11-30", "--config", cfg)
    assert shown.exit_code == 0, shown.output
    assert "「青溪公路」（微博）于 2026-09-24 开通，2026-10-14 才备案" in shown.output
    assert "共 1 项问题" in shown.output


# ---- collection -----------------------------------------------------------------------------


def _expected_counts(content: FakeContent, refetch_days: int) -> dict[str, tuple[int, int]]:
    """Posts and comments each account should yield: comments of posts younger than the
    comment window only (weibo); feeds carry no comments."""
    young = NOW - dt.timedelta(days=refetch_days)
    out: dict[str, tuple[int, int]] = {}
    for (platform, account_id), account in content.accounts.items():
        comments = sum(
            1 + len(c.replies)
            for p in account.posts
            if platform == "weibo" and resolve_time(p.created_at, NOW) >= young
            for c in p.comments
        )
        out[f"{platform}:{account_id}"] = (len(account.posts), comments)
    return out


def test_every_account_collects_its_posts_and_comments(
    imported: tuple[str, Path, Result], content: FakeContent
) -> None:
    db_url, _cfg, result = imported
    assert result.exit_code == 0, result.output
    with FakePlatform(content, clock=demo_now) as fake:
        section = demo_collectors_settings(fake.url)
        settings = settings_from_dict({"database": {"url": db_url}, "collectors": section})
        engine = make_engine(db_url)
        try:
            summary = run_collection(engine, settings, clock=demo_now)
            with Session(engine) as session:
                posts = dict(
                    session.execute(
                        select(Account.platform + ":" + Account.platform_id, func.count(Post.id))
                        .join(Post, Post.account_id == Account.id, isouter=True)
                        .group_by(Account.id)
                    ).all()
                )
                comments = dict(
                    session.execute(
                        select(Account.platform + ":" + Account.platform_id, func.count(Comment.id))
                        .join(Post, Post.account_id == Account.id)
                        .join(Comment, Comment.post_id == Post.id)
                        .group_by(Account.id)
                    ).all()
                )
        finally:
            engine.dispose()
    expect = _expect()["collection"]
    assert [(f.account_key, f.kind) for f in summary.failed] == [
        (key, "unsupported") for key in expect["failing"]
    ]
    readable = expect["accounts"] - len(expect["failing"])
    assert (summary.accounts, summary.ok) == (expect["accounts"], readable)
    assert (summary.posts_new, summary.comments_new) == (expect["posts"], expect["comments"])
    wanted = _expected_counts(content, section["comment_refetch_days"])
    assert {k: (posts.get(k, 0), comments.get(k, 0)) for k in wanted} == wanted
