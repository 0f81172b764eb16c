"""`govmon analyze`: the database → analysis frames → every rule → findings stored.

Incremental where it costs: sentiment scores are cached in the database by text hash, per-text
flags (question? ad words?) in memory for the life of the process (the daemon keeps it), so a
run after a few new comments scores only those. The rules themselves run over the whole window
and are cheap; a finding no longer found is resolved.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from analysis.activity import Period
from analysis.compliance.engine import AnalysisResult, run_analysis
from analysis.compliance.registry_rules import check_registry
from analysis.findings import Finding
from analysis.rumours import find_rumours, rumour_findings
from analysis.topics import find_hot_topics, hot_topic_findings
from analysis.workdays import SHANGHAI
from monitor.calendar import work_calendar
from monitor.db.models import FindingRow
from monitor.pipeline.sentiment import score_frame_texts
from monitor.settings import Settings
from monitor.store.closures import close_findings
from monitor.store.collection_state import load_gaps
from monitor.store.findings import resolve_absent, save_findings
from monitor.store.frames import Frames, load_frames

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Progress = Callable[[str, int, int], None]  # (step, done, total)

# Per-text flags of the rules engine, kept between runs of one process. Keys carry the word
# lists' fingerprint, so an edited list re-scores once. Bounded: a long-running daemon must
# not grow without limit.
_TEXT_CACHE: dict[str, tuple[object, ...]] = {}
_TEXT_CACHE_MAX = 1_000_000


def text_cache() -> dict[str, tuple[object, ...]]:
    """The process-wide cache of per-text flags (bounded: cleared when it grows too large)."""
    if len(_TEXT_CACHE) > _TEXT_CACHE_MAX:
        _TEXT_CACHE.clear()
    return _TEXT_CACHE


REGISTRY_RULES = (
    "filing_overdue",
    "closure_unfiled",
    "roles_missing",
    "duplicate_platform_account",
    "name_unrelated",
)
CONTENT_RULES = (
    "stale_account",
    "superior_post_not_reposted",
    "commercial_content",
    "confidential_marker",
    "missing_attribution",
    "harmful_comment",
    "negative_surge",
    "unanswered_question",
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class AnalyzeSummary:
    now: dt.datetime
    posts: int = 0
    comments: int = 0
    sentiment_scored: int = 0
    texts_flagged: int = 0
    findings_by_rule: Counter[str] = field(default_factory=Counter)
    new_findings: int = 0
    resolved: int = 0
    rules: tuple[str, ...] = ()
    result: AnalysisResult | None = None


def window_start(settings: Settings, now: dt.datetime, since: dt.date | None) -> dt.datetime:
    """How far back the rules look: enough for the slowest rule (staleness, baselines)."""
    if since is not None:
        return dt.datetime.combine(since, dt.time(0), dt.UTC)
    days = max(
        settings.rules.stale_overdue_days + 7,
        settings.rules.negative_surge_window_days + settings.rules.negative_surge_baseline_days,
        settings.rules.superior_lookback_days + settings.rules.superior_repost_window_days,
        settings.topics.baseline_days + 2,
        settings.questions.max_age_days,
        35,
    )
    return now - dt.timedelta(days=days)


def _previous(session: Session, rule: str, field_name: str) -> dict[str, list[str]]:
    rows = session.execute(
        select(FindingRow.dedup_key, FindingRow.data).where(
            FindingRow.rule == rule, FindingRow.state == "open"
        )
    )
    return {key: list((data or {}).get(field_name) or []) for key, data in rows}


def add_sentiment(
    session: Session, settings: Settings, frames: Frames, progress: Progress | None
) -> int:
    if not settings.sentiment.enabled:
        return 0
    scored = 0
    for name, frame in (("posts", frames.posts), ("comments", frames.comments)):
        if frame.empty:
            frame["sentiment"] = pd.Series(dtype=float)
            continue

        def report(done: int, total: int, name: str = name) -> None:
            if progress is not None:
                progress(f"情感分析（{'帖子' if name == 'posts' else '评论'}）", done, total)

        scores, computed = score_frame_texts(
            session, settings.sentiment, frame["text"], frame["text_hash"], progress=report
        )
        frame["sentiment"] = scores.to_numpy()
        scored += computed
    return scored


def analyze(
    engine: Engine,
    settings: Settings,
    *,
    clock: Clock = utcnow,
    since: dt.date | None = None,
    progress: Progress | None = None,
) -> AnalyzeSummary:
    now = clock()
    calendar = work_calendar(settings)
    summary = AnalyzeSummary(now=now)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions.begin() as session:
        frames = load_frames(session, window_start(settings, now, since), now)
        summary.posts, summary.comments = len(frames.posts), len(frames.comments)
        summary.sentiment_scored = add_sentiment(session, settings, frames, progress)
        blind = frozenset(load_gaps(session, settings.collectors, now))  # STYLE 18
    findings: list[Finding] = []
    rules: list[str] = []

    findings += check_registry(
        frames.accounts,
        frames.units,
        today=now.astimezone(SHANGHAI).date(),
        calendar=calendar,
        config=settings.registry,
    )
    rules += list(REGISTRY_RULES)

    if settings.rules.enabled:

        def flags(done: int, total: int) -> None:
            if progress is not None:
                progress("规则检查（文本）", done, total)

        result = run_analysis(
            frames.accounts,
            frames.posts,
            frames.comments,
            frames.snapshots,
            now=now,
            calendar=calendar,
            period=Period.last_days(now, 7),
            rules=settings.rules,
            questions=settings.questions,
            ranking=settings.ranking,
            cache=text_cache(),
            progress=flags,
            blind=blind,
        )
        summary.result = result
        summary.texts_flagged = sum(s.scored for s in result.stats.values())
        findings += result.findings
        rules += list(CONTENT_RULES)

    with sessions() as session:
        previous_topics = _previous(session, "hot_topic", "label")
        previous_rumours = _previous(session, "rumour_unclarified", "core_terms")
    if settings.topics.enabled:
        if progress is not None:
            progress("热点话题", 0, 1)
        topics = find_hot_topics(
            frames.posts,
            frames.comments,
            frames.accounts,
            now,
            settings.topics,
            previous=previous_topics,
        )
        findings += hot_topic_findings(topics, settings.topics)
        rules.append("hot_topic")
    if settings.rumours.enabled:
        if progress is not None:
            progress("谣言与辟谣", 0, 1)
        claims = find_rumours(
            frames.posts,
            frames.comments,
            frames.accounts,
            now,
            settings.rumours,
            units=frames.units,
            previous=previous_rumours,
        )
        findings += rumour_findings(claims)
        rules.append("rumour_unclarified")

    with sessions.begin() as session:
        new, _updated = save_findings(session, findings, now)
        close_findings(session, findings, now)  # closed unanswered: not solved
        summary.new_findings = new
        summary.resolved = resolve_absent(session, rules, [f.dedup_key for f in findings], now)
    summary.findings_by_rule = Counter(f.rule for f in findings)
    summary.rules = tuple(rules)
    log.info(
        "analyze: %d posts, %d comments, %d scored, %d findings (%d new, %d resolved)",
        summary.posts,
        summary.comments,
        summary.sentiment_scored,
        len(findings),
        new,
        summary.resolved,
    )
    return summary
