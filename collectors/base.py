"""What a collector is: a class per platform, given an account and a polite fetcher."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from collectors.records import CommentRecord, PostRecord, ProfileRecord
from collectors.settings import CollectorsSettings

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class AccountRef:
    """The account as monitor describes it to a collector (no database objects)."""

    platform: str  # the account's platform ("weibo", "douyin", "wechat", "website" …)
    platform_id: str
    feed_url: str = ""  # 订阅地址; when set, the RSS collector reads it
    cursor: Mapping[str, Any] = field(default_factory=dict)  # what the last run left
    comment_post_ids: tuple[str, ...] = ()  # stored posts whose comments to re-read
    # Posts already stored: a post not among them is new, and its comments are read whatever
    # its age, back to ``comments_since`` (the analysis window).
    known_post_ids: frozenset[str] = frozenset()
    comments_since: dt.datetime | None = None
    name: str = ""

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.platform_id}"


@dataclass(frozen=True)
class Page:
    """One raw response, stamped with where and when it was fetched."""

    url: str
    status: int
    headers: Mapping[str, str]  # lower-case names
    content: bytes
    fetched_at: dt.datetime

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


class Fetcher(Protocol):
    """The polite HTTP access a collector gets (see collectors.http.AccountFetcher)."""

    async def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Page: ...


@dataclass(frozen=True)
class AccountResult:
    profile: ProfileRecord | None
    posts: tuple[PostRecord, ...]
    comments: tuple[CommentRecord, ...]
    cursor: dict[str, Any]  # to store on the account for the next run
    not_modified: bool = False  # the platform said nothing changed (304)
    # Posts whose comments were read in full (every page, nothing cut short): only for these
    # may a stored comment that was not returned be marked deleted.
    comments_complete: tuple[str, ...] = ()


class Collector(ABC):
    """One platform. Subclasses set ``platform`` and are enrolled with ``@register``."""

    platform: ClassVar[str]
    conditional_get: ClassVar[bool] = False  # sends ETag/Last-Modified validators
    gives_comments: ClassVar[bool] = True
    gives_counts: ClassVar[bool] = True

    def __init__(self, settings: CollectorsSettings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock

    @abstractmethod
    def handles(self, account: AccountRef) -> bool:
        """Whether this collector can read this account with the current settings."""

    @abstractmethod
    async def collect(self, account: AccountRef, http: Fetcher) -> AccountResult:
        """Fetch and parse one account, or raise a :class:`collectors.errors.CollectError`."""
