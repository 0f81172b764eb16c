"""What a weekly 舆情 digest holds (第二十二、二十六条): plain, ordered, renderer-agnostic data.

Texts from the internet are kept as they were collected, capped to ``TEXT_CHARS``; escaping is
the renderer's job (HTML autoescape, markdown neutralisation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from analysis.item_state import Closing
from analysis.labels import state_label
from analysis.workdays import SHANGHAI

SYSTEM_SCOPE = "全系统"
TEXT_CHARS = 200


UNREAD_RUMOUR = "无法确认（可澄清的账号采集失败）"


@dataclass(frozen=True)
class Figure:
    """One headline figure with its value the week before."""

    key: str
    label: str  # Chinese
    value: float | None  # None: not known (no follower snapshot that week, RSS-only accounts)
    previous: float | None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_ratio(self) -> float | None:
        change = self.change
        return None if change is None or not self.previous else change / self.previous


@dataclass(frozen=True)
class TextRef:
    """A representative text and where to see it (already capped, not escaped)."""

    text: str
    url: str = ""
    at: dt.datetime | None = None


@dataclass(frozen=True)
class DayRow:
    day: dt.date  # Shanghai date
    posts: int
    comments: int
    mean_sentiment: float | None
    negative_share: float | None


@dataclass(frozen=True)
class RankRow:
    rank: int | None  # None: govmon could not read the account (data_note says why)
    previous_rank: int | None
    account_key: str
    name: str
    unit: str
    platform: str
    score: float
    base_score: float
    posts: int
    originals: int
    reposts_made: int
    reposts_received: int
    comments_received: int
    likes_received: int
    followers: float | None
    follower_growth: float | None
    open_warnings: int
    open_overdue: int
    compliance_penalty: float
    data_note: str = ""  # "采集失败，数据不完整（…）": its figures are not the whole week

    @property
    def rank_change(self) -> int | None:
        """Places gained since the week before (positive: up); None without both places."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass(frozen=True)
class TopicRow:
    label: tuple[str, ...]
    volume: int
    posts: int
    comments: int
    baseline_volume: int
    growth: float
    negative: float | None
    neutral: float | None
    positive: float | None
    accounts: tuple[str, ...]  # account names
    examples: tuple[TextRef, ...]


@dataclass(frozen=True)
class RumourRow:
    claim: str
    volume: int
    authors: int
    unit: str
    first_seen: dt.datetime
    clarified: bool
    clarification_at: dt.datetime | None
    clarification_url: str
    hours_to_clarify: float | None
    examples: tuple[TextRef, ...]
    # Not clarified, but the accounts that could clarify it were not read (STYLE 18): not
    # known to be unclarified, and not counted so.
    unread: bool = False

    @property
    def unclarified(self) -> bool:
        """Known to be unclarified: what the 未澄清 counts and lists hold."""
        return not self.clarified and not self.unread

    @property
    def status(self) -> str:
        """The row's state as a person reads it (the clarification's time aside)."""
        if self.clarified:
            return "已澄清"
        return UNREAD_RUMOUR if self.unread else "未澄清"


@dataclass(frozen=True)
class QuestionRow:
    account_key: str
    name: str
    unit: str
    questions: int
    answered: int
    unanswered: int
    overdue: int
    response_rate: float | None
    median_hours: float | None  # working hours


@dataclass(frozen=True)
class NegativeThread:
    post: TextRef
    account: str
    unit: str
    comments: int
    negative: int
    negative_share: float
    mean_sentiment: float
    sample: TextRef  # the most negative comment


@dataclass(frozen=True)
class FindingItem:
    summary: str
    account: str
    severity: str
    first_seen: dt.datetime
    state: str  # at the week's end: "open", "resolved" or "closed" (analysis.item_state)
    closing: Closing | None = None  # when and how it was resolved or closed

    @property
    def state_text(self) -> str:
        """What a person reads: 未解决; 已解决 with how and when (Asia/Shanghai); a question
        closed unsolved by its closure (逾期未答复（已过追踪期）, 网民已删除), never 已解决."""
        if self.closing is None:
            return state_label(self.state)
        at = self.closing.at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
        if self.state == "resolved":
            return f"{state_label(self.state)}（{self.closing.how}，{at}）"
        return f"{self.closing.how}（{at}）"


@dataclass(frozen=True)
class FindingGroup:
    rule: str
    title: str
    article: str
    unit: str
    open_count: int
    resolved_count: int
    items: tuple[FindingItem, ...]  # every item, open ones first (the workbook lists all)
    shown: int = 5  # how many the HTML and Markdown list

    @property
    def top(self) -> tuple[FindingItem, ...]:
        return self.items[: self.shown]


@dataclass(frozen=True)
class ListRow:
    name: str
    unit: str
    rank: int | None
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ActionItem:
    text: str  # Chinese, cites the article
    article: str
    count: int


@dataclass(frozen=True)
class UnitActions:
    unit: str
    editor: str  # 总编辑 (第十七、十八条)
    items: tuple[ActionItem, ...]


@dataclass(frozen=True)
class IncompleteRow:
    """An account whose data of the week is missing (analysis.collection_gaps): shown as
    "采集失败，数据不完整", never as quiet or compliant."""

    account_key: str
    name: str
    unit: str
    reason: str  # Chinese: "采集失败，数据不完整（…）"


@dataclass(frozen=True)
class DigestData:
    week: str  # 2026-W48
    scope: str  # 全系统 or a unit name
    unit_id: int | None
    start: dt.datetime  # UTC
    end: dt.datetime
    head: str = ""  # 主要负责人 of the scope's unit
    editor: str = ""  # 总编辑
    units: tuple[str, ...] = ()  # units covered
    overview: tuple[Figure, ...] = ()
    daily: tuple[DayRow, ...] = ()
    ranking: tuple[RankRow, ...] = ()
    topics: tuple[TopicRow, ...] = ()
    rumours: tuple[RumourRow, ...] = ()
    questions: tuple[QuestionRow, ...] = ()
    negative: tuple[NegativeThread, ...] = ()
    findings: tuple[FindingGroup, ...] = ()
    criticised: tuple[ListRow, ...] = ()
    commended: tuple[ListRow, ...] = ()
    actions: tuple[UnitActions, ...] = ()
    notes: tuple[str, ...] = field(default=())  # e.g. 热点话题未启用
    incomplete: tuple[IncompleteRow, ...] = ()  # accounts whose week govmon could not read

    @property
    def empty(self) -> bool:
        """No post and no comment in the week: the digest says so instead of empty tables."""
        figures = {f.key: f.value for f in self.overview}
        return not figures.get("posts") and not figures.get("comments")

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.overview if f.key == key), None)

    @property
    def as_of(self) -> dt.datetime:
        """The reference moment: a digest describes its week as of the week's end."""
        return self.end

    @property
    def as_of_text(self) -> str:
        """The reference moment as people write it: "2026年11月29日 24:00"."""
        last = (self.as_of - dt.timedelta(seconds=1)).astimezone(SHANGHAI).date()
        return f"{last:%Y年%m月%d日} 24:00"

    def summary(self) -> dict[str, Any]:
        """Headline counts, each the sum of its section's rows: the 本周要点 line, the
        ``digests.summary`` column and the demo's summary all read these (JSON-safe)."""
        return {
            "as_of": self.as_of_text,
            "overview": {f.key: f.value for f in self.overview},
            "topics": len(self.topics),
            "rumours": len(self.rumours),
            "rumours_unclarified": sum(1 for r in self.rumours if r.unclarified),
            "questions": sum(q.questions for q in self.questions),
            "unanswered": sum(q.unanswered for q in self.questions),
            "overdue": sum(q.overdue for q in self.questions),
            "findings_open": sum(g.open_count for g in self.findings),
            "findings_open_by_rule": self.open_by_rule(),
            "criticised": len(self.criticised),
            "commended": len(self.commended),
            "incomplete": len(self.incomplete),
        }

    def open_by_rule(self) -> dict[str, int]:
        """Findings open at the week's end per rule (七、合规问题 summed over units)."""
        out: dict[str, int] = {}
        for g in self.findings:
            if g.open_count:
                out[g.rule] = out.get(g.rule, 0) + g.open_count
        return dict(sorted(out.items()))
