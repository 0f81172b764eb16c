"""The Weibo cookie is a secret: sent to the platform, never seen in logs, errors or reprs."""

from __future__ import annotations

import asyncio
import logging

import pytest
from pydantic import SecretStr
from testkit.collecting import SENTINEL_COOKIE, clock, make_settings

from collectors.base import AccountRef
from collectors.engine import collect_accounts
from collectors.fakeplatform import FakePlatform, Fault

FAULTS = [
    Fault("login_html"),  # the fake wall echoes the cookie back in its page
    Fault("ok_minus_100"),
    Fault("status", status=429, retry_after="1", times=None),
    Fault("status", status=500, times=None),
    Fault("truncated"),
    Fault("delay", delay=5, times=None),
]


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.kind + str(f.status))
def test_sentinel_cookie_never_leaks(
    fake: FakePlatform, fault: Fault, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.inject("/api/container/getIndex", fault)
    settings = make_settings(
        fake, weibo={"cookie": SecretStr(SENTINEL_COOKIE)}, timeout_seconds=0.2, retry_attempts=1
    )
    [outcome] = asyncio.run(
        collect_accounts([AccountRef("weibo", "1000000001")], settings, clock=clock)
    )
    assert not outcome.ok
    if fault.kind != "delay":  # a delayed request is logged only once it is answered
        assert fake.requests()[0].headers["cookie"] == SENTINEL_COOKIE  # it was really sent
    for text in (
        caplog.text,
        outcome.error_text,
        repr(outcome.error),
        repr(outcome),
        str(settings),
        repr(settings),
        settings.model_dump_json(),
    ):
        assert SENTINEL_COOKIE not in text
        assert "sentinel-cookie" not in text
