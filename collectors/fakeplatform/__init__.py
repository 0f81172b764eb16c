"""A fake platform server (Weibo mobile API, RSSHub routes, RSS/Atom feeds) on 127.0.0.1.

Used by the tests, the benchmarks and ``govmon demo``.
"""

from collectors.fakeplatform.analysis import max_concurrency, min_start_gap
from collectors.fakeplatform.content import (
    FakeAccount,
    FakeComment,
    FakeContent,
    FakePost,
    FakeRepost,
)
from collectors.fakeplatform.crowd import crowd_accounts, weibo_crowd
from collectors.fakeplatform.faults import Fault
from collectors.fakeplatform.server import FakePlatform, RequestRecord

__all__ = [
    "FakeAccount",
    "FakeComment",
    "FakeContent",
    "FakePlatform",
    "FakePost",
    "FakeRepost",
    "Fault",
    "RequestRecord",
    "crowd_accounts",
    "max_concurrency",
    "min_start_gap",
    "weibo_crowd",
]
