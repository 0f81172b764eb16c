"""A complete analysis writes only the findings that changed: found again as they were, a
finding's row is not written at all (a province has ~50k, nearly all unchanged from one hour to
the next), yet every reader still sees what it saw — ``last_seen`` is the time of the latest run
that found the finding, closed findings stay closed, changed ones are rewritten."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from testkit.statements import recorded_writes, toll_station_account

from analysis.findings import Finding, make_key
from collectors.records import CommentRecord, PostRecord
from monitor.db.models import Account, FindingRow, Unit
from monitor.pipeline.analyze import analyze
from monitor.settings import settings_from_dict
from monitor.store.closures import close_findings
from monitor.store.dismissals import close_finding
from monitor.store.findings import resolve_absent, save_findings
from monitor.store.ingest import store_comments, store_posts

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai
HOUR = dt.timedelta(hours=1)
RULE = "harmful_comment"


def _finding(i: int, **changes: Any) -> Finding:
    finding = Finding(
        rule=RULE,
        article="第二十五条",
        subject_type="comment",
        subject_key=f"weibo:c{i}",
        dedup_key=make_key(RULE, f"weibo:c{i}"),
        severity="critical",
        summary=f"评论区出现有害信息 {i}（第二十五条）",
        unit="城东收费站",
        account="weibo:1",
        since=NOW - HOUR,
        data={"n": i},
    )
    return Finding(**{**finding.__dict__, **changes})


def _key(i: int) -> str:
    return make_key(RULE, f"weibo:c{i}")


def _rows(sessions: sessionmaker[Session]) -> dict[str, FindingRow]:
    with sessions() as session:
        return {r.dedup_key: r for r in session.scalars(select(FindingRow))}


def test_findings_found_again_unchanged_are_not_written_and_show_the_new_run(
    db_engine: Engine, db_sessions: sessionmaker[Session]
) -> None:
    toll_station_account(db_sessions)
    with db_sessions.begin() as session:
        assert save_findings(session, [_finding(i) for i in range(40)], NOW, complete=True) == (
            40,
            0,
        )
    before = _rows(db_sessions)
    later = NOW + HOUR
    with recorded_writes(db_engine, "findings") as writes, db_sessions.begin() as session:
        found = [_finding(i) for i in range(40)]
        assert save_findings(session, found, later, complete=True) == (0, 40)
        assert resolve_absent(session, [RULE], [f.dedup_key for f in found], later) == 0
        assert close_findings(session, found, later) == 0
    assert writes == []  # not one finding row written
    after = _rows(db_sessions)
    assert {k: r.fingerprint for k, r in after.items()} == {
        k: r.fingerprint for k, r in before.items()
    }
    # Readers see the finding found by the latest run, as when every row was rewritten.
    assert {r.last_seen for r in after.values()} == {later}
    assert {r.first_seen for r in after.values()} == {NOW}
    with db_sessions() as session:
        recent = select(func.count()).where(FindingRow.last_seen >= later)
        assert session.scalar(recent) == 40
        newest = session.scalars(select(FindingRow.last_seen).order_by(FindingRow.last_seen))
        assert set(newest) == {later}


def test_a_changed_finding_is_rewritten_and_only_it(
    db_engine: Engine, db_sessions: sessionmaker[Session]
) -> None:
    toll_station_account(db_sessions)
    with db_sessions.begin() as session:
        save_findings(session, [_finding(i) for i in range(10)], NOW, complete=True)
    before = _rows(db_sessions)
    later = NOW + HOUR
    found = [_finding(i) for i in range(10)]
    found[3] = _finding(3, severity="warning", data={"n": 33})
    found[4] = _finding(4, deadline=NOW + 2 * HOUR)
    with recorded_writes(db_engine, "findings") as writes, db_sessions.begin() as session:
        assert save_findings(session, found, later, complete=True) == (0, 10)
    assert len(writes) == 1  # one bulk upsert, of the two changed rows
    after = _rows(db_sessions)
    changed = {k for k in after if after[k].fingerprint != before[k].fingerprint}
    assert changed == {_key(3), _key(4)}
    assert after[_key(3)].severity == "warning" and after[_key(3)].data == {"n": 33}
    assert after[_key(4)].deadline == NOW + 2 * HOUR
    assert {r.last_seen for r in after.values()} == {later}
    assert after[_key(3)].first_seen == NOW


def test_last_seen_stays_when_a_finding_is_not_found_again(
    db_engine: Engine, db_sessions: sessionmaker[Session]
) -> None:
    """Each row's last_seen and state as writing every found row every time gave them."""
    toll_station_account(db_sessions)
    t1, t2, t3, t4 = (NOW + n * HOUR for n in range(1, 5))
    with db_sessions.begin() as session:
        save_findings(session, [_finding(i) for i in range(6)], NOW, complete=True)
    with db_sessions.begin() as session:
        row = session.scalars(select(FindingRow).where(FindingRow.dedup_key == _key(2))).one()
        close_finding(session, row, "false_positive", "误报", "办公室", t1)
    # 5 is not found but carried (its account could not be read); 4 is gone: resolved.
    with db_sessions.begin() as session:
        found = [_finding(i) for i in range(4)]
        save_findings(session, found, t2, complete=True)
        present = [f.dedup_key for f in found] + [_key(5)]
        assert resolve_absent(session, [RULE], present, t2) == 1
    # 2 (dismissed) is not found now; 1 is found again by a deadline passing.
    with db_sessions.begin() as session:
        save_findings(session, [_finding(i) for i in (0, 1, 3)], t3, complete=True)
    with db_sessions.begin() as session:
        save_findings(session, [_finding(1, severity="overdue")], t4)
    rows = _rows(db_sessions)
    assert {k: (r.state, r.last_seen) for k, r in rows.items()} == {
        _key(0): ("open", t3),
        _key(1): ("open", t4),
        _key(2): ("dismissed", t2),  # a person closed it: found again, it stayed closed
        _key(3): ("open", t3),
        _key(4): ("resolved", NOW),
        _key(5): ("open", NOW),
    }
    assert rows[_key(4)].resolved_at == t2
    # Found again: the resolved one reopens, the dismissed one stays closed.
    with db_sessions.begin() as session:
        again = [_finding(i) for i in (0, 1, 2, 3, 4)]
        assert save_findings(session, again, t4 + HOUR, complete=True) == (0, 5)
    rows = _rows(db_sessions)
    assert rows[_key(4)].state == "open" and rows[_key(4)].resolved_at is None
    assert rows[_key(2)].state == "dismissed"
    assert {r.last_seen for k, r in rows.items() if k != _key(5)} == {t4 + HOUR}
    assert rows[_key(5)].last_seen == NOW


# -- through `govmon analyze` --------------------------------------------------------------

SATURDAY = dt.datetime(2026, 3, 7, 14, 0, tzinfo=dt.UTC)  # 22:00 in Shanghai: no working hour
WEDNESDAY = dt.datetime(2026, 3, 4, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai: working hours


def _week(engine: Engine, now: dt.datetime) -> None:
    with engine.begin() as conn:
        unit = conn.execute(
            Unit.__table__.insert().values(name="江东省交通运输厅", head="甲", deputy="乙")
        ).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(
            Account.__table__.insert().values(
                id=1, unit_id=unit, platform="weibo", platform_id="1", name="江东交通"
            )
        )
        for i in range(6):
            at = now - dt.timedelta(days=i, hours=3)
            post = PostRecord(
                "weibo", f"p{i}", "https://m.weibo.cn/", at, published_at=at, text=f"路况 {i}"
            )
            store_posts(conn, 1, [post], at)
        comments = [
            CommentRecord(
                "weibo",
                f"c{i}",
                f"p{i % 6}",
                "https://m.weibo.cn/",
                now,
                author_id=str(i),
                author_name="网友",
                text=f"请问{i}号收费站什么时候恢复通行？",
                created_at=now - dt.timedelta(days=i % 6, hours=2),
            )
            for i in range(18)
        ]
        store_comments(conn, "weibo", comments, now)
        conn.execute(Account.__table__.update().values(last_collected_at=now))


@pytest.mark.parametrize("now", [SATURDAY, WEDNESDAY], ids=["saturday night", "working hours"])
def test_an_analysis_that_finds_the_same_writes_no_finding_row(
    db_engine: Engine, now: dt.datetime
) -> None:
    """Half an hour later, nothing new: no deadline passed, and no finding holds a figure that
    grows with the clock (the hours a question waited), so nothing is written."""
    settings = settings_from_dict({})
    _week(db_engine, now)
    since = (now - dt.timedelta(days=6)).date()  # a run with `since` is never skipped
    first = analyze(db_engine, settings, clock=lambda: now, since=since)
    assert first.findings_by_rule["unanswered_question"] > 0
    with db_engine.connect() as conn:
        before = conn.execute(select(FindingRow.dedup_key, FindingRow.data)).all()
    later = now + dt.timedelta(minutes=30)
    with recorded_writes(db_engine, "findings") as writes:
        second = analyze(db_engine, settings, clock=lambda: later, since=since)
    assert second.findings_by_rule == first.findings_by_rule and second.new_findings == 0
    assert writes == []
    with db_engine.connect() as conn:
        assert conn.execute(select(FindingRow.dedup_key, FindingRow.data)).all() == before
        shown = conn.execute(
            select(FindingRow.last_seen).where(FindingRow.state == "open")
        ).scalars()
        assert set(shown) == {later}
