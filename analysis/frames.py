"""The columns of the DataFrames that ``monitor`` hands to analysis functions.

Analysis functions take these frames (or plain records) and return findings or figures; they
never read the database. Times are tz-aware UTC (pandas ``datetime64[ns, UTC]``).
"""

from __future__ import annotations

UNITS = [
    "unit_id",  # int
    "name",  # str
    "short_name",  # str
    "parent_id",  # int | None
    "head",  # 主要负责人
    "deputy",  # 分管负责人
    "editor",  # 总编辑
    "department",  # 管理部门
]

ACCOUNTS = [
    "account_id",  # int (database id)
    "account_key",  # "platform:platform_id"
    "unit_id",  # int
    "unit",  # unit name
    "platform",  # weibo, rss, wechat, ...
    "platform_id",
    "name",
    "home_url",
    "opened_on",  # date | None
    "filed_on",
    "closed_on",
    "closure_filed_on",
    "status",  # active, closed, gone
    "superiors",  # list of account keys whose important posts it must repost
    "staff",  # 工作人员 named for the account ("" when none)
]

POSTS = [
    "post_id",  # int (database id)
    "account_id",
    "platform",
    "platform_post_id",
    "published_at",  # UTC
    "title",
    "text",
    "url",
    "is_repost",  # bool
    "source",  # credited source text ("" when none)
    "original_author",  # for reposts: the original's author
    "original_post_id",  # for reposts: platform id of the original post
    "reposts",
    "comments_count",
    "likes",
    "reads",
]

COMMENTS = [
    "comment_id",  # int (database id)
    "post_id",
    "account_id",  # the account the post belongs to
    "platform",
    "platform_comment_id",
    "parent_platform_id",  # "" for a top-level comment
    "root_platform_id",  # the top-level comment of the thread ("" or own id when top level)
    "author_id",
    "author_name",
    "text",
    "created_at",  # UTC
    "is_official",  # bool: written by the account itself (an official reply)
    "liked_by_author",  # bool: the account liked it (seen, not answered)
    "likes",
]

SNAPSHOTS = ["account_id", "day", "followers", "posts_total"]
