"""The console tests' small world (two unit subtrees, hostile texts, users of every role)
and the helpers that sign a test client in; the fixtures are in tests/web/conftest.py."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from monitor.db.models import (
    Account,
    Alert,
    Comment,
    Digest,
    FindingRow,
    Post,
    Unit,
    User,
)
from monitor.web.users import hash_password

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"
HOSTILE_POST = '<script>alert("post")</script>'
HOSTILE_COMMENT = '<img src=x onerror="alert(1)">差评'
HOSTILE_LINK = "javascript:alert(document.cookie)"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class World:
    """Ids of the objects of each unit subtree: "road" (公路局 and its 分局) and "port"."""

    units: dict[str, int] = field(default_factory=dict)
    accounts: dict[str, list[int]] = field(default_factory=dict)
    findings: dict[str, list[int]] = field(default_factory=dict)
    questions: dict[str, int] = field(default_factory=dict)
    digests: dict[str, int] = field(default_factory=dict)
    comment_hashes: dict[str, str] = field(default_factory=dict)


def _add_user(session: Session, name: str, role: str, unit_id: int | None) -> None:
    session.add(
        User(
            name=name,
            role=role,
            unit_id=unit_id,
            password_hash=hash_password(PASSWORD),
            must_change_password=False,
        )
    )


def _subtree(
    session: Session, world: World, key: str, unit: Unit, digest_dir: Path, n: int
) -> None:
    world.accounts[key] = []
    world.findings[key] = []
    account = Account(
        unit=unit,
        platform="weibo",
        platform_id=f"{key}-{n}",
        name=f"{unit.name}微博",
        home_url=HOSTILE_LINK,
    )
    session.add(account)
    session.flush()
    world.accounts[key].append(account.id)
    post = Post(
        account_id=account.id,
        platform="weibo",
        platform_post_id=f"p-{key}-{n}",
        published_at=NOW - dt.timedelta(days=1),
        text=HOSTILE_POST,
        url=HOSTILE_LINK,
    )
    session.add(post)
    session.flush()
    for i in range(4):
        text = f"{HOSTILE_COMMENT}{key}{i}怎么办[哈哈][泪]"
        session.add(
            Comment(
                post_id=post.id,
                platform="weibo",
                platform_comment_id=f"c-{key}-{n}-{i}",
                text=text,
                text_hash=f"hash-{key}-{n}-{i}",
                created_at=NOW - dt.timedelta(hours=5 - i),
            )
        )
    session.add(  # a reply in the question's thread
        Comment(
            post_id=post.id,
            platform="weibo",
            platform_comment_id=f"r-{key}-{n}",
            root_platform_id=f"c-{key}-{n}-0",
            parent_platform_id=f"c-{key}-{n}-0",
            author_name="网友乙",
            text="同问，什么时候恢复通行？",
            created_at=NOW,
        )
    )
    world.comment_hashes[key] = f"hash-{key}-{n}-0"
    stale = FindingRow(
        dedup_key=f"stale_account:{key}",
        rule="stale_account",
        article="第十二条",
        subject_type="account",
        subject_key=f"weibo:{key}-{n}",
        unit_id=unit.id,
        account_id=account.id,
        severity="warning",
        summary=f"{HOSTILE_POST} 长期未更新",
        evidence=[{"text": HOSTILE_COMMENT, "url": HOSTILE_LINK, "at": None}],
        deadline=NOW + dt.timedelta(days=2),
        first_seen=NOW - dt.timedelta(days=3),
        last_seen=NOW,
    )
    question = FindingRow(
        dedup_key=f"unanswered_question:{key}",
        rule="unanswered_question",
        article="第十六条",
        subject_type="comment",
        subject_key=f"weibo:c-{key}-{n}-0",
        unit_id=unit.id,
        account_id=account.id,
        severity="overdue",
        summary=f"网民提问未回复：{HOSTILE_COMMENT}",
        deadline=NOW - dt.timedelta(hours=5),
        first_seen=NOW - dt.timedelta(days=2),
        last_seen=NOW,
    )
    session.add_all([stale, question])
    session.flush()
    session.add(Alert(finding_id=stale.id, severity="warning", opened_at=NOW))
    world.findings[key] += [stale.id, question.id]
    world.questions[key] = question.id
    folder = digest_dir / key
    folder.mkdir(parents=True)
    (folder / "digest.html").write_text(f"<p>{unit.name}周报</p>", encoding="utf-8")
    (folder / "digest.xlsx").write_bytes(b"PK fake workbook")
    digest = Digest(
        week="2026-W47",
        scope=unit.name,
        unit_id=unit.id,
        files={"html": str(folder / "digest.html"), "xlsx": str(folder / "digest.xlsx")},
        summary={  # as DigestData.summary() stores it
            "as_of": "2026年11月22日 24:00",
            "overview": {"posts": 10.0 + n, "comments": 200.0 + n},
            "rumours_unclarified": n,
            "unanswered": 3 + n,
            "overdue": 1,
            "findings_open": 5 + n,
        },
    )
    session.add(digest)
    session.flush()
    world.digests[key] = digest.id


def build_world(db_sessions: sessionmaker[Session], tmp_path: Path) -> World:
    """Two unit subtrees with hostile texts, and users of every role."""
    world = World()
    with db_sessions.begin() as session:
        office = Unit(name="省交通运输厅")
        road = Unit(name="省公路局", parent=office)
        branch = Unit(name="省公路局第一分局", parent=road)
        port = Unit(name="省港航局", parent=office)
        session.add_all([office, road, branch, port])
        session.flush()
        world.units = {"office": office.id, "road": road.id, "branch": branch.id, "port": port.id}
        _subtree(session, world, "road", road, tmp_path / "digests", 1)
        _subtree(session, world, "branch", branch, tmp_path / "digests", 2)
        _subtree(session, world, "port", port, tmp_path / "digests", 3)
        _add_user(session, "admin", "admin", None)
        _add_user(session, "road", "unit", road.id)
        _add_user(session, "port", "unit", port.id)
        _add_user(session, "roadviewer", "viewer", road.id)
    return world


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(client: TestClient, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> None:
    token = csrf_of(client)
    response = client.post(
        "/login", data={"name": name, "password": password, "csrf": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
