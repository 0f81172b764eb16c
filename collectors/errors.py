"""Every way a collection can fail, one class each, under :class:`CollectError`.

A failure is never parsed as "no new posts": collectors raise one of these, the engine records
its ``kind`` and its Chinese ``text`` (the account's ``last_error``) and carries on with the
other accounts. Texts never contain response bodies or request headers, so a cookie echoed
back by a server cannot leak into logs or the database.
"""

from __future__ import annotations


class CollectError(Exception):
    """Base class; ``text`` is the Chinese sentence shown to users as ``last_error``."""

    kind = "error"
    default_text = "采集失败"

    def __init__(self, text: str = "", *, url: str = "") -> None:
        self.text = text or self.default_text
        self.url = url
        super().__init__(self.text)


class LoginWall(CollectError):
    """The platform wants a login, a fresh cookie or a captcha before it shows anything."""

    kind = "login_wall"
    default_text = "平台要求登录或验证码：请更新 Cookie"


class RateLimited(CollectError):
    """The platform throttles us; ``retry_after`` seconds (if it said) before trying again."""

    kind = "rate_limited"
    default_text = "平台限制访问频率，稍后再试"

    def __init__(self, text: str = "", *, retry_after: float | None = None, url: str = "") -> None:
        super().__init__(text, url=url)
        self.retry_after = retry_after


class AccountGone(CollectError):
    """The account was deleted, banned or renamed (its id no longer resolves)."""

    kind = "account_gone"
    default_text = "账号不存在（可能已注销、被封禁或更换了ID），请核实备案信息（第九条）"


class MalformedResponse(CollectError):
    """The platform answered, but not with what its API returns (changed shape, truncated…)."""

    kind = "malformed"
    default_text = "平台返回的内容无法解析"


class NetworkError(CollectError):
    """Timeouts, refused connections and server errors that outlasted the retries."""

    kind = "network"
    default_text = "网络错误"


ERROR_KINDS: dict[str, type[CollectError]] = {
    cls.kind: cls
    for cls in (CollectError, LoginWall, RateLimited, AccountGone, MalformedResponse, NetworkError)
}


class Unsupported(CollectError):
    """No registered collector can read this account with the current settings."""

    kind = "unsupported"
    # The fact only: what to do (collectors.failing.ADVICE) is said beside it where the
    # operator reads it (govmon collect, govmon status, the no_collector finding).
    default_text = "没有可用的采集方式"


class InternalError(CollectError):
    """A collector failed in a way it did not foresee (a bug); the traceback goes to the log."""

    kind = "internal"
    default_text = "采集器内部错误（详见日志）"


ERROR_KINDS.update({cls.kind: cls for cls in (Unsupported, InternalError)})
