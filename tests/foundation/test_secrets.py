"""A sentinel secret planted in every secret setting never reaches logs, CLI output or the DB."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from pydantic import BaseModel, SecretStr

from monitor.logging_setup import configure_logging
from monitor.settings import Settings
from monitor.settings.secrets import redact, register_secret

SENTINEL = "SENTINEL-d41d8cd98f00-SECRET"
EXAMPLE_CSV = Path(__file__).parents[2] / "config" / "accounts.example.csv"


def _secret_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths += _secret_paths(annotation, (*prefix, name))
        elif annotation is SecretStr or SecretStr in getattr(annotation, "__args__", ()):
            paths.append((*prefix, name))
    return paths


def _settings_with_every_secret() -> str:
    """TOML text setting every secret field of the model to an env reference."""
    sections: dict[str, list[str]] = {}
    for path in _secret_paths(Settings):
        sections.setdefault(".".join(path[:-1]), []).append(
            f'{path[-1]} = {{ env = "GOVMON_SENTINEL" }}'
        )
    return "".join(f"[{name}]\n" + "\n".join(lines) + "\n" for name, lines in sections.items())


def test_redaction_in_log_records(tmp_path: Path) -> None:
    register_secret(SENTINEL)
    log_file = tmp_path / "x.log"
    configure_logging("DEBUG", log_file)
    try:
        raise RuntimeError(f"upstream said: bad key {SENTINEL}")
    except RuntimeError:
        logging.getLogger("monitor.test").exception("send failed for %s", SENTINEL)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "send failed for ***" in text
    assert "bad key ***" in text
    assert SENTINEL not in text
    assert redact(f"a{SENTINEL}b") == "a***b"


def test_sentinel_never_reaches_logs_output_or_database(
    tmp_path: Path,
    write_settings: Callable[..., Path],
    run_cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not _secret_paths(Settings):
        pytest.skip("no secret settings defined yet")
    monkeypatch.setenv("GOVMON_SENTINEL", SENTINEL)
    config = write_settings()
    text = config.read_text(encoding="utf-8").replace("[general]", '[general]\nlog_level = "DEBUG"')
    config.write_text(text + _settings_with_every_secret(), encoding="utf-8")
    env = {"GOVMON_SENTINEL": SENTINEL}
    outputs: list[str] = []
    commands: list[list[str | Path]] = [
        ["init"],
        ["accounts", "import", EXAMPLE_CSV],
        ["accounts", "list", "--format", "json"],
        ["accounts", "check"],
        ["accounts", "import", tmp_path / "missing.csv"],
        ["analyze"],
        ["findings"],
        ["alerts", "check"],
        ["alerts", "send"],
        ["alerts", "list"],
        ["digest", "--out", tmp_path / "digests"],
        ["status"],
    ]
    for args in commands:
        result = run_cli(*args, "--config", config, env=env)
        outputs.append(result.output + result.stderr)
        # A missing file is an error; status exits 1 on purpose: the imported accounts were
        # never collected (issue 12 §2), which a health check must report.
        failing_on_purpose = "missing.csv" in str(args[-1]) or args == ["status"]
        assert (result.exit_code != 0) == failing_on_purpose, (args, result.stderr)
    everything = "\n".join(outputs)
    assert SENTINEL not in everything
    data = tmp_path / "data"
    for path in data.rglob("*"):
        if path.is_file():
            assert SENTINEL.encode() not in path.read_bytes(), f"secret found in {path}"


def test_settings_and_channel_secrets_share_one_registry() -> None:
    from alerts.channels import redaction
    from monitor.settings.secrets import redact, register_secret

    register_secret("SETTINGS-SENTINEL-4f3e")
    redaction.remember("CHANNEL-SENTINEL-7a6b")
    line = "token SETTINGS-SENTINEL-4f3e in https://bot.example/?key=CHANNEL-SENTINEL-7a6b"
    assert redact(line) == redaction.redact(line) == "token *** in https://bot.example/?key=***"
