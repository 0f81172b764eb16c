"""Every rule, severity, state and platform, through the CLI's human formats (table and csv):
shown by its Chinese name from analysis/labels.py, never by its code (issue 13 §2–3)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from analysis.findings import Finding, make_key
from analysis.labels import RULES, SEVERITY_LABELS, STATE_LABELS, rule_title
from analysis.platforms import PLATFORMS
from monitor.db.models import Account, Alert, FindingRow, Unit
from monitor.store.findings import save_findings

NOW = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)
CODES = sorted({*RULES, *SEVERITY_LABELS, *STATE_LABELS, *(p.code for p in PLATFORMS)})


@pytest.fixture
def config(
    db_sessions: sessionmaker[Session], db_url: str, write_settings: Callable[..., Path]
) -> Path:
    """One account per platform; one finding (and alert) per rule, severities in turn."""
    with db_sessions.begin() as session:
        unit = Unit(name="江南省交通运输厅")
        session.add(unit)
        accounts = [
            Account(
                unit=unit,
                platform=p.code,
                platform_id=f"id{n}",
                name=f"江南交通{n}号",
                opened_on=dt.date(2026, 3, 2),
            )
            for n, p in enumerate(PLATFORMS)
        ]
        session.add_all(accounts)
        session.flush()
        severities = itertools.cycle(SEVERITY_LABELS)
        findings = [
            Finding(
                rule=rule,
                article=RULES[rule].article,
                subject_type="account",
                subject_key=f"{account.platform}:{account.platform_id}",
                dedup_key=make_key(rule, account.platform, account.platform_id),
                severity=next(severities),  # type: ignore[arg-type]
                summary=f"{rule_title(rule)}：示例说明",
                unit=unit.name,
                account=f"{account.platform}:{account.platform_id}",
            )
            for rule, account in zip(RULES, itertools.cycle(accounts), strict=False)
        ]
        save_findings(session, findings, NOW)
        rows = session.scalars(select(FindingRow).order_by(FindingRow.id)).all()
        states = itertools.cycle(["open", "acknowledged", "resolved"])
        for row in rows:
            state = next(states)
            session.add(Alert(finding_id=row.id, severity=row.severity, state=state, opened_at=NOW))
            if state == "resolved":
                row.state = "resolved"
    return write_settings(db_url=db_url)


@pytest.mark.parametrize(
    "args",
    [
        ["findings"],
        ["findings", "--format", "csv"],
        ["alerts", "list"],
        ["alerts", "list", "--format", "csv"],
        ["accounts", "list"],
        ["accounts", "list", "--format", "csv"],
    ],
)
def test_no_code_in_what_people_read(
    args: list[str], config: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("--config", config, *args)
    assert result.exit_code == 0, result.output
    words = set(re.findall(r"[A-Za-z_]+", result.stdout))
    assert not words & set(CODES), sorted(words & set(CODES))
    if args[0] != "accounts":
        assert "长期未更新" in result.stdout and "紧急" in result.stdout
    else:
        assert "企鹅号" in result.stdout and "微信公众号" in result.stdout
