"""One state per item — finding, rumour, question — as of a stated moment.

A finding is stored with the time govmon *noticed* it had gone (the analysis run that no longer
found it), while the content says when it really went: a rumour's clarification post, the
account's reply to a question. Every output that shows an item's state (each digest section,
the workbook, messages, the demo summary) asks :func:`state_as_of` with the same closing, so
no section calls an item open that another calls resolved.

A closing is (when, how): ``how`` is the Chinese reason a person reads. New reasons slot in
as another closing source (e.g. "逾期未答复（已过追踪期）", "网民已删除" for questions no
longer followed), with no change to the sections that read the state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.findings import make_key
from analysis.labels import state_label

if TYPE_CHECKING:  # pandas only where content is read: alerts import this module too
    import pandas as pd

# The reasons a closing gives (shown to people).
CLARIFIED = "已发布澄清"
ANSWERED = "已答复"
GONE = "复查时问题已不存在"


@dataclass(frozen=True)
class Closing:
    at: dt.datetime
    how: str  # Chinese: 已发布澄清 / 已答复 / 复查时问题已不存在 / …


@dataclass(frozen=True)
class ItemState:
    """An item's state at ``moment``: ``open`` or ``resolved`` (labels.STATE_LABELS)."""

    state: str
    moment: dt.datetime
    closing: Closing | None = None  # set when resolved

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def label(self) -> str:
        return state_label(self.state)


def earliest(*closings: Closing | None) -> Closing | None:
    """The first of several closings of one item (the event, not when it was noticed)."""
    known = [c for c in closings if c is not None]
    return min(known, key=lambda c: c.at) if known else None


def state_as_of(first_seen: dt.datetime, closing: Closing | None, moment: dt.datetime) -> ItemState:
    """Open from ``first_seen`` until its closing; the state of the item at ``moment``."""
    if closing is not None and closing.at < moment:
        return ItemState("resolved", moment, closing)
    if first_seen >= moment:
        # Not yet seen at that moment: nobody reads it as open there.
        return ItemState("unseen", moment)
    return ItemState("open", moment)


def content_closings(
    clarified: Iterable[tuple[str, dt.datetime | None]], answers: pd.DataFrame
) -> dict[str, Closing]:
    """Closings the content itself shows, keyed by finding dedup key: a rumour claim's
    clarification (claim key, clarified at) and a question's first official reply."""
    out: dict[str, Closing] = {}
    for key, at in clarified:
        if at is not None:
            out[key] = Closing(at, CLARIFIED)
    if answers.empty or "answered_at" not in answers.columns:
        return out
    replied = answers[answers["answered_at"].notna()]
    for platform, comment_id, at in zip(
        replied["platform"], replied["platform_comment_id"], replied["answered_at"], strict=True
    ):
        key = make_key("unanswered_question", platform, comment_id)
        out[key] = Closing(_timestamp(at), ANSWERED)
    return out


def _timestamp(value: object) -> dt.datetime:
    import pandas as pd

    return pd.Timestamp(value).to_pydatetime()  # type: ignore[arg-type]


def recorded_how(data: Mapping[str, object] | None) -> str:
    """The closing reason an analysis recorded in a finding's data (``closed_how``), if any:
    e.g. a question no longer followed, or deleted by its author."""
    how = (data or {}).get("closed_how")
    return how if isinstance(how, str) else ""


def closing_of(
    dedup_key: str,
    resolved_at: dt.datetime | None,
    closings: Mapping[str, Closing],
    first_seen: dt.datetime | None = None,
    data: Mapping[str, object] | None = None,
) -> Closing | None:
    """A stored finding's closing: the content's, or else when govmon saw it had gone (with
    the reason its analysis recorded). A closing never precedes the finding's first sighting
    (it was open when first seen)."""
    stored = None if resolved_at is None else Closing(resolved_at, recorded_how(data) or GONE)
    found = earliest(closings.get(dedup_key), stored)
    if found is not None and first_seen is not None and found.at < first_seen:
        return Closing(first_seen, found.how)
    return found
