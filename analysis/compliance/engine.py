"""One analysis pass over the frames monitor hands over: score new texts, match answers, run
every content and activity rule, compute activity and the ranking.

Pure: the text cache is a mapping the caller persists between runs, so a second pass scores
only new or changed texts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

import pandas as pd

from analysis.activity import Period, account_activity
from analysis.compliance.activity_rules import stale_account, superior_post_not_reposted
from analysis.compliance.content_rules import (
    commercial_content,
    confidential_marker,
    harmful_comment,
    missing_attribution,
)
from analysis.compliance.opinion_rules import negative_surge
from analysis.compliance.text_flags import Progress, ScoreStats, TextCache, TextScorer
from analysis.compliance.unanswered_questions import match_answers, unanswered_questions
from analysis.findings import Finding
from analysis.ranking import HonourLists, honour_lists, rank_accounts
from analysis.rule_settings import QuestionsSettings, RankingSettings, RulesSettings
from analysis.workdays import WorkCalendar


@dataclass
class AnalysisResult:
    scored_posts: pd.DataFrame
    scored_comments: pd.DataFrame
    answers: pd.DataFrame
    findings: list[Finding]
    activity: pd.DataFrame
    ranking: pd.DataFrame | None
    lists: HonourLists | None
    stats: dict[str, ScoreStats] = field(default_factory=dict)


def run_analysis(
    accounts: pd.DataFrame,
    posts: pd.DataFrame,
    comments: pd.DataFrame,
    snapshots: pd.DataFrame,
    *,
    now: dt.datetime,
    calendar: WorkCalendar,
    period: Period,
    rules: RulesSettings,
    questions: QuestionsSettings,
    ranking: RankingSettings,
    scorer: TextScorer | None = None,
    cache: TextCache | None = None,
    progress: Progress | None = None,
    blind: Collection[str] = frozenset(),
) -> AnalysisResult:
    """``blind``: keys of the accounts govmon could not read (``collection_gaps``); the rules
    that fire on silence skip them."""
    scorer = scorer or TextScorer.from_settings(rules, questions)
    scored_posts, post_stats = scorer.score_posts(posts, cache, progress)
    scored_comments, comment_stats = scorer.score_comments(comments, cache, progress)
    answers = match_answers(scored_comments, scored_comments["is_question"], calendar)
    findings: list[Finding] = [
        *stale_account(accounts, posts, now=now, settings=rules, blind=blind),
        *superior_post_not_reposted(accounts, scored_posts, now=now, settings=rules, blind=blind),
        *commercial_content(scored_posts, accounts, rules),
        *confidential_marker(scored_posts, accounts, rules),
        *missing_attribution(posts, accounts, rules),
        *harmful_comment(scored_comments, posts, accounts, rules),
        *negative_surge(comments, posts, accounts, now=now, settings=rules),
        *unanswered_questions(
            answers,
            posts,
            accounts,
            now=now,
            calendar=calendar,
            settings=questions,
            blind=blind,
        ),
    ]
    activity = account_activity(
        accounts, posts, comments, snapshots, answers, period=period, now=now
    )
    ranked = rank_accounts(activity, findings, ranking) if ranking.enabled else None
    lists = honour_lists(ranked, findings, ranking) if ranked is not None else None
    return AnalysisResult(
        scored_posts=scored_posts,
        scored_comments=scored_comments,
        answers=answers,
        findings=findings,
        activity=activity,
        ranking=ranked,
        lists=lists,
        stats={"posts": post_stats, "comments": comment_stats},
    )
