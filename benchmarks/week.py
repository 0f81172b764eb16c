"""The synthetic province week the benchmarks share: 300 accounts, 6,000 posts, 200,000
comments by default, as analysis frames (``synthetic_week``), the same week grown by a share of
new texts (``add_new_texts``), its unit tree (``units_frame``), and — for the benchmarks that
run govmon itself — the week stored in a database through govmon's own ingest (``store_week``).

Texts come from templates, optionally mixed with real headlines and Weibo comments from
../shared/datasets (``dataset_texts``; read there, never copied into the repository).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from collectors.records import CommentRecord, PostRecord
from monitor.db.models import Account, AccountSnapshot, Unit
from monitor.store.ingest import store_comments, store_posts
from monitor.store.upsert import upsert

NOW = dt.datetime(2025, 3, 14, 10, 0, tzinfo=dt.UTC)  # a Friday
ROADS = ["沪宁高速", "京沪高速", "宁杭高速", "沿江高速", "G25", "S38", "连霍高速", "宁洛高速"]
PLACES = ["无锡段", "江都段", "溧水段", "徐州段", "南通段", "收费站", "服务区", "枢纽"]
QUESTIONS = [
    "请问{r}{p}现在还堵吗？",
    "{r}{p}什么时候恢复通行",
    "ETC扣费两次了怎么办，在{p}",
    "{n}路公交什么时候恢复原线路？",
    "驾考科目二预约为什么一直约不上",
    "同问，{r}今天封不封",
    "想咨询一下{p}的客运班车还有吗",
]
OTHERS = [
    "辛苦了！{r}的工作人员都是好样的",
    "难道你们不知道{r}{p}天天堵吗？",
    "回复@路人{n}:你在哪个{p}？我也在排队",
    "刚过{p}，一路畅通",
    "又堵了，{r}{p}烦死了！",
    "支持！早就该整治{p}了",
    "[赞][赞]{n}",
    "谢谢提醒，已转发",
]
REPLIES = ["您好，{r}{p}目前通行正常，请关注实时路况。", "已转相关部门核实处理，谢谢反映。"]
POST_TEXTS = [
    "【路况】{r}{p}因施工交通管制，请绕行。",
    "【重要通知】春运期间{r}小型客车免费通行时间安排",
    "{n}路公交线路调整公告",
    "驾考预约新规解读",
    "转发：{r}{p}恢复通行",
]


@dataclass(frozen=True)
class TextPools:
    """Real texts to mix in: news headlines for posts, Weibo comments for comments."""

    headlines: Sequence[str] = ()
    comments: Sequence[str] = ()


def dataset_texts(datasets: Path, limit: int = 20_000) -> TextPools:
    """Headlines (thucnews_titles) and Weibo comments (weibo_senti_100k, with their emoticons)
    from ../shared/datasets; empty pools when the folder is absent."""

    def column(path: Path, name: str) -> list[str]:
        if not path.is_file():
            return []
        with path.open(encoding="utf-8", newline="") as handle:
            return [r[name] for r, _ in zip(csv.DictReader(handle), range(limit), strict=False)]

    return TextPools(
        headlines=column(datasets / "thucnews_titles" / "test.csv", "title"),
        comments=column(datasets / "weibo_senti_100k" / "train.csv", "review"),
    )


def _fill(rng: np.random.Generator, template: str) -> str:
    return template.format(
        r=ROADS[rng.integers(len(ROADS))],
        p=PLACES[rng.integers(len(PLACES))],
        n=int(rng.integers(1, 100_000)),
    )


def _pick(rng: np.random.Generator, templates: Sequence[str], pool: Sequence[str]) -> str:
    """A filled template, or (half the time, when there is a pool) a real text."""
    if pool and rng.random() < 0.5:
        return str(pool[rng.integers(len(pool))])
    return _fill(rng, templates[rng.integers(len(templates))])


def synthetic_week(
    n_accounts: int,
    n_posts: int,
    n_comments: int,
    seed: int = 7,
    *,
    now: dt.datetime = NOW,
    question_share: float = 0.35,
    official_share: float = 0.15,
    pools: TextPools | None = None,
) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    pools = pools or TextPools()
    ids = np.arange(1, n_accounts + 1)
    accounts = pd.DataFrame(
        {
            "account_id": ids,
            "account_key": [f"weibo:{1000 + i}" for i in ids],
            "unit_id": (ids - 1) // 8 + 1,
            "unit": [f"第{(i - 1) // 8 + 1}交通单位" for i in ids],
            "platform": "weibo",
            "platform_id": [str(1000 + i) for i in ids],
            "name": [f"交通发布{i}" for i in ids],
            "home_url": [f"https://weibo.example/u/{1000 + i}" for i in ids],
            "opened_on": None,
            "filed_on": None,
            "closed_on": None,
            "closure_filed_on": None,
            "status": "active",
            "superiors": [[] if i == 1 else ["weibo:1001"] for i in ids],
        }
    )
    week_start = pd.Timestamp(now) - pd.Timedelta(days=7)
    # Skewed activity: some accounts post a lot, a few only long ago (stale).
    weights = rng.pareto(1.5, n_accounts) + 0.05
    post_account = rng.choice(ids, n_posts, p=weights / weights.sum())
    age = pd.to_timedelta(rng.uniform(0, 7 * 86400, n_posts), unit="s")
    stale = np.isin(post_account, ids[-15:])
    published = (
        pd.Series(week_start, index=range(n_posts)).where(
            ~stale, week_start - pd.Timedelta(days=20)
        )
        + age
    )
    is_repost = rng.random(n_posts) < 0.3
    post_ids = np.arange(1, n_posts + 1)
    posts = pd.DataFrame(
        {
            "post_id": post_ids,
            "account_id": post_account,
            "platform": "weibo",
            "platform_post_id": [f"P{i}" for i in post_ids],
            "published_at": pd.to_datetime(published, utc=True),
            "title": "",
            "text": [_pick(rng, POST_TEXTS, pools.headlines) for _ in post_ids],
            "url": [f"https://weibo.example/p/P{i}" for i in post_ids],
            "is_repost": is_repost,
            "source": "",
            "original_author": np.where(is_repost, "某媒体", ""),
            "original_post_id": np.where(is_repost & (rng.random(n_posts) < 0.8), "X", ""),
            "reposts": rng.poisson(20, n_posts),
            "comments_count": rng.poisson(30, n_posts),
            "likes": rng.poisson(80, n_posts),
            "reads": rng.poisson(3000, n_posts),
        }
    )
    # Public comments (``question_share`` of them questions), then official replies
    # (``official_share`` of all comments) in the thread of a random question of the same post, some
    # hours later. Every text is a little different, as real comments are.
    n_official = int(n_comments * official_share)
    n_public = n_comments - n_official
    c_post = rng.choice(post_ids, n_public)
    asks = rng.random(n_public) < question_share
    tails = ["", "，谢谢", "，急", "！", "，在线等", "，麻烦了", "。"]
    texts = [
        (
            _fill(rng, QUESTIONS[rng.integers(len(QUESTIONS))])
            if a
            else _pick(rng, OTHERS, pools.comments)
        )
        + tails[rng.integers(len(tails))]
        + f" {int(rng.integers(1_000_000))}"
        for a in asks
    ]
    post_time = posts.set_index("post_id")["published_at"]
    created = (
        post_time.loc[c_post].dt.tz_convert(None).to_numpy()
        + pd.to_timedelta(rng.exponential(8 * 3600, n_public), unit="s").to_numpy()
    )
    answered = rng.choice(np.flatnonzero(asks), n_official)
    all_post = np.concatenate([c_post, c_post[answered]])
    roots = np.concatenate([np.full(n_public, ""), [f"C{i + 1}" for i in answered]])
    all_created = np.concatenate(
        [
            created,
            created[answered]
            + pd.to_timedelta(rng.exponential(6 * 3600, n_official), unit="s").to_numpy(),
        ]
    )
    all_texts = texts + [_fill(rng, REPLIES[rng.integers(len(REPLIES))]) for _ in range(n_official)]
    cids = np.arange(1, n_comments + 1)
    comments = pd.DataFrame(
        {
            "comment_id": cids,
            "post_id": all_post,
            "account_id": posts.set_index("post_id")["account_id"].loc[all_post].to_numpy(),
            "platform": "weibo",
            "platform_comment_id": [f"C{i}" for i in cids],
            "parent_platform_id": roots,
            "root_platform_id": roots,
            "author_id": rng.integers(1, 50_000, n_comments).astype(str),
            "author_name": "网友",
            "text": all_texts,
            "created_at": pd.to_datetime(all_created, utc=True),
            "is_official": np.arange(n_comments) >= n_public,
            "liked_by_author": rng.random(n_comments) < 0.1,
            "likes": rng.poisson(2, n_comments),
        }
    )
    # Comments cannot be from the future: those the draw put after ``now`` arrive at ``now``.
    late = comments["created_at"] > pd.Timestamp(now)
    comments.loc[late, "created_at"] = pd.Timestamp(now)
    days = pd.date_range(week_start.date() - pd.Timedelta(days=1), now.date(), freq="D")
    snapshots = pd.DataFrame(
        [
            {"account_id": a, "day": d.date(), "followers": 1000 * a + 5 * j, "posts_total": 0}
            for a in ids
            for j, d in enumerate(days)
        ]
    )
    return {"accounts": accounts, "posts": posts, "comments": comments, "snapshots": snapshots}


def add_new_texts(
    frames: dict[str, pd.DataFrame], share: float, seed: int = 11
) -> dict[str, pd.DataFrame]:
    """The same week plus ``share`` new comments and posts with texts not seen before."""
    rng = np.random.default_rng(seed)
    out = dict(frames)
    for name, id_col, prefix in (("comments", "comment_id", "N"), ("posts", "post_id", "NP")):
        frame = frames[name]
        extra = frame.sample(max(1, int(len(frame) * share)), random_state=seed).copy()
        start = int(frame[id_col].max()) + 1
        extra[id_col] = np.arange(start, start + len(extra))
        key = "platform_comment_id" if name == "comments" else "platform_post_id"
        extra[key] = [f"{prefix}{i}" for i in extra[id_col]]
        extra["text"] = [f"{t} 新{int(rng.integers(1_000_000_000))}" for t in extra["text"]]
        out[name] = pd.concat([frame, extra], ignore_index=True)
    return out


def units_frame(accounts: pd.DataFrame) -> pd.DataFrame:
    """The generator's units under one 厅, in groups of five under 厅直单位 (three levels)."""
    ids = sorted(int(u) for u in accounts["unit_id"].unique())
    top = max(ids) + 1
    middles = {i: top + 1 + (i - 1) // 5 for i in ids}
    rows = [{"unit_id": top, "name": "交通运输厅", "parent_id": None}]
    rows += [
        {"unit_id": m, "name": f"厅直单位{m - top}", "parent_id": top}
        for m in set(middles.values())
    ]
    names = dict(zip(accounts["unit_id"], accounts["unit"], strict=False))
    rows += [{"unit_id": i, "name": names[i], "parent_id": middles[i]} for i in ids]
    frame = pd.DataFrame(rows).assign(short_name="", head="张三", deputy="李四", editor="王五")
    frame["parent_id"] = frame["parent_id"].astype("Int64")
    return frame.sort_values("unit_id").reset_index(drop=True)


def _registry(engine: Engine, frames: dict[str, pd.DataFrame], now: dt.datetime) -> None:
    """Units and accounts as `govmon accounts import` would leave them (parents first)."""
    units = units_frame(frames["accounts"])
    parents = dict(zip(units["unit_id"], units["parent_id"], strict=True))

    def depth(unit_id: object) -> int:
        parent = parents[unit_id]
        return 0 if pd.isna(parent) else 1 + depth(parent)

    units = units.assign(_depth=units["unit_id"].map(depth)).sort_values("_depth")
    with engine.begin() as conn:
        conn.execute(
            Unit.__table__.insert(),
            [
                {
                    "id": int(u.unit_id),
                    "name": u.name,
                    "parent_id": None if pd.isna(u.parent_id) else int(u.parent_id),
                    "head": u.head,
                    "deputy": u.deputy,
                    "editor": u.editor,
                    "emails": [f"unit{int(u.unit_id)}@example.invalid"],
                    "created_at": now,
                    "updated_at": now,
                }
                for u in units.itertuples()
            ],
        )
        conn.execute(
            Account.__table__.insert(),
            [
                {
                    "id": int(a.account_id),
                    "unit_id": int(a.unit_id),
                    "platform": a.platform,
                    "platform_id": a.platform_id,
                    "name": a.name,
                    "home_url": a.home_url,
                    "superiors": list(a.superiors),
                    "opened_on": dt.date(2020, 1, 1),
                    "filed_on": dt.date(2020, 1, 5),
                    "staff": "赵六",
                    "phone": "025-00000000",
                    "created_at": now,
                    "updated_at": now,
                }
                for a in frames["accounts"].itertuples()
            ],
        )


def _post_record(p: object, now: dt.datetime) -> PostRecord:
    return PostRecord(
        "weibo",
        str(p.platform_post_id),  # type: ignore[attr-defined]
        str(p.url),  # type: ignore[attr-defined]
        now,
        published_at=p.published_at.to_pydatetime(warn=False),  # type: ignore[attr-defined]
        text=str(p.text),  # type: ignore[attr-defined]
        url=str(p.url),  # type: ignore[attr-defined]
        is_repost=bool(p.is_repost),  # type: ignore[attr-defined]
        original_author=str(p.original_author),  # type: ignore[attr-defined]
        original_post_id=str(p.original_post_id),  # type: ignore[attr-defined]
        reposts=int(p.reposts),  # type: ignore[attr-defined]
        comments_count=int(p.comments_count),  # type: ignore[attr-defined]
        likes=int(p.likes),  # type: ignore[attr-defined]
        reads=int(p.reads),  # type: ignore[attr-defined]
    )


def comment_records(
    comments: pd.DataFrame, posts: pd.DataFrame, now: dt.datetime
) -> list[CommentRecord]:
    post_key = dict(zip(posts["post_id"], posts["platform_post_id"], strict=True))
    return [
        CommentRecord(
            "weibo",
            str(c.platform_comment_id),
            str(post_key[c.post_id]),
            f"https://weibo.example/c/{c.platform_comment_id}",
            now,
            parent_platform_id=str(c.parent_platform_id),
            root_platform_id=str(c.root_platform_id),
            author_id=str(c.author_id),
            author_name=str(c.author_name),
            text=str(c.text),
            created_at=c.created_at.to_pydatetime(warn=False),
            is_official=bool(c.is_official),
            liked_by_author=bool(c.liked_by_author),
            likes=int(c.likes),
        )
        for c in comments.itertuples()
    ]


def store_posts_of(engine: Engine, posts: pd.DataFrame, now: dt.datetime) -> None:
    with engine.begin() as conn:
        for account_id, group in posts.groupby("account_id"):
            store_posts(
                conn, int(account_id), [_post_record(p, now) for p in group.itertuples()], now
            )


def store_comments_of(
    engine: Engine, comments: pd.DataFrame, posts: pd.DataFrame, now: dt.datetime
) -> None:
    with engine.begin() as conn:
        for start in range(0, len(comments), 20_000):
            part = comments.iloc[start : start + 20_000]
            store_comments(conn, "weibo", comment_records(part, posts, now), now)


def store_week(engine: Engine, frames: dict[str, pd.DataFrame], now: dt.datetime) -> None:
    """The week in a migrated, empty database: registry, then posts and comments through
    govmon's ingest (store_posts / store_comments), then the daily follower snapshots."""
    _registry(engine, frames, now)
    store_posts_of(engine, frames["posts"], now)
    store_comments_of(engine, frames["comments"], frames["posts"], now)
    with engine.begin() as conn:
        upsert(
            conn,
            AccountSnapshot.__table__,  # type: ignore[arg-type]
            [
                {
                    "account_id": int(s.account_id),
                    "day": s.day,
                    "taken_at": now,
                    "followers": int(s.followers),
                    "posts_total": int(s.posts_total),
                    "name_seen": "",
                }
                for s in frames["snapshots"].itertuples()
            ],
            conflict=("account_id", "day"),
            update=("followers",),
        )
