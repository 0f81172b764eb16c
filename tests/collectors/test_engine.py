"""The engine: concurrency caps and intervals hold, failures stay with their account."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from testkit.collecting import NOW, clock, make_settings

from collectors.base import AccountRef, AccountResult, Collector, Fetcher
from collectors.engine import AccountOutcome, collect_accounts, next_due_at
from collectors.errors import RateLimited
from collectors.failing import collection_failing_finding, snapshot_due
from collectors.fakeplatform import FakePlatform, max_concurrency, min_start_gap
from collectors.registry import build_collectors
from collectors.settings import CollectorsSettings


def test_per_host_cap_holds(fake: FakePlatform) -> None:
    fake.latency = 0.05
    settings = make_settings(fake, max_concurrency=4, per_host_concurrency=2)
    accounts = [AccountRef("wechat", "sample_biz", name=str(i)) for i in range(6)]
    accounts += [AccountRef("weibo", "1000000001")]
    outcomes = asyncio.run(collect_accounts(accounts, settings, clock=clock))
    assert all(o.ok for o in outcomes)
    log = fake.requests()
    # weibo: profile, posts, one long text, one page of comments in time order
    assert len(log) == sum(o.requests for o in outcomes) == 6 + 4
    assert max_concurrency(log, f"127.0.0.1:{fake.port}") <= 2


def test_per_host_interval_holds(fake: FakePlatform) -> None:
    settings = make_settings(fake, per_host_min_interval_seconds=0.2)
    accounts = [AccountRef("wechat", "sample_biz", name=str(i)) for i in range(4)]
    outcomes = asyncio.run(collect_accounts(accounts, settings, clock=clock))
    assert all(o.ok for o in outcomes)
    gap = min_start_gap(fake.requests(), f"127.0.0.1:{fake.port}")
    # The client spaces its starts by 0.2 s; the server, sharing this process and its GIL,
    # notes arrivals with some jitter, so the bound checked is half the interval.
    assert gap is not None and gap >= 0.1


def test_global_cap_holds_across_hosts(fake: FakePlatform) -> None:
    fake.latency = 0.05
    settings = make_settings(fake, max_concurrency=2, per_host_concurrency=2)
    local = AccountRef(
        "website", "b", feed_url=f"http://localhost:{fake.port}/feeds/wechat/sample_biz.xml"
    )
    accounts = [AccountRef("wechat", "sample_biz"), local] * 3
    outcomes = asyncio.run(collect_accounts(accounts, settings, clock=clock))
    assert all(o.ok for o in outcomes), [o.error_text for o in outcomes]
    assert {r.host.split(":")[0] for r in fake.requests()} == {"127.0.0.1", "localhost"}
    assert max_concurrency(fake.requests()) <= 2


class Broken(Collector):
    platform = "broken"

    def handles(self, account: AccountRef) -> bool:
        return account.platform == "broken"

    async def collect(self, account: AccountRef, http: Fetcher) -> AccountResult:
        raise RuntimeError("bug")


def test_one_failure_never_stops_the_others(fake: FakePlatform) -> None:
    settings = make_settings(fake)
    accounts = [
        AccountRef("weibo", "1999999999"),
        AccountRef("broken", "x"),
        AccountRef("weibo", "1000000001"),
        AccountRef("douyin", "nobody"),  # its RSSHub route answers 404
        AccountRef("wechat", "sample_biz"),
    ]
    chosen = [*build_collectors(settings, clock), Broken(settings, clock)]
    unsupported = make_settings(fake, rss={"rsshub_base_url": ""})
    outcomes = asyncio.run(collect_accounts(accounts, settings, clock=clock, collectors=chosen))
    assert [o.outcome for o in outcomes] == ["failed", "failed", "ok", "failed", "ok"]
    assert [o.error_kind for o in outcomes] == ["account_gone", "internal", "", "account_gone", ""]
    assert outcomes[1].error_text == "broken:x：采集器内部错误（详见日志）"
    assert outcomes[2].posts_seen == 6 and outcomes[2].comments_seen == 5
    assert outcomes[2].started_at == NOW and outcomes[2].duration_seconds >= 0
    [none] = asyncio.run(
        collect_accounts([AccountRef("douyin", "nobody")], unsupported, clock=clock)
    )
    assert none.error_kind == "unsupported"
    assert none.error_text == "douyin:nobody：没有可用的采集方式"


def test_next_due_follows_the_interval_or_the_limit() -> None:
    settings = CollectorsSettings(interval_minutes={"weibo": 30}, interval_jitter=0)
    account = AccountRef("weibo", "1")

    def outcome(error: RateLimited | None) -> AccountOutcome:
        return AccountOutcome(account, "weibo", NOW, NOW, 0.0, None, error, 1, 0)

    assert next_due_at(outcome(None), settings) == NOW + dt.timedelta(minutes=30)
    limited = outcome(RateLimited(retry_after=7200))
    assert next_due_at(limited, settings) == NOW + dt.timedelta(hours=2)


def test_next_due_is_spread_per_account() -> None:
    settings = CollectorsSettings(interval_minutes={"weibo": 60}, interval_jitter=0.2)
    dues = {
        next_due_at(
            AccountOutcome(AccountRef("weibo", str(i)), "weibo", NOW, NOW, 0.0, None, None, 1, 0),
            settings,
        )
        for i in range(20)
    }
    assert len(dues) == 20  # not bunched
    assert all(NOW + dt.timedelta(minutes=60) <= d <= NOW + dt.timedelta(minutes=72) for d in dues)


def test_collection_failing_finding() -> None:
    assert collection_failing_finding("weibo:1", 2, "login_wall", "x") is None
    finding = collection_failing_finding(
        "weibo:1",
        3,
        "login_wall",
        "微博要求登录或验证码：请更新 Cookie（collectors.weibo.cookie）",
        since=NOW,
        unit="示例省交通运输厅",
        account_name="示例省交通运输厅微博",
    )
    assert finding is not None
    assert (finding.rule, finding.article, finding.severity) == (
        "collection_failing",
        "第二十二条",
        "warning",
    )
    assert finding.dedup_key == "collection_failing:weibo:1"
    assert finding.summary == (
        "账号 示例省交通运输厅微博（微博 账号ID 1）已连续 3 次采集失败："
        "微博要求登录或验证码：请更新 Cookie（collectors.weibo.cookie）。"
        "采集中断期间无法检查更新（第十二条）和评论（第二十二、二十五条），请尽快处理。"
    )
    later = collection_failing_finding("weibo:1", 6, "login_wall", "x")
    assert later is not None and later.severity == "overdue"


@pytest.mark.parametrize(
    ("last", "expected"),
    [(None, True), (dt.date(2026, 11, 27), True), (dt.date(2026, 11, 28), False)],
)
def test_snapshot_once_a_local_day(last: dt.date | None, expected: bool) -> None:
    assert snapshot_due(last, NOW) is expected
