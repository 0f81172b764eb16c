"""Activity rules: ``stale_account`` (第十二条) and ``superior_post_not_reposted`` (第十六条)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import pandas as pd

from analysis.compliance.subjects import account_refs, clip, py_datetime, records, to_datetime
from analysis.findings import Evidence, Finding, make_key
from analysis.platforms import platform_label
from analysis.rule_settings import RulesSettings


def _active(accounts: pd.DataFrame) -> pd.DataFrame:
    status = accounts["status"].fillna("active").astype(str)
    closed = accounts["closed_on"].notna() if "closed_on" in accounts else False
    return accounts[(status == "active") & ~closed]


def stale_account(
    accounts: pd.DataFrame,
    posts: pd.DataFrame,
    *,
    now: dt.datetime,
    settings: RulesSettings,
    blind: Collection[str] = frozenset(),
) -> list[Finding]:
    """Active accounts without a post for ``stale_warn_days`` (warning: the national inspection
    fails an account with no update in the two weeks before a check) or
    ``stale_overdue_days`` (overdue: 第十二条, at least monthly).

    One finding per account (its key holds no level), so a warning that turns overdue is the
    same alert with a higher severity. An account with no post seen is measured from its
    opening date, and skipped when that is unknown too. Accounts in ``blind`` (keys of
    :func:`analysis.collection_gaps.collection_gaps`) are skipped: govmon could not read them,
    so their silence is no evidence (they get a collection finding instead).
    """
    if not (settings.enabled and settings.check_stale_account):
        return []
    now_ts = pd.Timestamp(now)
    last = posts[posts["published_at"].notna()].groupby("account_id")["published_at"].max()
    refs = account_refs(accounts)
    out: list[Finding] = []
    for row in records(_active(accounts)):
        account_id = int(row["account_id"])
        if str(row["account_key"]) in blind:
            continue
        last_at = to_datetime(last.get(account_id))
        if last_at is None:
            opened = to_datetime(row["opened_on"])
            if opened is None:
                continue
            since = opened.tz_localize("UTC") if opened.tzinfo is None else opened
            what = "开通以来未发布"
        else:
            since, what = last_at, "未更新"
        days = int((now_ts - since).total_seconds() // 86400)
        if days < settings.stale_warn_days:
            continue
        overdue = days >= settings.stale_overdue_days
        ref = refs[account_id]
        summary = (
            f"{ref.label} 已 {days} 天{what}（第十二条要求至少每月更新；国家检查要求两周内有更新）"
        )
        out.append(
            Finding(
                rule="stale_account",
                article="第十二条",
                subject_type="account",
                subject_key=ref.key,
                dedup_key=make_key("stale_account", ref.key),
                severity="overdue" if overdue else "warning",
                summary=summary,
                unit=ref.unit,
                account=ref.key,
                since=py_datetime(since),
                deadline=py_datetime(since + pd.Timedelta(days=settings.stale_overdue_days)),
                evidence=(
                    Evidence(text=f"最近一次发布：{since:%Y-%m-%d}", url=str(row["home_url"])),
                ),
                data={"days_since_last_post": days, "never_posted": last_at is None},
            )
        )
    return out


def important_posts(scored_posts: pd.DataFrame, settings: RulesSettings) -> pd.Series:
    """Which posts count as important: an important keyword, or engagement (reposts + comments
    + likes) at or above the threshold."""
    engagement = (
        scored_posts["reposts"].fillna(0)
        + scored_posts["comments_count"].fillna(0)
        + scored_posts["likes"].fillna(0)
    )
    return (scored_posts["important_terms"] != "") | (
        engagement >= settings.important_min_engagement
    )


_POST_FIELDS = [
    "account_id",
    "platform",
    "platform_post_id",
    "title",
    "text",
    "url",
    "published_at",
    "important_terms",
]


def superior_post_not_reposted(
    accounts: pd.DataFrame,
    scored_posts: pd.DataFrame,
    *,
    now: dt.datetime,
    settings: RulesSettings,
    blind: Collection[str] = frozenset(),
) -> list[Finding]:
    """Important posts of a superior account not reposted by a subordinate within the window.

    Reposted = a post of the subordinate that is a repost of that post (platform repost link),
    or whose title/text carries the post's title (copied articles on WeChat or websites). A
    subordinate in ``blind`` is skipped: a repost govmon could not read is not a missing one.
    """
    if not (settings.enabled and settings.check_superior_post_not_reposted):
        return []
    now_ts = pd.Timestamp(now)
    window = pd.Timedelta(days=settings.superior_repost_window_days)
    by_key = accounts.set_index("account_key")["account_id"].to_dict()
    pairs = [
        (int(row["account_id"]), by_key[sup])
        for row in records(_active(accounts))
        if str(row["account_key"]) not in blind
        for sup in (row["superiors"] if isinstance(row["superiors"], list | tuple) else [])
        if sup in by_key
    ]
    if not pairs:
        return []
    recent = scored_posts[
        (
            scored_posts["published_at"]
            >= now_ts - pd.Timedelta(days=settings.superior_lookback_days)
        )
        & (scored_posts["published_at"] + window <= now_ts)
    ]
    important = recent[important_posts(recent, settings)]
    if important.empty:
        return []
    full = (
        scored_posts["title"].fillna("").astype(str)
        + " "
        + scored_posts["text"].fillna("").astype(str)
    )
    by_account = scored_posts["account_id"]
    texts: dict[int, str] = {
        int(str(k)): str(v) for k, v in full.groupby(by_account).agg("\n".join).items()
    }
    reposted_ids: dict[int, set[str]] = {
        int(k): set(v)
        for k, v in scored_posts["original_post_id"].fillna("").astype(str).groupby(by_account)
    }
    refs = account_refs(accounts)
    # One conversion of the columns read below, then grouped (a frame per account, each
    # converted alone, cost ten times as much at province scale); rows keep their order.
    by_superior: dict[int, list[dict[str, Any]]] = {}
    for post in records(important[_POST_FIELDS]):
        by_superior.setdefault(int(str(post["account_id"])), []).append(post)
    out: list[Finding] = []
    for sub_id, sup_id in pairs:
        if sup_id not in by_superior:
            continue
        sub, sup = refs[sub_id], refs[sup_id]
        for post in by_superior[sup_id]:
            pid = str(post["platform_post_id"])
            title = str(post["title"] or "").strip()
            if pid in reposted_ids.get(sub_id, set()) or (
                len(title) >= 6 and title in texts.get(sub_id, "")
            ):
                continue
            published = pd.Timestamp(post["published_at"])
            why = post["important_terms"] or "互动量高"
            summary = (
                f"{sub.label} 未在 {settings.superior_repost_window_days} 天内转发上级账号"
                f"{sup.label}的重要信息（第十六条）：“{clip(title or post['text'])}”"
            )
            out.append(
                Finding(
                    rule="superior_post_not_reposted",
                    article="第十六条",
                    subject_type="account",
                    subject_key=sub.key,
                    dedup_key=make_key(
                        "superior_post_not_reposted", sub.key, post["platform"], pid
                    ),
                    severity="warning",
                    summary=summary,
                    unit=sub.unit,
                    account=sub.key,
                    since=py_datetime(published),
                    deadline=py_datetime(published + window),
                    evidence=(
                        Evidence(
                            text=f"{title} {post['text']}".strip(),
                            url=str(post["url"]),
                            at=py_datetime(published),
                        ),
                    ),
                    data={
                        "superior": sup.key,
                        "superior_platform": platform_label(str(post["platform"])),
                        "post_id": pid,
                        "important_because": str(why),
                    },
                )
            )
    return out
