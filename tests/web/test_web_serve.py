"""The console beside the daemon (`govmon run` with [web] enabled), and the demo's users."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from testkit.web import World

from monitor.db.models import User
from monitor.settings.load import load_settings_file
from monitor.web.demo import demo_users
from monitor.web.serve import start_in_background
from monitor.web.users import verify


def test_console_runs_in_a_background_thread_and_stops(
    write_settings: Callable[..., Path], db_url: str, db_engine: Engine, world: World
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = load_settings_file(
        write_settings(f"[web]\nenabled = true\nport = {port}\n", db_url=db_url)
    )
    console = start_in_background(settings, db_engine)
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/login")
        assert response.status_code == 200 and "登录" in response.text
        assert response.headers["x-frame-options"] == "DENY"
    finally:
        console.stop()
    assert not console.thread.is_alive()


def test_demo_users_are_an_admin_and_the_busiest_units_user(
    world: World, db_sessions: sessionmaker[Session]
) -> None:
    with db_sessions.begin() as session:  # the world's users are not the demo's
        for user in session.scalars(select(User)):
            session.delete(user)
    made = demo_users(db_sessions)
    assert [u.name for u in made] == ["admin", "unit"]
    assert made[1].description.startswith("单位用户，")
    with db_sessions() as session:
        for user in made:
            row = session.scalars(select(User).where(User.name == user.name)).one()
            assert row.must_change_password and verify(row.password_hash, user.password)
