"""The RSS collector: own feeds, RSSHub routes, conditional GET."""

from __future__ import annotations

import asyncio
from typing import Any

from testkit.collecting import clock, make_settings

from collectors.base import AccountRef
from collectors.engine import AccountOutcome, collect_accounts
from collectors.fakeplatform import FakePlatform


def run(fake: FakePlatform, account: AccountRef, **settings: Any) -> AccountOutcome:
    [outcome] = asyncio.run(
        collect_accounts([account], make_settings(fake, **settings), clock=clock)
    )
    return outcome


def test_rsshub_route_from_platform_and_id(fake: FakePlatform) -> None:
    outcome = run(fake, AccountRef("wechat", "sample_biz"))
    assert outcome.ok and outcome.result is not None
    assert [r.path for r in fake.requests()] == ["/wechat/wechat2rss/sample_biz"]
    posts = outcome.result.posts
    assert [p.platform_post_id for p in posts] == ["wx-20261127-1", "wx-20261120-1"]
    assert all(p.platform == "wechat" and not p.has_counts for p in posts)
    assert posts[1].is_repost and posts[1].source == "中国交通报"
    assert outcome.result.comments == ()


def test_own_feed_url_wins_and_atom_is_read(fake: FakePlatform) -> None:
    url = f"{fake.url}/feeds/wechat/sample_biz.atom"
    outcome = run(fake, AccountRef("wechat", "sample_biz", feed_url=url))
    assert outcome.ok and outcome.result is not None and len(outcome.result.posts) == 2
    assert [r.path for r in fake.requests()] == ["/feeds/wechat/sample_biz.atom"]


def test_conditional_get_keeps_validators_per_url(fake: FakePlatform) -> None:
    first = run(fake, AccountRef("wechat", "sample_biz"))
    assert first.result is not None
    cursor = first.result.cursor
    assert cursor["etag"] and cursor["last_modified"]
    second = run(fake, AccountRef("wechat", "sample_biz", cursor=cursor))
    assert second.ok and second.result is not None and second.result.not_modified
    assert second.result.cursor == cursor
    sent = fake.requests()[-1].headers
    assert sent["if-none-match"] == cursor["etag"]
    assert sent["if-modified-since"] == cursor["last_modified"]
    # The account's feed URL changed: the old validators are not sent to the new URL.
    moved = AccountRef(
        "wechat", "sample_biz", feed_url=f"{fake.url}/feeds/wechat/sample_biz.xml", cursor=cursor
    )
    third = run(fake, moved)
    assert third.ok and third.result is not None and not third.result.not_modified
    assert "if-none-match" not in fake.requests()[-1].headers


def test_lookback_drops_items_long_seen(fake: FakePlatform) -> None:
    cursor = {"newest_published_at": "2026-11-27T04:00:00+00:00"}
    outcome = run(fake, AccountRef("wechat", "sample_biz", cursor=cursor), lookback_days=3)
    assert outcome.result is not None
    assert [p.platform_post_id for p in outcome.result.posts] == ["wx-20261127-1"]


def test_no_feed_and_no_rsshub_is_unsupported(fake: FakePlatform) -> None:
    outcome = run(fake, AccountRef("wechat", "sample_biz"), rss={"rsshub_base_url": ""})
    assert outcome.error_kind == "unsupported"
    assert fake.requests() == []
