"""`govmon alerts …`: wiring, messages and exit codes; and the sentinel secret test.

The timing behaviour (re-send, escalation, quiet hours) is tested on the pipeline with a frozen
clock; here quiet hours are switched off so that the real clock cannot change the outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from fakes.bots import FakeBot
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from analysis.findings import Finding, make_key
from monitor.db.models import Account, Alert, Delivery, Unit
from monitor.store.findings import save_findings

NO_QUIET = "quiet_start = 00:00:00\nquiet_end = 00:00:00\n"
WIDE = {"COLUMNS": "250"}  # rich wraps at 80 columns otherwise


def finding(rule: str, account: str, unit: str, summary: str) -> Finding:
    return Finding(
        rule=rule,
        article="第十二条",
        subject_type="account",
        subject_key=account,
        dedup_key=make_key(rule, account),
        severity="warning",
        summary=summary,
        unit=unit,
        account=account,
    )


@pytest.fixture
def seeded(db_sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with db_sessions.begin() as session:
        top = Unit(name="厅办公室")
        bureau = Unit(name="高速公路管理局", parent=top)
        session.add_all([top, bureau])
        session.flush()
        session.add(Account(unit=bureau, platform="weibo", platform_id="7", name="高速微博"))
        session.flush()
        save_findings(
            session,
            [
                finding(
                    "stale_account",
                    "weibo:7",
                    "高速公路管理局",
                    "超过一个月未更新（第十二条）[b]备注[/b]",
                )
            ],
            dt.datetime.now(dt.UTC),
        )
    return db_sessions


@pytest.fixture
def cli(
    db_url: str, write_settings: Callable[..., Path], run_cli: Callable[..., Result], tmp_path: Path
) -> Iterator[Callable[..., Result]]:
    """`govmon alerts …` with settings on the test database and the file outbox in tmp."""
    outbox = tmp_path / "outbox"
    config = write_settings(
        f'[alerts]\noutbox_dir = "{outbox.as_posix()}"\n{NO_QUIET}', db_url=db_url
    )

    def run(*args: str, config_path: Path = config) -> Result:
        return run_cli("--config", config_path, "alerts", *args, env=WIDE)

    yield run


def test_check_send_list_round_trip(
    cli: Callable[..., Result], seeded: sessionmaker[Session], tmp_path: Path
) -> None:
    checked = cli("check")
    assert checked.exit_code == 0, checked.output
    assert "新告警" in checked.stdout and "已写入发件箱的消息" in checked.stdout
    assert "高速公路管理局" in checked.stdout and "govmon alerts send" in checked.stdout

    sent = cli("send")
    assert sent.exit_code == 0, sent.output
    assert "已发送" in sent.stdout
    (written,) = (tmp_path / "outbox").glob("*.md")
    assert "超过一个月未更新" in written.read_text(encoding="utf-8")
    assert "没有到期的消息" in cli("send").stdout

    listed = cli("list", "--open")
    assert listed.exit_code == 0
    assert "长期未更新（第十二条）" in listed.stdout and "高速微博" in listed.stdout
    assert "[b]备注[/b]" in listed.stdout  # internet text is shown as is, not as markup
    assert "已发送 1" in listed.stdout
    assert "没有需要发送的消息" in cli("check").stdout  # dedup: nothing new


def test_dry_run_prints_the_messages_and_writes_nothing(
    cli: Callable[..., Result], seeded: sessionmaker[Session]
) -> None:
    result = cli("check", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "试运行" in result.stdout and "超过一个月未更新" in result.stdout
    with seeded() as session:
        assert session.scalars(select(Alert)).first() is None
        assert session.scalars(select(Delivery)).first() is None


def test_ack_marks_the_alert_and_list_shows_it(
    cli: Callable[..., Result], seeded: sessionmaker[Session]
) -> None:
    cli("check")
    with seeded() as session:
        alert_id = session.scalars(select(Alert.id)).one()
    result = cli("ack", str(alert_id), "--by", "李四")
    assert result.exit_code == 0, result.output
    assert f"已确认告警 #{alert_id}（长期未更新，高速公路管理局）" in result.stdout
    assert "已于" in cli("ack", str(alert_id)).stdout and "李四" in cli("ack", str(alert_id)).stdout
    listed = cli("list", "--unit", "高速公路管理局", "--rule", "stale_account")
    assert "已确认（李四）" in listed.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ack", "999"), "没有编号为 999 的告警（可用 govmon alerts list 查看编号）"),
        (("ack", "abc"), "告警编号应为数字（如 govmon alerts ack 12），而不是 abc"),
        (("list", "--unit", "不存在的单位"), "没有名为 不存在的单位 的单位"),
        (("list", "--rule", "no_such_rule"), "未知的规则 no_such_rule"),
        (("test", "ftp://example.org"), "渠道地址有误：不支持的渠道协议 ftp://"),
        (("test", "office"), "office 既不是渠道地址"),
        (("test", "wecom://short"), "渠道地址有误：企业微信机器人的 key 格式不对"),
    ],
)
def test_bad_input_is_one_chinese_sentence_with_exit_2(
    cli: Callable[..., Result], db_engine: Engine, args: tuple[str, ...], message: str
) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：") and message in result.stderr
    assert "Traceback" not in result.output


def test_alerts_switched_off_is_refused(
    db_url: str,
    db_engine: Engine,
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
) -> None:
    config = write_settings("[alerts]\nenabled = false\n", db_url=db_url)
    result = run_cli("--config", config, "alerts", "check")
    assert result.exit_code == 2
    assert "告警已在配置中关闭（alerts.enabled = false）" in result.stderr
    # The outbox may hold digests too: sending is not switched off with the alerts.
    assert run_cli("--config", config, "alerts", "send").exit_code == 0


def test_test_command_sends_to_a_file_outbox_and_reports_a_refusal(
    cli: Callable[..., Result], db_engine: Engine, tmp_path: Path
) -> None:
    target = tmp_path / "trial"
    ok = cli("test", f"file://{target.as_posix()}")
    assert ok.exit_code == 0, ok.output
    assert "测试消息已发送到" in ok.stdout
    (written,) = target.glob("*.md")
    assert "渠道测试" in written.read_text(encoding="utf-8")
    assert cli("test", "outbox").exit_code == 0

    with FakeBot("wecom", "the-right-key-0001") as bot:
        refused = cli("test", f"wecom://wrong-key-000099?base={bot.base}")
    assert refused.exit_code == 1
    assert "93000" in refused.stderr and "wrong-key-000099" not in refused.output


def test_failed_deliveries_show_in_list_with_their_reason(
    cli: Callable[..., Result], seeded: sessionmaker[Session]
) -> None:
    with FakeBot("wecom", "the-right-key-0001") as bot:
        with seeded.begin() as session:
            unit = session.scalars(select(Unit).where(Unit.name == "高速公路管理局")).one()
            unit.wecom_webhook = f"wecom://a-revoked-key-00042?base={bot.base}"
        cli("check")
        sent = cli("send")
    assert "发送失败的消息" in sent.stdout and "errcode 93000" in sent.stdout
    listed = cli("list")
    assert "发送失败的消息" in listed.stdout
    assert "企业微信机器人地址无效（errcode 93000）" in listed.stdout
    assert "wecom://***" in listed.stdout
    assert "a-revoked-key-00042" not in sent.output + listed.output


def test_a_channel_secret_never_reaches_output_log_or_database(
    db_url: str,
    db_engine: Engine,
    seeded: sessionmaker[Session],
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Plant a webhook key in the settings (env reference) and one in a unit's registry
    webhook; run check and send against the fake WeCom bot; then search everywhere."""
    settings_key = "SENTINEL-settings-key-7d3f9a"
    registry_key = "SENTINEL-registry-key-5b21c8"
    with FakeBot("wecom", settings_key) as office_bot, FakeBot("wecom", registry_key) as unit_bot:
        monkeypatch.setenv("GOVMON_TEST_SENTINEL", f"wecom://{settings_key}?base={office_bot.base}")
        with seeded.begin() as session:
            unit = session.scalars(select(Unit).where(Unit.name == "高速公路管理局")).one()
            unit.wecom_webhook = f"wecom://{registry_key}?base={unit_bot.base}"
        config = write_settings(
            "[alerts]\n"
            'channels = { office = { env = "GOVMON_TEST_SENTINEL" } }\n'
            'unit_channels = { "高速公路管理局" = ["office"] }\n'
            f"{NO_QUIET}",
            db_url=db_url,
        )
        verbose = config.read_text(encoding="utf-8").replace(
            "[general]\n", '[general]\nlog_level = "DEBUG"\n', 1
        )
        config.write_text(verbose, encoding="utf-8")
        outputs = []
        for args in (("check",), ("check", "--dry-run"), ("send",), ("list",), ("test", "office")):
            result = run_cli("--config", config, "alerts", *args, env=WIDE)
            assert result.exit_code == 0, result.output
            outputs.append(result.output)
        office_bot.mode = "errcode:93000"  # the fake echoes the key in its error message
        outputs.append(run_cli("--config", config, "alerts", "test", "office", env=WIDE).output)
    assert len(office_bot.accepted) == 2 and len(unit_bot.accepted) == 1  # it really was sent

    log_text = (tmp_path / "data" / "govmon.log").read_text(encoding="utf-8")
    assert "已发送" in log_text
    dump = _dump_database(db_engine)
    for key in (settings_key, registry_key):
        for output in outputs:
            assert key not in output
        assert key not in log_text
    assert settings_key not in dump
    # The registry key is kept where the registry import put it (units.wecom_webhook), and
    # nowhere else: not in the outbox, the alerts or the findings.
    assert registry_key not in dump.replace(f"wecom://{registry_key}?base={unit_bot.base}", "")


def _dump_database(engine: Engine) -> str:
    lines = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                lines.append(f"{table}: {tuple(row)!r}")
    return "\n".join(lines)


def test_send_exits_3_on_a_message_failed_for_good_and_retry_requeues_it(
    cli: Callable[..., Result], seeded: sessionmaker[Session]
) -> None:
    """Issue 12 §2: a refused message is loud, and can be sent again once the bot is fixed."""
    with FakeBot("wecom", "the-right-key-0001") as bot:
        with seeded.begin() as session:
            unit = session.scalars(select(Unit).where(Unit.name == "高速公路管理局")).one()
            unit.wecom_webhook = f"wecom://a-revoked-key-00042?base={bot.base}"
        cli("check")
        sent = cli("send")
        assert sent.exit_code == 3, sent.output
        assert "govmon alerts retry --failed" in sent.stdout
        with seeded() as session:
            (delivery_id,) = session.scalars(
                select(Delivery.id).where(Delivery.status == "failed")
            ).all()
        with seeded.begin() as session:  # the unit files its new bot key
            unit = session.scalars(select(Unit).where(Unit.name == "高速公路管理局")).one()
            unit.wecom_webhook = f"wecom://the-right-key-0001?base={bot.base}"
        requeued = cli("retry", "--failed")
        assert requeued.exit_code == 0, requeued.output
        assert f"已重新排队 1 条消息：#{delivery_id}" in requeued.stdout
        again = cli("send")
        assert again.exit_code == 0, again.output
        assert len(bot.accepted) == 1
    with seeded() as session:
        row = session.get(Delivery, delivery_id)
        assert row is not None and row.status == "sent"
    assert "没有发送失败的消息" in cli("retry", "--failed").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("retry",), "请给出要重新发送的消息编号"),
        (("retry", "12", "--failed"), "二者选一"),
        (("retry", "999"), "发件箱中没有编号为 #999 的消息"),
    ],
)
def test_retry_bad_input_is_one_chinese_sentence(
    cli: Callable[..., Result], db_engine: Engine, args: tuple[str, ...], message: str
) -> None:
    result = cli(*args)
    assert result.exit_code == 2 and message in result.stderr


def test_retry_refuses_a_message_that_did_not_fail(
    cli: Callable[..., Result], seeded: sessionmaker[Session]
) -> None:
    cli("check")
    with seeded() as session:
        delivery_id = session.scalars(select(Delivery.id)).one()
    result = cli("retry", str(delivery_id))
    assert result.exit_code == 2
    assert f"只能重新排队发送失败的消息，#{delivery_id}（待发送）不是" in result.stderr
