"""Which accounts govmon could not see (STYLE 18: absence of data is not evidence).

One function, :func:`collection_gaps`, decides it for every output: the rules that conclude
from what was not seen (:data:`SILENCE_RULES`) skip these accounts (no "未更新" for an account
that was not read, no question overdue whose answer could not be seen) and their open findings
of those rules, and of the rules whose findings end when what they saw is no longer seen
(:data:`CARRIED_RULES`), are carried as they were, neither escalated nor resolved (so is a
``rumour_unclarified`` finding whose unit's accounts could not be read: analysis.rumours); the
ranking gives them no silence penalty, the digest shows them as "采集失败，数据不完整" and
`govmon status` lists them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from analysis.labels import account_label, account_locator

GapKind = Literal["never", "failing", "no_collector", "gone"]

INCOMPLETE = "采集失败，数据不完整"

# Rules whose findings say something was not seen: no post, no repost, no answer.
SILENCE_RULES = ("stale_account", "superior_post_not_reposted", "unanswered_question")
# Open findings of these rules about accounts govmon cannot read are carried as they were: the
# silence rules, and a negative surge or a hot topic, which otherwise end as their texts age out
# of the window although nobody saw the comments calm down. A hot topic may name several
# accounts (its ``data["accounts"]``); it is carried while none of them can be read: from any
# one of them govmon saw the talk fall.
CARRIED_RULES = (*SILENCE_RULES, "negative_surge", "hot_topic")
# Rules whose findings name their accounts in ``data["accounts"]`` rather than in ``account``.
MANY_ACCOUNT_RULES = ("hot_topic",)

GAP_LABELS: dict[str, str] = {
    "never": "从未采集成功",
    "failing": "采集失败",
    "no_collector": "没有可用的采集方式",
    "gone": "平台报告账号不存在",
}


def error_reason(account_key: str, error: str) -> str:
    """A stored collection error as a person reads it. Stored errors start with the account's
    internal key ("weibo:7310000001：…", for the log); the person reads the account's name and
    platform beside the reason (analysis.labels), never that key."""
    return error.removeprefix(f"{account_key}：")


@dataclass(frozen=True)
class CollectionState:
    """An account's collection state as stored (a row of ``accounts``)."""

    account_key: str
    name: str
    unit: str
    platform: str
    status: str  # active, closed, gone
    last_collected_at: dt.datetime | None  # last success
    consecutive_failures: int = 0
    last_error_kind: str = ""
    last_error: str = ""
    failing_since: dt.datetime | None = None


@dataclass(frozen=True)
class Gap:
    """An account whose data is missing: why, and since when it was last read."""

    account_key: str
    name: str
    unit: str
    kind: GapKind
    error: str  # the stored reason (Chinese), "" when it was simply never read
    last_ok: dt.datetime | None

    @property
    def text(self) -> str:
        """What a person reads: "采集失败，数据不完整（原因）"."""
        # Without a collector the reason is the label: an error stored by an earlier version
        # was the operator's remedy, naming a settings key the reader of a digest cannot use.
        stored = "" if self.kind == "no_collector" else self.error
        why = error_reason(self.account_key, stored) or GAP_LABELS[self.kind]
        return f"{INCOMPLETE}（{why}）"

    @property
    def label(self) -> str:
        """The account in a list: "江东港航（微信公众号）" (analysis.labels.account_label)."""
        return account_label(self.name, self.account_key.partition(":")[0])

    @property
    def locator(self) -> str:
        """The account where the operator must find it (analysis.labels.account_locator)."""
        return account_locator(self.name, self.account_key)


def _kind(state: CollectionState) -> GapKind:
    if state.last_error_kind == "unsupported":
        return "no_collector"
    if state.status == "gone" or state.last_error_kind == "account_gone":
        return "gone"
    return "never" if state.last_collected_at is None else "failing"


def collection_gaps(
    states: Iterable[CollectionState],
    at: dt.datetime,
    blind_after: Callable[[str], dt.timedelta],
) -> dict[str, Gap]:
    """Accounts (by key) whose data up to ``at`` is incomplete: never collected successfully,
    or last collected successfully more than ``blind_after(platform)`` before ``at``, or the
    platform says the account is gone. Closed accounts are not expected to be read."""
    gaps: dict[str, Gap] = {}
    for state in states:
        if state.status == "closed":
            continue
        last = state.last_collected_at
        blind = last is None or last < at - blind_after(state.platform) or state.status == "gone"
        if not blind:
            continue
        gaps[state.account_key] = Gap(
            account_key=state.account_key,
            name=state.name,
            unit=state.unit,
            kind=_kind(state),
            error=state.last_error if state.consecutive_failures else "",
            last_ok=last,
        )
    return gaps
