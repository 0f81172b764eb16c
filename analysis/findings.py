"""A finding: one problem a rule found, with everything an alert or a digest needs to show it.

Rules are pure functions returning lists of :class:`Finding`; ``monitor`` stores them by their
stable ``dedup_key`` (the same problem found again updates the same row), and ``alerts``
turns open findings into messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
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


def json_safe(value: Any) -> Any:
    """``value`` as JSON can hold it: times as ISO text, NaN as None, numpy scalars as Python."""
    if value is None or type(value) in (str, int, bool):  # most values: asked first
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


_EVIDENCE_FIELDS = tuple(f.name for f in fields(Evidence))


def evidence_to_json(evidence: Evidence) -> dict[str, Any]:
    """Evidence as findings store it: ``dataclasses.asdict`` made JSON-safe, without its deep
    copies (~50k per run)."""
    return {name: json_safe(getattr(evidence, name)) for name in _EVIDENCE_FIELDS}


def evidence_from_json(values: Iterable[Any]) -> tuple[Evidence, ...]:
    """Stored evidence (:func:`evidence_to_json`'s objects) back; anything else is skipped."""
    out = []
    for value in values:
        if not isinstance(value, dict):
            continue
        at = value.get("at")
        when = dt.datetime.fromisoformat(at) if isinstance(at, str) and at else None
        out.append(Evidence(str(value.get("text", "")), str(value.get("url", "") or ""), when))
    return tuple(out)


def _time(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def finding_to_json(finding: Finding) -> dict[str, Any]:
    """A finding as JSON, for :func:`finding_from_json` to give back one that is stored the
    same (its ``data`` as :func:`json_safe` makes it, which is how it is stored anyway)."""
    return {
        "rule": finding.rule,
        "article": finding.article,
        "subject_type": finding.subject_type,
        "subject_key": finding.subject_key,
        "dedup_key": finding.dedup_key,
        "severity": finding.severity,
        "summary": finding.summary,
        "unit": finding.unit,
        "account": finding.account,
        "since": json_safe(finding.since),
        "deadline": json_safe(finding.deadline),
        "evidence": [evidence_to_json(e) for e in finding.evidence],
        "data": json_safe(finding.data),
    }


def finding_from_json(value: dict[str, Any]) -> Finding:
    return Finding(
        rule=value["rule"],
        article=value["article"],
        subject_type=value["subject_type"],
        subject_key=value["subject_key"],
        dedup_key=value["dedup_key"],
        severity=value["severity"],
        summary=value["summary"],
        unit=value["unit"],
        account=value["account"],
        since=_time(value["since"]),
        deadline=_time(value["deadline"]),
        evidence=evidence_from_json(value["evidence"]),
        data=dict(value["data"]),
    )
