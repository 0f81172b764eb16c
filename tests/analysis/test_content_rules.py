"""Content and activity rules (analysis/compliance): each fires on what it should, stays silent
otherwise, can be switched off, and cites its article in one Chinese line."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fakes.streams import account_row, comment_row, post_row

from analysis.compliance.activity_rules import stale_account, superior_post_not_reposted
from analysis.compliance.content_rules import (
    commercial_content,
    confidential_marker,
    harmful_comment,
    missing_attribution,
)
from analysis.compliance.opinion_rules import negative_surge
from analysis.compliance.text_flags import TextScorer
from analysis.rule_settings import RulesSettings

NOW = dt.datetime(2025, 3, 14, 2, 0, tzinfo=dt.UTC)
T = pd.Timestamp(NOW)
ON = RulesSettings()


def account(
    aid: int, name: str, superiors: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    return account_row(
        aid,
        f"weibo:{aid}00",
        aid,
        f"单位{aid}",
        name=name,
        superiors=superiors or [],
        home_url=f"https://weibo.example/u/{aid}00",
        **extra,
    )


def post(pid: int, aid: int, text: str, days_ago: float, **extra: Any) -> dict[str, Any]:
    at = T - pd.Timedelta(days=days_ago)
    return post_row(pid, aid, text, at, **{"platform_post_id": f"P{pid}", **extra})


def comment(
    cid: int, pid: int, aid: int, text: str, hours_ago: float, **extra: Any
) -> dict[str, Any]:
    at = T - pd.Timedelta(hours=hours_ago)
    public = {"platform_comment_id": f"C{cid}", "author_id": "u", "author_name": "网友"}
    return comment_row(cid, pid, aid, text, at, **{**public, **extra})


@pytest.fixture(scope="module")
def scorer() -> TextScorer:
    return TextScorer.from_settings()


ACCOUNTS = pd.DataFrame([account(1, "某省交通运输厅"), account(2, "某市公交", ["weibo:100"])])


def _one_line(summary: str, article: str) -> None:
    assert article in summary
    assert "\n" not in summary


# ---- stale_account (第十二条) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "severity"), [(13, None), (14, "warning"), (16, "warning"), (30, "overdue")]
)
def test_stale_levels_share_one_key(days: int, severity: str | None) -> None:
    posts = pd.DataFrame([post(1, 1, "通知", days), post(2, 2, "通知", 0.5)])
    found = stale_account(ACCOUNTS, posts, now=NOW, settings=ON)
    if severity is None:
        assert found == []
        return
    [f] = found
    assert (f.severity, f.dedup_key, f.subject_type) == (
        severity,
        "stale_account:weibo:100",
        "account",
    )
    assert f"已 {days} 天未更新" in f.summary
    assert "「某省交通运输厅」微博" in f.summary
    _one_line(f.summary, "第十二条")


def test_stale_without_posts_counts_from_opening_and_skips_closed() -> None:
    accounts = pd.DataFrame(
        [
            account(1, "新开账号", opened_on=dt.date(2025, 2, 1)),
            account(2, "无开通日期"),
            account(3, "已注销", status="closed", opened_on=dt.date(2024, 1, 1)),
        ]
    )
    empty = pd.DataFrame([post(9, 99, "别的账号", 1)])
    [f] = stale_account(accounts, empty, now=NOW, settings=ON)
    assert f.account == "weibo:100" and f.severity == "overdue"
    assert "开通以来未发布" in f.summary
    assert (
        stale_account(accounts, empty, now=NOW, settings=RulesSettings(check_stale_account=False))
        == []
    )


def test_stale_thresholds_are_validated() -> None:
    with pytest.raises(ValueError, match="stale_overdue_days 不能小于"):
        RulesSettings(stale_warn_days=20, stale_overdue_days=10)


# ---- post content: 第二十四条, 第十三条, 第十五条 -----------------------------------------


def test_commercial_and_confidential(scorer: TextScorer) -> None:
    posts = pd.DataFrame(
        [
            post(1, 1, "服务区特产限时优惠，扫码购买包邮", 1),
            post(2, 1, "（内部资料 注意保密）春运保障方案", 1),
            post(3, 1, "今日路况良好", 1),
        ]
    )
    scored, _ = scorer.score_posts(posts)
    [ad] = commercial_content(scored, ACCOUNTS, ON)
    assert ad.dedup_key == "commercial_content:weibo:P1" and ad.severity == "warning"
    assert set(ad.data["terms"]) >= {"限时优惠", "包邮"}
    assert ad.evidence[0].url == "https://weibo.example/p/1"
    _one_line(ad.summary, "第二十四条")
    [secret] = confidential_marker(scored, ACCOUNTS, ON)
    assert secret.severity == "critical" and secret.subject_key == "weibo:P2"
    _one_line(secret.summary, "第十三条")
    off = RulesSettings(check_commercial_content=False, check_confidential_marker=False)
    assert commercial_content(scored, ACCOUNTS, off) == []
    assert confidential_marker(scored, ACCOUNTS, off) == []


def test_missing_attribution() -> None:
    posts = pd.DataFrame(
        [
            post(1, 1, "今天起实施新规", 1, is_repost=True, original_author="某报"),
            post(2, 1, "今天起实施新规（来源：某报）", 1, is_repost=True),
            post(3, 1, "转发", 1, is_repost=True, original_post_id="X9"),  # platform repost link
            post(4, 1, "今天起实施新规", 1, is_repost=True, source="某报"),
            post(5, 1, "原创内容", 1),
        ]
    )
    [f] = missing_attribution(posts, ACCOUNTS, ON)
    assert f.dedup_key == "missing_attribution:weibo:P1"
    assert "原作者：某报" in f.summary
    _one_line(f.summary, "第十五条")
    assert missing_attribution(posts, ACCOUNTS, RulesSettings(enabled=False)) == []


def test_harmful_comment_skips_official_replies(scorer: TextScorer) -> None:
    comments = pd.DataFrame(
        [
            comment(1, 1, 1, "专业代开发票，加微信领红包", 2),
            comment(2, 1, 1, "谢谢提醒", 2),
            comment(3, 1, 1, "代开发票是违法行为，请勿相信", 1, is_official=True),
        ]
    )
    posts = pd.DataFrame([post(1, 1, "提醒", 1)])
    scored, _ = scorer.score_comments(comments)
    [f] = harmful_comment(scored, posts, ACCOUNTS, ON)
    assert f.dedup_key == "harmful_comment:weibo:C1" and f.subject_type == "comment"
    _one_line(f.summary, "第二十五条")


# ---- superior_post_not_reposted (第十六条) -----------------------------------------------


def _superior_posts(*sub_posts: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            post(1, 1, "【重要通知】春运期间高速通行安排", 5, title="春运期间高速通行安排"),
            post(2, 1, "今天天气不错", 5),  # not important
            post(3, 1, "某路段恢复通行", 5, likes=5000),  # important by engagement
            post(4, 1, "【紧急通知】大雾封闭", 1),  # still within the window
            *sub_posts,
        ]
    )


def test_superior_post_not_reposted(scorer: TextScorer) -> None:
    scored, _ = scorer.score_posts(_superior_posts())
    found = superior_post_not_reposted(ACCOUNTS, scored, now=NOW, settings=ON)
    assert sorted(f.dedup_key for f in found) == [
        "superior_post_not_reposted:weibo:200:weibo:P1",
        "superior_post_not_reposted:weibo:200:weibo:P3",
    ]
    for f in found:
        assert f.account == "weibo:200" and f.data["superior"] == "weibo:100"
        _one_line(f.summary, "第十六条")


def test_reposted_by_link_or_copied_title_is_fine(scorer: TextScorer) -> None:
    posts = _superior_posts(
        post(10, 2, "转发", 4, is_repost=True, original_post_id="P3"),
        post(11, 2, "春运期间高速通行安排（转自省厅）", 4),
    )
    scored, _ = scorer.score_posts(posts)
    assert superior_post_not_reposted(ACCOUNTS, scored, now=NOW, settings=ON) == []


# ---- negative_surge (第二十二条) ----------------------------------------------------------


def _opinion(recent_negative: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    posts = pd.DataFrame([post(1, 1, "旧", 10), post(2, 1, "新", 1)])
    rows = []
    for i in range(40):
        rows.append(comment(i, 1, 1, "旧评论", 200, sentiment=0.1 if i < 4 else 0.8))
    for i in range(40, 80):
        neg = (i - 40) < 40 * recent_negative
        rows.append(comment(i, 2, 1, "新评论", 20, sentiment=0.1 if neg else 0.8))
    return pd.DataFrame(rows), posts


def test_negative_surge_needs_scores() -> None:
    comments, posts = _opinion(0.5)
    assert (
        negative_surge(comments.drop(columns="sentiment"), posts, ACCOUNTS, now=NOW, settings=ON)
        == []
    )
    assert (
        negative_surge(comments.assign(sentiment=np.nan), posts, ACCOUNTS, now=NOW, settings=ON)
        == []
    )


def test_negative_surge_fires_above_baseline() -> None:
    comments, posts = _opinion(0.5)
    [f] = negative_surge(comments, posts, ACCOUNTS, now=NOW, settings=ON)
    assert f.dedup_key == "negative_surge:weibo:100"
    assert f.data["negative_share"] == 0.5 and f.data["baseline_share"] == 0.1
    assert "50%" in f.summary and "10%" in f.summary
    _one_line(f.summary, "第二十二")
    calm, posts = _opinion(0.15)
    assert negative_surge(calm, posts, ACCOUNTS, now=NOW, settings=ON) == []
    few = RulesSettings(negative_surge_min_comments=100)
    assert negative_surge(comments, posts, ACCOUNTS, now=NOW, settings=few) == []


# ---- the text cache ----------------------------------------------------------------------


def test_only_new_or_changed_texts_are_scored(scorer: TextScorer) -> None:
    comments = pd.DataFrame([comment(1, 1, 1, "请问G2通了吗", 1), comment(2, 1, 1, "谢谢", 1)])
    cache: dict[str, tuple[object, ...]] = {}
    first, stats = scorer.score_comments(comments, cache)
    assert (stats.texts, stats.scored) == (2, 2)
    assert first["is_question"].tolist() == [True, False]
    _, again = scorer.score_comments(comments, cache)
    assert again.scored == 0
    changed = comments.assign(text=["请问G2通了吗", "高速今天封吗"])
    rescored, third = scorer.score_comments(changed, cache)
    assert third.scored == 1
    assert rescored["is_question"].tolist() == [True, True]


def test_official_replies_are_never_questions(scorer: TextScorer) -> None:
    frame = pd.DataFrame([comment(1, 1, 1, "请问您是哪个收费站？", 1, is_official=True)])
    scored, _ = scorer.score_comments(frame)
    assert not scored["is_question"].iloc[0]


def test_edited_word_list_invalidates_cache(tmp_path: Any) -> None:
    ads = tmp_path / "ads.txt"
    ads.write_text("团购\n", encoding="utf-8")
    edited = TextScorer.from_settings(RulesSettings(ads_wordlist=str(ads)))
    assert edited.fingerprint != TextScorer.from_settings().fingerprint
    scored, _ = edited.score_posts(pd.DataFrame([post(1, 1, "团购优惠", 1)]))
    assert scored["ads_terms"].iloc[0] == "团购"
