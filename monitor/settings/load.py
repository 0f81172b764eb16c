"""Loading config/settings.toml: TOML → secrets resolved → validated model, or one clear error."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr, ValidationError
from pydantic_core import ErrorDetails

from monitor.errors import SettingsError
from monitor.settings.messages import describe, format_location
from monitor.settings.model import Settings
from monitor.settings.secrets import SecretResolutionError, is_reference, resolve_reference

DEFAULT_PATH = Path("config/settings.toml")
ENV_VAR = "GOVMON_CONFIG"


def settings_path(explicit: str | Path | None = None) -> tuple[Path, bool]:
    """The settings path and whether the user named it (then it must exist)."""
    if explicit:
        return Path(explicit), True
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env), True
    return DEFAULT_PATH, False


def load_settings(explicit: str | Path | None = None) -> Settings:
    """Load and validate the settings; defaults when the default file is absent."""
    path, named = settings_path(explicit)
    if not path.exists():
        if named:
            raise SettingsError(f"找不到配置文件 {path}（可运行 govmon init 生成）")
        return Settings()
    return load_settings_file(path)


def load_settings_file(path: Path) -> Settings:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SettingsError(f"配置文件 {path} 不是 UTF-8 编码") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"配置文件 {path} 不是有效的 TOML：{exc}") from None
    except OSError as exc:
        raise SettingsError(f"无法读取配置文件 {path}：{exc.strerror or exc}") from None
    return settings_from_dict(raw, source=str(path), base_dir=path.parent)


def settings_from_dict(
    raw: dict[str, Any], *, source: str = "<settings>", base_dir: Path | None = None
) -> Settings:
    problems: list[str] = []
    _check_inline_secrets(Settings, raw, (), problems)
    _check_scalar_types(Settings, raw, (), problems)
    resolved = _resolve(raw, (), base_dir or Path.cwd(), problems)
    if base_dir is not None:
        resolved = _inputs_beside(resolved, base_dir)
    if problems:
        raise SettingsError(_join(source, problems))
    try:
        return Settings.model_validate(resolved)
    except ValidationError as exc:
        lines = [
            f"键 {format_location(tuple(err['loc']))}：{describe(err)}"
            + (f"（当前值：{_show(err.get('input'))}）" if _may_echo(err) else "")
            for err in exc.errors()
        ]
        raise SettingsError(_join(source, lines)) from None


_SECRET_HINTS = ("://", "key", "secret", "token", "password", "cookie", "webhook")


def _may_echo(err: ErrorDetails) -> bool:
    """Echo the bad value only when it cannot be a secret written in clear (a channel URL
    with its key, a cookie): those must not reach a terminal or a log."""
    if err["type"] == "extra_forbidden":
        return False
    value = err.get("input")
    if isinstance(value, str):
        lowered = value.lower()
        location = ".".join(str(p) for p in err["loc"]).lower()
        if any(h in lowered or h in location for h in _SECRET_HINTS) or "channels" in location:
            return False
    return not isinstance(value, dict)


def _join(source: str, lines: list[str]) -> str:
    if len(lines) == 1:
        return f"配置文件 {source} 有误：{lines[0]}"
    body = "\n".join(f"  - {line}" for line in lines)
    return f"配置文件 {source} 有 {len(lines)} 处错误：\n{body}"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_input_file(key: str) -> bool:
    """Word lists, dictionaries, cue lists, the emoticon map, the chart font: files one reads."""
    return key.endswith(("_wordlist", "_path")) or key == "emoticons_file"


def _inputs_beside(raw: dict[str, Any], base: Path) -> dict[str, Any]:
    """Relative input-file paths are taken from the settings file's folder, as ``{ file }``
    secrets are, so a daemon started from another directory reads the same word lists."""
    out: dict[str, Any] = {}
    for name, section in raw.items():
        if isinstance(section, dict):
            section = {
                key: str(base / value)
                if _is_input_file(key)
                and isinstance(value, str)
                and value
                and not Path(value).expanduser().is_absolute()
                else value
                for key, value in section.items()
            }
        out[name] = section
    return out


def _resolve(value: Any, loc: tuple[str, ...], base: Path, problems: list[str]) -> Any:
    if is_reference(value):
        try:
            return SecretStr(resolve_reference(value, base))
        except SecretResolutionError as exc:
            problems.append(f"键 {'.'.join(loc)}：{exc}")
            return None
    if isinstance(value, dict):
        return {k: _resolve(v, (*loc, k), base, problems) for k, v in value.items()}
    return value


def _check_inline_secrets(
    model: type[BaseModel], raw: Any, loc: tuple[str, ...], problems: list[str]
) -> None:
    """A secret written in clear in the file is refused: it would end up in backups and diffs."""
    if not isinstance(raw, dict):
        return
    for name, field in model.model_fields.items():
        if name not in raw:
            continue
        annotation = field.annotation
        sub = _model_in(annotation)
        if sub is not None:
            _check_inline_secrets(sub, raw[name], (*loc, name), problems)
        elif _is_secret(annotation) and isinstance(raw[name], str) and raw[name]:
            problems.append(
                f"键 {'.'.join((*loc, name))}：机密信息不能直接写在配置文件里，"
                f'请写成 {{ env = "环境变量名" }} 或 {{ file = "密钥文件路径" }}'
            )


_SCALARS: dict[type, tuple[tuple[type, ...], str]] = {
    bool: ((bool,), "应为 true 或 false（不加引号）"),
    int: ((int,), "应为整数（不加引号）"),
    float: ((int, float), "应为数字（不加引号）"),
}


def _check_scalar_types(
    model: type[BaseModel], raw: Any, loc: tuple[str, ...], problems: list[str]
) -> None:
    """TOML has typed values: "yes" or "5" where true or 5 is meant is refused, not coerced."""
    if not isinstance(raw, dict):
        return
    for name, field in model.model_fields.items():
        if name not in raw:
            continue
        value = raw[name]
        sub = _model_in(field.annotation)
        if sub is not None:
            _check_scalar_types(sub, value, (*loc, name), problems)
            continue
        annotation = field.annotation
        scalar = annotation if annotation in _SCALARS else None
        if scalar is None:
            args = [a for a in getattr(annotation, "__args__", ()) if a is not type(None)]
            if len(args) == 1 and args[0] in _SCALARS:
                scalar = args[0]
        if scalar is None or value is None:
            continue
        allowed, expected = _SCALARS[scalar]
        if (isinstance(value, bool) and scalar is not bool) or not isinstance(value, allowed):
            problems.append(f"键 {'.'.join((*loc, name))}：{expected}（当前值：{_show(value)}）")


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _is_secret(annotation: Any) -> bool:
    if annotation is SecretStr:
        return True
    args = getattr(annotation, "__args__", ())
    return SecretStr in args
