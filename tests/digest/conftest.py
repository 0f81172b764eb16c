"""A fixed week (2026-W48, Monday 23 November, Asia/Shanghai) with hand-computed figures.

Units: 江东省交通运输厅 (top) → 江东高速 → 江东高速南段; 江东公路 under the top.
Accounts: 高速发布 (江东高速), 南段发布 (江东高速南段), 公路发布 (江东公路, silent in W48).

W48: 高速发布 posts 3 (reposts 10+0+0, likes 5+5+0), 南段发布 1; public comments 3 (one question
to 高速发布 answered two hours later, one question to 南段发布 on Monday never answered: overdue by
Thursday, 3 working days), one remark);
W47: 高速发布 1 post, 公路发布 1 post, no comments.
Findings: 公路发布 stale (overdue since W47, open); 高速发布 missing attribution (resolved on
Wednesday of W48).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from testkit.digest_week import NOW, at

from monitor.db.models import Account, Comment, FindingRow, Post, Unit


def _post(account: Account, pid: str, when: dt.datetime, text: str, **counts: int) -> Post:
    return Post(
        account_id=account.id,
        platform="weibo",
        platform_post_id=pid,
        published_at=when,
        text=text,
        url=f"https://m.weibo.cn/detail/{pid}",
        **counts,
    )


def seed(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        top = Unit(name="江东省交通运输厅", short_name="江东交通", head="甲", editor="丙")
        road = Unit(name="江东高速", parent=top, head="丁", editor="戊")
        south = Unit(name="江东高速南段", parent=road, editor="己")
        highway = Unit(name="江东公路", parent=top, editor="庚")
        s.add_all([top, road, south, highway])
        s.flush()
        # Collected right up to the digest: every account's week is complete (STYLE 18).
        read = {"last_collected_at": NOW - dt.timedelta(minutes=30)}
        a1 = Account(unit=road, platform="weibo", platform_id="1", name="高速发布", **read)
        a2 = Account(unit=south, platform="weibo", platform_id="2", name="南段发布", **read)
        a3 = Account(unit=highway, platform="weibo", platform_id="3", name="公路发布", **read)
        s.add_all([a1, a2, a3])
        s.flush()
        p1 = _post(a1, "p1", at(24, 9), "【路况】G60 江东段施工，请绕行。", reposts=10, likes=5)
        p2 = _post(a1, "p2", at(25, 9), "冬季行车安全提示。", likes=5)
        p3 = _post(a1, "p3", at(26, 9), "江东高速服务区开放时间调整。")
        p4 = _post(a2, "p4", at(23, 9), "南段夜间施工公告。")
        old1 = _post(a1, "o1", at(17, 9), "上周的通知。")
        old2 = _post(a3, "o2", at(18, 9), "公路养护公告。")
        s.add_all([p1, p2, p3, p4, old1, old2])
        s.flush()
        s.add_all(
            [
                Comment(
                    post_id=p1.id,
                    platform="weibo",
                    platform_comment_id="c1",
                    author_id="u1",
                    text="请问G60江东段施工什么时候结束？",
                    created_at=at(24, 10),
                ),
                Comment(
                    post_id=p1.id,
                    platform="weibo",
                    platform_comment_id="c2",
                    parent_platform_id="c1",
                    root_platform_id="c1",
                    author_id="a1",
                    text="您好，预计本周五结束。",
                    created_at=at(24, 12),
                    is_official=True,
                ),
                Comment(
                    post_id=p1.id,
                    platform="weibo",
                    platform_comment_id="c3",
                    author_id="u2",
                    text="辛苦了！",
                    created_at=at(25, 20),
                ),
                Comment(
                    post_id=p4.id,
                    platform="weibo",
                    platform_comment_id="c4",
                    author_id="u3",
                    text="请问南段夜间施工几点开始封路？",
                    created_at=at(23, 10),
                ),
            ]
        )
        s.add_all(
            [
                FindingRow(
                    dedup_key="stale_account:weibo:3",
                    rule="stale_account",
                    article="第十二条",
                    subject_type="account",
                    subject_key="weibo:3",
                    unit_id=highway.id,
                    account_id=a3.id,
                    severity="overdue",
                    summary="账号「公路发布」已 40 天未更新（第十二条）",
                    data={"days_since_last_post": 40},
                    state="open",
                    first_seen=at(19, 9),
                    last_seen=at(29, 9),
                ),
                FindingRow(
                    dedup_key="missing_attribution:weibo:p9",
                    rule="missing_attribution",
                    article="第十五条",
                    subject_type="post",
                    subject_key="weibo:p9",
                    unit_id=road.id,
                    account_id=a1.id,
                    severity="warning",
                    summary="转载未注明来源（第十五条）",
                    state="resolved",
                    first_seen=at(23, 9),
                    last_seen=at(24, 9),
                    resolved_at=at(25, 9),
                ),
            ]
        )


@pytest.fixture
def seeded(db_engine: Engine) -> Iterator[Engine]:
    seed(sessionmaker(db_engine))
    yield db_engine
