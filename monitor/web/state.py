"""What every request handler shares: settings, database, clock, throttle, templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from analysis.collection_gaps import error_reason
from analysis.labels import (
    account_label,
    account_locator,
    citation,
    closure_label,
    platform_label,
    role_label,
    rule_title,
    severity_label,
    state_label,
)
from monitor.daemon.runs import OUTCOME_LABELS
from monitor.db.models import User
from monitor.settings import Settings
from monitor.web.audit import ACTION_LABELS
from monitor.web.scope import Scope, scope_of
from monitor.web.security import LoginThrottle, csrf_token

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

ACCOUNT_STATUS_LABELS = {"active": "正常", "closed": "已注销", "gone": "平台上已不存在"}
DELIVERY_LABELS = {"pending": "待发送", "sending": "发送中", "sent": "已发送", "failed": "失败"}


@dataclass
class WebState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Callable[[], dt.datetime]
    throttle: LoginThrottle
    env: Environment

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions.begin() as session:
            yield session


def make_env(timezone: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    tz = ZoneInfo(timezone)

    def when(value: dt.datetime | None, empty: str = "—") -> str:
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else empty

    env.filters.update(
        when=when,
        rule_title=rule_title,
        citation=citation,
        severity=severity_label,
        state=state_label,
        platform=platform_label,
        # A failing account as the operator finds it, and its stored error without its key.
        locator=account_locator,
        account_label=account_label,  # one unit's 公众号 and 微博 may share a name
        reason=lambda error, key: error_reason(key, error),
        closure=closure_label,
        role=role_label,
        action=lambda a: ACTION_LABELS.get(a, a),
        account_status=lambda s: ACCOUNT_STATUS_LABELS.get(s, s),
        outcome=lambda o: OUTCOME_LABELS.get(o, o),
        delivery=lambda d: DELIVERY_LABELS.get(d, d),
    )
    return env


def web(request: Request) -> WebState:
    state = request.app.state.web
    assert isinstance(state, WebState)
    return state


def not_found() -> HTTPException:
    return HTTPException(404, "没有这个页面，或不在您的查看范围内")


def signed_in(request: Request, session: Session, *, allow_password_change: bool = False) -> Scope:
    """The signed-in person's scope; otherwise to the login page (or the password page when
    the one-time password has not been changed yet)."""
    state = web(request)
    user_id = request.session.get("user_id")
    issued = request.session.get("issued", 0)
    now = state.clock().timestamp()
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    too_old = not isinstance(issued, int | float) or (
        now - issued > state.settings.web.session_hours * 3600
    )
    if user is None or user.disabled or too_old:
        request.session.clear()
        raise HTTPException(303, headers={"Location": "/login"})
    if user.must_change_password and not allow_password_change:
        raise HTTPException(303, headers={"Location": "/password"})
    return scope_of(session, user)


def require_actor(scope: Scope) -> None:
    """Viewers read only: an action page answers 403 to them."""
    if not scope.can_act:
        raise HTTPException(403, "只读用户不能进行此操作")


def render(
    request: Request, template: str, scope: Scope | None, status_code: int = 200, **values: Any
) -> HTMLResponse:
    state = web(request)
    flash = request.session.pop("flash", None)
    html = state.env.get_template(template).render(
        request=request,
        me=scope,
        csrf=csrf_token(request),
        flash=flash,
        path=request.url.path,
        **values,
    )
    return HTMLResponse(html, status_code=status_code)


def flash(request: Request, message: str) -> None:
    request.session["flash"] = message
