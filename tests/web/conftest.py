"""A small world for the console: two unit subtrees, hostile texts, users of every role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient
from testkit.web import Clock, World, build_world, login

from monitor.settings import Settings
from monitor.settings.load import load_settings_file
from monitor.web.app import create_app


@pytest.fixture
def world(db_engine: Engine, db_sessions: sessionmaker[Session], tmp_path: Path) -> World:
    return build_world(db_sessions, tmp_path)


@pytest.fixture
def web_settings(write_settings: Callable[..., Path], db_url: str) -> Settings:
    return load_settings_file(write_settings(db_url=db_url))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(
    web_settings: Settings, db_engine: Engine, world: World, clock: Clock
) -> Iterator[TestClient]:
    app = create_app(web_settings, db_engine, clock=clock, key="test-signing-key")
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def as_user(client: TestClient) -> Callable[[str], TestClient]:
    def sign_in(name: str) -> TestClient:
        login(client, name)
        return client

    return sign_in


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the test item: the browser tests screenshot on failure."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)
