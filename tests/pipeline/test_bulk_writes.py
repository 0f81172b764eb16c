"""Findings and alerts are written in bulk: the number of statements does not grow with the
number of findings (a province has tens of thousands), and the results are those of writing
them one by one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker
from testkit.statements import recorded_writes, toll_station_account

from analysis.findings import Finding, make_key
from monitor.db.models import Alert, Delivery, FindingRow
from monitor.pipeline.alerts import run_check
from monitor.settings import settings_from_dict
from monitor.store import findings as findings_store
from monitor.store.findings import resolve_absent, save_findings

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def _finding(i: int) -> Finding:
    return Finding(
        rule="harmful_comment",
        article="第二十五条",
        subject_type="comment",
        subject_key=f"weibo:c{i}",
        dedup_key=make_key("harmful_comment", f"weibo:c{i}"),
        severity="critical",
        summary=f"评论区出现有害信息 {i}（第二十五条）",
        unit="城东收费站",
        account="weibo:1",
        data={"n": i},
    )


def test_saving_and_resolving_findings_takes_a_fixed_number_of_statements(
    db_engine: Engine, db_sessions: sessionmaker[Session]
) -> None:
    toll_station_account(db_sessions)
    with db_sessions.begin() as session:
        assert save_findings(session, [_finding(i) for i in range(5)], NOW) == (5, 0)
    with recorded_writes(db_engine) as writes, db_sessions.begin() as session:
        later = NOW + dt.timedelta(hours=1)
        found = [_finding(i) for i in range(3, 120)]
        assert save_findings(session, found, later) == (115, 2)
        present = [f.dedup_key for f in found]
        assert resolve_absent(session, ["harmful_comment"], present, later) == 3
    assert len(writes) <= 3  # one upsert, one resolving update: not one per finding
    with db_sessions() as session:
        rows = {r.dedup_key: r for r in session.scalars(select(FindingRow))}
    assert len(rows) == 120
    assert rows[_finding(3).dedup_key].first_seen == NOW  # kept on update
    assert rows[_finding(3).dedup_key].last_seen == later
    assert rows[_finding(119).dedup_key].data == {"n": 119}
    resolved = {k for k, r in rows.items() if r.state == "resolved"}
    assert resolved == {_finding(i).dedup_key for i in (0, 1, 2)}
    # Found again → reopened.
    with db_sessions.begin() as session:
        save_findings(session, [_finding(1)], later)
    with db_sessions() as session:
        row = session.scalars(
            select(FindingRow).where(FindingRow.dedup_key == _finding(1).dedup_key)
        ).one()
        assert row.state == "open" and row.resolved_at is None


def test_alerts_check_writes_new_alerts_in_bulk(
    db_engine: Engine, db_sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    toll_station_account(db_sessions)
    with db_sessions.begin() as session:
        save_findings(session, [_finding(i) for i in range(150)], NOW)
    settings = settings_from_dict({"alerts": {"outbox_dir": str(tmp_path / "outbox")}})
    with recorded_writes(db_engine) as writes:
        summary = run_check(db_engine, settings, clock=lambda: NOW)
    alert_writes = [w for w in writes if "alerts" in w.split("(")[0]]
    assert summary.actions["open"] == 150
    assert len(alert_writes) <= 2  # not one INSERT per alert
    with db_sessions() as session:
        assert session.scalar(select(func.count()).select_from(Alert)) == 150
        ids = {a.id for a in session.scalars(select(Alert))}
    delivered = {i for d in summary.deliveries for i in (d.delivery_id,) if i is not None}
    assert delivered  # the outbox row names the alerts by their ids
    with db_sessions() as session:
        listed = {i for d in session.scalars(select(Delivery)) for i in d.alert_ids}
    assert listed == ids


def test_a_finding_loaded_before_saving_shows_the_saved_values(
    db_sessions: sessionmaker[Session],
) -> None:
    toll_station_account(db_sessions)
    with db_sessions.begin() as session:
        save_findings(session, [_finding(1)], NOW)
    with db_sessions.begin() as session:
        row = session.scalars(select(FindingRow)).one()
        assert row.data == {"n": 1}
        changed = Finding(**{**_finding(1).__dict__, "data": {"n": 2}})
        save_findings(session, [changed], NOW + dt.timedelta(hours=1))
        assert row.data == {"n": 2}  # the upsert went past the ORM: the object is refreshed


def test_findings_written_a_chunk_at_a_time_are_those_written_at_once(
    db_sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold province run makes its rows a chunk at a time (memory); chunk edges change
    nothing: every finding new, found again, changed or closed for good is written as one."""
    toll_station_account(db_sessions)
    monkeypatch.setattr(findings_store, "WRITE_CHUNK", 4)
    with db_sessions.begin() as session:
        assert save_findings(session, [_finding(i) for i in range(10)], NOW, complete=True) == (
            10,
            0,
        )
    with db_sessions.begin() as session:
        session.execute(
            update(FindingRow)
            .where(FindingRow.dedup_key.in_([_finding(i).dedup_key for i in (2, 5)]))
            .values(state="dismissed")
        )
    later = NOW + dt.timedelta(hours=1)
    again = [Finding(**{**_finding(i).__dict__, "data": {"n": -i}}) for i in range(13)]
    with db_sessions.begin() as session:
        assert save_findings(session, again, later, complete=True) == (3, 10)
    with db_sessions() as session:
        rows = {r.dedup_key: r for r in session.scalars(select(FindingRow))}
    assert len(rows) == 13
    for i in range(13):
        row = rows[_finding(i).dedup_key]
        assert row.data == {"n": -i}, i
        assert row.state == ("dismissed" if i in (2, 5) else "open"), i
        assert row.first_seen == (NOW if i < 10 else later), i
