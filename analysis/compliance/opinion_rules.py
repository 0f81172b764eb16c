"""``negative_surge`` (第二十二、二十三条): the negative share of comments on an account's recent
posts well above its own baseline.

Reads an optional ``sentiment`` column on the comments frame (score in [0, 1], lower is more
negative, NaN when not scored — produced by the sentiment analysis). Without scores the rule
stays silent; it fires once scores exist.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.compliance.subjects import account_refs, clip, py_datetime, records
from analysis.findings import Evidence, Finding, make_key
from analysis.rule_settings import RulesSettings


def negative_surge(
    comments: pd.DataFrame,
    posts: pd.DataFrame,
    accounts: pd.DataFrame,
    *,
    now: dt.datetime,
    settings: RulesSettings,
) -> list[Finding]:
    if not (settings.enabled and settings.check_negative_surge):
        return []
    if "sentiment" not in comments.columns or comments["sentiment"].isna().all():
        return []
    now_ts = pd.Timestamp(now)
    recent_from = now_ts - pd.Timedelta(days=settings.negative_surge_window_days)
    base_from = recent_from - pd.Timedelta(days=settings.negative_surge_baseline_days)
    scored = comments[comments["sentiment"].notna() & ~comments["is_official"].astype(bool)]
    scored = scored.merge(posts[["post_id", "published_at", "url"]], on="post_id", how="inner")
    scored = scored[(scored["published_at"] >= base_from) & (scored["published_at"] <= now_ts)]
    if scored.empty:
        return []
    scored = scored.assign(
        negative=scored["sentiment"] < settings.negative_score_below,
        recent=scored["published_at"] >= recent_from,
    )
    stats = scored.groupby(["account_id", "recent"])["negative"].agg(["mean", "size"]).unstack()
    refs = account_refs(accounts)
    out: list[Finding] = []
    for account_id, row in stats.iterrows():
        n_recent, n_base = row.get(("size", True)), row.get(("size", False))
        if pd.isna(n_recent) or pd.isna(n_base):
            continue
        if n_recent < settings.negative_surge_min_comments:
            continue
        if n_base < settings.negative_surge_min_comments:
            continue
        share, base = float(row[("mean", True)]), float(row[("mean", False)])
        if share - base < settings.negative_surge_min_delta:
            continue
        if share < settings.negative_surge_ratio * base:
            continue
        ref = refs.get(int(str(account_id)))
        if ref is None:
            continue
        negatives = scored[
            (scored["account_id"] == account_id) & scored["recent"] & scored["negative"]
        ].nsmallest(3, "sentiment")
        summary = (
            f"{ref.label} 近 {settings.negative_surge_window_days} 天评论负面占比 {share:.0%}，"
            f"明显高于此前的 {base:.0%}，请关注舆情并及时回应（第二十二、二十三条）"
        )
        out.append(
            Finding(
                rule="negative_surge",
                article="第二十二条",
                subject_type="account",
                subject_key=ref.key,
                dedup_key=make_key("negative_surge", ref.key),
                severity="warning",
                summary=summary,
                unit=ref.unit,
                account=ref.key,
                since=recent_from.to_pydatetime(),
                evidence=tuple(
                    Evidence(
                        text=clip(str(c["text"]), 200),
                        url=str(c["url"]),
                        at=py_datetime(c["created_at"]),
                    )
                    for c in records(negatives)
                ),
                data={
                    "negative_share": round(share, 3),
                    "baseline_share": round(base, 3),
                    "recent_comments": int(n_recent),
                    "baseline_comments": int(n_base),
                },
            )
        )
    return out
