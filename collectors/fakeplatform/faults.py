"""Failure injection for the fake platform: what the real platforms do when things go wrong."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FaultKind = Literal[
    "status",  # answer ``status`` (with Retry-After when set) and ``body``
    "login_html",  # a login / captcha HTML page where JSON or a feed was expected
    "login_redirect",  # 302 to passport.weibo.cn
    "ok_minus_100",  # {"ok": -100, "url": "https://passport.weibo.cn/..."}
    "truncated",  # the normal answer, cut in half
    "empty",  # 200 with an empty body
    "delay",  # wait ``delay`` seconds, then answer normally (a timeout if long enough)
]

LOGIN_HTML = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>微博-登录</title></head>'
    '<body><div class="login">请登录后继续访问 <a href="https://passport.weibo.cn/signin/'
    'login">登录</a><!-- cookie seen: {cookie} --></div></body></html>'
)
OK_MINUS_100 = (
    '{"ok":-100,"url":"https://passport.weibo.cn/signin/welcome?entry=mweibo&r=https%3A%2F%2F'
    'm.weibo.cn%2F"}'
)


@dataclass
class Fault:
    """One injected failure; ``times`` answers (None: until cleared)."""

    kind: FaultKind
    status: int = 200
    retry_after: str = ""
    body: bytes = b""
    delay: float = 0.0
    times: int | None = 1
