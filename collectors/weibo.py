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
    link_threads,
    parse_comments_page,
    parse_comments_show_page,
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
        posts = await self._posts(http, uid, containerid, account)
        comments, complete = await self._comments(http, uid, posts, account, now)
        cursor = dict(account.cursor)
        newest = max((p.published_at for p in posts if p.published_at), default=None)
        previous = from_iso(cursor.get("newest_published_at"))
        if newest and (previous is None or newest > previous):
            cursor["newest_published_at"] = to_iso(newest)
        return AccountResult(
            profile, tuple(posts), tuple(comments), cursor, comments_complete=tuple(complete)
        )

    async def _posts(
        self, http: Fetcher, uid: str, containerid: str, account: AccountRef
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
                await self._get(http, "api/container/getIndex", params, uid), self.base_url
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

    def _comment_posts(
        self, posts: list[PostRecord], account: AccountRef, now: dt.datetime
    ) -> list[str]:
        """Which posts' comments to read.

        A post seen for the first time is read whatever its age (back to the analysis
        window); a known one while it is young or monitor asks (an open question under it).
        """
        young = now - dt.timedelta(days=self.settings.comment_refetch_days)
        since = account.comments_since
        wanted: dict[str, None] = {}
        for post in posts:
            when = post.published_at
            new = post.platform_post_id not in account.known_post_ids
            if post.comments_count <= 0:
                continue
            if (new and (since is None or when is None or when >= since)) or (
                when is None or when >= young
            ):
                wanted[post.platform_post_id] = None
        # Asked for even at a count of 0: a re-read is how deleted comments are noticed.
        wanted.update(dict.fromkeys(account.comment_post_ids))
        return list(wanted)

    async def _comments(
        self,
        http: Fetcher,
        uid: str,
        posts: list[PostRecord],
        account: AccountRef,
        now: dt.datetime,
    ) -> tuple[list[CommentRecord], list[str]]:
        """The comments of the posts that need reading, and the posts read in full."""
        found: dict[str, CommentRecord] = {}
        complete: list[str] = []
        for post_id in self._comment_posts(posts, account, now):
            if self.settings.weibo.comment_order == "time":
                whole = await self._timeline(http, uid, post_id, found)
            else:
                whole = await self._hot(http, uid, post_id, found)
            if whole:
                complete.append(post_id)
        return list(found.values()), complete

    async def _timeline(
        self, http: Fetcher, uid: str, post_id: str, found: dict[str, CommentRecord]
    ) -> bool:
        """Newest first, every comment and reply in one list: a quiet question under a busy
        post is on the first pages, not behind the hot ones. True when read to the end."""
        comments: list[CommentRecord] = []
        replied_to: dict[str, str] = {}
        whole = False
        for number in range(1, self.settings.weibo.max_comment_pages + 1):
            params = {"id": post_id, "page": str(number)}
            page = parse_comments_show_page(
                await self._get(http, "api/comments/show", params, uid), post_id, uid, number
            )
            comments += page.comments
            replied_to.update(page.replied_to)
            if page.last:
                whole = page.certain
                break
        for comment in link_threads(comments, replied_to):
            found.setdefault(comment.platform_comment_id, comment)
        return whole

    async def _hot(
        self, http: Fetcher, uid: str, post_id: str, found: dict[str, CommentRecord]
    ) -> bool:
        """By heat (``comment_order = "hot"``), replies from hotFlowChild. True when every
        page and every thread was read to the end."""
        roots: list[str] = []
        max_id = ""
        whole = False
        for _ in range(self.settings.weibo.max_comment_pages):
            params = {"id": post_id, "mid": post_id, "max_id_type": "0"}
            if max_id:
                params["max_id"] = max_id
            page = parse_comments_page(
                await self._get(http, "comments/hotflow", params, uid), post_id, uid
            )
            for comment in page.comments:
                found.setdefault(comment.platform_comment_id, comment)
            roots += page.thread_roots
            max_id = page.max_id
            if not max_id:
                whole = page.certain
                break
        if not self.settings.weibo.fetch_replies:
            return False  # replies beyond those shown inline were not read
        for root in roots:
            whole = await self._replies(http, uid, post_id, root, found) and whole
        return whole

    async def _replies(
        self,
        http: Fetcher,
        uid: str,
        post_id: str,
        root: str,
        found: dict[str, CommentRecord],
    ) -> bool:
        max_id = "0"
        for _ in range(self.settings.weibo.max_comment_pages):
            params = {"cid": root, "max_id": max_id, "max_id_type": "0"}
            page = parse_replies_page(
                await self._get(http, "comments/hotFlowChild", params, uid), post_id, root, uid
            )
            for reply in page.comments:
                found.setdefault(reply.platform_comment_id, reply)
            max_id = page.max_id
            if not max_id:
                return True
        return False
