"""The worker engine's settings and refusals, without PostgreSQL: a clear word on SQLite,
identities that carry their own cookie and proxy, secrets only by reference."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from pydantic import SecretStr

from monitor.errors import SettingsError
from monitor.settings import settings_from_dict
from monitor.settings.load import load_settings_file
from monitor.workers.context import with_identity

PROCRASTINATE = '[daemon]\nengine = "procrastinate"\n'


@pytest.mark.parametrize("command", [("worker",), ("run",)])
def test_worker_engine_on_sqlite_is_refused_clearly(
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
    command: tuple[str, ...],
) -> None:
    config = write_settings(PROCRASTINATE)
    assert run_cli("--config", config, "init").exit_code == 0
    result = run_cli("--config", config, *command)
    assert result.exit_code == 2
    assert "需要 PostgreSQL" in result.output and "engine" in result.output
    assert "Traceback" not in result.output


def test_unknown_queue_is_refused(
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = write_settings(PROCRASTINATE)
    run_cli("--config", config, "init")
    # the queue names are checked first, before the database or the queue library
    result = run_cli("--config", config, "worker", "--queues", "collect,mail")
    assert result.exit_code == 2
    assert "未知的队列 mail" in result.output


def test_identity_brings_its_cookie_and_proxy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVMON_TEST_COOKIE_A", "SUB=identity-a")
    path = tmp_path / "settings.toml"
    path.write_text(
        f'[general]\ndata_dir = "{tmp_path.as_posix()}"\n'
        '[workers.identities.a]\nweibo_cookie = { env = "GOVMON_TEST_COOKIE_A" }\n'
        'proxy = "http://10.0.0.5:3128"\n',
        encoding="utf-8",
    )
    settings = load_settings_file(path)
    assert settings.collectors.proxy == "" and settings.collectors.weibo.cookie is None
    mine = with_identity(settings, "a")
    assert mine.collectors.proxy == "http://10.0.0.5:3128"
    cookie = mine.collectors.weibo.cookie
    assert isinstance(cookie, SecretStr) and cookie.get_secret_value() == "SUB=identity-a"
    assert with_identity(settings, "") is settings
    with pytest.raises(SettingsError, match="没有名为 b 的身份"):
        with_identity(settings, "b")


@pytest.mark.parametrize(
    ("identity", "problem"),
    [
        ({"weibo_cookie": "SUB=written-in-clear"}, "不能直接写在配置文件里"),
        ({"proxy": "http://user:pw@10.0.0.5:3128"}, "不能写密码"),
        ({"proxy": "10.0.0.5:3128"}, "代理地址"),
    ],
)
def test_identity_refuses_secrets_in_clear_and_bad_proxies(
    identity: dict[str, str], problem: str
) -> None:
    with pytest.raises(SettingsError, match=problem) as caught:
        settings_from_dict({"workers": {"identities": {"a": identity}}})
    assert "written-in-clear" not in str(caught.value) and "pw@" not in str(caught.value)


def test_engine_must_be_known() -> None:
    with pytest.raises(SettingsError, match=r"daemon\.engine"):
        settings_from_dict({"daemon": {"engine": "celery"}})


@pytest.mark.parametrize("command", [("worker",), ("run",)])
def test_worker_engine_without_procrastinate_says_what_to_install(
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
    command: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`pip install .` has no queue library: the worker engine names the extra to install
    (checked before anything connects, so no server is needed here)."""
    monkeypatch.setitem(sys.modules, "procrastinate", None)  # import fails as if absent
    config = write_settings(PROCRASTINATE, db_url="postgresql+psycopg://govmon@127.0.0.1:9/govmon")
    result = run_cli("--config", config, *command)
    assert result.exit_code != 0
    assert "pip install 'govmon[postgres]'" in result.output
    assert "Traceback" not in result.output
