"""The registry: collector classes by platform name, duplicates refused."""

from __future__ import annotations

import pytest
from testkit.collecting import clock

from collectors.base import AccountRef, AccountResult, Collector, Fetcher
from collectors.registry import (
    DuplicateCollector,
    build_collectors,
    choose,
    collector_classes,
    get,
    register,
)
from collectors.rss import RssCollector
from collectors.settings import CollectorsSettings
from collectors.weibo import WeiboCollector


def test_builtin_collectors() -> None:
    assert collector_classes() == {"rss": RssCollector, "weibo": WeiboCollector}
    assert RssCollector.conditional_get and not RssCollector.gives_comments
    assert WeiboCollector.gives_comments and WeiboCollector.gives_counts


def test_a_duplicate_name_is_an_error() -> None:
    class AnotherWeibo(Collector):
        platform = "weibo"

        def handles(self, account: AccountRef) -> bool:
            return False

        async def collect(self, account: AccountRef, http: Fetcher) -> AccountResult:
            raise NotImplementedError

    with pytest.raises(DuplicateCollector, match="采集器名称 'weibo' 重复"):
        register(AnotherWeibo)
    assert get("weibo") is WeiboCollector
    register(WeiboCollector)  # registering the same class again is harmless


def test_unknown_name() -> None:
    with pytest.raises(KeyError, match="没有名为 'tiktok' 的采集器（已有：rss、weibo）"):
        get("tiktok")


def test_choose_prefers_the_platforms_own_collector() -> None:
    settings = CollectorsSettings(rss={"rsshub_base_url": "http://127.0.0.1:1200"})
    built = build_collectors(settings, clock)
    weibo = choose(built, AccountRef("weibo", "1"))
    assert isinstance(weibo, WeiboCollector)
    assert isinstance(choose(built, AccountRef("douyin", "1")), RssCollector)
    assert choose(built, AccountRef("website", "x")) is None
    off = build_collectors(
        CollectorsSettings(weibo={"enabled": False}, rss={"rsshub_base_url": "http://h"}), clock
    )
    assert isinstance(choose(off, AccountRef("weibo", "1")), RssCollector)
