"""Benchmark of the pure analysis: a synthetic week for 300 accounts (6,000 posts, 200,000
comments), analysed from cold and again after 1 % new texts (the text cache kept).

Prints the times, their ratio, a baseline measured in the same run (the question classifier in
a plain loop over every comment, no cache, no rules) and the peak memory. Also prints the
question classifier's precision and recall on the labelled sets in tests/data.

    python benchmarks/analyze.py [--accounts 300] [--posts 6000] [--comments 200000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.activity import Period
from analysis.compliance.engine import run_analysis
from analysis.compliance.text_flags import TextCache, TextScorer
from analysis.questions import QuestionClassifier, score
from analysis.rule_settings import QuestionsSettings, RankingSettings, RulesSettings
from analysis.workdays import WorkCalendar

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


def _fill(rng: np.random.Generator, template: str) -> str:
    return template.format(
        r=ROADS[rng.integers(len(ROADS))],
        p=PLACES[rng.integers(len(PLACES))],
        n=int(rng.integers(1, 100_000)),
    )


def synthetic_week(
    n_accounts: int, n_posts: int, n_comments: int, seed: int = 7
) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
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
    week_start = pd.Timestamp(NOW) - pd.Timedelta(days=7)
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
            "text": [_fill(rng, POST_TEXTS[rng.integers(len(POST_TEXTS))]) for _ in post_ids],
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
    # Public comments (35 % questions), then official replies (15 %) in the thread of a
    # random question of the same post, some hours later. Every text is a little different,
    # as real comments are.
    n_official = int(n_comments * 0.15)
    n_public = n_comments - n_official
    c_post = rng.choice(post_ids, n_public)
    asks = rng.random(n_public) < 0.35
    tails = ["", "，谢谢", "，急", "！", "，在线等", "，麻烦了", "。"]
    texts = [
        _fill(rng, (QUESTIONS if a else OTHERS)[rng.integers(len(QUESTIONS if a else OTHERS))])
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
    # Comments cannot be from the future: those the draw put after NOW arrive at NOW.
    late = comments["created_at"] > pd.Timestamp(NOW)
    comments.loc[late, "created_at"] = pd.Timestamp(NOW)
    days = pd.date_range(week_start.date() - pd.Timedelta(days=1), NOW.date(), freq="D")
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


def _run(frames: dict[str, pd.DataFrame], scorer: TextScorer, cache: TextCache) -> float:
    began = time.perf_counter()
    run_analysis(
        frames["accounts"],
        frames["posts"],
        frames["comments"],
        frames["snapshots"],
        now=NOW,
        calendar=WorkCalendar(),
        period=Period.last_days(NOW, 7),
        rules=RulesSettings(),
        questions=QuestionsSettings(),
        ranking=RankingSettings(),
        scorer=scorer,
        cache=cache,
    )
    return time.perf_counter() - began


def labelled_scores(data_dir: Path) -> None:
    classifier = QuestionClassifier.default()
    for name in ("questions_labelled.csv", "questions_holdout.csv"):
        path = data_dir / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        s = score(classifier.classify(r["text"] for r in rows), [r["label"] == "1" for r in rows])
        print(
            f"提问识别 {name}: {len(rows)} 条, precision {s.precision:.3f}, "
            f"recall {s.recall:.3f}, F1 {s.f1:.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--posts", type=int, default=6000)
    parser.add_argument("--comments", type=int, default=200_000)
    args = parser.parse_args(argv)

    labelled_scores(Path(__file__).resolve().parent.parent / "tests" / "data")
    frames = synthetic_week(args.accounts, args.posts, args.comments)
    n_comments = len(frames["comments"])
    print(
        f"synthetic week: {args.accounts} accounts, {len(frames['posts'])} posts, "
        f"{n_comments} comments"
    )

    classifier = QuestionClassifier.default()
    began = time.perf_counter()
    for text in frames["comments"]["text"]:
        classifier.is_question(text)
    baseline = time.perf_counter() - began

    scorer = TextScorer.from_settings()
    cache: TextCache = {}
    cold = _run(frames, scorer, cache)
    grown = add_new_texts(frames, 0.01)
    warm = _run(grown, scorer, cache)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"baseline (classifier loop over every comment, no rules): {baseline:.2f} s")
    print(
        f"cold analysis (all texts scored, all rules, activity, ranking): {cold:.2f} s "
        f"= {cold / baseline:.2f} × baseline"
    )
    print(
        f"incremental after +1 % new texts (cache kept): {warm:.2f} s "
        f"= {warm / cold:.2f} × cold, {warm / baseline:.2f} × baseline"
    )
    print(f"peak memory (max RSS of this process): {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
