"""Pure functions: a raw page of Weibo's mobile JSON API → records. No HTTP here.

Shapes read (m.weibo.cn): ``api/container/getIndex`` (profile: ``data.userInfo`` and
``data.tabsInfo``; posts: ``data.cards[].mblog`` and ``data.cardlistInfo.since_id``),
``statuses/extend`` (``data.longTextContent``), ``api/comments/show`` (newest first, every
comment and reply in one list: ``data.data[]`` with ``reply_id``, ``data.max`` pages),
``comments/hotflow`` (by heat: ``data.data[]``, ``data.max_id``) and
``comments/hotFlowChild`` (``data[]``, ``max_id``).

Relative times are read against the response's own time (:func:`response_time`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from collectors.base import Page
from collectors.errors import AccountGone, LoginWall, MalformedResponse
from collectors.records import CommentRecord, PostRecord, ProfileRecord
from collectors.text import html_to_text
from collectors.weibo_time import parse_count, read_weibo_time, response_time

PLATFORM = "weibo"
LOGIN_WALL_TEXT = "微博要求登录或验证码：请更新 Cookie（collectors.weibo.cookie）"
_WALL_MARKERS = ("passport", "login", "signin", "captcha", "security", "visitor", "verify")
_GONE_MARKERS = ("不存在", "已注销", "被封", "封禁", "does not exist", "not exist")
# How the comment APIs say "no comments (or no more)" with ok=0. Any other ok=0 ends paging
# too, but proves nothing: deletions are only inferred from a list known to be complete.
_NO_COMMENTS_MARKERS = ("还没有人评论", "快来抢沙发", "快来发表你的评论")
PROFILE_CONTAINER_PREFIX = "100505"
POSTS_CONTAINER_PREFIX = "107603"

JSON = dict[str, Any]


def read_json(page: Page) -> JSON:
    """The body as a JSON object, or the failure it really is (never an empty result)."""
    where = page.url
    if 300 <= page.status < 400:
        location = page.header("location").lower()
        if any(marker in location for marker in _WALL_MARKERS):
            raise LoginWall(LOGIN_WALL_TEXT, url=where)
        raise MalformedResponse(f"微博接口意外跳转（HTTP {page.status}）", url=where)
    if page.status in (401, 403):
        raise LoginWall(LOGIN_WALL_TEXT, url=where)
    if page.status != 200:
        raise MalformedResponse(f"微博接口返回 HTTP {page.status}", url=where)
    body = page.content.strip()
    if not body:
        raise MalformedResponse("微博接口返回了空页面", url=where)
    if body[:1] == b"<" or "html" in page.header("content-type").lower():
        # The API answers a missing or lapsed cookie with a login or captcha page.
        raise LoginWall(LOGIN_WALL_TEXT, url=where)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise MalformedResponse("微博接口返回的 JSON 不完整或无效", url=where) from None
    if not isinstance(data, dict):
        raise MalformedResponse("微博接口返回的 JSON 不是对象", url=where)
    ok = data.get("ok")
    if ok == -100:
        raise LoginWall(LOGIN_WALL_TEXT, url=where)
    if ok not in (0, 1):
        raise MalformedResponse(f"微博接口返回未知状态 ok={ok!r}", url=where)
    return data


def _message(data: JSON) -> str:
    msg = data.get("msg") or data.get("message") or ""
    return str(msg)[:200]


def _dict(value: Any, what: str, url: str) -> JSON:
    if not isinstance(value, dict):
        raise MalformedResponse(f"微博接口缺少 {what}", url=url)
    return value


def _count(mapping: JSON, key: str, url: str) -> int:
    try:
        return parse_count(mapping.get(key))
    except ValueError:
        raise MalformedResponse(f"微博接口的 {key} 无法识别", url=url) from None


def page_time(page: Page) -> dt.datetime:
    """When the response was written: what its relative times count back from."""
    return response_time(page.headers, page.fetched_at)


def _time(value: Any, now: dt.datetime, url: str) -> tuple[dt.datetime, bool]:
    try:
        return read_weibo_time(str(value or ""), now)
    except ValueError:
        raise MalformedResponse(f"微博接口的时间 {str(value)[:40]!r} 无法识别", url=url) from None


def parse_profile(page: Page, uid: str) -> tuple[ProfileRecord, str]:
    """The profile and the containerid of the account's posts tab."""
    data = read_json(page)
    if data.get("ok") == 0:
        message = _message(data)
        if any(marker in message for marker in _GONE_MARKERS) or not message:
            raise AccountGone(
                f"微博账号 {uid} 不存在（可能已注销、被封禁或更换了ID），请核实备案信息（第九条）",
                url=page.url,
            )
        raise MalformedResponse(f"微博接口返回错误：{message}", url=page.url)
    body = _dict(data.get("data"), "data", page.url)
    user = _dict(body.get("userInfo"), "userInfo", page.url)
    containerid = POSTS_CONTAINER_PREFIX + uid
    tabs = (
        body.get("tabsInfo", {}).get("tabs", []) if isinstance(body.get("tabsInfo"), dict) else []
    )
    for tab in tabs if isinstance(tabs, list) else []:
        if isinstance(tab, dict) and tab.get("tab_type") == "weibo" and tab.get("containerid"):
            containerid = str(tab["containerid"])
            break
    profile = ProfileRecord(
        platform=PLATFORM,
        platform_id=uid,
        fetched_url=page.url,
        fetched_at=page.fetched_at,
        name=str(user.get("screen_name") or ""),
        followers=_count(user, "followers_count", page.url),
        posts_total=_count(user, "statuses_count", page.url),
        description=html_to_text(str(user.get("description") or ""), 500),
    )
    return profile, containerid


@dataclass(frozen=True)
class PostsPage:
    posts: tuple[PostRecord, ...]
    since_id: str  # "" when this was the last page


def _mblogs(cards: Any) -> Iterator[JSON]:
    for card in cards if isinstance(cards, list) else []:
        if not isinstance(card, dict):
            continue
        if isinstance(card.get("mblog"), dict):
            yield card["mblog"]
        yield from _mblogs(card.get("card_group"))


def parse_posts_page(page: Page, base_url: str) -> PostsPage:
    data = read_json(page)
    now = page_time(page)
    if data.get("ok") == 0:  # "这里还没有内容": the list has ended
        return PostsPage((), "")
    body = _dict(data.get("data"), "data", page.url)
    if "cards" not in body:
        raise MalformedResponse("微博接口缺少 cards", url=page.url)
    posts = tuple(parse_mblog(m, page, now, base_url) for m in _mblogs(body["cards"]))
    info = body.get("cardlistInfo") if isinstance(body.get("cardlistInfo"), dict) else {}
    since = info.get("since_id") if info else None
    return PostsPage(posts, str(since) if since not in (None, "", 0, "0") else "")


def parse_mblog(mblog: JSON, page: Page, now: dt.datetime, base_url: str) -> PostRecord:
    url = page.url
    post_id = str(mblog.get("id") or mblog.get("mid") or "")
    if not post_id:
        raise MalformedResponse("微博接口的帖子缺少 id", url=url)
    original = mblog.get("retweeted_status")
    is_repost = isinstance(original, dict)
    author = ""
    original_id = ""
    if isinstance(original, dict):
        user = original.get("user")
        author = str(user.get("screen_name") or "") if isinstance(user, dict) else ""
        original_id = str(original.get("id") or "")
    published, exact = _time(mblog.get("created_at"), now, url)
    return PostRecord(
        platform=PLATFORM,
        platform_post_id=post_id,
        fetched_url=url,
        fetched_at=page.fetched_at,
        published_at=published,
        time_exact=exact,
        text=html_to_text(str(mblog.get("text") or "")),
        url=f"{base_url}/detail/{post_id}",
        is_repost=is_repost,
        source=f"@{author}" if author else "",
        original_author=author,
        original_post_id=original_id,
        is_pinned=mblog.get("mblogtype") == 2 or mblog.get("isTop") in (1, True),
        reposts=_count(mblog, "reposts_count", url),
        comments_count=_count(mblog, "comments_count", url),
        likes=_count(mblog, "attitudes_count", url),
        reads=_count(mblog, "reads_count", url),
        is_long_text=bool(mblog.get("isLongText")),
    )


def parse_long_text(page: Page) -> str:
    data = read_json(page)
    body = _dict(data.get("data"), "data", page.url)
    content = body.get("longTextContent")
    if data.get("ok") == 0 or not isinstance(content, str):
        raise MalformedResponse("微博接口未返回全文", url=page.url)
    return html_to_text(content)


@dataclass(frozen=True)
class CommentsPage:
    comments: tuple[CommentRecord, ...]
    max_id: str  # "" when this was the last page
    thread_roots: tuple[str, ...]  # top comments with more replies than shown inline
    certain: bool = True  # False: the list ended on an unexplained ok=0


def _no_comments(data: JSON) -> bool:
    message = _message(data)
    return any(marker in message for marker in _NO_COMMENTS_MARKERS)


def _comment(
    item: JSON,
    page: Page,
    post_id: str,
    owner_uid: str,
    now: dt.datetime,
    root_id: str,
) -> CommentRecord:
    url = page.url
    comment_id = str(item.get("id") or item.get("idstr") or "")
    if not comment_id:
        raise MalformedResponse("微博接口的评论缺少 id", url=url)
    user = item.get("user") if isinstance(item.get("user"), dict) else {}
    author_id = str(user.get("id") or "") if user else ""
    parent = ""
    if root_id:
        replied = item.get("reply_comment")
        parent = str(replied.get("id")) if isinstance(replied, dict) and replied.get("id") else ""
        parent = parent or root_id
    created, exact = _time(item.get("created_at"), now, url)
    return CommentRecord(
        platform=PLATFORM,
        platform_comment_id=comment_id,
        post_platform_id=post_id,
        fetched_url=url,
        fetched_at=page.fetched_at,
        parent_platform_id=parent,
        root_platform_id=root_id,
        author_id=author_id,
        author_name=str(user.get("screen_name") or "") if user else "",
        text=html_to_text(str(item.get("text") or ""), 5000),
        created_at=created,
        time_exact=exact,
        is_official=bool(author_id) and author_id == owner_uid,
        liked_by_author=bool(item.get("isLikedByMblogAuthor")),
        likes=_count(item, "like_counts" if "like_counts" in item else "like_count", url),
        replies_total=_count(item, "total_number", url) if not root_id else 0,
    )


def _next_max_id(value: Any) -> str:
    return str(value) if value not in (None, "", 0, "0") else ""


def parse_comments_page(page: Page, post_id: str, owner_uid: str) -> CommentsPage:
    """A hotflow page: top comments and the replies shown inline under them."""
    data = read_json(page)
    now = page_time(page)
    if data.get("ok") == 0:  # no comments (or no more)
        return CommentsPage((), "", (), certain=_no_comments(data))
    body = _dict(data.get("data"), "data", page.url)
    items = body.get("data")
    if not isinstance(items, list):
        raise MalformedResponse("微博接口缺少评论列表", url=page.url)
    comments: list[CommentRecord] = []
    roots: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        top = _comment(item, page, post_id, owner_uid, now, "")
        comments.append(top)
        listed = item.get("comments")
        inline: list[Any] = listed if isinstance(listed, list) else []
        for reply in inline:
            if isinstance(reply, dict):
                comments.append(
                    _comment(reply, page, post_id, owner_uid, now, top.platform_comment_id)
                )
        if top.replies_total > len(inline):
            roots.append(top.platform_comment_id)
    return CommentsPage(tuple(comments), _next_max_id(body.get("max_id")), tuple(roots))


def parse_replies_page(page: Page, post_id: str, root_id: str, owner_uid: str) -> CommentsPage:
    """A hotFlowChild page: the replies under one top comment."""
    data = read_json(page)
    now = page_time(page)
    if data.get("ok") == 0:
        return CommentsPage((), "", ())
    items = data.get("data")
    if not isinstance(items, list):
        raise MalformedResponse("微博接口缺少回复列表", url=page.url)
    replies = tuple(
        _comment(item, page, post_id, owner_uid, now, root_id)
        for item in items
        if isinstance(item, dict)
    )
    return CommentsPage(replies, _next_max_id(data.get("max_id")), ())


@dataclass(frozen=True)
class TimelinePage:
    """A page of ``api/comments/show``: newest first, replies as comments of their own."""

    comments: tuple[CommentRecord, ...]
    replied_to: dict[str, str]  # comment id → the id of the comment it replies to
    last: bool  # no page follows this one
    certain: bool = True  # False: the list ended on an unexplained ok=0


def parse_comments_show_page(page: Page, post_id: str, owner_uid: str, number: int) -> TimelinePage:
    """Page ``number`` (from 1) of a post's comments in time order; threads are linked by
    :func:`link_threads` once every page is read (a reply comes before what it answers)."""
    data = read_json(page)
    if data.get("ok") == 0:  # "还没有人评论哦": no comments, or past the last page
        return TimelinePage((), {}, True, certain=_no_comments(data))
    body = _dict(data.get("data"), "data", page.url)
    items = body.get("data")
    if not isinstance(items, list):
        raise MalformedResponse("微博接口缺少评论列表", url=page.url)
    now = page_time(page)
    comments: list[CommentRecord] = []
    replied_to: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        comment = _comment(item, page, post_id, owner_uid, now, "")
        comments.append(comment)
        target = item.get("reply_id")
        if target not in (None, "", 0, "0"):
            replied_to[comment.platform_comment_id] = str(target)
    try:
        pages = int(body.get("max") or 0)
    except (TypeError, ValueError):
        raise MalformedResponse("微博接口的评论页数 max 无法识别", url=page.url) from None
    return TimelinePage(tuple(comments), replied_to, not comments or number >= pages)


def link_threads(comments: list[CommentRecord], replied_to: dict[str, str]) -> list[CommentRecord]:
    """Give each reply its parent and its thread's top comment (followed up the reply chain;
    a chain that leaves what was read ends at the last comment it names)."""
    linked: list[CommentRecord] = []
    for comment in comments:
        parent = replied_to.get(comment.platform_comment_id, "")
        if not parent:
            linked.append(comment)
            continue
        root, seen = parent, {comment.platform_comment_id}
        while root in replied_to and root not in seen:
            seen.add(root)
            root = replied_to[root]
        linked.append(
            dataclasses.replace(comment, parent_platform_id=parent, root_platform_id=root)
        )
    return linked
