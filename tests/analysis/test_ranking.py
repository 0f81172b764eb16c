"""The account index and the 通报批评 / 通报表彰 lists (第二十六条)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from analysis.findings import Finding, Severity
from analysis.ranking import honour_lists, rank_accounts
from analysis.rule_settings import RankingSettings


def _row(
    key: str, posts: int, reposts: int, comments: int, likes: int, **extra: Any
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "account_id": int(key.split(":")[1]),
        "account_key": key,
        "unit_id": 1,
        "unit": "单位",
        "name": f"账号{key}",
        "platform": "weibo",
        "posts": posts,
        "originals": posts,
        "reposts_made": 0,
        "comments_received": comments,
        "reposts_received": reposts,
        "likes_received": likes,
        "followers": float("nan"),
        "follower_growth": float("nan"),
    }
    row.update(extra)
    return row


ACTIVITY = pd.DataFrame(
    [
        _row("weibo:1", 20, 100, 200, 1000),
        _row("weibo:2", 10, 50, 80, 300),
        _row("weibo:3", 5, 5, 5, 5),
        _row("weibo:4", 0, 0, 0, 0),
    ]
)


def _finding(account: str, rule: str, severity: Severity, **data: Any) -> Finding:
    return Finding(
        rule=rule,
        article="第十二条" if rule == "stale_account" else "第十六条",
        subject_type="account",
        subject_key=account,
        dedup_key=f"{rule}:{account}",
        severity=severity,
        summary="…",
        account=account,
        data=data,
    )


def test_score_is_the_bci_like_formula_with_inputs_beside_it() -> None:
    ranked = rank_accounts(ACTIVITY, [], RankingSettings()).set_index("account_key")
    one = ranked.loc["weibo:1"]
    expected = 160 * (
        0.2 * math.log(21)
        + 0.8 * (0.4 * math.log(101) + 0.4 * math.log(201) + 0.2 * math.log(1001))
    )
    assert one["score"] == pytest.approx(expected, abs=0.01)
    assert one["rank"] == 1
    for column in (
        "posts_effective",
        "reposts_received",
        "comments_received",
        "likes_received",
        "followers",
        "follower_growth",
        "open_warnings",
        "open_overdue",
        "compliance_penalty",
        "base_score",
    ):
        assert column in ranked.columns
    assert ranked.loc["weibo:4", "score"] == 0


def test_reposts_count_half_and_followers_add() -> None:
    s = RankingSettings()
    plain = rank_accounts(pd.DataFrame([_row("weibo:1", 10, 0, 0, 0)]), [], s)
    mixed = rank_accounts(
        pd.DataFrame([_row("weibo:1", 10, 0, 0, 0, originals=5, reposts_made=5)]), [], s
    )
    assert mixed.loc[0, "posts_effective"] == 7.5
    assert mixed.loc[0, "score"] < plain.loc[0, "score"]
    grown = rank_accounts(
        pd.DataFrame([_row("weibo:1", 10, 0, 0, 0, followers=1000.0, follower_growth=100.0)]), [], s
    )
    assert grown.loc[0, "score"] > plain.loc[0, "score"]


def test_compliance_penalty_lowers_rank_and_is_capped() -> None:
    findings = [_finding("weibo:1", "unanswered_question", "overdue") for _ in range(10)]
    ranked = rank_accounts(ACTIVITY, findings, RankingSettings()).set_index("account_key")
    assert ranked.loc["weibo:1", "open_overdue"] == 10
    assert ranked.loc["weibo:1", "compliance_penalty"] == 0.6
    assert ranked.loc["weibo:1", "score"] == pytest.approx(
        ranked.loc["weibo:1", "base_score"] * 0.4, abs=0.01
    )
    assert ranked.loc["weibo:2", "rank"] == 1


def test_weights_are_settings() -> None:
    only_posts = RankingSettings(weight_engagement=0, weight_followers=0, weight_follower_growth=0)
    ranked = rank_accounts(ACTIVITY, [], only_posts).set_index("account_key")
    assert ranked.loc["weibo:2", "score"] == pytest.approx(160 * 0.2 * math.log(11), abs=0.01)


def test_lists_criticise_and_commend() -> None:
    findings = [
        _finding("weibo:4", "stale_account", "overdue", days_since_last_post=45),
        _finding("weibo:3", "unanswered_question", "overdue"),
        _finding("weibo:3", "unanswered_question", "overdue"),
        _finding("weibo:2", "unanswered_question", "warning"),
    ]
    ranked = rank_accounts(ACTIVITY, findings, RankingSettings())
    lists = honour_lists(ranked, findings, RankingSettings())
    criticised = {e.account_key: e.reasons for e in lists.criticised}
    assert criticised["weibo:4"] == ("长期未更新（45 天，第十二条）",)
    assert criticised["weibo:3"] == ("2 条网民提问逾期未答复（第十六条）",)
    assert [e.account_key for e in lists.commended] == ["weibo:1"]  # weibo:2 has a warning open
    small = honour_lists(ranked, findings, RankingSettings(top_n=0, bottom_n=1))
    assert small.commended == () and [e.account_key for e in small.criticised] == ["weibo:3"]


@pytest.mark.parametrize("rule", ["collection_failing", "no_collector"])
def test_what_govmon_could_not_see_is_no_penalty_and_no_criticism(rule: str) -> None:
    """STYLE 18: a collection finding is the operator's, not the account's record."""
    findings = [_finding("weibo:4", rule, "overdue")]
    ranked = rank_accounts(ACTIVITY, findings, RankingSettings())
    row = ranked.set_index("account_key").loc["weibo:4"]
    assert row["compliance_penalty"] == 0 and row["open_overdue"] == 0
    lists = honour_lists(ranked, findings, RankingSettings())
    assert "weibo:4" not in {e.account_key for e in lists.criticised}
    unread = [_finding("weibo:1", rule, "warning")]  # the best account, but not read lately
    lists = honour_lists(
        rank_accounts(ACTIVITY, unread, RankingSettings()), unread, RankingSettings()
    )
    assert "weibo:1" not in {e.account_key for e in lists.commended}


def test_an_account_govmon_could_not_read_has_no_place() -> None:
    """STYLE 18: the best account, unread, is neither first nor last; the others are placed
    among themselves (1, 2, 3), and it is listed after them without a rank."""
    ranked = rank_accounts(ACTIVITY, [], RankingSettings(), unread=["weibo:1"])
    assert ranked["account_key"].tolist() == ["weibo:2", "weibo:3", "weibo:4", "weibo:1"]
    assert ranked["rank"].tolist()[:3] == [1, 2, 3] and pd.isna(ranked["rank"].iloc[3])
    findings = [_finding("weibo:1", "unanswered_question", "overdue")]
    lists = honour_lists(
        rank_accounts(ACTIVITY, findings, RankingSettings(), unread=["weibo:1"]),
        findings,
        RankingSettings(),
    )
    # Criticised for what govmon did see, without a place.
    assert [(e.account_key, e.rank) for e in lists.criticised] == [("weibo:1", None)]
    assert "weibo:1" not in {e.account_key for e in lists.commended}
