"""RSS/Atom feeds (feedparser over httpx): an account's 订阅地址, or an RSSHub route.

Conditional GET with the ETag and Last-Modified the last run kept; a 304 is success with
nothing new. Feeds carry no comments and no counts; ``gives_comments``/``gives_counts`` say so
for ``govmon status`` and the docs.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from collectors.base import AccountRef, AccountResult, Collector, Fetcher
from collectors.cursor import from_iso, to_iso
from collectors.registry import register
from collectors.rss_parse import parse_feed


@register
class RssCollector(Collector):
    platform = "rss"
    conditional_get = True
    gives_comments = False
    gives_counts = False

    def feed_url(self, account: AccountRef) -> str:
        """The account's own feed, else its RSSHub route (when an RSSHub is configured)."""
        if account.feed_url:
            return account.feed_url
        rss = self.settings.rss
        template = rss.routes.get(account.platform)
        if rss.rsshub_base_url and template:
            return rss.rsshub_base_url + template.format(id=quote(account.platform_id, safe=""))
        return ""

    def handles(self, account: AccountRef) -> bool:
        return self.settings.rss.enabled and bool(self.feed_url(account))

    async def collect(self, account: AccountRef, http: Fetcher) -> AccountResult:
        url = self.feed_url(account)
        cursor = dict(account.cursor)
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9"}
        if cursor.get("feed_url") == url:  # validators belong to the URL that issued them
            if cursor.get("etag"):
                headers["If-None-Match"] = str(cursor["etag"])
            if cursor.get("last_modified"):
                headers["If-Modified-Since"] = str(cursor["last_modified"])
        page = await http.get(url, headers=headers)
        if page.status == 304:
            return AccountResult(None, (), (), cursor, not_modified=True)
        profile, posts = parse_feed(page, account.platform, account.platform_id)
        newest_seen = from_iso(cursor.get("newest_published_at"))
        if newest_seen is not None:
            cutoff = newest_seen - dt.timedelta(days=self.settings.lookback_days)
            posts = [p for p in posts if p.published_at is None or p.published_at >= cutoff]
        cursor = {k: v for k, v in cursor.items() if k not in ("etag", "last_modified", "feed_url")}
        cursor["feed_url"] = url
        if page.header("etag"):
            cursor["etag"] = page.header("etag")
        if page.header("last-modified"):
            cursor["last_modified"] = page.header("last-modified")
        newest = max((p.published_at for p in posts if p.published_at), default=None)
        if newest and (newest_seen is None or newest > newest_seen):
            cursor["newest_published_at"] = to_iso(newest)
        return AccountResult(profile, tuple(posts), (), cursor)
