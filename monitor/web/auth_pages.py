"""Sign in, sign out, change the password (a one-time password must be changed first)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from monitor.db.models import User
from monitor.errors import InputError
from monitor.web import audit, users
from monitor.web.security import csrf_ok, stale_form
from monitor.web.state import flash, render, signed_in, web


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def login_form(request: Request) -> Response:
    return render(request, "login.html", None)


async def login(request: Request) -> Response:
    form = await request.form()
    if not csrf_ok(request, form.get("csrf")):
        return render(request, "login.html", None, 400, error="页面已过期，请重新登录")
    state = web(request)
    name = str(form.get("name", "")).strip()
    password = str(form.get("password", ""))
    address = _address(request)
    now = state.clock()
    locked = state.throttle.locked_until(name, address)
    if locked is not None:
        minutes = max(1, int((locked - now).total_seconds() // 60) + 1)
        return render(
            request,
            "login.html",
            None,
            429,
            error=f"登录失败次数过多，请 {minutes} 分钟后再试",
            name=name,
        )
    with state.transaction() as session:
        user = users.authenticate(session, name, password, now)
        if user is None:
            state.throttle.failed(name, address)
            audit.record(
                session,
                user=name[:100],
                action="login_failed",
                object_type="user",
                object_id=name[:100],
                now=now,
                note=f"来自 {address}",
            )
            return render(request, "login.html", None, 401, error="用户名或密码不正确", name=name)
        state.throttle.succeeded(name)
        audit.record(
            session,
            user=user.name,
            action="login",
            object_type="user",
            object_id=user.name,
            unit_id=user.unit_id,
            now=now,
            note=f"来自 {address}",
        )
        must_change = user.must_change_password
        user_id = user.id
    request.session.clear()  # a fresh session (and CSRF token) at every sign-in
    request.session["user_id"] = user_id
    request.session["issued"] = now.timestamp()
    return RedirectResponse("/password" if must_change else "/", status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form()
    if not csrf_ok(request, form.get("csrf")):
        return stale_form()
    state = web(request)
    user_id = request.session.get("user_id")
    with state.transaction() as session:
        user = session.get(User, user_id) if isinstance(user_id, int) else None
        if user is not None:
            audit.record(
                session,
                user=user.name,
                action="logout",
                object_type="user",
                object_id=user.name,
                unit_id=user.unit_id,
                now=state.clock(),
            )
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def password_form(request: Request) -> Response:
    state = web(request)
    with state.session() as session:
        scope = signed_in(request, session, allow_password_change=True)
        user = session.get(User, scope.user_id)
        first = bool(user and user.must_change_password)
        return render(request, "password.html", scope, first=first)


async def password(request: Request) -> Response:
    form = await request.form()
    state = web(request)
    with state.transaction() as session:
        scope = signed_in(request, session, allow_password_change=True)
        if not csrf_ok(request, form.get("csrf")):
            return render(request, "password.html", scope, 400, error="页面已过期，请重试")
        user = session.get(User, scope.user_id)
        assert user is not None
        first = user.must_change_password
        new = str(form.get("new", ""))
        try:
            if new != str(form.get("again", "")):
                raise InputError("两次输入的新密码不一致")
            users.change_password(session, user, str(form.get("old", "")), new)
        except InputError as exc:
            return render(request, "password.html", scope, 400, error=exc.message, first=first)
        audit.record(
            session,
            user=user.name,
            action="password_changed",
            object_type="user",
            object_id=user.name,
            unit_id=user.unit_id,
            now=state.clock(),
        )
    flash(request, "密码已修改")
    return RedirectResponse("/", status_code=303)
