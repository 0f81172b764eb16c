"""The sections of a digest, each a pure function over one scope's frames (deterministic order:
every sort has a unique tie-break)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.activity import Period
from analysis.digest_inputs import DigestFinding
from analysis.digest_model import (
    TEXT_CHARS,
    ActionItem,
    Figure,
    FindingGroup,
    FindingItem,
    NegativeThread,
    RankRow,
    RumourRow,
    TextRef,
    TopicRow,
)
from analysis.findings import SEVERITY_ORDER
from analysis.labels import account_label, is_operator_rule, rule_article, rule_title
from analysis.ranking import place
from analysis.remedies import with_remedy
from analysis.rumours import RumourClaim
from analysis.topics import NEGATIVE_BELOW, HotTopic
from analysis.workdays import SHANGHAI

# What a unit should do about an open finding of each rule ({n}: how many).
RULE_ACTIONS = {
    "filing_overdue": "核对 {n} 个账号的备案：未备案的补办，并在备案登记表「备案日期」栏填写",
    "roles_missing": "为 {n} 个账号在备案登记表中填写主要负责人、分管负责人、总编辑、管理部门和工作人员",
    "duplicate_platform_account": "清理同一平台重复开设的账号（{n} 处）",
    "name_unrelated": "规范 {n} 个账号的名称，使其与本单位明确关联",
    "closure_unfiled": "补办 {n} 个已注销账号的注销备案，在备案登记表中填写「注销备案日期」",
    "account_gone": "核实 {n} 个在平台上已不存在的账号，按规定注销备案",
    "stale_account": "恢复 {n} 个长期未更新账号的更新",
    "confidential_marker": "立即核查并处置 {n} 条疑似涉密内容",
    "missing_attribution": "为 {n} 条转载内容补注来源",
    "unanswered_question": "答复 {n} 条网民提问",
    "superior_post_not_reposted": "转发上级账号的 {n} 条重要信息",
    "hot_topic": "研判 {n} 个热点话题并及时回应关切",
    "rumour_unclarified": "核实 {n} 条传言并发布权威信息或辟谣",
    "negative_surge": "研判并回应 {n} 处负面评论激增",
    "commercial_content": "删除 {n} 条商业广告内容",
    "harmful_comment": "处置评论区 {n} 条有害信息",
    "collection_failing": "核实 {n} 个持续采集失败的账号是否仍在运行",
    "no_collector": "为 {n} 个无法采集的账号在备案登记表「订阅地址」栏填写 RSS 地址",
}


def _in(times: pd.Series, period: Period) -> pd.Series:
    times = pd.to_datetime(times, utc=True)
    return (times >= pd.Timestamp(period.start)) & (times < pd.Timestamp(period.end))


def cap(value: object, limit: int = TEXT_CHARS) -> str:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _float(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def _py_time(value: Any) -> dt.datetime | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).to_pydatetime()


# -- overview (the daily series and the questions: analysis/digest_week.py) -----------------


def _active_accounts(accounts: pd.DataFrame, period: Period) -> int:
    end = period.end.astimezone(SHANGHAI).date()
    start = period.start.astimezone(SHANGHAI).date()
    opened = accounts["opened_on"].map(lambda d: d is None or pd.isna(d) or d < end)
    closed = accounts["closed_on"].map(lambda d: d is None or pd.isna(d) or d >= start)
    return int((opened & closed).sum())


def overview(
    accounts: pd.DataFrame,
    activity: pd.DataFrame,
    previous: pd.DataFrame,
    period: Period,
    before: Period,
) -> tuple[Figure, ...]:
    def total(frame: pd.DataFrame, *columns: str) -> float:
        return float(sum(frame[c].fillna(0).sum() for c in columns))

    def known(frame: pd.DataFrame, column: str) -> float | None:
        """A total of what is known, or None when nothing is (no snapshot at all)."""
        values = frame[column].dropna()
        return None if values.empty else float(values.sum())

    interactions = ("reposts_received", "comments_received", "likes_received")
    return (
        Figure(
            "accounts",
            "账号数",
            _active_accounts(accounts, period),
            _active_accounts(accounts, before),
        ),
        Figure("posts", "发布数", total(activity, "posts"), total(previous, "posts")),
        Figure(
            "comments",
            "网民评论数",
            total(activity, "comments_received"),
            total(previous, "comments_received"),
        ),
        Figure(
            "interactions",
            "互动量（转发+评论+点赞）",
            total(activity, *interactions),
            total(previous, *interactions),
        ),
        Figure("followers", "粉丝总数", known(activity, "followers"), known(previous, "followers")),
    )


# -- ranking ---------------------------------------------------------------------------------


def ranking_rows(ranking: pd.DataFrame, previous: pd.DataFrame) -> tuple[RankRow, ...]:
    before = dict(zip(previous["account_key"], previous["rank"], strict=True))
    rows = []
    for r in ranking.to_dict("records"):
        rows.append(
            RankRow(
                rank=place(r["rank"]),
                previous_rank=place(before[r["account_key"]])
                if r["account_key"] in before
                else None,
                account_key=str(r["account_key"]),
                name=account_label(str(r["name"]), str(r["platform"])),
                unit=str(r["unit"]),
                platform=str(r["platform"]),
                score=float(r["score"]),
                base_score=float(r["base_score"]),
                posts=int(r["posts"]),
                originals=int(r["originals"]),
                reposts_made=int(r["reposts_made"]),
                reposts_received=int(r["reposts_received"]),
                comments_received=int(r["comments_received"]),
                likes_received=int(r["likes_received"]),
                followers=_float(r["followers"]),
                follower_growth=_float(r["follower_growth"]),
                open_warnings=int(r["open_warnings"]),
                open_overdue=int(r["open_overdue"]),
                compliance_penalty=float(r["compliance_penalty"]),
            )
        )
    # Placed accounts by place, then those without one (govmon could not read them).
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.account_key))
    return tuple(rows)


# -- hot topics and rumours ------------------------------------------------------------------


def topic_rows(topics: Sequence[HotTopic], names: dict[str, str]) -> tuple[TopicRow, ...]:
    rows = []
    for t in topics:
        mix = t.sentiment
        rows.append(
            TopicRow(
                label=t.label,
                volume=t.volume,
                posts=t.posts,
                comments=t.comments,
                baseline_volume=t.baseline_volume,
                growth=round(t.growth, 2),
                negative=None if mix is None else round(mix.negative, 4),
                neutral=None if mix is None else round(mix.neutral, 4),
                positive=None if mix is None else round(mix.positive, 4),
                accounts=tuple(sorted(names.get(a, a) for a in t.accounts)),
                examples=tuple(TextRef(cap(e.text), e.url, e.at) for e in t.examples),
            )
        )
    return tuple(rows)


def rumour_rows(claims: Sequence[RumourClaim], units: set[int]) -> tuple[RumourRow, ...]:
    rows = []
    for c in claims:
        if c.unit_id is None or c.unit_id not in units:
            continue
        hours = None
        if c.clarification_at is not None:
            hours = round(max(0.0, (c.clarification_at - c.first_seen).total_seconds()) / 3600, 1)
        rows.append(
            RumourRow(
                claim=cap(c.claim),
                volume=c.volume,
                authors=c.authors,
                unit=c.unit or "",
                first_seen=c.first_seen,
                clarified=c.clarified,
                clarification_at=c.clarification_at,
                clarification_url=c.clarification_url,
                hours_to_clarify=hours,
                examples=tuple(TextRef(cap(e.text), e.url, e.at) for e in c.examples),
                unread=bool(c.unread),
            )
        )
    rows.sort(key=lambda r: (r.clarified, -r.volume, r.first_seen, r.claim))
    return tuple(rows)


# -- negative opinion ------------------------------------------------------------------------


def negative_threads(
    posts: pd.DataFrame, comments: pd.DataFrame, accounts: pd.DataFrame, period: Period, top: int
) -> tuple[NegativeThread, ...]:
    if "sentiment" not in comments.columns or comments.empty:
        return ()
    week = comments[
        _in(comments["created_at"], period) & ~comments["is_official"].fillna(False).astype(bool)
    ]
    week = week.assign(_s=pd.to_numeric(week["sentiment"], errors="coerce")).dropna(subset=["_s"])
    if week.empty:
        return ()
    week = week.assign(_neg=week["_s"] < NEGATIVE_BELOW)
    stats = week.groupby("post_id").agg(
        comments=("_s", "size"), negative=("_neg", "sum"), mean=("_s", "mean")
    )
    stats = stats[stats["negative"] > 0].reset_index()
    if stats.empty:
        return ()
    stats = stats.sort_values(["negative", "mean", "post_id"], ascending=[False, True, True]).head(
        top
    )
    post_info = posts.drop_duplicates("post_id").set_index("post_id")
    names = accounts.set_index("account_id")
    worst = week.sort_values(["_s", "created_at", "comment_id"]).drop_duplicates("post_id")
    worst = worst.set_index("post_id")
    out = []
    for s in stats.to_dict("records"):
        pid = s["post_id"]
        post = post_info.loc[pid] if pid in post_info.index else None
        account_id = worst.at[pid, "account_id"]
        title = "" if post is None else str(post["title"] or "")
        body = "" if post is None else str(post["text"] or "")
        out.append(
            NegativeThread(
                post=TextRef(
                    cap(title or body),
                    "" if post is None else str(post["url"] or ""),
                    None if post is None else _py_time(post["published_at"]),
                ),
                account=account_label(
                    str(names.at[account_id, "name"]), str(names.at[account_id, "platform"])
                )
                if account_id in names.index
                else "",
                unit=str(names.at[account_id, "unit"]) if account_id in names.index else "",
                comments=int(s["comments"]),
                negative=int(s["negative"]),
                negative_share=round(int(s["negative"]) / int(s["comments"]), 4),
                mean_sentiment=round(float(s["mean"]), 4),
                sample=TextRef(
                    cap(worst.at[pid, "text"]),
                    "" if post is None else str(post["url"] or ""),
                    _py_time(worst.at[pid, "created_at"]),
                ),
            )
        )
    return tuple(out)


# -- compliance findings and what to do ------------------------------------------------------


def finding_groups(
    findings: Sequence[DigestFinding], period: Period, names: dict[str, str], per_group: int
) -> tuple[FindingGroup, ...]:
    """Findings open at some time in the week, by rule and unit; each item's state is its
    state at the week's end (analysis.item_state), the same one 本周待办 and 通报 read."""
    groups: dict[tuple[str, str], list[DigestFinding]] = defaultdict(list)
    for f in findings:
        if f.open_during(period) and not is_operator_rule(f.rule):
            groups[(f.rule, f.unit or "（未归属单位）")].append(f)
    out = []
    for (rule, unit), items in groups.items():
        items.sort(key=lambda f: (-SEVERITY_ORDER.get(f.severity, 0), f.first_seen, f.dedup_key))
        states = [f.state_at(period.end) for f in items]
        rows = tuple(
            FindingItem(
                summary=cap(with_remedy(f.rule, f.summary, f.data)),
                account=names.get(f.account or "", f.account or ""),
                severity=f.severity,
                first_seen=f.first_seen,
                state=state.state,
                closing=state.closing,
            )
            for f, state in zip(items, states, strict=True)
        )
        # Open ones first: those are what the unit must act on.
        rows = tuple(sorted(rows, key=lambda i: i.state != "open"))
        out.append(
            FindingGroup(
                rule=rule,
                title=rule_title(rule),
                article=rule_article(rule) or items[0].article,
                unit=unit,
                open_count=sum(1 for st in states if st.is_open),
                resolved_count=sum(1 for st in states if st.state == "resolved"),
                items=rows,
                shown=per_group,
            )
        )

    def worst_open(g: FindingGroup) -> int:
        return max(
            (SEVERITY_ORDER.get(i.severity, 0) for i in g.items if i.state == "open"), default=0
        )

    out.sort(key=lambda g: (g.open_count == 0, -worst_open(g), -g.open_count, g.rule, g.unit))
    return tuple(out)


def actions_for(
    findings: Sequence[DigestFinding], unit: str, period: Period, limit: int
) -> tuple[ActionItem, ...]:
    """This week's to-do list of one unit: its findings still open at the week's end, worst
    rule first."""
    by_rule: dict[str, list[DigestFinding]] = defaultdict(list)
    for f in findings:
        if (
            f.unit == unit
            and f.open_at(period.end)
            and f.severity != "info"
            and not is_operator_rule(f.rule)
        ):
            by_rule[f.rule].append(f)
    ranked = sorted(
        by_rule.items(),
        key=lambda kv: (-max(SEVERITY_ORDER.get(f.severity, 0) for f in kv[1]), -len(kv[1]), kv[0]),
    )
    out = []
    for rule, items in ranked[:limit]:
        template = RULE_ACTIONS.get(rule, f"处理「{rule_title(rule)}」问题 {{n}} 项")
        article = rule_article(rule) or items[0].article
        out.append(ActionItem(f"{template.format(n=len(items))}（{article}）", article, len(items)))
    return tuple(out)
