"""`govmon analyze`: the database → analysis frames → every rule → findings stored.

Incremental where it costs: sentiment scores and per-text rule results (question? ad words?)
are stored in the database by text hash (and kept in memory by a long-running daemon), so a run
after a few new comments — in a fresh process too — scores only those; the window-level rules
then run over the stored per-text results (topic tokens are cut again: as cheap as reading
them back). A run with nothing new before the next clock hour skips altogether
(monitor/pipeline/analyze_state.py), or, when a question's deadline or an account's silence
moved meanwhile, stores what the last complete run foresaw the clock rules finding for just
those (monitor/pipeline/analyze_clock.py). A finding no longer found is resolved.

The analysis packages (pandas, rjieba, scikit-learn) are imported only when a run does work.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db.models import FindingRow
from monitor.pipeline.analyze_clock import (
    Kind,
    decode,
    due_counts,
    due_findings,
    encode,
    findings_ahead,
    passed,
    question_moments,
    stale_moments,
    transitions,
)
from monitor.pipeline.analyze_state import (
    Previous,
    forget_state,
    inputs_fingerprint,
    next_hour,
    save_state,
    still_valid,
    touch_state,
    valid_until,
)
from monitor.settings import Settings

if TYPE_CHECKING:
    import pandas as pd

    from monitor.pipeline.sentiment import Window
    from monitor.store.frames import Frames

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
    # Findings whose post or comment left the window unchanged: closed unsolved, not resolved.
    aged_out: int = 0
    rules: tuple[str, ...] = ()
    # Nothing new since the complete run at this time, before its next deadline: not rerun.
    unchanged_since: dt.datetime | None = None
    # A first run without a trained model: whether it trained one or scored with snownlp.
    sentiment_note: str = ""
    # Nothing new, but deadlines passed: the clock rules were rerun for this many questions
    # and accounts (monitor/pipeline/analyze_clock.py).
    clock_only: tuple[int, int] | None = None


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
    session: Session,
    settings: Settings,
    frames: Frames,
    progress: Progress | None,
    window: Window | None = None,
) -> int:
    """Scores on the frames (monitor.pipeline.sentiment.add_sentiment, for ``window`` while
    snownlp is the engine); how many were new."""
    from monitor.pipeline.sentiment import add_sentiment as score

    if not settings.sentiment.enabled:
        return 0
    return score(session, settings.sentiment, frames, progress, window).scored


def _carried(now: dt.datetime, previous_run: Previous) -> AnalyzeSummary:
    """The last complete run's counts, as a run that does not redo the window reports them."""
    counts = previous_run.summary
    summary = AnalyzeSummary(now=now)
    summary.posts = int(counts.get("posts", 0))
    summary.comments = int(counts.get("comments", 0))
    summary.findings_by_rule = Counter(
        {str(k): int(v) for k, v in dict(counts.get("findings_by_rule", {})).items()}
    )
    summary.rules = previous_run.rules
    return summary


def _skipped(now: dt.datetime, previous_run: Previous) -> AnalyzeSummary:
    summary = _carried(now, previous_run)
    summary.unchanged_since = previous_run.ran_at
    log.info("analyze: 自 %s 以来没有新内容，也未到新的期限，沿用上次结果", previous_run.ran_at)
    return summary


def analyze(
    engine: Engine,
    settings: Settings,
    *,
    clock: Clock = utcnow,
    since: dt.date | None = None,
    progress: Progress | None = None,
) -> AnalyzeSummary:
    now = clock()
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as session:
        inputs = inputs_fingerprint(session, settings)
        previous_run = still_valid(session, inputs, now) if since is None else None
    if previous_run is None:
        return _complete(engine, settings, now, inputs, since, progress)
    checked_at = previous_run.summary.get("checked_at")
    checked = dt.datetime.fromisoformat(checked_at) if checked_at else previous_run.ran_at
    due = passed(decode(previous_run.summary.get("transitions", [])), checked, now)
    if not due:
        return _skipped(now, previous_run)
    if ("all", 0) in due:
        return _complete(engine, settings, now, inputs, since, progress)
    return _clock_only(engine, settings, now, previous_run, due)


def _clock_only(
    engine: Engine,
    settings: Settings,
    now: dt.datetime,
    previous_run: Previous,
    due: dict[tuple[Kind, int], list[dict[str, Any]]],
) -> AnalyzeSummary:
    """Only deadlines passed: the clock rules' findings for what they concern, as the last
    complete run foresaw them."""
    new, new_by_rule = due_findings(engine, settings, now, due)
    summary = _carried(now, previous_run)
    summary.clock_only = due_counts(due)
    summary.findings_by_rule.update(new_by_rule)
    summary.new_findings = new
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions.begin() as session:
        counts = dict(previous_run.summary)
        counts["findings_by_rule"] = dict(summary.findings_by_rule)
        counts["checked_at"] = now.isoformat()
        touch_state(session, counts)
    return summary


def _complete(
    engine: Engine,
    settings: Settings,
    now: dt.datetime,
    inputs: str,
    since: dt.date | None,
    progress: Progress | None,
) -> AnalyzeSummary:
    """The whole window analysed, what it holds for the whole run (frames, per-text results)
    kept out of the cycle collector's passes (monitor/pipeline/gc_freeze.py): at province
    scale those passes were about a seventh of a cold run."""
    from monitor.pipeline.gc_freeze import frozen_between_collections

    with frozen_between_collections() as freeze:
        freeze()  # the modules and settings
        return _complete_run(engine, settings, now, inputs, since, progress, freeze)


def _complete_run(
    engine: Engine,
    settings: Settings,
    now: dt.datetime,
    inputs: str,
    since: dt.date | None,
    progress: Progress | None,
    freeze: Callable[[], None],
) -> AnalyzeSummary:
    from analysis.collection_gaps import CARRIED_RULES
    from analysis.compliance.content_rules import WINDOW_RULES
    from analysis.compliance.engine import run_analysis
    from analysis.compliance.registry_rules import check_registry
    from analysis.compliance.text_flags import TextScorer
    from analysis.findings import Finding
    from analysis.rumours import carried_rumour_keys, find_rumours, rumour_findings
    from analysis.topics import find_hot_topics, hot_topic_findings
    from analysis.topics.features import featurizer_for
    from analysis.workdays import SHANGHAI
    from monitor.calendar import work_calendar
    from monitor.pipeline.sentiment import first_model
    from monitor.store.closures import aged_out, close_aged_out, close_findings
    from monitor.store.collection_state import load_gaps
    from monitor.store.findings import carried_keys, resolve_absent, save_findings
    from monitor.store.frames import load_frames
    from monitor.store.open_rumours import open_rumour_units
    from monitor.store.text_results import StoredTextCache

    calendar = work_calendar(settings)
    summary = AnalyzeSummary(now=now)
    looked_from = window_start(settings, now, since)  # what the rules and the topics read
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions.begin() as session:
        first = first_model(session, settings.sentiment, now)
        summary.sentiment_note = first.note
        if summary.sentiment_note:
            log.info("%s", summary.sentiment_note)
        frames = load_frames(session, looked_from, now)
        summary.posts, summary.comments = len(frames.posts), len(frames.comments)
        summary.sentiment_scored = add_sentiment(session, settings, frames, progress, first.window)
        blind = frozenset(load_gaps(session, settings.collectors, now))  # STYLE 18
    freeze()  # the window's frames and scores, held to the end
    # The window-level steps first: clustering is the run's memory peak, which the rules'
    # findings (~50k objects at province scale, held to the end) would otherwise sit under.
    with sessions() as session:
        previous_topics = _previous(session, "hot_topic", "label")
        previous_rumours = _previous(session, "rumour_unclarified", "core_terms")
        rumour_units = open_rumour_units(session)
    window_findings: list[Finding] = []
    window_rules: list[str] = []
    carried: list[str] = []  # open findings govmon could not check again (STYLE 18)
    if settings.topics.enabled:
        if progress is not None:
            progress("热点话题", 0, 1)
        topics = find_hot_topics(
            frames.posts,
            frames.comments,
            frames.accounts,
            now,
            settings.topics,
            featurizer=featurizer_for(settings.topics),
            previous=previous_topics,
        )
        window_findings += hot_topic_findings(topics, settings.topics)
        window_rules.append("hot_topic")
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
            blind=blind,
        )
        window_findings += rumour_findings(claims)
        carried += carried_rumour_keys(
            rumour_units, claims, frames.accounts, frames.units, settings.rumours, blind
        )
        window_rules.append("rumour_unclarified")

    findings: list[Finding] = []
    rules: list[str] = []
    question_at: pd.DataFrame | None = None
    stale_at: pd.DataFrame | None = None
    answers: pd.DataFrame | None = None  # the questions, for the findings of their moments

    findings += check_registry(
        frames.accounts,
        frames.units,
        today=now.astimezone(SHANGHAI).date(),
        calendar=calendar,
        config=settings.registry,
    )
    rules += list(REGISTRY_RULES)

    cache = StoredTextCache(text_cache())
    if settings.rules.enabled:

        def flags(done: int, total: int) -> None:
            if progress is not None:
                progress("规则检查（文本）", done, total)

        scorer = TextScorer.from_settings(settings.rules, settings.questions)
        with engine.connect() as conn:
            cache.load(conn, scorer.cache_keys(frames.posts, frames.comments))
        result = run_analysis(
            frames.accounts,
            frames.posts,
            frames.comments,
            now=now,
            calendar=calendar,
            rules=settings.rules,
            questions=settings.questions,
            scorer=scorer,
            cache=cache,
            progress=flags,
            blind=blind,
            window_from=looked_from,
        )
        summary.texts_flagged = sum(s.scored for s in result.stats.values())
        findings += result.findings
        rules += list(CONTENT_RULES)
        question_at = question_moments(result.answers, calendar, settings.questions)
        stale_at = stale_moments(frames.accounts, frames.posts, now, settings.rules)
        answers = result.answers
        del result  # its scored copies of the frames
        # The per-text results are a cache by text hash, valid whatever happens to the rest of
        # the run: stored now, rather than with the findings.
        with sessions.begin() as session:
            cache.save(session.connection(), now)
        freeze()  # the findings and per-text results, held to the end
    findings += window_findings
    rules += window_rules

    summary.findings_by_rule = Counter(f.rule for f in findings)
    summary.rules = tuple(rules)
    # Until the next clock hour, the moments a deadline passes; only the clock rules' moments
    # are tied to accounts, any other ends the hour early (monitor/pipeline/analyze_clock.py).
    moved = transitions(question_at, stale_at, findings, frames.accounts, now, next_hour(now))
    ahead = (
        {}
        if answers is None
        else findings_ahead(
            moved,
            answers,
            frames.accounts,
            frames.posts,
            now=now,
            calendar=calendar,
            settings=settings,
        )
    )
    with sessions.begin() as session:
        new, _updated = save_findings(session, findings, now, complete=True)
        close_findings(session, findings, now)  # closed unanswered: not solved
        summary.new_findings = new
        # What govmon could not see is carried as it was (STYLE 18), not resolved.
        present = [f.dedup_key for f in findings]
        present += carried_keys(session, CARRIED_RULES, blind) + carried
        # A post or comment older than the window was not seen removed: a run over the whole
        # window closes its finding unsolved; one over part of it (--since) leaves it as it was.
        aged = aged_out(session, WINDOW_RULES, present, looked_from)
        if since is None:
            summary.aged_out = close_aged_out(session, aged, now)
        else:
            present += [key for _id, key, _data in aged]
        summary.resolved = resolve_absent(session, rules, present, now)
        if since is None:  # a run over part of the window says nothing about the whole
            save_state(
                session,
                inputs,
                now,
                valid_until(now, [at for at, kind, _id in moved if kind == "all"]),
                rules,
                {
                    "posts": summary.posts,
                    "comments": summary.comments,
                    "findings_by_rule": dict(summary.findings_by_rule),
                    "checked_at": now.isoformat(),
                    "transitions": encode((t for t in moved if t[1] != "all"), ahead),
                },
            )
        else:
            forget_state(session)
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
