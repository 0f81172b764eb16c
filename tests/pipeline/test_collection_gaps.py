"""STYLE 18, end to end: an account govmon could not read gets a collection finding, never an
activity one (issue 12 §1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from testkit.collecting import weibo_settings

from collectors.fakeplatform import FakeContent, FakePlatform
from collectors.fakeplatform.content import account_from_dict
from collectors.fakeplatform.faults import Fault
from monitor.db.engine import make_engine
from monitor.db.models import Account, FindingRow, JobRun, Unit
from monitor.pipeline.analyze import analyze
from monitor.pipeline.collect import run_collection
from monitor.settings import Settings
from monitor.store.collection_state import load_gaps

NOW = dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC)
OPENED = dt.date(2026, 1, 2)  # 329 days before NOW: "已 329 天开通以来未发布" today
UID = "1000000001"


def clock() -> dt.datetime:
    return NOW


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    content = FakeContent()
    content.add(
        account_from_dict(
            {
                "platform": "weibo",
                "id": UID,
                "name": "江东高速",
                "posts": [{"id": "p1", "created_at": "-2h", "text": "今日路况良好。"}],
            }
        )
    )
    with FakePlatform(content, clock=clock) as server:
        yield server


def _settings(fake: FakePlatform) -> Settings:
    return weibo_settings(fake, retry=False)


def _account(
    sessions: sessionmaker[Session], platform: str, platform_id: str, **fields: object
) -> None:
    with sessions.begin() as session:
        unit = session.scalars(select(Unit)).one_or_none() or Unit(
            name="江东省交通运输厅",
            short_name="江东",
            head="甲",
            deputy="乙",
            editor="丙",
            department="办公室",
        )
        session.add(
            Account(
                unit=unit,
                platform=platform,
                platform_id=platform_id,
                name=f"江东{platform_id}",
                opened_on=OPENED,
                filed_on=OPENED,
                staff="丁",
                **fields,
            )
        )


def _open_rules(sessions: sessionmaker[Session]) -> dict[str, FindingRow]:
    with sessions() as session:
        rows = session.scalars(select(FindingRow).where(FindingRow.state == "open"))
        return {f"{r.rule}:{r.subject_key}": r for r in rows}


def test_an_outage_gives_a_collection_finding_never_a_stale_one(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform
) -> None:
    _account(db_sessions, "weibo", UID)
    fake.inject("/api/container/getIndex", Fault("status", status=503, times=None))
    summary = run_collection(db_engine, _settings(fake), clock=clock)
    assert summary.ok == 0
    analyze(db_engine, _settings(fake), clock=clock)
    found = _open_rules(db_sessions)
    assert f"stale_account:weibo:{UID}" not in found  # today: "已 329 天开通以来未发布"
    failing = found[f"collection_failing:weibo:{UID}"]
    assert "网络" in failing.summary or "503" in failing.summary
    assert "处理" in failing.summary


def test_a_long_outage_after_success_stops_the_silence_rules(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform
) -> None:
    """Last success older than interval × failing_after_runs: blind, whatever the posts say."""
    _account(
        db_sessions,
        "weibo",
        UID,
        last_collected_at=NOW - dt.timedelta(days=40),
        consecutive_failures=5,
        last_error_kind="network",
        last_error="网络错误",
        failing_since=NOW - dt.timedelta(days=39),
    )
    analyze(db_engine, _settings(fake), clock=clock)
    assert not any(k.startswith("stale_account") for k in _open_rules(db_sessions))


def test_a_collected_silent_account_is_still_stale(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform
) -> None:
    """The control: an account read a moment ago with no post is rightly stale."""
    _account(db_sessions, "weibo", "1000000002", last_collected_at=NOW - dt.timedelta(minutes=5))
    analyze(db_engine, _settings(fake), clock=clock)
    stale = _open_rules(db_sessions)["stale_account:weibo:1000000002"]
    assert "开通以来未发布" in stale.summary


def test_wechat_without_feed_url_is_no_collector(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform
) -> None:
    _account(db_sessions, "wechat", "gh_jdgs")
    summary = run_collection(db_engine, _settings(fake), clock=clock)
    assert summary.failed_by_kind == {"unsupported": 1}
    analyze(db_engine, _settings(fake), clock=clock)
    found = _open_rules(db_sessions)
    assert set(found) == {"no_collector:wechat:gh_jdgs"}
    assert "请填写订阅地址，或配置 RSSHub" in found["no_collector:wechat:gh_jdgs"].summary
    # The unit reading its digest is told why its data is missing, not the operator's remedy
    # with its settings key (that is the finding's, and `govmon status` advice column's).
    with db_sessions() as session:
        gap = load_gaps(session, _settings(fake).collectors, clock())["wechat:gh_jdgs"]
    assert gap.text == "采集失败，数据不完整（没有可用的采集方式）"


def test_an_account_the_platform_says_is_gone_gets_account_gone(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform
) -> None:
    _account(db_sessions, "weibo", "1000000099")  # unknown to the platform: 用户不存在
    run_collection(db_engine, _settings(fake), clock=clock)
    analyze(db_engine, _settings(fake), clock=clock)
    found = _open_rules(db_sessions)
    assert set(found) == {"account_gone:weibo:1000000099"}
    gone = found["account_gone:weibo:1000000099"]
    assert gone.article == "第九条" and "5 个工作日" in gone.summary


def test_a_gone_account_filed_as_closed_gets_nothing(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform
) -> None:
    _account(
        db_sessions,
        "weibo",
        "1000000099",
        closed_on=dt.date(2026, 11, 2),
        closure_filed_on=dt.date(2026, 11, 4),
    )
    run_collection(db_engine, _settings(fake), clock=clock)
    found = _open_rules(db_sessions)
    assert not any(k.startswith(("account_gone", "stale_account")) for k in found)


def test_success_resolves_the_failure_finding(
    db_engine: Engine, db_sessions: sessionmaker[Session], fake: FakePlatform
) -> None:
    _account(db_sessions, "weibo", UID)
    fake.inject("/api/container/getIndex", Fault("login_html", times=None))
    run_collection(db_engine, _settings(fake), clock=clock)
    assert "更新 Cookie" in _open_rules(db_sessions)[f"collection_failing:weibo:{UID}"].summary
    fake.clear_faults()
    run_collection(db_engine, _settings(fake), clock=clock)
    assert _open_rules(db_sessions) == {}


def test_collect_exits_3_and_names_every_failed_account_in_full_when_piped(
    fake: FakePlatform,
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
) -> None:
    config = write_settings(
        "[collectors]\nper_host_min_interval_seconds = 0\nretry_attempts = 0\n"
        f'[collectors.weibo]\nbase_url = "{fake.url}"\n'
    )
    assert run_cli("init", "--config", config).exit_code == 0
    engine = make_engine(f"sqlite:///{config.parent / 'data' / 'govmon.db'}")
    sessions = sessionmaker(engine)
    _account(sessions, "weibo", UID)  # collected fine
    _account(sessions, "weibo", "1000000099")  # gone
    for n in range(3):
        _account(sessions, "wechat", f"gh_jiangdong_gaosu_gonglu_{n}")  # no collector
    result = run_cli("collect", "--config", config)  # CliRunner: stdout is not a terminal
    assert result.exit_code == 3, result.output + result.stderr
    lines = result.stdout.splitlines()
    for n in range(3):
        line = next(ln for ln in lines if f"微信公众号 账号ID gh_jiangdong_gaosu_gonglu_{n}" in ln)
        assert (
            "［无可用采集方式］请填写订阅地址，或配置 RSSHub（collectors.rss.rsshub_base_url）"
            in line
        )
    gone = next(ln for ln in lines if "微博 账号ID 1000000099" in ln)
    assert "不存在（可能已注销、被封禁或更换了ID），请核实备案信息（第九条）" in gone
    assert "…" not in result.stdout
    # The run is recorded as partly failed, not as a success.
    shown = run_cli("status", "--config", config)
    row = next(ln for ln in shown.stdout.splitlines() if ln.lstrip("│ ").startswith("collect"))
    assert "部分失败" in row
    with engine.connect() as conn:
        outcome = conn.execute(select(JobRun.outcome).where(JobRun.job == "collect")).scalar()
    assert outcome == "partial"
    engine.dispose()
