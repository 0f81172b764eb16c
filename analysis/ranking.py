"""The account index and the 通报批评 / 通报表彰 lists (第二十六条: assess 发布数量、发布内容、
关注量、转发量、评论量; criticise the long inactive, commend the good).

Index, log-scaled and weighted like the public BCI index, every weight a setting::

    posts_eff = originals + repost_post_weight · reposts_made                (发布数量、发布内容)
    raw = w_posts · ln(posts_eff + 1)
        + w_engagement · (w_reposts · ln(reposts + 1) + w_comments · ln(comments + 1)
                          + w_likes · ln(likes + 1))                         (转发量、评论量)
        + w_followers · ln(followers + 1) + w_growth · ln(max(growth, 0) + 1) (关注量)
    score = scale · raw · (1 − min(penalty_max, Σ penalty per open finding)) (合规记录)

Every input is a column beside the score. An account govmon could not read (STYLE 18) gets no
place: its figures are not the whole period, so ranking them would rank what govmon did not see.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.compliance.subjects import records
from analysis.findings import SEVERITY_ORDER, Finding
from analysis.labels import account_label, is_operator_rule, rule_article, rule_title
from analysis.rule_settings import RankingSettings


def _ln1p(values: pd.Series) -> pd.Series:
    return values.fillna(0).clip(lower=0).astype(float).map(np.log1p)


def _open_counts(findings: Sequence[Finding]) -> pd.DataFrame:
    warnings: Counter[str] = Counter()
    serious: Counter[str] = Counter()
    for f in findings:
        if not f.account or is_operator_rule(f.rule):
            continue
        if SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER["overdue"]:
            serious[f.account] += 1
        elif f.severity == "warning":
            warnings[f.account] += 1
    keys = sorted(set(warnings) | set(serious))
    return pd.DataFrame(
        {
            "open_warnings": [warnings[k] for k in keys],
            "open_overdue": [serious[k] for k in keys],
        },
        index=pd.Index(keys, name="account_key"),
    )


def rank_accounts(
    activity: pd.DataFrame,
    findings: Sequence[Finding],
    settings: RankingSettings,
    unread: Collection[str] = (),
) -> pd.DataFrame:
    """``activity`` (from :func:`analysis.activity.account_activity`) with the index inputs,
    the compliance penalty, ``score`` and ``rank`` (1 = best), best first. ``findings`` are the
    open findings of the period. Accounts in ``unread`` (keys of analysis.collection_gaps) come
    last, without a rank (<NA>): the others are placed among themselves."""
    s = settings
    out = activity.copy()
    out["posts_effective"] = out["originals"] + s.repost_post_weight * out["reposts_made"]
    engagement = (
        s.weight_reposts * _ln1p(out["reposts_received"])
        + s.weight_comments * _ln1p(out["comments_received"])
        + s.weight_likes * _ln1p(out["likes_received"])
    )
    raw = (
        s.weight_posts * _ln1p(out["posts_effective"])
        + s.weight_engagement * engagement
        + s.weight_followers * _ln1p(out["followers"])
        + s.weight_follower_growth * _ln1p(out["follower_growth"])
    )
    out["base_score"] = (s.scale * raw).round(2)
    counts = _open_counts(findings)
    out = out.join(counts, on="account_key")
    out[["open_warnings", "open_overdue"]] = (
        out[["open_warnings", "open_overdue"]].fillna(0).astype("int64")
    )
    penalty = s.penalty_warning * out["open_warnings"] + s.penalty_overdue * out["open_overdue"]
    out["compliance_penalty"] = penalty.clip(upper=s.penalty_max).round(3)
    out["score"] = (out["base_score"] * (1 - out["compliance_penalty"])).round(2)
    out["unread"] = out["account_key"].isin(list(unread))
    out = out.sort_values(
        ["unread", "score", "account_key"], ascending=[True, False, True]
    ).reset_index(drop=True)
    placed = out["score"].mask(out["unread"])
    out["rank"] = placed.rank(method="min", ascending=False).astype("Int64")
    return out.drop(columns="unread")


def place(rank: object) -> int | None:
    """A ranking frame's ``rank`` as a number, None for an account without a place."""
    return None if pd.isna(rank) else int(rank)  # type: ignore[call-overload]


@dataclass(frozen=True)
class ListEntry:
    account_key: str
    name: str
    unit: str
    score: float
    rank: int | None  # None: govmon could not read the account, it has no place
    reasons: tuple[str, ...]  # Chinese, one per reason


@dataclass(frozen=True)
class HonourLists:
    criticised: tuple[ListEntry, ...]  # 通报批评
    commended: tuple[ListEntry, ...]  # 通报表彰


def honour_lists(
    ranking: pd.DataFrame, findings: Sequence[Finding], settings: RankingSettings
) -> HonourLists:
    """通报批评: long inactive (stale_account overdue), overdue unanswered questions, other
    non-compliance (overdue or critical findings); worst first. 通报表彰: the top ranked with
    posts in the period and no open finding of warning or above. An operator finding (govmon
    could not read the account) neither criticises nor penalises, but it withholds commendation:
    what was not seen cannot be called good either."""
    by_account: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.account:
            by_account[f.account].append(f)
    criticised: list[tuple[int, float, ListEntry]] = []
    commended: list[ListEntry] = []
    for row in records(ranking):
        key = str(row["account_key"])
        blind = any(is_operator_rule(f.rule) for f in by_account.get(key, []))
        own = [f for f in by_account.get(key, []) if not is_operator_rule(f.rule)]
        serious = [f for f in own if SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER["overdue"]]
        reasons: list[str] = []
        stale = [f for f in serious if f.rule == "stale_account"]
        if stale:
            reasons.append(
                f"长期未更新（{stale[0].data.get('days_since_last_post', '?')} 天，第十二条）"
            )
        late_q = sum(1 for f in serious if f.rule == "unanswered_question")
        if late_q:
            reasons.append(f"{late_q} 条网民提问逾期未答复（第十六条）")
        others = Counter(
            f.rule for f in serious if f.rule not in ("stale_account", "unanswered_question")
        )
        for rule, n in sorted(others.items()):
            reasons.append(f"{rule_title(rule)} {n} 项（{rule_article(rule)}）")
        entry = ListEntry(
            account_key=key,
            name=account_label(str(row["name"]), str(row["platform"])),  # one unit, two 江东港航
            unit=str(row["unit"]),
            score=float(row["score"]),
            rank=place(row["rank"]),
            reasons=tuple(reasons),
        )
        if reasons:
            criticised.append((len(serious), float(row["score"]), entry))
        elif (
            not blind
            and entry.rank is not None
            and row["posts"] > 0
            and not any(SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER["warning"] for f in own)
        ):
            commended.append(
                ListEntry(key, entry.name, entry.unit, entry.score, entry.rank, ("运行良好",))
            )
    criticised.sort(key=lambda t: (-t[0], t[1], t[2].account_key))
    return HonourLists(
        criticised=tuple(e for _n, _s, e in criticised[: settings.bottom_n]),
        commended=tuple(commended[: settings.top_n]),
    )
