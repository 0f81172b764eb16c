"""Many plain Weibo accounts at once, for the scale tests and benchmarks of collection: each
with a profile and a page of a few posts, no comments (two requests per account)."""

from __future__ import annotations

from collectors.fakeplatform.content import FakeAccount, FakeContent, FakePost

FIRST_UID = 2_000_000_000


def crowd_accounts(count: int, first_uid: int = FIRST_UID) -> list[tuple[str, str]]:
    """(uid, display name) of each account of the crowd, to register them too."""
    return [(str(first_uid + a), f"交通发布{a}") for a in range(count)]


def weibo_crowd(count: int, posts: int = 2, first_uid: int = FIRST_UID) -> FakeContent:
    content = FakeContent()
    for a, (uid, name) in enumerate(crowd_accounts(count, first_uid)):
        items = [
            FakePost(
                id=str(7_000_000_000 + a * 10 + p), created_at=f"-{p + 1}d", text=f"通告 {a}-{p}"
            )
            for p in range(posts)
        ]
        content.add(FakeAccount("weibo", uid, name, followers=100 + a, posts=items))
    return content
