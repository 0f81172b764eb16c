"""Without a trained model, snownlp scores only the texts of the digest window (issue 15):
older texts stay unscored (NaN, never neutral), texts scored while inside the window keep
their score, and negative_surge compares only scored comments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from testkit.one_account import one_weibo_account
from testkit.threads import thread

from monitor.db.models import AnalysisCache
from monitor.pipeline.analyze import analyze
from monitor.pipeline.digest import last_week
from monitor.pipeline.sentiment import digest_window
from monitor.settings import Settings, settings_from_dict

NOW = dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC)  # Friday 10:00 in Shanghai
WINDOW_START = dt.datetime(2026, 11, 15, 16, 0, tzinfo=dt.UTC)  # Monday 16 November, 00:00
GOOD = "谢谢及时发布，辛苦了，工作人员好样的，点赞{}"
BAD = "太差了，又堵了三个小时，投诉没人管，气死了{}"


def _settings(tmp_path: Path) -> Settings:
    return settings_from_dict(
        {
            "general": {"data_dir": str(tmp_path / "data")},
            "topics": {"enabled": False},
            "rumours": {"enabled": False},
        }
    )


def _account(engine: Engine) -> None:
    with engine.begin() as conn:
        one_weibo_account(conn)


def _stored(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.scalars(select(AnalysisCache.text_hash)))


@pytest.mark.parametrize(
    "moment",
    [NOW + dt.timedelta(hours=h) for h in range(0, 24 * 21, 7)]
    + [
        dt.datetime(2026, 11, 29, 16, 0, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 3, 15, 59, tzinfo=dt.UTC),
    ],
)
def test_the_window_starts_with_the_week_a_digest_built_now_covers(moment: dt.datetime) -> None:
    window = digest_window(moment)
    year, week = last_week(moment).split("-W")
    monday = dt.date.fromisocalendar(int(year), int(week), 1)
    assert window.start.astimezone(dt.timezone(dt.timedelta(hours=8))) == dt.datetime.combine(
        monday, dt.time(0), dt.timezone(dt.timedelta(hours=8))
    )
    assert window.end == moment


def test_only_the_digest_window_is_scored_then_incrementally(
    db_engine: Engine, tmp_path: Path
) -> None:
    _account(db_engine)
    old = thread(db_engine, "old", NOW - dt.timedelta(days=20), [GOOD.format(i) for i in range(5)])
    edge = thread(db_engine, "edge", WINDOW_START - dt.timedelta(minutes=1), [BAD.format(40)])
    recent = thread(db_engine, "new", NOW - dt.timedelta(days=1), [BAD.format(i) for i in range(6)])
    settings = _settings(tmp_path)

    summary = analyze(db_engine, settings, clock=lambda: NOW)
    assert "本次用 snownlp 只为周报时段（11月16日起）的 8 条文本打分" in summary.sentiment_note
    assert "时段以外的文本暂不打分，也不计入负面统计" in summary.sentiment_note
    assert summary.sentiment_scored == 8
    # The edge post, a minute before the window, is unscored; its comment, at its start, is not.
    assert _stored(db_engine) == set(recent) | set(edge[1:])

    # Nine days later the window starts on 23 November: only the new comment is scored, and
    # what was scored before keeps its score.
    later = NOW + dt.timedelta(days=9)
    newest = thread(db_engine, "newest", later - dt.timedelta(hours=2), [GOOD.format(99)])
    again = analyze(db_engine, settings, clock=lambda: later)
    assert "（11月23日起）的 2 条文本打分" in again.sentiment_note
    assert again.sentiment_scored == 2
    assert _stored(db_engine) == set(recent) | set(edge[1:]) | set(newest)
    assert not _stored(db_engine) & set(old)


def test_negative_surge_counts_scored_comments_only(db_engine: Engine, tmp_path: Path) -> None:
    """Negative comments in the last three days against a calm baseline three weeks back:
    while the baseline is unscored there is nothing to compare with and no finding (an
    unscored comment is not neutral); once it holds scores — given while it was inside the
    window — the surge is found."""
    _account(db_engine)
    baseline = thread(
        db_engine, "calm", NOW - dt.timedelta(days=18), [GOOD.format(i) for i in range(25)]
    )
    thread(db_engine, "angry", NOW - dt.timedelta(days=1), [BAD.format(i) for i in range(25)])
    settings = _settings(tmp_path)

    summary = analyze(db_engine, settings, clock=lambda: NOW)
    assert summary.findings_by_rule["negative_surge"] == 0
    assert not _stored(db_engine) & set(baseline[1:])

    with db_engine.begin() as conn:  # as if scored while the baseline was inside the window
        conn.execute(
            AnalysisCache.__table__.insert(),
            [
                {"engine": "snownlp-default", "text_hash": h, "score": 0.9, "label": "positive"}
                for h in baseline[1:]
            ],
        )
    later = analyze(
        db_engine, settings, clock=lambda: NOW, since=(NOW - dt.timedelta(days=40)).date()
    )
    assert later.unchanged_since is None
    assert later.findings_by_rule["negative_surge"] == 1


def test_the_window_and_durations_read_as_a_person_writes_them() -> None:
    from monitor.pipeline.sentiment import duration

    assert digest_window(dt.datetime(2027, 1, 12, 3, 0, tzinfo=dt.UTC)).shown() == "1月4日起"
    assert [duration(s) for s in (0.2, 45, 600, 9000)] == ["1 秒", "45 秒", "10 分钟", "2.5 小时"]
