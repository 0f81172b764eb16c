"""One contract for every registered collector: each answer a platform can give, and what
the collector must make of it. A failure is always a CollectError, never an empty success.

A new collector is enrolled by adding its row to SETUPS (the first test fails until it is).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from testkit.collecting import clock, make_settings

from collectors.base import AccountRef
from collectors.engine import AccountOutcome, collect_accounts
from collectors.fakeplatform import FakePlatform, Fault
from collectors.registry import collector_classes


@dataclass(frozen=True)
class Setup:
    account: AccountRef
    path: str  # the first path the collector requests
    ok_minus_100: str  # the error kind a {"ok": -100} body must give


SETUPS = {
    "weibo": Setup(AccountRef("weibo", "1000000001"), "/api/container/getIndex", "login_wall"),
    "rss": Setup(AccountRef("wechat", "sample_biz"), "/wechat/wechat2rss/sample_biz", "malformed"),
}
PLATFORMS = sorted(collector_classes())


class Sleeps:
    """Records the retry waits instead of sleeping them."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


def collect(
    fake: FakePlatform, platform: str, sleeps: Sleeps | None = None, **settings: object
) -> AccountOutcome:
    setup = SETUPS[platform]
    config = make_settings(fake, **settings)
    [outcome] = asyncio.run(
        collect_accounts([setup.account], config, clock=clock, sleep=sleeps or Sleeps())
    )
    return outcome


def assert_failed(outcome: AccountOutcome, kind: str) -> None:
    assert outcome.result is None, "a failure must never look like a run with nothing new"
    assert outcome.error_kind == kind, outcome.error_text
    assert outcome.error_text.startswith(f"{outcome.account.key}：")


def test_every_collector_is_enrolled() -> None:
    assert set(PLATFORMS) == set(SETUPS)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_200(fake: FakePlatform, platform: str) -> None:
    outcome = collect(fake, platform)
    assert outcome.ok, outcome.error_text
    assert outcome.result is not None and outcome.result.posts
    assert (outcome.requests, outcome.retries) == (len(fake.requests()), 0)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_304(fake: FakePlatform, platform: str) -> None:
    cls = collector_classes()[platform]
    if cls.conditional_get:
        first = collect(fake, platform)
        assert first.result is not None
        setup = SETUPS[platform]
        again = AccountRef(
            setup.account.platform, setup.account.platform_id, cursor=first.result.cursor
        )
        [outcome] = asyncio.run(collect_accounts([again], make_settings(fake), clock=clock))
        assert outcome.ok and outcome.result is not None
        assert outcome.result.not_modified and outcome.result.posts == ()
        assert fake.requests()[-1].status == 304
    else:  # a 304 to a request without validators is not "nothing new"
        fake.inject(SETUPS[platform].path, Fault("status", status=304))
        assert_failed(collect(fake, platform), "malformed")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_429_with_retry_after_then_success(fake: FakePlatform, platform: str) -> None:
    fake.inject(SETUPS[platform].path, Fault("status", status=429, retry_after="30"))
    sleeps = Sleeps()
    outcome = collect(fake, platform, sleeps)
    assert outcome.ok, outcome.error_text
    assert outcome.retries == 1
    assert sleeps.waits == [0.05]  # Retry-After 30 s, clamped by retry_after_max_seconds


@pytest.mark.parametrize("platform", PLATFORMS)
def test_429_until_retries_run_out(fake: FakePlatform, platform: str) -> None:
    fake.inject(SETUPS[platform].path, Fault("status", status=429, retry_after="30", times=None))
    outcome = collect(fake, platform)
    assert_failed(outcome, "rate_limited")
    assert outcome.error.retry_after == 30.0  # type: ignore[union-attr]
    assert outcome.retries == 2 and outcome.requests == 3
    assert "已重试 2 次" in outcome.error_text


@pytest.mark.parametrize("platform", PLATFORMS)
def test_5xx_then_success(fake: FakePlatform, platform: str) -> None:
    fake.inject(SETUPS[platform].path, Fault("status", status=502, times=2))
    sleeps = Sleeps()
    outcome = collect(fake, platform, sleeps)
    assert outcome.ok, outcome.error_text
    assert outcome.retries == 2
    assert len(sleeps.waits) == 2 and all(0 < w <= 0.02 for w in sleeps.waits)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_5xx_until_retries_run_out(fake: FakePlatform, platform: str) -> None:
    fake.inject(SETUPS[platform].path, Fault("status", status=503, times=None))
    outcome = collect(fake, platform)
    assert_failed(outcome, "network")
    assert "服务器错误（HTTP 503），已重试 2 次" in outcome.error_text


@pytest.mark.parametrize("platform", PLATFORMS)
def test_login_wall_html_instead_of_data(fake: FakePlatform, platform: str) -> None:
    fake.inject(SETUPS[platform].path, Fault("login_html"))
    assert_failed(collect(fake, platform), "login_wall")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_login_redirect(fake: FakePlatform, platform: str) -> None:
    fake.inject(SETUPS[platform].path, Fault("login_redirect"))
    assert_failed(collect(fake, platform), "login_wall")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_ok_minus_100(fake: FakePlatform, platform: str) -> None:
    fake.inject(SETUPS[platform].path, Fault("ok_minus_100"))
    assert_failed(collect(fake, platform), SETUPS[platform].ok_minus_100)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_truncated(fake: FakePlatform, platform: str) -> None:
    fake.inject(SETUPS[platform].path, Fault("truncated"))
    assert_failed(collect(fake, platform), "malformed")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_empty_page(fake: FakePlatform, platform: str) -> None:
    fake.inject(SETUPS[platform].path, Fault("empty"))
    assert_failed(collect(fake, platform), "malformed")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_timeout(fake: FakePlatform, platform: str) -> None:
    fake.inject(SETUPS[platform].path, Fault("delay", delay=5, times=None))
    outcome = collect(fake, platform, timeout_seconds=0.2, retry_attempts=1)
    assert_failed(outcome, "network")
    assert "超时（0.2 秒），已重试 1 次" in outcome.error_text


@pytest.mark.parametrize("platform", PLATFORMS)
def test_account_gone(fake: FakePlatform, platform: str) -> None:
    setup = SETUPS[platform]
    account = fake.content.get(setup.account.platform, setup.account.platform_id)
    assert account is not None
    account.gone = True
    assert_failed(collect(fake, platform), "account_gone")
