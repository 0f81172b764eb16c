"""Chinese wording for pydantic's validation errors, naming the key and what is expected."""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails

_EXPECTED = {
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数（不能带小数）",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为字符串（用引号括起）",
    "list_type": '应为列表，例如 ["a", "b"]',
    "dict_type": "应为表（TOML 的 [节] 或 { 键 = 值 }）",
    "model_type": "应为表（TOML 的 [节] 或 { 键 = 值 }）",
    "date_type": "应为日期，例如 2027-01-01",
    "date_parsing": "应为日期，例如 2027-01-01",
    "date_from_datetime_parsing": "应为日期，例如 2027-01-01",
    "time_type": "应为时间，例如 08:30",
    "time_parsing": "应为时间，例如 08:30",
    "url_parsing": "应为网址",
    "missing": "缺少必填项",
    "literal_error": "取值无效",
    "enum": "取值无效",
}


def _bound(kind: str, ctx: dict[str, Any]) -> str | None:
    words = {
        "greater_than_equal": ("ge", "应不小于"),
        "greater_than": ("gt", "应大于"),
        "less_than_equal": ("le", "应不大于"),
        "less_than": ("lt", "应小于"),
    }
    if kind in words:
        key, text = words[kind]
        return f"{text} {ctx.get(key)}"
    return None


def describe(error: ErrorDetails) -> str:
    """One Chinese clause saying what is wrong with one value."""
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == "extra_forbidden":
        return "未知的配置项（可能是拼写错误；未知项一律拒绝，以免规则被悄悄关闭）"
    if kind == "value_error":
        # Our own validators raise ValueError with a Chinese text already.
        return str(ctx.get("error", error["msg"]))
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "")
        return f"取值无效，应为 {expected} 之一" if expected else "取值无效"
    bound = _bound(kind, ctx)
    if bound:
        return bound
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    return str(error["msg"])


def format_location(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif parts:
            parts.append(f".{item}")
        else:
            parts.append(str(item))
    return "".join(parts)
