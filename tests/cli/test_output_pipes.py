"""What the listing commands print, read as a program and a spreadsheet read it: `--format
json` parses, with stable keys carrying codes and labels; `--format csv` is UTF-8 with a BOM
and formula-safe; the table is never cut or wrapped when stdout is a pipe, however long the
names; logs and `database.echo` stay off stdout; click's usage errors are in Chinese."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from analysis.findings import Finding, make_key
from monitor.db.models import Account, Alert, FindingRow, Unit
from monitor.store.findings import save_findings

# Longer than any 80-column terminal, and a name a spreadsheet would run as a formula.
LONG_UNIT = "江南省交通运输厅高速公路管理局东阳至临江段路政支队第三大队综合执法与应急保障服务中心"
EVIL_NAME = "=cmd|' /C calc'!A0江南高速东阳临江段路况实时播报与出行服务信息发布平台"
LONG_SUMMARY = (
    "第十二条：账号「江南高速东阳临江段」已 45 天未更新（最后一次发布于 2026-10-15），"
    "超过一个月未更新的要求；请尽快发布信息，或按第九条办理注销并备案。" * 2
)
NOW = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)

FINDING_KEYS = {
    "id", "rule", "rule_label", "article", "severity", "severity_label", "state", "state_label",
    "unit", "account", "platform", "platform_label", "platform_id", "summary", "first_seen",
    "last_seen", "deadline", "resolved_at",
}  # fmt: skip
ALERT_KEYS = {
    "id", "finding_id", "state", "state_label", "acknowledged_by", "severity", "severity_label",
    "urgent", "rule", "rule_label", "article", "unit", "account", "platform", "platform_label",
    "platform_id", "summary", "opened_at", "last_sent_at", "acknowledged_at", "resolved_at",
    "escalation_level", "send_count",
}  # fmt: skip

COMMANDS = {
    "findings": ["findings"],
    "alerts list": ["alerts", "list"],
    "accounts list": ["accounts", "list"],
}


@pytest.fixture
def config(
    db_sessions: sessionmaker[Session], db_url: str, write_settings: Callable[..., Path]
) -> Path:
    with db_sessions.begin() as session:
        top = Unit(name="江南省交通运输厅")
        unit = Unit(name=LONG_UNIT, parent=top, department="办公室")
        session.add_all([top, unit])
        session.flush()
        session.add(
            Account(
                unit=unit,
                platform="weibo",
                platform_id="6100000101",
                name=EVIL_NAME,
                opened_on=dt.date(2026, 3, 2),
            )
        )
        session.flush()
        save_findings(
            session,
            [
                Finding(
                    rule="stale_account",
                    article="第十二条",
                    subject_type="account",
                    subject_key="weibo:6100000101",
                    dedup_key=make_key("stale_account", "weibo:6100000101"),
                    severity="warning",
                    summary=LONG_SUMMARY,
                    unit=LONG_UNIT,
                    account="weibo:6100000101",
                )
            ],
            NOW,
        )
        finding = session.scalars(select(FindingRow)).one()
        session.add(Alert(finding_id=finding.id, severity="warning", opened_at=NOW))
    return write_settings(db_url=db_url)


def _cli(run_cli: Callable[..., Result], config: Path, command: str, *args: str) -> Result:
    result = run_cli("--config", config, *COMMANDS[command], *args)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("command", list(COMMANDS))
def test_json_parses_and_carries_codes_and_labels(
    command: str, config: Path, run_cli: Callable[..., Result]
) -> None:
    data = json.loads(_cli(run_cli, config, command, "--format", "json").stdout_bytes)
    if command == "accounts list":
        (account,) = next(u for u in data["units"] if u["name"] == LONG_UNIT)["accounts"]
        assert account["name"] == EVIL_NAME
        assert (account["platform"], account["platform_label"]) == ("weibo", "微博")
        assert (account["status"], account["status_label"]) == ("active", "在用")
        return
    (item,) = data["findings" if command == "findings" else "alerts"]
    assert set(item) == (FINDING_KEYS if command == "findings" else ALERT_KEYS)
    assert (item["rule"], item["rule_label"], item["article"]) == (
        "stale_account",
        "长期未更新",
        "第十二条",
    )
    assert (item["severity"], item["severity_label"]) == ("warning", "预警")
    assert (item["state"], item["state_label"]) == ("open", "未解决")
    assert (item["platform"], item["platform_label"]) == ("weibo", "微博")
    assert (item["unit"], item["account"], item["summary"]) == (LONG_UNIT, EVIL_NAME, LONG_SUMMARY)
    when = "first_seen" if command == "findings" else "opened_at"
    assert item[when] == "2026-11-30T10:00:00+08:00"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_csv_has_a_bom_chinese_labels_and_no_formula(
    command: str, config: Path, run_cli: Callable[..., Result]
) -> None:
    raw = _cli(run_cli, config, command, "--format", "csv").stdout_bytes
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any(cell.startswith("'=cmd|") for cell in cells)
    for code in ("stale_account", "weibo", "warning", "active"):
        assert code not in cells, code
    if command != "accounts list":
        assert {"预警", "未解决"} <= set(cells)
        assert any(cell.startswith("长期未更新") for cell in cells)


def test_accounts_csv_reimports_the_guarded_name(
    config: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    exported = tmp_path / "导出.csv"
    exported.write_bytes(_cli(run_cli, config, "accounts list", "--format", "csv").stdout_bytes)
    result = run_cli("--config", config, "accounts", "import", "--dry-run", exported)
    assert result.exit_code == 0, result.output
    result = run_cli("--config", config, "accounts", "import", exported)
    assert "账号：新建 0，更新 0，未变 1" in result.stdout


def _piped(
    config: Path, *args: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI as a user's shell runs it, stdout into a pipe (not a terminal)."""
    env = {**os.environ, "COLUMNS": "80", **(extra_env or {})}
    return subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), *args],
        capture_output=True,  # stdout is a pipe, not a terminal
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("command", list(COMMANDS))
def test_table_is_never_cut_or_wrapped_in_a_pipe(command: str, config: Path) -> None:
    done = _piped(config, *COMMANDS[command])
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout
    assert LONG_UNIT in done.stdout
    assert EVIL_NAME in done.stdout
    if command != "accounts list":
        assert LONG_SUMMARY in done.stdout
        assert "长期未更新" in done.stdout and "stale_account" not in done.stdout
    piped_json = _piped(config, *COMMANDS[command], "--format", "json")
    assert json.loads(piped_json.stdout)


def test_database_echo_and_logs_go_to_stderr(
    tmp_path: Path, write_settings: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    config = write_settings("[database]\necho = true\n")
    assert run_cli("--config", config, "init").exit_code == 0
    done = _piped(config, "findings", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"findings": []}
    assert "SELECT" in done.stderr and "SELECT" not in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["collect", "--acount", "1"], "用法错误：没有选项 --acount，是否想用 --account？"),
        (["acounts", "list"], "用法错误：没有命令 acounts，是否想用 accounts？"),
        (["findings", "--format", "xml"], "用法错误：--format 的值有误：'xml' 不是可选的值"),
        (["alerts", "list", "--limit", "many"], "用法错误：--limit 的值有误：'many' 不是整数"),
        (["accounts", "import"], "用法错误：缺少参数 FILE"),
    ],
)
def test_click_usage_errors_are_in_chinese(
    args: list[str], message: str, run_cli: Callable[..., Result]
) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Error" not in result.stderr and "Usage" not in result.stderr
    assert result.stdout == ""


def _readme_keys(command: str) -> set[str]:
    readme = Path(__file__).resolve().parents[2] / "README.md"
    line = next(
        line
        for line in readme.read_text(encoding="utf-8").splitlines()
        if line.startswith(f"| `{command}` |")
    )
    item_keys = line.split("|")[3].split("；")[0]
    return set(re.findall(r"`(\w+)`", item_keys))


def test_readme_documents_the_json_keys() -> None:
    assert _readme_keys("findings") == FINDING_KEYS
    assert _readme_keys("alerts list") == ALERT_KEYS
