"""Every saved raw page under collectors/fakeplatform/fixtures/<platform>/<case>/ is parsed
without HTTP and compared with the expect.toml beside it: a regression case is new files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest
from testkit.collecting import FIXTURES, NOW

from collectors import errors
from collectors.base import Page
from collectors.rss_parse import parse_feed
from collectors.weibo_parse import (
    link_threads,
    parse_comments_page,
    parse_comments_show_page,
    parse_long_text,
    parse_posts_page,
    parse_profile,
    parse_replies_page,
)

CASES = sorted(p.parent for p in FIXTURES.glob("*/*/expect.toml"))
BASE = "https://m.weibo.cn"


def _page(case: Path, expect: dict[str, Any]) -> Page:
    raw = next(p for p in case.iterdir() if p.name != "expect.toml")
    default_type = "application/json" if raw.suffix == ".json" else "application/rss+xml"
    return Page(
        url=f"https://fixture.invalid/{case.parent.name}/{case.name}",
        status=200,
        headers={
            "content-type": expect.get("content_type", default_type),
            **({"date": expect["date"]} if "date" in expect else {}),
        },
        content=raw.read_bytes(),
        fetched_at=_now(expect),  # relative times count back from the response's time
    )


def _now(expect: dict[str, Any]) -> dt.datetime:
    value = expect.get("now")
    return value if isinstance(value, dt.datetime) else NOW


def _parse(page: Page, expect: dict[str, Any]) -> dict[str, Any]:
    parser = expect["parser"]
    if parser == "profile":
        profile, containerid = parse_profile(page, expect["uid"])
        return {"expect": {**dataclasses.asdict(profile), "containerid": containerid}}
    if parser == "posts":
        posts = parse_posts_page(page, BASE)
        return {"posts": posts.posts, "since_id": posts.since_id}
    if parser == "long_text":
        return {"text": parse_long_text(page)}
    if parser == "comments":
        got = parse_comments_page(page, expect["post_id"], expect["uid"])
        return {"comments": got.comments, "max_id": got.max_id, "thread_roots": got.thread_roots}
    if parser == "comments_show":
        show = parse_comments_show_page(page, expect["post_id"], expect["uid"], expect["page"])
        linked = link_threads(list(show.comments), show.replied_to)
        return {"comments": linked, "last": show.last, "certain": show.certain}
    if parser == "replies":
        got = parse_replies_page(page, expect["post_id"], expect["root_id"], expect["uid"])
        return {"comments": got.comments, "max_id": got.max_id}
    if parser == "feed":
        profile, feed_posts = parse_feed(page, "website", "fixture")
        return {"name": profile.name, "posts": feed_posts}
    raise AssertionError(f"unknown parser {parser!r} in {expect}")


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, dt.datetime) and isinstance(got, dt.datetime):
        return got == want
    if isinstance(want, list) and isinstance(got, tuple):
        return list(got) == want
    return bool(got == want)


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_page(case: Path) -> None:
    expect = tomllib.loads((case / "expect.toml").read_text(encoding="utf-8"))
    page = _page(case, expect)
    if "error" in expect:
        error_class = getattr(errors, expect["error"])
        with pytest.raises(error_class) as caught:
            _parse(page, expect)
        assert caught.value.text == expect["message"]
        return
    got = _parse(page, expect)
    for key in ("since_id", "max_id", "text", "name", "thread_roots", "last", "certain"):
        if key in expect:
            assert _same(got[key], expect[key]), key
    if "expect" in expect:
        for field, value in expect["expect"].items():
            assert _same(got["expect"][field], value), field
    for kind in ("posts", "comments"):
        if kind not in expect:
            continue
        records = got[kind]
        assert [_id(r) for r in records] == [_id_of(w) for w in expect[kind]] or not expect[kind]
        assert len(records) == len(expect[kind])
        for record, want in zip(records, expect[kind], strict=True):
            for field, value in want.items():
                assert _same(getattr(record, field), value), (_id(record), field)


def _id(record: Any) -> str:
    return str(getattr(record, "platform_post_id", None) or record.platform_comment_id)


def _id_of(want: dict[str, Any]) -> str:
    return str(want.get("platform_post_id") or want.get("platform_comment_id"))


def test_every_platform_has_a_fixture_folder() -> None:
    from collectors.registry import collector_classes

    for name in collector_classes():
        assert (FIXTURES / name).is_dir(), f"collector {name} has no fixture folder"
