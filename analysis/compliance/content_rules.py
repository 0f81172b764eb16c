"""Content rules over posts and comments already scored by :class:`TextScorer`:
``commercial_content`` (第二十四条), ``confidential_marker`` (第十三条),
``missing_attribution`` (第十五条), ``harmful_comment`` (第二十五条).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from analysis.compliance.subjects import (
    AccountRef,
    account_refs,
    clip,
    py_datetime,
    records,
    to_datetime,
)
from analysis.findings import Evidence, Finding, Severity, make_key
from analysis.rule_settings import RulesSettings

# Rules about one post or comment, found while it is in the analysis window. One that leaves
# the window unchanged was not seen removed: its finding is closed as 超出检查期限, never
# resolved (monitor/store/closures.py close_aged_out).
WINDOW_RULES = (
    "commercial_content",
    "confidential_marker",
    "missing_attribution",
    "harmful_comment",
)


def _post_finding(
    rule: str,
    article: str,
    severity: Severity,
    row: dict[str, Any],
    ref: AccountRef | None,
    summary: str,
    data: dict[str, object],
) -> Finding:
    platform = str(row.get("platform", ""))
    post_id = str(row.get("platform_post_id", ""))
    at = to_datetime(row.get("published_at"))
    text = str(row.get("title", "") or "") + " " + str(row.get("text", "") or "")
    return Finding(
        rule=rule,
        article=article,
        subject_type="post",
        subject_key=f"{platform}:{post_id}",
        dedup_key=make_key(rule, platform, post_id),
        severity=severity,
        summary=summary,
        unit=ref.unit if ref else None,
        account=ref.key if ref else None,
        since=py_datetime(at),
        evidence=(
            Evidence(
                text=text.strip(),
                url=str(row.get("url", "")),
                at=py_datetime(at),
            ),
        ),
        data=dict(data),
    )


def _label(ref: AccountRef | None, account_id: object) -> str:
    return ref.label if ref else f"账号 {account_id}"


def _term_findings(
    scored_posts: pd.DataFrame,
    accounts: pd.DataFrame,
    *,
    column: str,
    rule: str,
    article: str,
    severity: Severity,
    describe: Callable[[str, str], str],
) -> list[Finding]:
    """One finding per post whose word-list column matched; ``describe(label, terms)`` says
    what was found, before the quoted post text."""
    refs = account_refs(accounts)
    out = []
    for row in records(scored_posts[scored_posts[column] != ""]):
        ref = refs.get(int(row["account_id"]))
        terms = str(row[column])
        summary = (
            f"{describe(_label(ref, row['account_id']), terms)}："
            f"“{clip(row['title'] or row['text'])}”"
        )
        out.append(
            _post_finding(rule, article, severity, row, ref, summary, {"terms": terms.split("、")})
        )
    return out


def commercial_content(
    scored_posts: pd.DataFrame, accounts: pd.DataFrame, settings: RulesSettings
) -> list[Finding]:
    """Posts with advertising or for-profit wording (第二十四条)."""
    if not (settings.enabled and settings.check_commercial_content):
        return []
    return _term_findings(
        scored_posts,
        accounts,
        column="ads_terms",
        rule="commercial_content",
        article="第二十四条",
        severity="warning",
        describe=lambda label, terms: (
            f"{label} 发布内容含商业广告用语“{terms}”（第二十四条：不得发布商业广告类信息）"
        ),
    )


def confidential_marker(
    scored_posts: pd.DataFrame, accounts: pd.DataFrame, settings: RulesSettings
) -> list[Finding]:
    """Posts carrying secrecy or internal-document markers (第十三条): critical."""
    if not (settings.enabled and settings.check_confidential_marker):
        return []
    return _term_findings(
        scored_posts,
        accounts,
        column="confidential_terms",
        rule="confidential_marker",
        article="第十三条",
        severity="critical",
        describe=lambda label, terms: (
            f"{label} 发布内容含涉密标志“{terms}”，请立即核查（第十三条：不得发布涉密信息）"
        ),
    )


def _credits_source(posts: pd.DataFrame, markers: Sequence[str]) -> pd.Series:
    """A repost credits its source when the platform's own repost link is there (the original's
    id), a source is recorded, or its text names one (来源/转载/转自/原标题 …)."""
    native = posts["original_post_id"].fillna("").astype(str) != ""
    recorded = posts["source"].fillna("").astype(str).str.strip() != ""
    full = posts["title"].fillna("").astype(str) + " " + posts["text"].fillna("").astype(str)
    named = pd.Series(False, index=posts.index)
    for marker in markers:
        named |= full.str.contains(marker, regex=False, case=False)
    return native | recorded | named


def missing_attribution(
    posts: pd.DataFrame, accounts: pd.DataFrame, settings: RulesSettings
) -> list[Finding]:
    """Reposts of someone else's original without a credited source (第十五条)."""
    if not (settings.enabled and settings.check_missing_attribution):
        return []
    refs = account_refs(accounts)
    reposts = posts[posts["is_repost"].fillna(False).astype(bool)]
    if reposts.empty:
        return []
    hits = reposts[~_credits_source(reposts, settings.attribution_markers)]
    out = []
    for row in records(hits):
        ref = refs.get(int(row["account_id"]))
        author = str(row["original_author"] or "")
        whose = f"（原作者：{author}）" if author else ""
        summary = (
            f"{_label(ref, row['account_id'])} 转发他人内容未注明出处{whose}"
            f"（第十五条：转载应注明来源）：“{clip(row['title'] or row['text'])}”"
        )
        out.append(
            _post_finding(
                "missing_attribution",
                "第十五条",
                "warning",
                row,
                ref,
                summary,
                {"original_author": author},
            )
        )
    return out


def harmful_comment(
    scored_comments: pd.DataFrame,
    posts: pd.DataFrame,
    accounts: pd.DataFrame,
    settings: RulesSettings,
) -> list[Finding]:
    """Comments (not the account's own) matching the harmful word list (第二十五条)."""
    if not (settings.enabled and settings.check_harmful_comment):
        return []
    refs = account_refs(accounts)
    hits = scored_comments[
        (scored_comments["harmful_terms"] != "")
        & ~scored_comments["is_official"].fillna(False).astype(bool)
    ]
    if "deleted_at" in hits.columns:  # seen deleted (a full re-read): dealt with, resolved
        hits = hits[hits["deleted_at"].isna()]
    urls = posts.set_index("post_id")["url"].to_dict() if not posts.empty else {}
    out = []
    for row in records(hits):
        ref = refs.get(int(row["account_id"]))
        terms = str(row["harmful_terms"])
        at = to_datetime(row["created_at"])
        summary = (
            f"{_label(ref, row['account_id'])} 评论区出现不良信息“{terms}”，请及时处置"
            f"（第二十五条）：“{clip(row['text'])}”"
        )
        out.append(
            Finding(
                rule="harmful_comment",
                article="第二十五条",
                subject_type="comment",
                subject_key=f"{row['platform']}:{row['platform_comment_id']}",
                dedup_key=make_key("harmful_comment", row["platform"], row["platform_comment_id"]),
                severity="warning",
                summary=summary,
                unit=ref.unit if ref else None,
                account=ref.key if ref else None,
                since=py_datetime(at),
                evidence=(
                    Evidence(
                        text=str(row["text"]),
                        url=str(urls.get(row["post_id"], "")),
                        at=py_datetime(at),
                    ),
                ),
                data={"terms": terms.split("、"), "author": str(row["author_name"])},
            )
        )
    return out
