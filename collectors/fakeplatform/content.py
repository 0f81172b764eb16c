"""The fake platform's content: accounts → posts → comments, in memory, loadable from files.

A content directory holds one JSON file per account (any name ending in ``.json``)::

    {"platform": "weibo", "id": "1000000001", "name": "示例交通", "followers": 12000,
     "posts": [{"id": "5000000000000001", "created_at": "-2d3h", "text": "…",
                "comments": [{"id": "6000000000000001", "user_id": "42", "user_name": "网友",
                              "text": "…", "created_at": "-1d", "replies": [ … ]}]}]}

Times are ISO 8601 (``2026-11-28T10:00:00+08:00``) or offsets before the server's clock
(``-2d3h15m``), so bundled sample content stays fresh in ``govmon demo``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_OFFSET = re.compile(r"^-(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


class ContentError(ValueError):
    """A content file that cannot be read; the message names the file and the field."""


def resolve_time(value: str, now: dt.datetime) -> dt.datetime:
    match = _OFFSET.match(value)
    if match and value != "-":
        days, hours, minutes = (int(g or 0) for g in match.groups())
        return now - dt.timedelta(days=days, hours=hours, minutes=minutes)
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"时间 {value!r} 缺少时区")
    return parsed


@dataclass
class FakeComment:
    id: str
    user_id: str
    user_name: str
    text: str
    created_at: str
    likes: int = 0
    liked_by_author: bool = False
    reply_to: str = ""  # for a reply: the comment it answers ("" = the thread's top comment)
    replies: list[FakeComment] = field(default_factory=list)


@dataclass
class FakeRepost:
    author_id: str
    author_name: str
    id: str
    text: str = ""


@dataclass
class FakePost:
    id: str
    created_at: str
    text: str
    title: str = ""
    pinned: bool = False
    long_text: str = ""  # the full text when the list shows only a preview
    repost_of: FakeRepost | None = None
    reposts: int | str = 0
    likes: int | str = 0
    reads: int = 0
    comments: list[FakeComment] = field(default_factory=list)


@dataclass
class FakeAccount:
    platform: str
    id: str
    name: str
    followers: int | str = 0
    description: str = ""
    gone: bool = False  # deleted, banned or renamed: the platform says "user does not exist"
    posts: list[FakePost] = field(default_factory=list)


@dataclass
class FakeContent:
    accounts: dict[tuple[str, str], FakeAccount] = field(default_factory=dict)

    def add(self, account: FakeAccount) -> FakeAccount:
        self.accounts[(account.platform, account.id)] = account
        return account

    def get(self, platform: str, account_id: str) -> FakeAccount | None:
        return self.accounts.get((platform, account_id))

    def find_post(self, post_id: str) -> tuple[FakeAccount, FakePost] | None:
        for account in self.accounts.values():
            for post in account.posts:
                if post.id == post_id:
                    return account, post
        return None

    def find_comment(self, comment_id: str) -> tuple[FakeAccount, FakePost, FakeComment] | None:
        for account in self.accounts.values():
            for post in account.posts:
                for comment in post.comments:
                    if comment.id == comment_id:
                        return account, post, comment
        return None

    @classmethod
    def load_dir(cls, directory: Path) -> FakeContent:
        content = cls()
        for path in sorted(directory.glob("*.json")):
            content.add(load_account(path))
        return content


def _comment(raw: dict[str, Any]) -> FakeComment:
    fields: dict[str, Any] = {k: v for k, v in raw.items() if k != "replies"}
    fields["id"] = str(raw["id"])
    fields["user_id"] = str(raw.get("user_id", ""))
    return FakeComment(**fields, replies=[_comment(r) for r in raw.get("replies", [])])


def _post(raw: dict[str, Any]) -> FakePost:
    fields = {k: v for k, v in raw.items() if k not in ("comments", "repost_of")}
    repost = raw.get("repost_of")
    return FakePost(
        **{**fields, "id": str(raw["id"])},
        repost_of=FakeRepost(**repost) if repost else None,
        comments=[_comment(c) for c in raw.get("comments", [])],
    )


def account_from_dict(raw: dict[str, Any]) -> FakeAccount:
    fields = {k: v for k, v in raw.items() if k != "posts"}
    return FakeAccount(
        **{**fields, "id": str(raw["id"])}, posts=[_post(p) for p in raw.get("posts", [])]
    )


def load_account(path: Path) -> FakeAccount:
    try:
        return account_from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError, KeyError) as exc:
        raise ContentError(f"示例内容文件 {path} 有误：{exc}") from None
