"""A finding: one problem a rule found, with everything an alert or a digest needs to show it.

Rules are pure functions returning lists of :class:`Finding`; ``monitor`` stores them by their
stable ``dedup_key`` (the same problem found again updates the same row), and ``alerts``
turns open findings into messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["info", "warning", "overdue", "critical"]
SubjectType = Literal["unit", "account", "post", "comment", "topic", "rumour"]

SEVERITY_ORDER: dict[str, int] = {"info": 0, "warning": 1, "overdue": 2, "critical": 3}


@dataclass(frozen=True)
class Evidence:
    """A text and where to see it (post or comment link)."""

    text: str
    url: str = ""
    at: dt.datetime | None = None


@dataclass(frozen=True)
class Finding:
    rule: str  # e.g. "filing_overdue"
    article: str  # e.g. "第六条"
    subject_type: SubjectType
    subject_key: str  # stable id of the subject: account "weibo:123", post "weibo:456", unit name
    dedup_key: str  # stable across runs: same problem → same key
    severity: Severity
    summary: str  # one line, Chinese, cites the article
    unit: str | None = None  # unit name responsible
    account: str | None = None  # account key "platform:platform_id"
    since: dt.datetime | None = None  # when the problem began (UTC)
    deadline: dt.datetime | None = None  # when it is / was due (UTC)
    evidence: tuple[Evidence, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)  # rule-specific figures (JSON-safe)


def make_key(rule: str, *parts: object) -> str:
    """The stable dedup key of a finding: its rule and what identifies its subject."""
    return ":".join([rule, *(str(p) for p in parts)])
