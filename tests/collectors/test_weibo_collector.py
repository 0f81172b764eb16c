"""The Weibo collector against the fake platform: paging, long texts, comments, replies."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import SecretStr
from testkit.collecting import NOW, SENTINEL_COOKIE, clock, make_settings

from collectors.base import AccountRef
from collectors.engine import AccountOutcome, collect_accounts
from collectors.fakeplatform import FakePlatform

UID = "1000000001"
POSTS_TAB = "1076031000000001"


def run(fake: FakePlatform, account: AccountRef, **settings: Any) -> AccountOutcome:
    config = make_settings(fake, **settings)
    [outcome] = asyncio.run(collect_accounts([account], config, clock=clock))
    return outcome


def post_pages(fake: FakePlatform) -> list[str]:
    return [
        r.query.get("since_id", "")
        for r in fake.requests("/api/container/getIndex")
        if r.query.get("containerid") == POSTS_TAB
    ]


def test_first_run_reads_profile_posts_long_texts_comments_and_replies(fake: FakePlatform) -> None:
    outcome = run(fake, AccountRef("weibo", UID))
    assert outcome.ok, outcome.error_text
    result = outcome.result
    assert result is not None and result.profile is not None
    assert (result.profile.name, result.profile.followers, result.profile.posts_total) == (
        "示例省交通运输厅",
        123000,
        6,
    )
    posts = {p.platform_post_id: p for p in result.posts}
    assert len(posts) == 6
    assert posts["5000000000000001"].is_pinned
    long_post = posts["5000000000000009"]
    assert long_post.text.endswith("以上内容为示例文本，用于演示长微博的全文获取流程。")
    assert not long_post.is_long_text
    assert long_post.reposts == 1_000_000
    repost = posts["5000000000000008"]
    assert (repost.is_repost, repost.original_author, repost.source) == (
        True,
        "交通运输部",
        "@交通运输部",
    )
    comments = {c.platform_comment_id: c for c in result.comments}
    assert set(comments) == {f"600000000000000{i}" for i in range(1, 6)}
    official = comments["6000000000000002"]
    assert official.is_official and official.root_platform_id == "6000000000000001"
    assert comments["6000000000000001"].liked_by_author
    assert not comments["6000000000000001"].is_official
    # Newest first, replies in the same list: one page, no thread fetched on its own.
    assert [r.query["id"] for r in fake.requests("/api/comments/show")] == ["5000000000000010"]
    assert fake.requests("/comments/hotflow") == fake.requests("/comments/hotFlowChild") == []
    assert comments["6000000000000004"].parent_platform_id == "6000000000000002"
    assert comments["6000000000000004"].root_platform_id == "6000000000000001"
    assert result.comments_complete == ("5000000000000010",)
    assert result.cursor["newest_published_at"] == "2026-11-28T02:00:00+00:00"
    assert all(p.fetched_at == NOW and p.fetched_url.startswith(fake.url) for p in result.posts)


def test_sends_the_headers_the_api_expects(fake: FakePlatform) -> None:
    run(fake, AccountRef("weibo", UID), weibo={"cookie": SecretStr(SENTINEL_COOKIE)})
    for request in fake.requests():
        assert request.headers["mweibo-pwa"] == "1"
        assert request.headers["x-requested-with"] == "XMLHttpRequest"
        assert request.headers["referer"] == f"{fake.url}/u/{UID}"
        assert request.headers["cookie"] == SENTINEL_COOKIE


def test_no_cookie_header_without_a_cookie(fake: FakePlatform) -> None:
    run(fake, AccountRef("weibo", UID))
    assert all("cookie" not in r.headers for r in fake.requests())


def test_pinned_old_post_does_not_end_paging(fake: FakePlatform) -> None:
    fake.page_size = 2  # [pinned -40d, -2h] [-1d2h, -3d] [-9d, -20d]
    cursor = {"newest_published_at": "2026-11-27T04:00:00+00:00"}  # lookback 3d → -4d
    outcome = run(fake, AccountRef("weibo", UID, cursor=cursor), weibo={"max_pages": 10})
    assert outcome.result is not None
    got = [p.platform_post_id for p in outcome.result.posts]
    assert got == ["5000000000000001", "5000000000000010", "5000000000000009", "5000000000000008"]
    # Page 3 held the first post older than the window; paging stopped there.
    assert post_pages(fake) == ["", "5000000000000009", "5000000000000007"]
    assert outcome.result.cursor["newest_published_at"] == "2026-11-28T02:00:00+00:00"


def test_max_pages_caps_a_first_run(fake: FakePlatform) -> None:
    fake.page_size = 2
    outcome = run(fake, AccountRef("weibo", UID), weibo={"max_pages": 2})
    assert outcome.result is not None and len(outcome.result.posts) == 4
    assert len(post_pages(fake)) == 2


def test_comments_of_known_posts_only_when_young_or_listed(fake: FakePlatform) -> None:
    fake.page_size = 2  # one page: [pinned, 5000000000000010]
    known = frozenset({"5000000000000001", "5000000000000010"})
    outcome = run(
        fake,
        AccountRef("weibo", UID, comment_post_ids=("5000000000000007",), known_post_ids=known),
        comment_refetch_days=0,
        weibo={"max_pages": 1},
    )
    assert outcome.result is not None and outcome.result.comments == ()
    assert [r.query["id"] for r in fake.requests("/api/comments/show")] == ["5000000000000007"]


def test_hot_order_reads_threads_from_hotflowchild(fake: FakePlatform) -> None:
    outcome = run(fake, AccountRef("weibo", UID), weibo={"comment_order": "hot"})
    assert outcome.result is not None
    assert {c.platform_comment_id for c in outcome.result.comments} == {
        f"600000000000000{i}" for i in range(1, 6)
    }
    # The third reply is not shown inline: it came from hotFlowChild.
    assert fake.requests("/comments/hotFlowChild")[0].query["cid"] == "6000000000000001"
    assert outcome.result.comments_complete == ("5000000000000010",)


def test_replies_can_be_switched_off_in_hot_order(fake: FakePlatform) -> None:
    outcome = run(
        fake, AccountRef("weibo", UID), weibo={"comment_order": "hot", "fetch_replies": False}
    )
    assert outcome.result is not None and len(outcome.result.comments) == 4
    assert fake.requests("/comments/hotFlowChild") == []
    assert outcome.result.comments_complete == ()  # a reply was left unread


def test_absolute_dates_from_the_server_read_the_same(fake: FakePlatform) -> None:
    fake.time_style = "absolute"
    outcome = run(fake, AccountRef("weibo", UID))
    assert outcome.result is not None
    times = {p.platform_post_id: p.published_at for p in outcome.result.posts}
    assert times["5000000000000010"] == NOW.replace(hour=2)


def test_gone_account(fake: FakePlatform) -> None:
    outcome = run(fake, AccountRef("weibo", "1999999999"))
    assert outcome.error_kind == "account_gone"
    assert outcome.error_text == (
        "weibo:1999999999：微博账号 1999999999 不存在（可能已注销、被封禁或更换了ID），"
        "请核实备案信息（第九条）"
    )
