"""账号采集失败 as a person reads it, wherever it is read: the account's name, its platform's
label and the platform's own account id (to find it), never the internal key "weibo:…"
(STYLE 17; analysis.labels.account_locator is the one function)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy.orm import sessionmaker
from starlette.testclient import TestClient
from testkit.web import PASSWORD, login

from collectors.fakeplatform import FakeContent, FakePlatform
from collectors.fakeplatform.faults import Fault
from monitor.db.engine import make_engine
from monitor.db.models import Account, Unit, User
from monitor.settings.load import load_settings_file
from monitor.web.app import create_app
from monitor.web.users import hash_password

UID = "7310000001"
RAW_KEY = f"weibo:{UID}"
SHOWN = f"江东交通（微博 账号ID {UID}）"


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    with FakePlatform(FakeContent()) as server:
        server.inject("/api/container/getIndex", Fault("status", status=503, times=None))
        yield server


@pytest.fixture
def config(
    fake: FakePlatform,
    tmp_path: Path,
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
) -> Path:
    path = write_settings(
        f'[alerts]\noutbox_dir = "{(tmp_path / "outbox").as_posix()}"\n'
        # No quiet hours: the test reads the message sent now, whatever the hour it runs at.
        "quiet_start = 00:00:00\nquiet_end = 00:00:00\n"
        "[collectors]\nper_host_min_interval_seconds = 0\nretry_attempts = 0\n"
        f'[collectors.weibo]\nbase_url = "{fake.url}"\n'
    )
    assert run_cli("init", "--config", path).exit_code == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'govmon.db'}")
    with sessionmaker(engine).begin() as session:
        unit = Unit(name="江东省交通运输厅", short_name="江东交通厅", head="甲", editor="丙")
        session.add(Account(unit=unit, platform="weibo", platform_id=UID, name="江东交通"))
        session.add(
            User(
                name="admin",
                role="admin",
                password_hash=hash_password(PASSWORD),
                must_change_password=False,
            )
        )
    engine.dispose()
    return path


def _read_as_a_person(text: str, where: str) -> None:
    assert SHOWN in text, f"{where}: {text}"
    assert RAW_KEY not in text, f"{where} shows the internal key: {text}"


def test_a_failing_account_reads_the_same_everywhere(
    config: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    collected = run_cli("collect", "--config", config)  # never read: a finding at once
    assert collected.exit_code == 3
    _read_as_a_person(collected.stdout, "govmon collect")

    status = run_cli("status", "--config", config)  # piped: CliRunner is no terminal
    _read_as_a_person(status.stdout, "govmon status")
    assert f"{UID}：" not in status.stdout  # the reason is not led by the key either

    findings = run_cli("findings", "--open", "--config", config)
    _read_as_a_person(findings.stdout, "govmon findings")

    assert run_cli("alerts", "check", "--config", config).exit_code == 0
    assert run_cli("alerts", "send", "--config", config).exit_code == 0
    messages = [p.read_text(encoding="utf-8") for p in (tmp_path / "outbox").glob("*.md")]
    assert messages
    for message in messages:
        _read_as_a_person(message, "the alert message")

    settings = load_settings_file(config)
    engine = make_engine(settings.database_url())
    try:
        with TestClient(create_app(settings, engine, key="k"), base_url="http://t") as client:
            login(client, "admin")
            for page in ("/status", "/findings"):
                _read_as_a_person(client.get(page).text, f"the console's {page}")
            overview = client.get("/").text
            assert "江东交通" in overview and f"{RAW_KEY}：" not in overview
    finally:
        engine.dispose()
