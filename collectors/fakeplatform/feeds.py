"""Render an account's posts as an RSS 2.0 or Atom feed (the shapes RSSHub and sites serve)."""

from __future__ import annotations

import datetime as dt
import email.utils
from xml.sax.saxutils import escape, quoteattr

from collectors.fakeplatform.content import FakeAccount, FakePost, resolve_time
from collectors.fakeplatform.weibo_pages import ordered_posts


def _body(post: FakePost) -> str:
    text = post.long_text or post.text
    if post.repost_of is not None:
        original = post.repost_of
        return (
            f'{text}<div class="rsshub-quote"><br><br>转发 '
            f'<a href="https://weibo.com/{original.author_id}">@{original.author_name}</a>: '
            f"{original.text}</div>"
        )
    return text


def _title(post: FakePost) -> str:
    return post.title or post.text[:30]


def post_link(base_url: str, account: FakeAccount, post: FakePost) -> str:
    return f"{base_url}/posts/{account.platform}/{account.id}/{post.id}"


def newest(account: FakeAccount, now: dt.datetime) -> dt.datetime:
    times = [resolve_time(p.created_at, now) for p in account.posts]
    return max(times, default=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))


def rss(account: FakeAccount, base_url: str, now: dt.datetime) -> bytes:
    items = []
    for post in ordered_posts(account, now):
        when = email.utils.format_datetime(resolve_time(post.created_at, now).astimezone(dt.UTC))
        items.append(
            "<item>"
            f"<title>{escape(_title(post))}</title>"
            f"<description>{escape(_body(post))}</description>"
            f"<pubDate>{when}</pubDate>"
            f'<guid isPermaLink="false">{escape(post.id)}</guid>'
            f"<link>{escape(post_link(base_url, account, post))}</link>"
            "</item>"
        )
    built = email.utils.format_datetime(newest(account, now).astimezone(dt.UTC))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(account.name)}</title>"
        f"<link>{escape(base_url)}/u/{escape(account.id)}</link>"
        f"<description>{escape(account.description or account.name)}</description>"
        f"<lastBuildDate>{built}</lastBuildDate>" + "".join(items) + "</channel></rss>\n"
    ).encode()


def atom(account: FakeAccount, base_url: str, now: dt.datetime) -> bytes:
    entries = []
    for post in ordered_posts(account, now):
        when = resolve_time(post.created_at, now).astimezone(dt.UTC).isoformat()
        link = post_link(base_url, account, post)
        entries.append(
            "<entry>"
            f"<id>{escape(post.id)}</id>"
            f"<title>{escape(_title(post))}</title>"
            f"<published>{when}</published><updated>{when}</updated>"
            f"<link href={quoteattr(link)}/>"
            f'<content type="html">{escape(_body(post))}</content>'
            "</entry>"
        )
    updated = newest(account, now).astimezone(dt.UTC).isoformat()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(base_url)}/u/{escape(account.id)}</id>"
        f"<title>{escape(account.name)}</title><updated>{updated}</updated>"
        + "".join(entries)
        + "</feed>\n"
    ).encode()
