"""Login throttling, CSRF tokens and the security headers every response carries."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Clock = Callable[[], dt.datetime]

# No inline script or style anywhere: the console's CSS is a file of its own.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


class SecurityHeaders:
    """Adds :data:`HEADERS` to every HTTP response (pages, downloads, errors alike)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use; every form carries it."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def stale_form() -> Response:
    """The answer to a POST whose CSRF token does not match the session (an old page)."""
    return Response("页面已过期，请刷新后重试", status_code=400)


def csrf_ok(request: Request, given: object) -> bool:
    token = request.session.get("csrf")
    return (
        isinstance(token, str)
        and isinstance(given, str)
        and bool(token)
        and hmac.compare_digest(token, given)
    )


@dataclass
class LoginThrottle:
    """``attempts`` failures in a row lock a user name, and separately an address, for
    ``lockout``. Kept in memory: one console process serves the office."""

    clock: Clock
    attempts: int = 5
    lockout: dt.timedelta = dt.timedelta(minutes=15)
    _failures: dict[str, list[dt.datetime]] = field(default_factory=dict)

    def _recent(self, key: str) -> list[dt.datetime]:
        cutoff = self.clock() - self.lockout
        kept = [t for t in self._failures.get(key, []) if t > cutoff]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    def locked_until(self, name: str, address: str) -> dt.datetime | None:
        for key in (f"user:{name}", f"addr:{address}"):
            recent = self._recent(key)
            if len(recent) >= self.attempts:
                return recent[-1] + self.lockout
        return None

    def failed(self, name: str, address: str) -> None:
        now = self.clock()
        for key in (f"user:{name}", f"addr:{address}"):
            self._failures.setdefault(key, []).append(now)

    def succeeded(self, name: str) -> None:
        self._failures.pop(f"user:{name}", None)
