"""Weibo through its public mobile JSON API (``collectors.weibo.base_url``, m.weibo.cn).

Fetching only: each raw page goes to the pure parsers in :mod:`collectors.weibo_parse`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from collectors.base import AccountRef, AccountResult, Collector, Fetcher, Page
from collectors.cursor import from_iso, to_iso
from collectors.records import CommentRecord, PostRecord
from collectors.registry import register
from collectors.weibo_parse import (
    PROFILE_CONTAINER_PREFIX,
    parse_comments_page,
    parse_long_text,
    parse_posts_page,
    parse_profile,
    parse_replies_page,
)


@register
class WeiboCollector(Collector):
    platform = "weibo"

    def handles(self, account: AccountRef) -> bool:
        return self.settings.weibo.enabled and account.platform == "weibo"

    @property
    def base_url(self) -> str:
        return self.settings.weibo.base_url

    def _headers(self, uid: str) -> dict[str, str]:
        headers = {
            "Accept": "application/json, text/plain, */*",
            "Referer": f"{self.base_url}/u/{uid}",
            "MWeibo-Pwa": "1",
            "X-Requested-With": "XMLHttpRequest",
        }
        cookie = self.settings.weibo.cookie
        if cookie is not None:
            headers["Cookie"] = cookie.get_secret_value()
        return headers

    async def _get(self, http: Fetcher, path: str, params: dict[str, str], uid: str) -> Page:
        return await http.get(f"{self.base_url}/{path}", params=params, headers=self._headers(uid))

    async def collect(self, account: AccountRef, http: Fetcher) -> AccountResult:
        uid = account.platform_id
        now = self.clock()
        profile_page = await self._get(
            http,
            "api/container/getIndex",
            {"type": "uid", "value": uid, "containerid": PROFILE_CONTAINER_PREFIX + uid},
            uid,
        )
        profile, containerid = parse_profile(profile_page, uid)
        posts = await self._posts(http, uid, containerid, account, now)
        comments = await self._comments(http, uid, posts, account, now)
        cursor = dict(account.cursor)
        newest = max((p.published_at for p in posts if p.published_at), default=None)
        previous = from_iso(cursor.get("newest_published_at"))
        if newest and (previous is None or newest > previous):
            cursor["newest_published_at"] = to_iso(newest)
        return AccountResult(profile, tuple(posts), tuple(comments), cursor)

    async def _posts(
        self, http: Fetcher, uid: str, containerid: str, account: AccountRef, now: dt.datetime
    ) -> list[PostRecord]:
        newest_seen = from_iso(account.cursor.get("newest_published_at"))
        cutoff = (
            newest_seen - dt.timedelta(days=self.settings.lookback_days) if newest_seen else None
        )
        posts: dict[str, PostRecord] = {}
        since_id = ""
        for _ in range(self.settings.weibo.max_pages):
            params = {"type": "uid", "value": uid, "containerid": containerid}
            if since_id:
                params["since_id"] = since_id
            page = parse_posts_page(
                await self._get(http, "api/container/getIndex", params, uid), now, self.base_url
            )
            reached_seen = False
            for post in page.posts:
                # Pinned posts head the list whatever their date: they never end paging.
                if (
                    cutoff
                    and not post.is_pinned
                    and post.published_at
                    and post.published_at < cutoff
                ):
                    reached_seen = True
                    continue
                posts.setdefault(post.platform_post_id, post)
            since_id = page.since_id
            if reached_seen or not since_id:
                break
        for post_id, post in list(posts.items()):
            if post.is_long_text:
                raw = await self._get(http, "statuses/extend", {"id": post_id}, uid)
                posts[post_id] = dataclasses.replace(
                    post, text=parse_long_text(raw), is_long_text=False
                )
        return list(posts.values())

    async def _comments(
        self,
        http: Fetcher,
        uid: str,
        posts: list[PostRecord],
        account: AccountRef,
        now: dt.datetime,
    ) -> list[CommentRecord]:
        young = now - dt.timedelta(days=self.settings.comment_refetch_days)
        wanted = [
            p.platform_post_id
            for p in posts
            if p.comments_count > 0 and (p.published_at is None or p.published_at >= young)
        ]
        fetched = {p.platform_post_id for p in posts}
        wanted += [pid for pid in account.comment_post_ids if pid not in fetched]
        found: dict[str, CommentRecord] = {}
        for post_id in dict.fromkeys(wanted):
            roots: list[str] = []
            max_id = ""
            for _ in range(self.settings.weibo.max_comment_pages):
                params = {"id": post_id, "mid": post_id, "max_id_type": "0"}
                if max_id:
                    params["max_id"] = max_id
                page = parse_comments_page(
                    await self._get(http, "comments/hotflow", params, uid), post_id, uid, now
                )
                for comment in page.comments:
                    found.setdefault(comment.platform_comment_id, comment)
                roots += page.thread_roots
                max_id = page.max_id
                if not max_id:
                    break
            if self.settings.weibo.fetch_replies:
                for root in roots:
                    await self._replies(http, uid, post_id, root, now, found)
        return list(found.values())

    async def _replies(
        self,
        http: Fetcher,
        uid: str,
        post_id: str,
        root: str,
        now: dt.datetime,
        found: dict[str, CommentRecord],
    ) -> None:
        max_id = "0"
        for _ in range(self.settings.weibo.max_comment_pages):
            params = {"cid": root, "max_id": max_id, "max_id_type": "0"}
            page = parse_replies_page(
                await self._get(http, "comments/hotFlowChild", params, uid), post_id, root, uid, now
            )
            for reply in page.comments:
                found.setdefault(reply.platform_comment_id, reply)
            max_id = page.max_id
            if not max_id:
                break
