"""Incremental `govmon analyze` changes no result.

Each run is a "fresh process": a new database engine and the in-process text cache emptied, so
only what the database holds carries over. Cold → nothing new → +new comments on one database
must leave the same open findings, per-text verdicts and digest Markdown as a single cold run
over the final data on another. A run with nothing new skips; a deadline passing does not.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from collectors.records import CommentRecord, PostRecord
from monitor.db import migrate
from monitor.db.engine import make_engine
from monitor.db.models import (
    Account,
    AccountSnapshot,
    AnalysisState,
    FindingRow,
    Post,
    TextResult,
    Unit,
)
from monitor.pipeline import analyze as analyze_module
from monitor.pipeline.analyze import AnalyzeSummary, analyze
from monitor.pipeline.digest import run_digest
from monitor.settings import Settings, settings_from_dict
from monitor.store.ingest import store_comments, store_posts

# Monday 2026-11-23 10:00 in Shanghai: the digest's week 2026-W47 has just ended.
NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
EARLIER = NOW - dt.timedelta(hours=3)
WEEK = "2026-W47"
QUESTIONS = ["请问{}收费站什么时候恢复通行？", "{}服务区今天开放吗", "ETC在{}扣费两次怎么办？"]
OTHERS = ["辛苦了，{}的工作人员好样的[赞]", "又堵了，{}烦死了[怒]", "刚过{}，一路畅通"]
PLACES = ["江都", "溧水", "无锡", "南通", "徐州"]


def _settings(tmp: Path) -> Settings:
    return settings_from_dict({"digest": {"out_dir": str(tmp / "digests"), "charts": False}})


def _database(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        top = conn.execute(
            Unit.__table__.insert().values(
                name="江东省交通运输厅", head="甲", deputy="乙", editor="丙"
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        unit = conn.execute(
            Unit.__table__.insert().values(
                name="江东省高速公路管理局", parent_id=top, head="丁", deputy="戊", editor="己"
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        for number, owner in ((1, top), (2, unit), (3, unit)):
            conn.execute(
                Account.__table__.insert().values(
                    id=number,
                    unit_id=owner,
                    platform="weibo",
                    platform_id=str(number),
                    name=f"江东交通{number}",
                    opened_on=dt.date(2025, 1, 6),
                    filed_on=dt.date(2025, 1, 8),
                    superiors=[] if number == 1 else ["weibo:1"],
                )
            )
    return engine


def _posts(first: int, count: int, until: dt.datetime) -> list[tuple[int, PostRecord]]:
    out = []
    for i in range(first, first + count):
        at = until - dt.timedelta(hours=7 * (i % 20) + 1)
        text = f"【路况】{PLACES[i % 5]}段施工第{i}期，请绕行。" if i % 4 else f"关于{i}号公告"
        out.append(
            (
                1 + i % 3,
                PostRecord(
                    "weibo", f"p{i}", "https://m.weibo.cn/", until, published_at=at, text=text
                ),
            )
        )
    return out


def _comments(first: int, count: int, posts: int, until: dt.datetime) -> list[CommentRecord]:
    out = []
    for i in range(first, first + count):
        post = i % posts
        at = until - dt.timedelta(hours=(i * 5) % 150 + 1)
        place = PLACES[i % 5]
        official = i % 9 == 0 and i > first
        if official:  # an official reply in the thread of the comment before it
            text, root = f"您好，{place}已恢复通行，谢谢关注。", f"c{i - 1}"
            post = (i - 1) % posts
        else:
            pool = QUESTIONS if i % 3 == 0 else OTHERS
            text, root = pool[i % len(pool)].format(place) + f" {i}", ""
        out.append(
            CommentRecord(
                "weibo",
                f"c{i}",
                f"p{post}",
                "https://m.weibo.cn/",
                until,
                parent_platform_id=root,
                root_platform_id=root,
                author_id=str(i % 40),
                author_name="网友",
                text=text,
                created_at=at,
                is_official=official,
            )
        )
    return out


def _ingest(engine: Engine, *, extra: bool) -> None:
    with engine.begin() as conn:
        for account, post in _posts(0, 24, EARLIER):
            store_posts(conn, account, [post], EARLIER)
        store_comments(conn, "weibo", _comments(0, 240, 24, EARLIER), EARLIER)
        collected = EARLIER
        if extra:
            for account, post in _posts(24, 2, NOW):
                store_posts(conn, account, [post], NOW)
            store_comments(conn, "weibo", _comments(240, 12, 26, NOW), NOW)
            collected = NOW
        # As a collection would: what was read, and when (STYLE 18: else nothing was seen).
        conn.execute(Account.__table__.update().values(last_collected_at=collected))


def _fresh(path: Path, settings: Settings, at: dt.datetime) -> AnalyzeSummary:
    """One analyze as a new process would run it: new engine, empty in-process caches."""
    analyze_module._TEXT_CACHE.clear()
    engine = make_engine(f"sqlite:///{path}")
    try:
        return analyze(engine, settings, clock=lambda: at)
    finally:
        engine.dispose()


def _open_findings(engine: Engine) -> dict[str, tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(select(FindingRow).where(FindingRow.state == "open")).all()
    return {
        r.dedup_key: (r.rule, r.severity, r.summary, r.evidence, r.data, r.since, r.deadline)
        for r in rows
    }


def _verdicts(engine: Engine) -> dict[tuple[str, str], list[Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(TextResult.scorer, TextResult.text_hash, TextResult.result))
        return {(s, h): list(r) for s, h, r in rows}


def _digests(engine: Engine, settings: Settings, out: Path) -> dict[str, str]:
    summary = run_digest(engine, settings, clock=lambda: NOW, week=WEEK, out_dir=out)
    return {b.scope: Path(b.files["md"]).read_text(encoding="utf-8") for b in summary.built}


def test_cold_noop_and_new_comments_equal_one_cold_run(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    steps, single = tmp_path / "steps.db", tmp_path / "single.db"
    engine = _database(steps)
    _ingest(engine, extra=False)
    engine.dispose()

    cold = _fresh(steps, settings, EARLIER)
    assert cold.unchanged_since is None and cold.texts_flagged > 0
    noop = _fresh(steps, settings, EARLIER + dt.timedelta(minutes=1))
    assert noop.unchanged_since == EARLIER  # nothing new, no deadline: skipped
    assert noop.findings_by_rule == cold.findings_by_rule and noop.rules == cold.rules

    engine = make_engine(f"sqlite:///{steps}")
    _ingest(engine, extra=True)  # the same rows again and the new ones
    engine.dispose()
    grown = _fresh(steps, settings, NOW)
    assert grown.unchanged_since is None
    # Only the new texts are scored: the rest come from the database, not from memory.
    assert 0 < grown.texts_flagged <= 14

    reference = _database(single)
    _ingest(reference, extra=True)
    whole = _fresh(single, settings, NOW)
    assert whole.texts_flagged > grown.texts_flagged

    engine = make_engine(f"sqlite:///{steps}")
    try:
        assert _open_findings(engine) == _open_findings(reference)
        stepped, cold_verdicts = _verdicts(engine), _verdicts(reference)
        assert cold_verdicts and all(stepped[k] == v for k, v in cold_verdicts.items())
        assert _digests(engine, settings, tmp_path / "a") == _digests(
            reference, settings, tmp_path / "b"
        )
    finally:
        engine.dispose()
        reference.dispose()


def test_a_new_follower_snapshot_does_not_rerun_the_analysis(tmp_path: Path) -> None:
    """The daily follower counts feed the digest's ranking, not a rule: a new one is nothing
    new to the analysis, which skips until its next hour."""
    settings = _settings(tmp_path)
    path = tmp_path / "db.db"
    engine = _database(path)
    _ingest(engine, extra=False)
    engine.dispose()
    assert _fresh(path, settings, EARLIER).unchanged_since is None
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(
            AccountSnapshot.__table__.insert().values(
                account_id=1, day=EARLIER.date(), taken_at=EARLIER, followers=1200
            )
        )
    engine.dispose()
    assert _fresh(path, settings, EARLIER + dt.timedelta(minutes=1)).unchanged_since == EARLIER


def _late_question(engine: Engine) -> None:
    """Asked Friday 07:20 in Shanghai: one working day later is Monday 07:20, 20 minutes
    after EARLIER (Monday 07:00); every other time in the data is on the hour."""
    asked = EARLIER - dt.timedelta(days=3) + dt.timedelta(minutes=20)
    with engine.begin() as conn:
        store_comments(
            conn,
            "weibo",
            [
                CommentRecord(
                    "weibo",
                    "late",
                    "p1",
                    "https://m.weibo.cn/",
                    EARLIER,
                    text="请问溧水收费站的ETC通道什么时候修好？",
                    created_at=asked,
                )
            ],
            EARLIER,
        )


def _with_late_question(path: Path) -> Engine:
    """A database at ``path`` holding the ingested week and the late question."""
    engine = _database(path)
    _ingest(engine, extra=False)
    _late_question(engine)
    return engine


def test_noop_run_still_sees_a_deadline_pass(tmp_path: Path) -> None:
    """A question becomes due with nothing new collected: a run before its deadline skips,
    the next one after it reruns only the clock rules of that question's account, and finds
    what a cold run at that time finds."""
    settings = _settings(tmp_path)
    path = tmp_path / "db.db"
    engine = _with_late_question(path)
    engine.dispose()

    late = "unanswered_question:weibo:late"
    _fresh(path, settings, EARLIER)
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        until, summary = conn.execute(
            select(AnalysisState.valid_until, AnalysisState.summary)
        ).one()
    assert late not in _open_findings(engine)  # not due yet
    engine.dispose()
    assert until == EARLIER + dt.timedelta(hours=1)  # the clock hour…
    deadline = EARLIER + dt.timedelta(minutes=20)  # …and the question's deadline within it
    assert [(at, kind) for at, kind, _id, _found in summary["transitions"]] == [
        (deadline.isoformat(), "question")
    ]
    # …with what the question will be found as then, foreseen by this run
    [(_at, _kind, _id, found)] = summary["transitions"]
    assert [f["dedup_key"] for f in found] == [late]
    assert _fresh(path, settings, deadline - dt.timedelta(minutes=5)).unchanged_since == EARLIER

    later = deadline + dt.timedelta(minutes=1)
    second = _fresh(path, settings, later)
    assert second.unchanged_since is None and second.clock_only == (1, 0)
    assert second.new_findings == 1
    assert second.findings_by_rule["unanswered_question"] == (
        summary["findings_by_rule"].get("unanswered_question", 0) + 1
    )
    # The same moment is not rerun: the next run in the hour skips again.
    assert _fresh(path, settings, later + dt.timedelta(minutes=1)).unchanged_since == EARLIER
    engine = make_engine(f"sqlite:///{path}")
    # …and what it found equals a cold run at that time on a copy that never ran before.
    single = tmp_path / "single.db"
    reference = _with_late_question(single)
    whole = _fresh(single, settings, later)
    try:
        stepped, cold = _open_findings(engine), _open_findings(reference)
        assert late in stepped and stepped[late] == cold[late]
        assert stepped == cold  # every finding the same (none holds a figure of the clock)
        assert second.findings_by_rule == whole.findings_by_rule
    finally:
        engine.dispose()
        reference.dispose()


def test_since_run_is_never_skipped_and_forgets_the_state(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    path = tmp_path / "db.db"
    engine = _database(path)
    _ingest(engine, extra=False)
    engine.dispose()
    _fresh(path, settings, EARLIER)
    engine = make_engine(f"sqlite:///{path}")
    try:
        partial = analyze(
            engine, settings, clock=lambda: EARLIER, since=(EARLIER - dt.timedelta(days=1)).date()
        )
        assert partial.unchanged_since is None
        again = analyze(engine, settings, clock=lambda: EARLIER)
        assert again.unchanged_since is None  # the partial run's findings are not trusted
    finally:
        engine.dispose()


def test_a_silent_account_turning_stale_is_seen_without_a_complete_run(tmp_path: Path) -> None:
    """An account's days without a post reach the warning level with nothing new collected:
    the run after that moment reruns only that account's staleness."""
    settings = settings_from_dict(
        {
            "digest": {"out_dir": str(tmp_path / "digests"), "charts": False},
            "rules": {"stale_warn_days": 10, "stale_overdue_days": 30},
        }
    )
    path = tmp_path / "db.db"
    engine = _database(path)
    _ingest(engine, extra=False)
    moment = EARLIER + dt.timedelta(minutes=30)
    last = moment - dt.timedelta(days=10)
    with engine.begin() as conn:  # account 3's only post after this one is removed below
        store_posts(
            conn,
            3,
            [
                PostRecord(
                    "weibo", "quiet", "https://m.weibo.cn/", EARLIER, published_at=last, text="通告"
                )
            ],
            EARLIER,
        )
        conn.execute(
            Post.__table__.delete().where(Post.account_id == 3, Post.platform_post_id != "quiet")
        )
        # Collected a moment ago, or its silence would be no evidence (第十二条 needs sight).
        conn.execute(Account.__table__.update().values(last_collected_at=EARLIER))
    engine.dispose()

    stale = "stale_account:weibo:3"
    _fresh(path, settings, EARLIER)
    engine = make_engine(f"sqlite:///{path}")
    assert not any(
        k.startswith("stale_account") and k.endswith(":3") for k in _open_findings(engine)
    )
    with engine.connect() as conn:
        summary = conn.execute(select(AnalysisState.summary)).scalar_one()
    engine.dispose()
    assert [moment.isoformat(), "account", 3] in [t[:3] for t in summary["transitions"]]

    after = _fresh(path, settings, moment + dt.timedelta(minutes=1))
    assert after.clock_only is not None and after.clock_only[1] == 1
    engine = make_engine(f"sqlite:///{path}")
    found = _open_findings(engine)
    engine.dispose()
    keys = [k for k in found if found[k][0] == "stale_account"]
    assert keys == [stale] and found[stale][1] == "warning"


def test_an_account_gone_blind_before_the_moment_gets_no_clock_finding(tmp_path: Path) -> None:
    """The complete run foresees the question's finding at its deadline; when govmon can no
    longer see the account by then (its last collection too old, with nothing else changed),
    the run after the deadline stores nothing for it, as a cold run then would not (STYLE 18:
    an answer given meanwhile would not have been seen)."""
    settings = _settings(tmp_path)
    path = tmp_path / "db.db"
    engine = _with_late_question(path)
    later = EARLIER + dt.timedelta(minutes=21)
    # Seen at EARLIER, blind from a minute before `later`: time alone, nothing new collected.
    read = later - settings.collectors.blind_after("weibo") - dt.timedelta(minutes=1)
    with engine.begin() as conn:
        conn.execute(Account.__table__.update().values(last_collected_at=read))
    engine.dispose()

    late = "unanswered_question:weibo:late"
    _fresh(path, settings, EARLIER)
    second = _fresh(path, settings, later)
    assert second.clock_only == (1, 0) and second.new_findings == 0
    engine = make_engine(f"sqlite:///{path}")
    single = tmp_path / "single.db"
    reference = _with_late_question(single)
    with reference.begin() as conn:
        conn.execute(Account.__table__.update().values(last_collected_at=read))
    _fresh(single, settings, later)
    try:
        stepped, cold = _open_findings(engine), _open_findings(reference)
        assert late not in stepped and late not in cold
    finally:
        engine.dispose()
        reference.dispose()


_CLOCK_ONLY_PROBE = """
import datetime as dt, sys
from monitor.db.engine import make_engine
from monitor.pipeline.analyze import analyze
from monitor.settings import settings_from_dict
at = dt.datetime.fromisoformat(sys.argv[2])
settings = settings_from_dict({"digest": {"out_dir": sys.argv[3], "charts": False}})
summary = analyze(make_engine(f"sqlite:///{sys.argv[1]}"), settings, clock=lambda: at)
print(summary.clock_only, summary.new_findings, "pandas" in sys.modules)
"""


def test_a_run_when_only_deadlines_passed_reads_no_frames(tmp_path: Path) -> None:
    """The run after a question's deadline, with nothing new collected, stores what the last
    complete run foresaw: it imports neither pandas nor the rules (at province scale, pandas'
    import alone was a quarter of such a run)."""
    settings = _settings(tmp_path)
    path = tmp_path / "db.db"
    engine = _with_late_question(path)
    engine.dispose()
    _fresh(path, settings, EARLIER)
    later = EARLIER + dt.timedelta(minutes=21)
    probe = [sys.executable, "-c", _CLOCK_ONLY_PROBE, str(path), later.isoformat()]
    done = subprocess.run(
        [*probe, str(tmp_path / "digests")], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["(1,", "0)", "1", "False"]
