"""What the digest builder takes: the frames of two weeks, stored findings, rumours, settings.

``monitor`` reads these from the database; a benchmark or a test builds them by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.activity import Period
from analysis.collection_gaps import Gap
from analysis.findings import Finding, Severity
from analysis.item_state import GONE, Closing, ItemState, closing_of, state_as_of
from analysis.labels import CLOSURE_LABELS, UNSOLVED_CLOSURES
from analysis.rule_settings import RankingSettings
from analysis.rumours import RumourClaim
from analysis.topics import HotTopic
from analysis.workdays import WorkCalendar

# (posts, comments, accounts) of one scope → its hot topics of the week.
TopicFinder = Callable[[pd.DataFrame, pd.DataFrame, pd.DataFrame], list[HotTopic]]


@dataclass(frozen=True)
class DigestFinding:
    """A stored finding as the digest needs it (a row of ``findings``, database-free)."""

    rule: str
    article: str
    severity: Severity
    summary: str
    dedup_key: str
    first_seen: dt.datetime
    resolved_at: dt.datetime | None = None
    unit_id: int | None = None
    unit: str | None = None
    account: str | None = None  # account key
    data: dict[str, Any] = field(default_factory=dict)
    # When and how it really went (the content's clarification or reply, see
    # analysis.item_state); None: only the stored ``resolved_at`` is known.
    closing: Closing | None = None

    @property
    def closed(self) -> Closing | None:
        if self.closing is not None:
            return self.closing
        return None if self.resolved_at is None else Closing(self.resolved_at, GONE)

    def state_at(self, moment: dt.datetime) -> ItemState:
        """The one state every section reads (analysis.item_state).

        A finding closed unsolved (``data["closed_as"]``) is never 已解决: a question that aged
        past tracking unanswered, or a post or comment that left the analysis window unchanged,
        still counts as open, with its closure shown; a question its author deleted is closed."""
        state = state_as_of(self.first_seen, self.closed, moment)
        closure = self.data.get("closed_as")
        if state.state != "resolved" or closure not in CLOSURE_LABELS:
            return state
        assert state.closing is not None
        closing = Closing(state.closing.at, CLOSURE_LABELS[str(closure)])
        return ItemState("open" if closure in UNSOLVED_CLOSURES else "closed", moment, closing)

    def open_during(self, period: Period) -> bool:
        closed = self.closed
        return self.first_seen < period.end and (closed is None or closed.at >= period.start)

    def open_at(self, when: dt.datetime) -> bool:
        return self.state_at(when).is_open

    def with_closings(self, closings: Mapping[str, Closing]) -> DigestFinding:
        closing = closing_of(self.dedup_key, self.resolved_at, closings, self.first_seen, self.data)
        return dataclasses.replace(self, closing=closing)

    def as_finding(self) -> Finding:
        return Finding(
            rule=self.rule,
            article=self.article,
            subject_type="account" if self.account else "unit",
            subject_key=self.account or self.unit or "",
            dedup_key=self.dedup_key,
            severity=self.severity,
            summary=self.summary,
            unit=self.unit,
            account=self.account,
            data=self.data,
        )

    @classmethod
    def from_finding(
        cls, finding: Finding, first_seen: dt.datetime, unit_id: int | None = None
    ) -> DigestFinding:
        """A freshly computed finding, first seen at ``first_seen`` (benchmarks, tests)."""
        return cls(
            rule=finding.rule,
            article=finding.article,
            severity=finding.severity,
            summary=finding.summary,
            dedup_key=finding.dedup_key,
            first_seen=first_seen,
            unit_id=unit_id,
            unit=finding.unit,
            account=finding.account,
            data=dict(finding.data),
        )


@dataclass(frozen=True)
class DigestLimits:
    """How many rows each section shows (the Excel workbook shows every row)."""

    ranking: int = 20
    topics: int = 5
    rumours: int = 10
    questions: int = 20
    negative: int = 5
    findings_per_group: int = 5
    actions: int = 5


@dataclass
class DigestInputs:
    """Everything for every scope of one week. Frames follow ``analysis.frames``; posts and
    comments may carry a ``sentiment`` column in [0, 1]; ``answers`` is
    :func:`analysis.compliance.unanswered_questions.match_answers` output over both weeks."""

    week: str
    period: Period
    previous: Period
    units: pd.DataFrame
    accounts: pd.DataFrame
    posts: pd.DataFrame
    comments: pd.DataFrame
    snapshots: pd.DataFrame
    answers: pd.DataFrame
    findings: Sequence[DigestFinding]
    calendar: WorkCalendar
    ranking: RankingSettings
    overdue_workdays: int = 3
    rumours: Sequence[RumourClaim] | None = None  # None: rumour tracking is switched off
    topic_finder: TopicFinder | None = None  # None: hot topics are switched off
    limits: DigestLimits = field(default_factory=DigestLimits)
    # Accounts whose data of the week is incomplete, by key (analysis.collection_gaps).
    gaps: Mapping[str, Gap] = field(default_factory=dict)
