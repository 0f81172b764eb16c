"""The [collectors] settings: documented in the example file, validated with clear messages."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from collectors.settings import CollectorsSettings, RssSettings, WeiboSettings

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "settings.example.toml"


def example_section() -> dict[str, Any]:
    return dict(tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))["collectors"])


def test_example_section_equals_the_defaults() -> None:
    assert CollectorsSettings.model_validate(example_section()) == CollectorsSettings()


@pytest.mark.parametrize(
    ("model", "path"),
    [(CollectorsSettings, ()), (WeiboSettings, ("weibo",)), (RssSettings, ("rss",))],
)
def test_every_key_is_in_the_example(model: type[BaseModel], path: tuple[str, ...]) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    section = example_section()
    for part in path:
        section = section[part]
    for name, field in model.model_fields.items():
        assert field.description, f"{name} has no help text"
        if name == "cookie":  # a secret: present as a commented reference only
            assert "# cookie = { env = " in text
            continue
        assert name in section, f"collectors.{'.'.join((*path, name))} missing from the example"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"weibo": {"base_url": "m.weibo.cn"}}, "应为 http:// 或 https:// 开头的地址"),
        ({"rss": {"routes": {"weibo": "/weibo/user"}}}, "应以 / 开头并含有 {id}"),
        ({"per_host_concurrency": 8, "max_concurrency": 4}, "不能大于 max_concurrency"),
        ({"interval_minutes": {"weibo": 0}}, "采集间隔 0 应在 1 到 10080 分钟之间"),
        ({"weibo": {"max_page": 3}}, "Extra inputs are not permitted"),
    ],
)
def test_bad_values_say_what_is_wrong(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("{", r"\{").replace("}", r"\}")):
        CollectorsSettings.model_validate(values)
