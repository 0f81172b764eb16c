"""The plain records collectors return; monitor stores them (fields match monitor's tables).

Each record is stamped with the URL and the time (UTC) it was fetched from, so a stored row can
always say where it came from. Every text field is cleaned of control characters when the record
is made (:func:`collectors.text.clean_text`), whichever collector made it: one NUL in a post must
not make the account's whole batch unstorable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from collectors.text import clean_text, has_control


class _CleanText:
    """Mixin for frozen record dataclasses: control characters out of every ``str`` field."""

    def __post_init__(self) -> None:
        names = _text_fields(type(self))
        values = self.__dict__
        if not has_control("".join([values[name] for name in names])):
            return  # the common case, checked in one pass
        for name in names:
            object.__setattr__(self, name, clean_text(values[name]))


_TEXT_FIELDS: dict[type, tuple[str, ...]] = {}


def _text_fields(cls: type) -> tuple[str, ...]:
    names = _TEXT_FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in fields(cls) if f.type in ("str", str))
        _TEXT_FIELDS[cls] = names
    return names


@dataclass(frozen=True)
class ProfileRecord(_CleanText):
    platform: str
    platform_id: str
    fetched_url: str
    fetched_at: dt.datetime
    name: str = ""
    followers: int | None = None
    posts_total: int | None = None
    description: str = ""


@dataclass(frozen=True)
class PostRecord(_CleanText):
    platform: str
    platform_post_id: str
    fetched_url: str
    fetched_at: dt.datetime
    published_at: dt.datetime | None = None  # UTC
    title: str = ""
    text: str = ""
    url: str = ""
    is_repost: bool = False
    source: str = ""  # credited source (来源/转自 …, or the reposted author)
    original_author: str = ""
    original_post_id: str = ""
    is_pinned: bool = False
    reposts: int = 0
    comments_count: int = 0
    likes: int = 0
    reads: int = 0
    has_counts: bool = True  # False where the platform gives none (RSS): 0 means "unknown"
    is_long_text: bool = False  # the text is a preview until the full text is fetched
    time_exact: bool = True  # False: published_at came from a relative time ("5分钟前")


@dataclass(frozen=True)
class CommentRecord(_CleanText):
    platform: str
    platform_comment_id: str
    post_platform_id: str
    fetched_url: str
    fetched_at: dt.datetime
    parent_platform_id: str = ""  # "" = top level
    root_platform_id: str = ""  # the thread's top comment ("" = this one is top level)
    author_id: str = ""
    author_name: str = ""
    text: str = ""
    created_at: dt.datetime | None = None  # UTC
    is_official: bool = False  # written by the account itself
    liked_by_author: bool = False  # seen by the account (liked), not an answer
    likes: int = 0
    replies_total: int = 0
    time_exact: bool = True  # False: created_at came from a relative time ("5分钟前")
