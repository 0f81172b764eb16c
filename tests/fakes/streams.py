"""Synthetic streams of posts and comments, shaped as the analysis frames are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd

from analysis.frames import ACCOUNTS, COMMENTS, POSTS


def account_row(aid: int, key: str, unit_id: int, unit: str, **extra: Any) -> dict[str, Any]:
    """An active Weibo account; ``extra`` overrides any column."""
    row: dict[str, Any] = {
        "account_id": aid,
        "account_key": key,
        "unit_id": unit_id,
        "unit": unit,
        "platform": "weibo",
        "platform_id": key.split(":")[1],
        "name": unit,
        "home_url": f"https://weibo.example/{aid}",
        "opened_on": None,
        "filed_on": None,
        "closed_on": None,
        "closure_filed_on": None,
        "status": "active",
        "superiors": [],
    }
    return {**row, **extra}


def accounts_frame(rows: Iterable[tuple[int, str, int, str]]) -> pd.DataFrame:
    """Active Weibo accounts from (account_id, account_key, unit_id, unit name) rows."""
    return pd.DataFrame([account_row(*row) for row in rows], columns=ACCOUNTS)


def post_row(pid: int, aid: int, text: str, at: object, **extra: Any) -> dict[str, Any]:
    """An original Weibo post; ``extra`` overrides any column."""
    row: dict[str, Any] = {
        "post_id": pid,
        "account_id": aid,
        "platform": "weibo",
        "platform_post_id": f"p{pid}",
        "published_at": at,
        "title": "",
        "text": text,
        "url": f"https://weibo.example/p/{pid}",
        "is_repost": False,
        "source": "",
        "original_author": "",
        "original_post_id": "",
        "reposts": 0,
        "comments_count": 0,
        "likes": 0,
        "reads": 0,
    }
    return {**row, **extra}


def comment_row(
    cid: int, pid: int, aid: int, text: str, at: object, **extra: Any
) -> dict[str, Any]:
    """A top-level comment by a member of the public; ``extra`` overrides any column."""
    row: dict[str, Any] = {
        "comment_id": cid,
        "post_id": pid,
        "account_id": aid,
        "platform": "weibo",
        "platform_comment_id": f"c{cid}",
        "parent_platform_id": "",
        "root_platform_id": "",
        "author_id": "u1",
        "author_name": "u1",
        "text": text,
        "created_at": at,
        "is_official": False,
        "liked_by_author": False,
        "likes": 0,
    }
    return {**row, **extra}


class Stream:
    """Posts and comments added one by one; ``frames()`` gives them as analysis frames."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.comments: list[dict[str, Any]] = []

    def post(self, account: int, text: str, at: dt.datetime, sentiment: float | None = None) -> int:
        pid = len(self.posts) + 1
        self.posts.append(post_row(pid, account, text, at, sentiment=sentiment))
        return pid

    def comment(
        self,
        post_id: int,
        text: str,
        at: dt.datetime,
        author: str = "u1",
        sentiment: float | None = None,
    ) -> None:
        cid = len(self.comments) + 1
        account = self.posts[post_id - 1]["account_id"]
        self.comments.append(
            comment_row(
                cid,
                post_id,
                account,
                text,
                at,
                author_id=author,
                author_name=author,
                sentiment=sentiment,
            )
        )

    def frames(self, sentiment: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(posts, comments); with ``sentiment`` each keeps its score column."""
        extra = ["sentiment"] if sentiment else []
        posts = pd.DataFrame(self.posts, columns=[*POSTS, "sentiment"])[POSTS + extra]
        comments = pd.DataFrame(self.comments, columns=[*COMMENTS, "sentiment"])[COMMENTS + extra]
        posts["published_at"] = pd.to_datetime(posts["published_at"], utc=True)
        comments["created_at"] = pd.to_datetime(comments["created_at"], utc=True)
        return posts, comments
