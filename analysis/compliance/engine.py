"""One analysis pass over the frames monitor hands over: score new texts, match answers, run
every content and activity rule. (Activity figures and the ranking are the weekly digest's:
analysis.digest computes them for its week.)

Pure: the text cache is a mapping the caller persists between runs, so a second pass scores
only new or changed texts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

import pandas as pd

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
from analysis.rule_settings import QuestionsSettings, RulesSettings
from analysis.workdays import WorkCalendar


@dataclass
class AnalysisResult:
    scored_posts: pd.DataFrame
    scored_comments: pd.DataFrame
    answers: pd.DataFrame
    findings: list[Finding]
    stats: dict[str, ScoreStats] = field(default_factory=dict)


def run_analysis(
    accounts: pd.DataFrame,
    posts: pd.DataFrame,
    comments: pd.DataFrame,
    *,
    now: dt.datetime,
    calendar: WorkCalendar,
    rules: RulesSettings,
    questions: QuestionsSettings,
    scorer: TextScorer | None = None,
    cache: TextCache | None = None,
    progress: Progress | None = None,
    blind: Collection[str] = frozenset(),
    window_from: dt.datetime | None = None,
) -> AnalysisResult:
    """``blind``: keys of the accounts govmon could not read (``collection_gaps``); the rules
    that fire on silence skip them. ``window_from``: the analysis window's start; an earlier
    post in ``posts`` (each account's latest, for its days without a post) is not checked for
    content: like every post that left the window, it is no longer looked at."""
    scorer = scorer or TextScorer.from_settings(rules, questions)
    scored_posts, post_stats = scorer.score_posts(posts, cache, progress)
    in_window = (
        slice(None)
        if window_from is None
        else (posts["published_at"] >= pd.Timestamp(window_from)).to_numpy()
    )
    scored_comments, comment_stats = scorer.score_comments(comments, cache, progress)
    answers = match_answers(scored_comments, scored_comments["is_question"], calendar)
    findings: list[Finding] = [
        *stale_account(accounts, posts, now=now, settings=rules, blind=blind),
        *superior_post_not_reposted(accounts, scored_posts, now=now, settings=rules, blind=blind),
        *commercial_content(scored_posts[in_window], accounts, rules),
        *confidential_marker(scored_posts[in_window], accounts, rules),
        *missing_attribution(posts[in_window], accounts, rules),
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
    return AnalysisResult(
        scored_posts=scored_posts,
        scored_comments=scored_comments,
        answers=answers,
        findings=findings,
        stats={"posts": post_stats, "comments": comment_stats},
    )
