"""Render content as Weibo's mobile API answers it (m.weibo.cn shapes, as the real API sends)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from collectors.fakeplatform.content import FakeAccount, FakeComment, FakePost, resolve_time
from collectors.weibo_time import SHANGHAI

JSON = dict[str, Any]
PREVIEW_CHARS = 140
INLINE_REPLIES = 2


def weibo_time(when: dt.datetime, now: dt.datetime, style: str) -> str:
    """``absolute``: 'Sat Nov 28 10:00:00 +0800 2026'; ``relative``: as the app shows it."""
    local = when.astimezone(SHANGHAI)
    if style == "absolute":
        days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        months = [
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        ]
        return (
            f"{days[local.weekday()]} {months[local.month - 1]} {local:%d %H:%M:%S} +0800 "
            f"{local.year}"
        )
    local_now = now.astimezone(SHANGHAI)
    seconds = (local_now - local).total_seconds()
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"{int(seconds // 60)}分钟前"
    if seconds < 86400 and local.date() == local_now.date():
        return f"{int(seconds // 3600)}小时前"
    if local.date() == local_now.date() - dt.timedelta(days=1):
        return f"昨天 {local:%H:%M}"
    if local.year == local_now.year:
        return f"{local:%m-%d}"
    return f"{local:%Y-%m-%d}"


def ordered_posts(account: FakeAccount, now: dt.datetime) -> list[FakePost]:
    """Pinned first (whatever their date), then newest first, as the app lists them."""
    by_date = sorted(account.posts, key=lambda p: resolve_time(p.created_at, now), reverse=True)
    return [p for p in by_date if p.pinned] + [p for p in by_date if not p.pinned]


def _user(uid: str, name: str) -> JSON:
    numeric: int | str = int(uid) if uid.isdigit() else uid
    return {"id": numeric, "screen_name": name, "profile_image_url": "", "verified": True}


def comment_total(post: FakePost) -> int:
    return sum(1 + len(c.replies) for c in post.comments)


def profile_page(account: FakeAccount) -> JSON:
    uid = account.id
    return {
        "ok": 1,
        "data": {
            "isVideoCoverStyle": 0,
            "userInfo": {
                **_user(uid, account.name),
                "description": account.description,
                "followers_count": account.followers,
                "follow_count": 10,
                "statuses_count": len(account.posts),
                "verified_type": 1,
            },
            "tabsInfo": {
                "selectedTab": 1,
                "tabs": [
                    {
                        "id": 1,
                        "tabKey": "profile",
                        "title": "主页",
                        "tab_type": "profile",
                        "containerid": f"230283{uid}",
                    },
                    {
                        "id": 2,
                        "tabKey": "weibo",
                        "title": "微博",
                        "tab_type": "weibo",
                        "containerid": f"107603{uid}",
                        "apipath": "/profile/statuses",
                    },
                ],
            },
            "scheme": f"sinaweibo://userinfo?uid={uid}",
        },
    }


def user_missing_page() -> JSON:
    return {"ok": 0, "msg": "用户不存在", "data": {}}


def mblog(account: FakeAccount, post: FakePost, now: dt.datetime, style: str) -> JSON:
    when = resolve_time(post.created_at, now)
    long = bool(post.long_text)
    text = post.text
    if long:
        text = post.long_text[:PREVIEW_CHARS] + f'...<a href="/status/{post.id}">全文</a>'
    blog: JSON = {
        "visible": {"type": 0, "list_id": 0},
        "created_at": weibo_time(when, now, style),
        "id": post.id,
        "mid": post.id,
        "bid": f"B{post.id[-8:]}",
        "text": text,
        "source": "微博 weibo.com",
        "isLongText": long,
        "user": _user(account.id, account.name),
        "reposts_count": post.reposts,
        "comments_count": comment_total(post),
        "attitudes_count": post.likes,
        "pending_approval_count": 0,
        "mblogtype": 2 if post.pinned else 0,
    }
    if post.pinned:
        blog["isTop"] = 1
        blog["title"] = {"text": "置顶", "base_color": 1}
    if post.reads:
        blog["reads_count"] = post.reads
    if post.repost_of is not None:
        original = post.repost_of
        blog["retweeted_status"] = {
            "id": original.id,
            "mid": original.id,
            "created_at": weibo_time(when, now, style),
            "text": original.text,
            "user": _user(original.author_id, original.author_name),
            "reposts_count": 0,
            "comments_count": 0,
            "attitudes_count": 0,
        }
    return blog


def posts_page(
    account: FakeAccount, since_id: str, now: dt.datetime, style: str, page_size: int
) -> JSON:
    posts = ordered_posts(account, now)
    start = 0
    if since_id:
        ids = [p.id for p in posts]
        if since_id not in ids:
            return {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}
        start = ids.index(since_id)
    chunk = posts[start : start + page_size]
    if not chunk:
        return {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}
    info: JSON = {
        "containerid": f"107603{account.id}",
        "v_p": 42,
        "show_style": 1,
        "total": len(posts),
        "page": None,
    }
    if start + page_size < len(posts):
        info["since_id"] = int(posts[start + page_size].id)
    cards = [
        {
            "card_type": 9,
            "itemid": f"107603{account.id}_-_{p.id}",
            "scheme": f"https://m.weibo.cn/status/{p.id}",
            "mblog": mblog(account, p, now, style),
        }
        for p in chunk
    ]
    return {"ok": 1, "data": {"cardlistInfo": info, "cards": cards, "scheme": ""}}


def long_text_page(post: FakePost) -> JSON:
    return {
        "ok": 1,
        "data": {
            "ok": 1,
            "longTextContent": post.long_text or post.text,
            "reposts_count": post.reposts,
            "comments_count": comment_total(post),
            "attitudes_count": post.likes,
        },
    }


def _comment(
    c: FakeComment, post: FakePost, now: dt.datetime, style: str, root: FakeComment | None
) -> JSON:
    item: JSON = {
        "created_at": weibo_time(resolve_time(c.created_at, now), now, style),
        "id": int(c.id) if c.id.isdigit() else c.id,
        "idstr": c.id,
        "rootid": root.id if root else c.id,
        "rootidstr": root.id if root else c.id,
        "floor_number": 0,
        "text": c.text,
        "disable_reply": 0,
        "user": _user(c.user_id, c.user_name),
        "mid": c.id,
        "source": "来自浙江",
        "like_count": c.likes,
        "isLikedByMblogAuthor": c.liked_by_author,
    }
    if root is not None and c.reply_to and c.reply_to != root.id:
        target = next((r for r in root.replies if r.id == c.reply_to), None)
        if target is not None:
            item["reply_comment"] = {
                "id": int(target.id) if target.id.isdigit() else target.id,
                "text": target.text,
                "user": _user(target.user_id, target.user_name),
            }
    return item


def hotflow_page(post: FakePost, max_id: int, now: dt.datetime, style: str, size: int) -> JSON:
    hot = sorted(post.comments, key=lambda c: (-int(c.likes), c.id))
    chunk = hot[max_id : max_id + size]
    if not chunk:
        return {"ok": 0, "msg": "快来发表你的评论吧"}
    data = []
    for c in chunk:
        item = _comment(c, post, now, style, None)
        inline = [_comment(r, post, now, style, c) for r in c.replies[:INLINE_REPLIES]]
        item["comments"] = inline or False
        item["total_number"] = len(c.replies)
        item["max_id"] = 0
        data.append(item)
    following = max_id + size if max_id + size < len(hot) else 0
    return {
        "ok": 1,
        "data": {
            "data": data,
            "total_number": comment_total(post),
            "max_id": following,
            "max_id_type": 0,
        },
    }


def child_page(
    post: FakePost, root: FakeComment, max_id: int, now: dt.datetime, style: str, size: int
) -> JSON:
    chunk = root.replies[max_id : max_id + size]
    following = max_id + size if max_id + size < len(root.replies) else 0
    return {
        "ok": 1,
        "data": [_comment(r, post, now, style, root) for r in chunk],
        "rootComment": [_comment(root, post, now, style, None)],
        "total_number": len(root.replies),
        "max_id": following,
        "max_id_type": 0,
    }


def comments_show_page(
    post: FakePost, number: int, now: dt.datetime, style: str, size: int
) -> JSON:
    """``api/comments/show`` page ``number`` (from 1): every comment and reply, newest first;
    a reply names what it answers in ``reply_id``/``reply_text``; ``max`` is the page count."""
    flat: list[tuple[FakeComment, FakeComment | None]] = []
    for top in post.comments:
        flat.append((top, None))
        flat += [(reply, top) for reply in top.replies]
    flat.sort(key=lambda pair: (resolve_time(pair[0].created_at, now), pair[0].id), reverse=True)
    pages = -(-len(flat) // size)
    chunk = flat[(number - 1) * size : number * size] if number >= 1 else []
    if not chunk:
        return {"ok": 0, "msg": "还没有人评论哦~快来抢沙发！"}
    data = []
    for c, root in chunk:
        item = _comment(c, post, now, style, root)
        item.pop("like_count")
        item["like_counts"] = c.likes
        item["liked"] = False
        if root is not None:
            target = next((r for r in root.replies if r.id == c.reply_to), root)
            item["reply_id"] = int(target.id) if target.id.isdigit() else target.id
            item["reply_text"] = target.text
        data.append(item)
    return {"ok": 1, "data": {"data": data, "total_number": len(flat), "max": pages}}
