"""Pure functions: a raw RSS/Atom page → post records (feedparser; no HTTP here).

RSS gives posts only: no comments and no counts (``has_counts=False`` on every record).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import io
import re
import time
import xml.sax
from typing import Any

import feedparser

from collectors.base import Page
from collectors.errors import AccountGone, LoginWall, MalformedResponse
from collectors.records import PostRecord, ProfileRecord
from collectors.text import html_to_text

MAX_ENTRIES = 500
_LOGIN_MARKERS = ("登录", "passport", "login", "signin", "captcha", "验证码")
_SOURCE = re.compile(r"(?:来源|转自|转载自|稿源|出处)\s*[:：]?\s*([^\s，。,;；)）】]{2,40})")
_REPOST_AUTHOR = re.compile(r"^(?:转发|转)\s*@([^\s:：]{1,40})")
_REPOST_CHAIN = re.compile(r"//\s*@([^\s:：]{1,40})\s*[:：]")
_REPOST_MARK = re.compile(r"^(?:转发|转载|【转载】)|转自|转载自")


def _html_page(page: Page) -> bool:
    head = page.content.lstrip()[:200].lower()
    return "html" in page.header("content-type").lower() or head.startswith(
        (b"<!doctype html", b"<html")
    )


def check_feed_page(page: Page) -> None:
    """Raise the failure a non-feed answer really is."""
    where = page.url
    if page.status in (404, 410):
        raise AccountGone(
            f"订阅地址不存在（HTTP {page.status}），请核实账号是否已注销或更名（第九条）", url=where
        )
    if page.status in (401, 403) or (
        300 <= page.status < 400
        and any(m in page.header("location").lower() for m in _LOGIN_MARKERS)
    ):
        raise LoginWall("订阅源要求登录或验证码：请检查订阅地址或 RSSHub 的 Cookie 配置", url=where)
    if page.status != 200:
        raise MalformedResponse(f"订阅地址返回 HTTP {page.status}", url=where)
    if not page.content.strip():
        raise MalformedResponse("订阅地址返回了空页面", url=where)
    if _html_page(page):
        text = page.content[:20_000].decode("utf-8", "replace").lower()
        if any(marker in text for marker in _LOGIN_MARKERS):
            raise LoginWall(
                "订阅源返回了登录或验证码页面：请检查订阅地址或 RSSHub 的 Cookie 配置", url=where
            )
        raise MalformedResponse("订阅地址返回的是网页而不是 RSS/Atom", url=where)


def parse_feed(
    page: Page, platform: str, account_id: str
) -> tuple[ProfileRecord, list[PostRecord]]:
    check_feed_page(page)
    parsed: Any = feedparser.parse(
        io.BytesIO(page.content),
        response_headers={"content-type": page.header("content-type") or "application/xml"},
        sanitize_html=False,  # we strip every tag ourselves
    )
    broken = isinstance(parsed.get("bozo_exception"), xml.sax.SAXException)
    if not parsed.get("version") or broken:
        # A truncated or broken feed must not look like "no new posts".
        raise MalformedResponse("订阅内容不是完整的 RSS/Atom（可能被截断）", url=page.url)
    feed = parsed.get("feed", {})
    profile = ProfileRecord(
        platform=platform,
        platform_id=account_id,
        fetched_url=page.url,
        fetched_at=page.fetched_at,
        name=html_to_text(str(feed.get("title") or ""), 200),
        description=html_to_text(str(feed.get("subtitle") or ""), 500),
    )
    posts = [entry_to_post(e, page, platform) for e in parsed.get("entries", [])[:MAX_ENTRIES]]
    return profile, posts


def _when(entry: Any) -> dt.datetime | None:
    stamp: time.struct_time | None = entry.get("published_parsed") or entry.get("updated_parsed")
    if stamp is None:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(stamp), dt.UTC)


def _body_html(entry: Any) -> str:
    content = entry.get("content")
    if content and isinstance(content, list) and content[0].get("value"):
        return str(content[0]["value"])
    return str(entry.get("summary") or entry.get("description") or "")


def entry_to_post(entry: Any, page: Page, platform: str) -> PostRecord:
    html = _body_html(entry)
    text = html_to_text(html)
    title = html_to_text(str(entry.get("title") or ""), 500)
    link = str(entry.get("link") or "")
    post_id = str(entry.get("id") or link)
    published = _when(entry)
    if not post_id:  # neither guid nor link: a stable id from what the item shows
        basis = f"{title}\n{published}\n{text}".encode()
        post_id = "sha1:" + hashlib.sha1(basis).hexdigest()
    source_el = entry.get("source")
    source = str(source_el.get("title") or "") if isinstance(source_el, dict) else ""
    author = ""
    if match := _REPOST_AUTHOR.match(text) or _REPOST_CHAIN.search(text):
        author = match[1]
    if not source and (match := _SOURCE.search(text)):
        source = match[1]
    is_repost = bool(
        author
        or source_el
        or "rsshub-quote" in html
        or _REPOST_MARK.search(title)
        or _REPOST_MARK.search(text)
    )
    return PostRecord(
        platform=platform,
        platform_post_id=post_id[:300],
        fetched_url=page.url,
        fetched_at=page.fetched_at,
        published_at=published,
        title=title,
        text=text,
        url=link,
        is_repost=is_repost,
        source=source or (f"@{author}" if author else ""),
        original_author=author,
        has_counts=False,
    )
