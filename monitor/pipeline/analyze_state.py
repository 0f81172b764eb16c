"""When `govmon analyze` may skip: nothing it reads changed since the last complete run, and
the clock has not crossed a boundary after which a result would differ.

The inputs are summarised in one fingerprint (row counts, highest ids and last-seen times of
every table the analysis reads, the settings it uses, the sentiment model, the program
version). The results hold until the next clock hour (the rolling windows of hot topics,
rumours and surges are evaluated at most an hour apart) or the deadline of a finding that is
not tied to an account's clock. Within that, the moments an unanswered question or a silent
account changes state are kept as *transitions*, each with what the clock rules will find then;
a run after one of them stores just those findings (monitor/pipeline/analyze_clock.py).

Light on purpose: a skipped run imports neither pandas nor the analysis packages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor import __version__
from monitor.db.models import Account, AnalysisState, Comment, Post, Unit
from monitor.settings import Settings

STATE = "analyze"
# The settings sections analysis reads (not alerts, collectors or the database: their
# secrets must not be part of anything stored, and they do not change findings).
_SECTIONS = (
    "general",
    "workdays",
    "registry",
    "sentiment",
    "topics",
    "rumours",
    "rules",
    "questions",
    "ranking",
)


@dataclass(frozen=True)
class Previous:
    """The last complete run, as much as a skipped run reports."""

    ran_at: dt.datetime
    rules: tuple[str, ...]
    summary: dict[str, Any]


def _model_name(settings: Settings) -> str:
    if not settings.sentiment.enabled or settings.sentiment.engine == "snownlp":
        return ""
    from analysis.sentiment.store import ModelFileError, current_model_folder

    try:
        return str(current_model_folder(settings.sentiment.model_dir) or "")
    except ModelFileError as exc:
        return f"error:{exc}"


def inputs_fingerprint(session: Session, settings: Settings) -> str:
    """One hash over what the analysis reads; any new or re-collected row changes it."""
    parts: list[Any] = [__version__, _model_name(settings)]
    parts.append(settings.model_dump(mode="json", include=set(_SECTIONS)))
    for table_query in (
        select(func.count(), func.max(Unit.id), func.max(Unit.updated_at)),
        select(func.count(), func.max(Account.id), func.max(Account.updated_at)),
        select(func.count(), func.max(Post.id), func.max(Post.last_seen)),
        select(func.count(), func.max(Comment.id), func.max(Comment.last_seen)),
    ):  # not the follower snapshots: no rule reads them (the digest's ranking does)
        parts.append([str(v) for v in session.execute(table_query).one()])
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def still_valid(session: Session, inputs: str, now: dt.datetime) -> Previous | None:
    """The last run, when its results still hold at ``now`` for these inputs; else None."""
    row = session.get(AnalysisState, STATE)
    if row is None or row.inputs != inputs:
        return None
    if not (row.ran_at <= now < row.valid_until):
        return None
    return Previous(row.ran_at, tuple(row.rules or ()), dict(row.summary or {}))


def next_hour(now: dt.datetime) -> dt.datetime:
    return now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


def valid_until(now: dt.datetime, deadlines: Iterable[dt.datetime | None]) -> dt.datetime:
    """The earliest of the next clock hour and every deadline after ``now``."""
    later = [d for d in deadlines if d is not None and d > now]
    return min([next_hour(now), *later])


def save_state(
    session: Session,
    inputs: str,
    now: dt.datetime,
    until: dt.datetime,
    rules: Iterable[str],
    summary: dict[str, Any],
) -> None:
    row = session.get(AnalysisState, STATE)
    if row is None:
        row = AnalysisState(name=STATE)
        session.add(row)
    row.inputs = inputs
    row.ran_at = now
    row.valid_until = until
    row.rules = list(rules)
    row.summary = summary


def touch_state(session: Session, summary: dict[str, Any]) -> None:
    """Replace the last complete run's summary (a clock-only run's counts and check time)."""
    row = session.get(AnalysisState, STATE)
    if row is not None:
        row.summary = summary


def forget_state(session: Session) -> None:
    """Make the next run complete (used when the last run's results are not to be trusted)."""
    row = session.get(AnalysisState, STATE)
    if row is not None:
        session.delete(row)
