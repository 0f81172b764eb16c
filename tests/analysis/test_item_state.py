"""One state per item as of a stated moment: the content's closing (a clarification, a reply)
wins over when govmon noticed, and a recorded reason is kept."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.digest_inputs import DigestFinding
from analysis.item_state import (
    ANSWERED,
    CLARIFIED,
    GONE,
    Closing,
    closing_of,
    content_closings,
    state_as_of,
)

T0 = dt.datetime(2026, 11, 24, 2, tzinfo=dt.UTC)
END = dt.datetime(2026, 11, 29, 16, tzinfo=dt.UTC)  # the week's end: Monday 00:00 Shanghai
NOTICED = END + dt.timedelta(hours=9)


def test_state_at_a_moment() -> None:
    closing = Closing(T0 + dt.timedelta(days=2), CLARIFIED)
    assert state_as_of(T0, closing, END).state == "resolved"
    assert state_as_of(T0, closing, T0 + dt.timedelta(days=1)).is_open
    assert state_as_of(T0, None, END).label == "未解决"
    assert state_as_of(END, None, END).state == "unseen"


def test_content_closing_wins_over_when_it_was_noticed() -> None:
    answers = pd.DataFrame(
        {
            "platform": ["weibo", "weibo"],
            "platform_comment_id": ["7", "8"],
            "answered_at": [pd.Timestamp(T0 + dt.timedelta(hours=3)), pd.NaT],
        }
    )
    closings = content_closings([("rumour_unclarified:6:G25", T0 + dt.timedelta(days=2))], answers)
    assert closings["unanswered_question:weibo:7"].how == ANSWERED
    assert "unanswered_question:weibo:8" not in closings
    finding = DigestFinding(
        rule="rumour_unclarified", article="第二十二、二十三条", severity="critical",
        summary="传言", dedup_key="rumour_unclarified:6:G25", first_seen=T0, resolved_at=NOTICED,
    )  # fmt: skip
    assert finding.open_at(END)  # stored: resolved only when noticed, after the week
    closed = finding.with_closings(closings)
    assert not closed.open_at(END)
    assert closed.state_at(END).closing == Closing(T0 + dt.timedelta(days=2), CLARIFIED)


def test_recorded_reason_and_never_before_first_seen() -> None:
    gone = closing_of("k", NOTICED, {}, T0, {"closed_how": "逾期未答复（已过追踪期）"})
    assert gone == Closing(NOTICED, "逾期未答复（已过追踪期）")
    assert closing_of("k", NOTICED, {}, T0) == Closing(NOTICED, GONE)
    early = closing_of("k", None, {"k": Closing(T0 - dt.timedelta(hours=1), ANSWERED)}, T0)
    assert early == Closing(T0, ANSWERED)
