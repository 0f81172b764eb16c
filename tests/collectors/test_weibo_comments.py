"""Which comments the Weibo collector reads, in what order, and against which clock."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from testkit.collecting import NOW, clock, make_settings

from collectors.base import AccountRef
from collectors.engine import AccountOutcome, collect_accounts
from collectors.fakeplatform import FakeContent, FakePlatform
from collectors.fakeplatform.content import FakeAccount, FakeComment, FakePost

UID = "1000000077"
OLD_POST = "5000000000000771"  # a 征集 post ten days old: past comment_refetch_days (7)
BUSY_POST = "5000000000000772"  # an hour old, 45 popular comments and one quiet question
ANCIENT_POST = "5000000000000773"  # sixty days old: before the analysis window
QUIET = "6000000000077999"


def _content() -> FakeContent:
    questions = [
        FakeComment(
            f"60000000000771{i:02d}", f"4{i}", f"网友{i}", f"请问第{i}条线路何时开通？", f"-9d{i}h"
        )
        for i in range(40)
    ]
    popular = [
        FakeComment(
            f"60000000000772{i:02d}", f"5{i}", f"热评{i}", "支持！辛苦了", "-50m", likes=1000 + i
        )
        for i in range(45)
    ]
    quiet = FakeComment(QUIET, "77", "网友静", "请问明天早上 G60 封不封？", "-2m")
    account = FakeAccount(
        "weibo",
        UID,
        "示例市交通运输局",
        posts=[
            FakePost(BUSY_POST, "-1h", "【路况】今日雨雪，注意安全。", comments=[*popular, quiet]),
            FakePost(OLD_POST, "-10d", "【征集】您对公交线网优化有何建议？", comments=questions),
            FakePost(
                ANCIENT_POST,
                "-60d",
                "【通知】旧闻。",
                comments=[FakeComment("6000000000077300", "9", "网友旧", "还有吗？", "-59d")],
            ),
        ],
    )
    content = FakeContent()
    content.add(account)
    return content


@pytest.fixture
def platform() -> Iterator[FakePlatform]:
    with FakePlatform(_content(), clock=clock, time_style="relative") as server:
        yield server


def run(
    fake: FakePlatform, account: AccountRef, at: dt.datetime = NOW, **settings: Any
) -> AccountOutcome:
    config = make_settings(fake, **settings)
    [outcome] = asyncio.run(collect_accounts([account], config, clock=lambda: at))
    return outcome


def comments_of(outcome: AccountOutcome, post_id: str) -> set[str]:
    assert outcome.result is not None, outcome.error_text
    return {c.platform_comment_id for c in outcome.result.comments if c.post_platform_id == post_id}


def test_a_post_seen_for_the_first_time_has_its_comments_read_whatever_its_age(
    platform: FakePlatform,
) -> None:
    window = NOW - dt.timedelta(days=35)
    outcome = run(platform, AccountRef("weibo", UID, comments_since=window))
    assert len(comments_of(outcome, OLD_POST)) == 40
    assert comments_of(outcome, ANCIENT_POST) == set()  # older than the analysis window
    # Once stored (and past comment_refetch_days) it is read again only when asked.
    platform.clear_log()
    known = frozenset({OLD_POST, BUSY_POST, ANCIENT_POST})
    again = run(platform, AccountRef("weibo", UID, known_post_ids=known, comments_since=window))
    assert comments_of(again, OLD_POST) == set()
    assert {r.query["id"] for r in platform.requests("/api/comments/show")} == {BUSY_POST}


def test_every_page_the_comment_count_needs_newest_first(platform: FakePlatform) -> None:
    outcome = run(platform, AccountRef("weibo", UID))
    busy = comments_of(outcome, BUSY_POST)
    assert len(busy) == 46 and QUIET in busy  # five pages of ten, past the old limit of three
    pages = [
        r.query["page"]
        for r in platform.requests("/api/comments/show")
        if r.query["id"] == BUSY_POST
    ]
    assert pages == ["1", "2", "3", "4", "5"]
    assert outcome.result is not None and BUSY_POST in outcome.result.comments_complete


def test_a_page_limit_keeps_the_newest_and_marks_the_read_incomplete(
    platform: FakePlatform,
) -> None:
    outcome = run(platform, AccountRef("weibo", UID), weibo={"max_comment_pages": 1})
    busy = comments_of(outcome, BUSY_POST)
    assert len(busy) == 10 and QUIET in busy  # the quiet question is not behind hot ones
    assert outcome.result is not None
    assert BUSY_POST not in outcome.result.comments_complete  # no deletion may be inferred
    # In hot order the same limit loses it: why time order is the default.
    hot = run(
        platform, AccountRef("weibo", UID), weibo={"max_comment_pages": 1, "comment_order": "hot"}
    )
    assert QUIET not in comments_of(hot, BUSY_POST)


def test_relative_times_count_back_from_the_response_not_the_reading_clock(
    platform: FakePlatform,
) -> None:
    later = NOW + dt.timedelta(hours=3)  # the collector's clock runs ahead of the server's
    outcome = run(platform, AccountRef("weibo", UID), at=later)
    assert outcome.result is not None
    quiet = next(c for c in outcome.result.comments if c.platform_comment_id == QUIET)
    assert quiet.created_at == NOW - dt.timedelta(minutes=2)  # "2分钟前" by the Date header
    assert not quiet.time_exact
    post = next(p for p in outcome.result.posts if p.platform_post_id == BUSY_POST)
    assert post.published_at == NOW - dt.timedelta(hours=1) and not post.time_exact


def test_an_unexplained_empty_answer_ends_the_read_without_proving_it_complete(
    platform: FakePlatform,
) -> None:
    busy = '{"ok":0,"msg":"系统繁忙"}'.encode()  # not "还没有人评论": no evidence of an end
    platform.put_page("/api/comments/show", busy)
    outcome = run(platform, AccountRef("weibo", UID))
    assert outcome.ok and outcome.result is not None
    assert outcome.result.comments == () and outcome.result.comments_complete == ()
