"""The console's Starlette application: routes, sessions, security headers, error pages."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from monitor.db.engine import make_sessionmaker
from monitor.settings import Settings
from monitor.web import account_pages, auth_pages, finding_pages, other_pages
from monitor.web.security import LoginThrottle, SecurityHeaders
from monitor.web.state import STATIC, WebState, make_env, render

log = logging.getLogger("monitor.web")

ERROR_TITLES = {
    400: "请求有误",
    403: "没有权限",
    404: "没有找到",
    405: "不支持的操作",
    429: "操作过于频繁",
}


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code in (301, 302, 303, 307):
        return Response(status_code=exc.status_code, headers=exc.headers)
    title = ERROR_TITLES.get(exc.status_code, "出错了")
    detail = exc.detail if exc.detail and exc.detail != title else ""
    return render(request, "error.html", None, exc.status_code, title=title, detail=detail)


def secret_key(settings: Settings) -> str:
    if settings.web.secret_key is not None:
        return settings.web.secret_key.get_secret_value()
    log.warning("未设置 web.secret_key：本次启动使用随机密钥，重启后所有人需重新登录")
    return secrets.token_urlsafe(48)


def create_app(
    settings: Settings,
    engine: Engine,
    *,
    clock: Callable[[], dt.datetime] = _utcnow,
    key: str | None = None,
) -> Starlette:
    web = settings.web
    state = WebState(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        clock=clock,
        throttle=LoginThrottle(
            clock, web.login_attempts, dt.timedelta(minutes=web.lockout_minutes)
        ),
        env=make_env(settings.general.timezone),
    )
    fp = finding_pages
    ap = account_pages
    op = other_pages
    routes = [
        Route("/login", auth_pages.login_form, methods=["GET"]),
        Route("/login", auth_pages.login, methods=["POST"]),
        Route("/logout", auth_pages.logout, methods=["POST"]),
        Route("/password", auth_pages.password_form, methods=["GET"]),
        Route("/password", auth_pages.password, methods=["POST"]),
        Route("/", op.overview, methods=["GET"]),
        Route("/findings", fp.findings_list, methods=["GET"]),
        Route("/findings/{finding_id:int}", fp.finding_page, methods=["GET"]),
        Route("/findings/{finding_id:int}/ack", fp.acknowledge, methods=["POST"]),
        Route("/findings/{finding_id:int}/false-positive", fp.false_positive, methods=["POST"]),
        Route("/findings/{finding_id:int}/answered", fp.answered_offline, methods=["POST"]),
        Route("/findings/{finding_id:int}/note", fp.note, methods=["POST"]),
        Route("/questions", fp.questions_list, methods=["GET"]),
        Route("/accounts", ap.accounts_list, methods=["GET"]),
        Route("/accounts/{account_id:int}", ap.account_page, methods=["GET"]),
        Route("/accounts/import", ap.import_form, methods=["GET"]),
        Route("/accounts/import", ap.import_upload, methods=["POST"]),
        Route("/accounts/import/{token}", ap.import_preview, methods=["GET"]),
        Route("/accounts/import/{token}", ap.import_confirm, methods=["POST"]),
        Route("/digests", op.digests_list, methods=["GET"]),
        Route("/digests/{digest_id:int}/html", op.digest_html, methods=["GET"]),
        Route("/digests/{digest_id:int}/xlsx", op.digest_xlsx, methods=["GET"]),
        Route("/sentiment", op.sentiment_page, methods=["GET"]),
        Route("/sentiment/label", op.sentiment_label, methods=["POST"]),
        Route("/status", op.status_page, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=key or secret_key(settings),
            session_cookie="govmon_session",
            max_age=web.session_hours * 3600,
            same_site="lax",
            https_only=web.behind_proxy,
        ),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: _http_error},
    )
    app.state.web = state
    return app
