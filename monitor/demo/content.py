"""The demo's sample data: where it lives, its fixed clock, its content and the settings the
collectors need to read it from the in-process fake platform server.

The content files give times relative to "now" (``-3d2h``); the demo pins "now" to
:func:`demo_now`, so the planted problems (a question waiting 3 working days, an account silent
for 22 days, a burst in the last 24 hours …) come out the same whatever the day it is run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

from collectors.fakeplatform.content import FakeComment, FakeContent, resolve_time
from collectors.settings import DEFAULT_RSSHUB_ROUTES

# Monday 30 November 2026, 09:00 in Asia/Shanghai: a working Monday morning, when the weekly
# digest of the ISO week before is due.
DEMO_NOW = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)

# Websites (platform "rss") are filed without a feed address: the fake server serves them at
# /feeds/rss/<id>.xml, so the RSS collector finds them through this route. The stand-in has no
# WeChat bridge (wechat2rss is a service of its own), so the 公众号 filed without 订阅地址 cannot
# be read: the demo shows it as 无法采集 (no_collector) for the operator, never as a unit's fault.
DEMO_RSS_ROUTES: dict[str, str] = {
    **{k: v for k, v in DEFAULT_RSSHUB_ROUTES.items() if k != "wechat"},
    "rss": "/feeds/rss/{id}.xml",
}


def demo_now() -> dt.datetime:
    """The demo's fixed instant (UTC): Monday 2026-11-30 09:00 Asia/Shanghai."""
    return DEMO_NOW


def demo_data_dir() -> Path:
    """The folder holding accounts.csv, content/*.json and expect.toml."""
    return Path(str(resources.files("monitor.demo") / "data"))


def demo_accounts_csv() -> Path:
    """The demo's 备案登记表."""
    return demo_data_dir() / "accounts.csv"


def demo_expect_file() -> Path:
    """The planted problems and the findings they must become."""
    return demo_data_dir() / "expect.toml"


def load_demo_content(now: dt.datetime | None = None) -> FakeContent:
    """The sample accounts, posts and comments, with every relative time pinned to ``now``
    (default :func:`demo_now`), so the fake server serves the same instants whatever its clock."""
    anchor = now or DEMO_NOW
    if anchor.tzinfo is None:
        raise ValueError("load_demo_content: now 必须带时区")
    content = FakeContent.load_dir(demo_data_dir() / "content")
    for account in content.accounts.values():
        for post in account.posts:
            post.created_at = _pinned(post.created_at, anchor)
            for comment in post.comments:
                comment.created_at = _pinned(comment.created_at, anchor)
                for reply in comment.replies:
                    reply.created_at = _pinned(reply.created_at, anchor)
    return content


def content_as_of(content: FakeContent, at: dt.datetime) -> FakeContent:
    """The sample as the platforms showed it at ``at`` (times pinned by
    :func:`load_demo_content`): the posts, comments and replies published by then."""

    def seen(value: str) -> bool:
        return dt.datetime.fromisoformat(value) <= at

    def comments(items: list[FakeComment]) -> list[FakeComment]:
        return [
            dataclasses.replace(c, replies=comments(c.replies)) for c in items if seen(c.created_at)
        ]

    past = FakeContent()
    for account in content.accounts.values():
        posts = [
            dataclasses.replace(post, comments=comments(post.comments))
            for post in account.posts
            if seen(post.created_at)
        ]
        past.add(dataclasses.replace(account, posts=posts))
    return past


def _pinned(value: str, now: dt.datetime) -> str:
    return resolve_time(value, now).astimezone(dt.UTC).isoformat()


def demo_collectors_settings(base_url: str) -> dict[str, Any]:
    """The ``[collectors]`` section that reads the whole sample from the fake server at
    ``base_url``: every page of every account (weeks of history, not just the last few days),
    no politeness delay (one local server), quick retries."""
    return {
        "per_host_min_interval_seconds": 0,
        "per_host_concurrency": 8,
        "retry_backoff_seconds": 0.01,
        "retry_backoff_max_seconds": 0.05,
        "comment_refetch_days": 45,
        "weibo": {"base_url": base_url, "max_pages": 10, "max_comment_pages": 10},
        "rss": {"rsshub_base_url": base_url, "routes": dict(DEMO_RSS_ROUTES)},
    }
