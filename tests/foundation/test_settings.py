"""Settings: typed, validated, unknown keys refused, secrets by reference only."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from pydantic import BaseModel, SecretStr

from monitor.errors import SettingsError
from monitor.settings import Settings, load_settings, load_settings_file, settings_from_dict

EXAMPLE = Path(__file__).parents[2] / "config" / "settings.example.toml"


def _leaf_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys += _leaf_keys(annotation, f"{prefix}{name}.")
        else:
            keys.append(f"{prefix}{name}")
    return keys


def _documented_keys(text: str) -> dict[str, str]:
    """Keys written in the example (also as commented lines), with the help line of each: the
    comment above a key; for a table-valued key ([collectors.rss.routes]) above or below."""
    section = ""
    keys: dict[str, str] = {}
    lines = [raw.strip() for raw in text.splitlines()]
    for i, line in enumerate(lines):
        previous = lines[i - 1] if i else ""
        header = re.match(r"^#?\s*\[([a-z0-9_.]+)\]\s*$", line)
        if header:
            section = header.group(1) + "."
            following = lines[i + 1] if i + 1 < len(lines) else ""
            keys[header.group(1)] = previous if previous.startswith("#") else following
        else:
            key = re.match(r"^#?\s*([a-z0-9_]+)\s*=", line)
            if key:
                keys[section + key.group(1)] = previous
    return keys


def test_example_documents_every_key_with_a_help_line() -> None:
    documented = _documented_keys(EXAMPLE.read_text(encoding="utf-8"))
    missing = [k for k in _leaf_keys(Settings) if k not in documented]
    assert not missing, f"settings.example.toml lacks keys: {missing}"
    for key in _leaf_keys(Settings):
        help_line = documented[key]
        assert help_line.startswith("#") and len(help_line) > 3, f"{key} has no help line above it"


def test_every_field_has_a_chinese_description() -> None:
    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            annotation = field.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                walk(annotation, f"{prefix}{name}.")
            else:
                assert field.description, f"{prefix}{name} has no description"
                assert re.search(r"[\u4e00-\u9fff]", field.description), f"{prefix}{name}"

    walk(Settings, "")


def test_example_loads_and_equals_the_defaults() -> None:
    loaded = load_settings_file(EXAMPLE)
    assert loaded == Settings()
    tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_missing_default_file_gives_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    assert load_settings() == Settings()


def test_named_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="找不到配置文件"):
        load_settings(tmp_path / "absent.toml")


def test_env_var_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[general]\nlog_level = "debug"\n', encoding="utf-8")
    monkeypatch.setenv("GOVMON_CONFIG", str(path))
    assert load_settings().general.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            "[registry]\ncheck_filing_overdu = false\n",
            "键 registry.check_filing_overdu：未知的配置项",
        ),
        ("[nosuchsection]\na = 1\n", "键 nosuchsection：未知的配置项"),
        (
            '[registry]\nfiling_deadline_workdays = "five"\n',
            "键 registry.filing_deadline_workdays：应为整数（不加引号）",
        ),
        ("[registry]\nfiling_deadline_workdays = 0\n", "应不小于 1"),
        ('[registry]\ncheck_roles_missing = "yes"\n', "应为 true 或 false"),
        (
            '[general]\nlog_level = "LOUD"\n',
            "键 general.log_level：应为 DEBUG、INFO、WARNING 或 ERROR 之一",
        ),
        ('[general]\ntimezone = "Mars/Base"\n', "未知的时区"),
        ('[database]\nurl = "mysql://x"\n', "仅支持 sqlite"),
        (
            '[workdays]\nextra_holidays = ["2027-02-30"]\n',
            "键 workdays.extra_holidays[0]：应为日期",
        ),
        ("[general\n", "不是有效的 TOML"),
    ],
)
def test_bad_settings_name_file_key_and_expectation(
    tmp_path: Path, toml: str, expected: str
) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings_file(path)
    assert str(path) in info.value.message
    assert expected in info.value.message


def test_several_errors_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[registry]\nfoo = 1\nfiling_deadline_workdays = -1\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="有 2 处错误"):
        load_settings_file(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes("[general]\n# 说明\n".encode("gbk"))
    with pytest.raises(SettingsError, match="不是 UTF-8 编码"):
        load_settings_file(path)


def test_bad_settings_exit_code_2_without_traceback(
    write_settings: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    path = write_settings("[registry]\nchek = true\n")
    result = run_cli("init", "--config", path)
    assert result.exit_code == 2
    assert "registry.chek" in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.output + result.stderr


def _secret_model_fields() -> list[str]:
    found: list[str] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            annotation = field.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                walk(annotation, f"{prefix}{name}.")
            elif annotation is SecretStr or SecretStr in getattr(annotation, "__args__", ()):
                found.append(f"{prefix}{name}")

    walk(Settings, "")
    return found


def _nest(dotted: str, value: object) -> dict[str, object]:
    parts = dotted.split(".")
    out: dict[str, object] = {parts[-1]: value}
    for part in reversed(parts[:-1]):
        out = {part: out}
    return out


def test_secret_reference_resolution_and_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = _secret_model_fields()
    if not secrets:
        pytest.skip("no secret settings defined yet")
    key = secrets[0]
    monkeypatch.setenv("GOVMON_TEST_SECRET", "sentinel-Zq81-secret")
    loaded = settings_from_dict(_nest(key, {"env": "GOVMON_TEST_SECRET"}))
    assert "sentinel-Zq81-secret" not in repr(loaded) + str(loaded.model_dump())
    monkeypatch.delenv("GOVMON_TEST_SECRET")
    with pytest.raises(SettingsError, match="环境变量 GOVMON_TEST_SECRET 未设置"):
        settings_from_dict(_nest(key, {"env": "GOVMON_TEST_SECRET"}))
    with pytest.raises(SettingsError, match="无法读取密钥文件"):
        settings_from_dict(_nest(key, {"file": str(tmp_path / "nope")}))
    with pytest.raises(SettingsError, match="机密信息不能直接写在配置文件里"):
        settings_from_dict(_nest(key, "inline-secret"))
    secret_file = tmp_path / "key"
    secret_file.write_text("from-a-file\n", encoding="utf-8")
    settings_from_dict(_nest(key, {"file": str(secret_file)}))


def test_database_password_is_a_reference_never_inline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(SettingsError) as info:
        settings_from_dict(
            {"database": {"url": "postgresql+psycopg://govmon:pw-Secret9@db/govmon"}}
        )
    assert "地址中不能写密码" in info.value.message
    assert "pw-Secret9" not in info.value.message
    monkeypatch.setenv("GOVMON_DB_PASSWORD", "p@ss word/9")
    settings = settings_from_dict(
        {
            "database": {
                "url": "postgresql+psycopg://govmon@db:5432/govmon",
                "password": {"env": "GOVMON_DB_PASSWORD"},
            }
        }
    )
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url())
    assert url.password == "p@ss word/9" and url.host == "db" and url.username == "govmon"
    assert "p@ss word/9" not in repr(settings)


def test_data_paths_start_at_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "var"
    settings = settings_from_dict(
        {
            "general": {"data_dir": str(data)},
            "sentiment": {"model_dir": "models"},
            "digest": {"out_dir": str(tmp_path / "elsewhere")},
        }
    )
    assert settings.sentiment.model_dir == data / "models"
    assert settings.alerts.outbox_dir == data / "outbox"
    assert settings.general.log_file == data / "govmon.log"
    assert settings.daemon.lock_file == ""  # empty: beside the database, as before
    locked = settings_from_dict({"general": {"data_dir": str(data)}, "daemon": {"lock_file": "x"}})
    assert locked.daemon.lock_file == str(data / "x")
    assert settings.digest.out_dir == tmp_path / "elsewhere"  # absolute: as written
    assert settings.alerts.channel_url("outbox") == f"file://{(data / 'outbox').as_posix()}"
    # Validating again changes nothing, and an older file's "data/…" paths keep their place.
    assert Settings.model_validate(settings.model_dump()) == settings
    older = settings_from_dict({"sentiment": {"model_dir": "data/sentiment"}})
    assert older.sentiment.model_dir == Path("data/sentiment")
    assert Settings().digest.out_dir == Path("data/digests")


def test_input_files_are_read_beside_the_settings_file(tmp_path: Path) -> None:
    folder = tmp_path / "etc"
    folder.mkdir()
    path = folder / "settings.toml"
    absolute = (tmp_path / "lists" / "harmful.txt").as_posix()
    path.write_text(
        f'[rules]\nads_wordlist = "lists/ads.txt"\nharmful_wordlist = "{absolute}"\n'
        '[topics]\nuserdict_path = "userdict.txt"\n'
        '[sentiment]\nemoticons_file = "emoticons.toml"\n',
        encoding="utf-8",
    )
    settings = load_settings_file(path)
    assert settings.rules.ads_wordlist == str(folder / "lists" / "ads.txt")
    assert settings.rules.harmful_wordlist == absolute
    assert settings.rules.confidential_wordlist == ""  # empty: the built-in list
    assert settings.topics.userdict_path == str(folder / "userdict.txt")
    assert settings.sentiment.emoticons_file == folder / "emoticons.toml"
