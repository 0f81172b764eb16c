"""Sessions, CSRF, login throttling, security headers, and hostile text rendered escaped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from starlette.testclient import TestClient
from testkit.web import (
    HOSTILE_COMMENT,
    HOSTILE_LINK,
    HOSTILE_POST,
    PASSWORD,
    Clock,
    World,
    csrf_of,
    login,
)


def _try(client: TestClient, name: str, password: str) -> int:
    token = csrf_of(client)
    response = client.post(
        "/login", data={"name": name, "password": password, "csrf": token}, follow_redirects=False
    )
    return response.status_code


def test_post_without_csrf_token_is_refused(
    as_user: Callable[[str], TestClient], world: World
) -> None:
    client = as_user("road")
    finding = world.findings["road"][0]
    for data in ({}, {"csrf": "forged"}):
        response = client.post(f"/findings/{finding}/ack", data=data)
        assert response.status_code == 400
    assert "暂无操作记录" in client.get(f"/findings/{finding}").text


def test_login_without_csrf_token_is_refused(client: TestClient, world: World) -> None:
    response = client.post("/login", data={"name": "road", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/", follow_redirects=False).status_code == 303


def test_five_failures_lock_the_user_for_fifteen_minutes(
    client: TestClient, world: World, clock: Clock
) -> None:
    for _ in range(5):
        assert _try(client, "road", "wrong password") == 401
    response_code = _try(client, "road", PASSWORD)
    assert response_code == 429  # even the right password, while locked
    clock.now += dt.timedelta(minutes=14)
    assert _try(client, "road", PASSWORD) == 429
    clock.now += dt.timedelta(minutes=2)
    assert _try(client, "road", PASSWORD) == 303


def test_failures_across_names_lock_the_address(client: TestClient, world: World) -> None:
    for name in ("a1", "a2", "a3", "a4", "a5"):
        assert _try(client, name, "x") == 401
    assert _try(client, "port", PASSWORD) == 429


def test_security_headers_and_cookie_flags(client: TestClient, world: World) -> None:
    response = client.get("/login")
    csp = response.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    token = csrf_of(client)
    login_response = client.post(
        "/login", data={"name": "road", "password": PASSWORD, "csrf": token}, follow_redirects=False
    )
    cookie = login_response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain http in tests; behind_proxy sets it


def test_cookie_is_secure_behind_https_proxy(
    write_settings: Callable[..., object], db_url: str, db_engine: object, world: World
) -> None:
    from pathlib import Path

    from monitor.settings.load import load_settings_file
    from monitor.web.app import create_app

    path = write_settings("[web]\nbehind_proxy = true\n", db_url=db_url)
    assert isinstance(path, Path)
    app = create_app(load_settings_file(path), db_engine, key="k")  # type: ignore[arg-type]
    with TestClient(app, base_url="https://testserver") as client:
        token = csrf_of(client)
        response = client.post(
            "/login",
            data={"name": "road", "password": PASSWORD, "csrf": token},
            follow_redirects=False,
        )
        assert "secure" in response.headers["set-cookie"].lower()


def test_no_inline_script_or_style_anywhere(
    as_user: Callable[[str], TestClient], world: World
) -> None:
    client = as_user("admin")
    for path in ["/", "/findings", f"/findings/{world.findings['road'][0]}", "/accounts"]:
        page = client.get(path).text
        assert "<script" not in page and "style=" not in page and "<style" not in page


def test_hostile_texts_render_escaped_everywhere(
    as_user: Callable[[str], TestClient], world: World
) -> None:
    client = as_user("admin")
    pages = [
        "/findings",
        f"/findings/{world.findings['road'][0]}",
        f"/findings/{world.questions['road']}",
        "/questions",
        f"/accounts/{world.accounts['road'][0]}",
        "/sentiment",
    ]
    for path in pages:
        page = client.get(path).text
        assert HOSTILE_POST not in page, path
        assert HOSTILE_COMMENT not in page, path
        assert "<img src=x" not in page, path
        assert f'href="{HOSTILE_LINK}"' not in page and 'href="javascript:' not in page, path
    assert "&lt;script&gt;" in client.get(f"/findings/{world.findings['road'][0]}").text


def test_disabled_user_loses_the_open_session(
    as_user: Callable[[str], TestClient], world: World, db_sessions: object
) -> None:
    from sqlalchemy.orm import Session, sessionmaker

    from monitor.web.users import set_disabled

    client = as_user("road")
    assert client.get("/", follow_redirects=False).status_code == 200
    assert isinstance(db_sessions, sessionmaker)
    with db_sessions.begin() as session:
        assert isinstance(session, Session)
        set_disabled(session, "road")
    assert client.get("/", follow_redirects=False).status_code == 303
    assert _try(client, "road", PASSWORD) == 401


def test_session_expires_after_its_lifetime(
    as_user: Callable[[str], TestClient], world: World, clock: Clock
) -> None:
    client = as_user("road")
    clock.now += dt.timedelta(hours=9)  # [web] session_hours = 8
    assert client.get("/", follow_redirects=False).status_code == 303


def test_one_time_password_must_be_changed_first(
    client: TestClient, world: World, db_sessions: object
) -> None:
    from sqlalchemy.orm import sessionmaker

    from monitor.web.users import add_user

    assert isinstance(db_sessions, sessionmaker)
    with db_sessions.begin() as session:
        once = add_user(session, "newbie", "unit", "省港航局")
    login(client, "newbie", once)
    assert client.get("/", follow_redirects=False).headers["location"] == "/password"
    token = csrf_of(client, "/password")
    short = client.post(
        "/password", data={"old": once, "new": "short", "again": "short", "csrf": token}
    )
    assert short.status_code == 400 and "太短" in short.text
    new = "a much longer secret"
    done = client.post(
        "/password",
        data={"old": once, "new": new, "again": new, "csrf": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 200


def test_status_page_masks_secrets(
    write_settings: Callable[..., object],
    db_url: str,
    db_engine: object,
    world: World,
    monkeypatch: object,
) -> None:
    from pathlib import Path

    import pytest

    from monitor.settings.load import load_settings_file
    from monitor.web.app import create_app

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    secret = "s3cr3t-signing-key-for-the-console"
    monkeypatch.setenv("GOVMON_TEST_WEB_SECRET", secret)
    path = write_settings('[web]\nsecret_key = { env = "GOVMON_TEST_WEB_SECRET" }\n', db_url=db_url)
    assert isinstance(path, Path)
    app = create_app(load_settings_file(path), db_engine)  # type: ignore[arg-type]
    with TestClient(app) as client:
        login(client, "admin")
        page = client.get("/status").text
    assert "web.secret_key" in page
    assert secret not in page
