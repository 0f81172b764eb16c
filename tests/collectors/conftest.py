"""Fixtures for the collectors tests: sample content and a started fake platform."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from testkit.collecting import FIXTURES, clock

from collectors.fakeplatform import FakeContent, FakePlatform


@pytest.fixture
def content() -> FakeContent:
    return FakeContent.load_dir(FIXTURES / "content")


@pytest.fixture
def fake(content: FakeContent) -> Iterator[FakePlatform]:
    with FakePlatform(content, clock=clock, time_style="relative") as server:
        yield server
