"""The file outbox writes .md and .json; a retried message overwrites itself."""

from __future__ import annotations

import json
from pathlib import Path

from alerts.channels import ChannelContext, build_channel
from alerts.message import Message
from alerts.results import Delivered


def test_writes_markdown_and_json(tmp_path: Path, context: ChannelContext) -> None:
    channel = build_channel(f"file://{tmp_path / 'outbox'}", context)
    message = Message("【政务新媒体监测】测试", "正文", "**正文**", key="delivery-7")
    assert isinstance(channel.send(message), Delivered)
    assert isinstance(channel.send(message), Delivered)
    files = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    assert files == ["delivery-7.json", "delivery-7.md"]
    document = json.loads((tmp_path / "outbox" / "delivery-7.json").read_text(encoding="utf-8"))
    assert document["subject"] == "【政务新媒体监测】测试"
    assert (tmp_path / "outbox" / "delivery-7.md").read_text(encoding="utf-8").startswith("# 【")


def test_relative_directory(tmp_path: Path, context: ChannelContext, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.chdir(tmp_path)
    channel = build_channel("file://data/outbox", context)
    assert isinstance(channel.send(Message("s", "t")), Delivered)
    assert len(list((tmp_path / "data" / "outbox").glob("*.md"))) == 1
