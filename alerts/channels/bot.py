"""Shared machinery of group-bot webhooks (WeCom, DingTalk, Feishu).

A bot answers HTTP 200 even when it refuses a message, so success is read from the JSON
body's error code. Each vendor says which codes mean "retry later" and which are final.
Network trouble, time-outs and 5xx are transient; other 4xx are final.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
from abc import abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import SplitResult, urlsplit, urlunsplit

from alerts.channels.base import Channel, PartProgress, require
from alerts.channels.split import numbered_parts
from alerts.message import Message
from alerts.results import Delivered, Failed, RetryLater, SendResult

if TYPE_CHECKING:  # loaded when a bot first sends (alerts.channels.base)
    import httpx

MAX_REASON = 200


class WebhookBot(Channel):
    """A bot reached by POSTing JSON; sends each part of a split message in turn, paced."""

    rate_limit: ClassVar[tuple[int, float]] = (20, 60.0)  # messages, seconds
    max_bytes: ClassVar[int] = 4096
    default_retry_seconds: ClassVar[float] = 60.0

    def _base(self, query: dict[str, str], vendor: str) -> SplitResult:
        """The vendor's origin, or the ``base`` option's (a fake bot in tests, a proxy)."""
        base = query.get("base", "")
        if not base:
            return urlsplit(vendor)
        parts = urlsplit(base)
        require(
            parts.scheme in ("http", "https") and bool(parts.netloc),
            f"{self.label}地址的 base 参数应为 http(s)://主机[:端口]",
        )
        return parts

    def _endpoint(self, origin: SplitResult, path: str, query: str) -> str:
        return urlunsplit((origin.scheme, origin.netloc, path, query, ""))

    @property
    def pacing_key(self) -> str:
        """Identifies the bot without holding its key (pacers are shared per bot)."""
        digest = hashlib.sha256("|".join(self._secrets).encode()).hexdigest()[:16]
        return f"{self.scheme}:{digest}"

    # -- the vendor's part ----------------------------------------------------------------

    @abstractmethod
    def _request(self, message: Message, body: str, part: int) -> tuple[str, dict[str, Any]]:
        """URL (signed if need be) and JSON payload for one part of a message."""

    @abstractmethod
    def _verdict(self, answer: dict[str, Any]) -> SendResult:
        """Read the bot's JSON answer."""

    def _body(self, message: Message) -> str:
        return message.markdown_or_text

    def _split(self, message: Message) -> list[str]:
        return numbered_parts(self._body(message), self.max_bytes)

    # -- sending --------------------------------------------------------------------------

    def send(self, message: Message, progress: PartProgress | None = None) -> SendResult:
        parts = self._split(message)
        limit, window = self.rate_limit
        pacer = self.context.pacer(self.pacing_key, limit, window)
        start = min(message.first_part, len(parts))
        for index in range(start, len(parts)):
            pacer.wait()
            url, payload = self._request(message, parts[index], index)
            result = self._post(url, payload)
            if isinstance(result, RetryLater):
                return RetryLater(self._tidy(result.reason), result.when, parts_sent=index)
            if isinstance(result, Failed):
                return Failed(self._tidy(result.reason), parts_sent=index)
            if progress is not None:
                progress(index + 1)
        return Delivered(parts=len(parts) - start)

    def _post(self, url: str, payload: dict[str, Any]) -> SendResult:
        import httpx

        try:
            response = self.context.http().post(url, json=payload)
        except httpx.TimeoutException:
            return RetryLater(f"{self.label}响应超时")
        except httpx.TransportError as exc:
            return RetryLater(f"{self.label}网络错误：{type(exc).__name__} {exc}")
        status = response.status_code
        if status == 429:
            return RetryLater(f"{self.label}限流（HTTP 429）", self._retry_after(response))
        if status >= 500:
            return RetryLater(f"{self.label}服务端错误（HTTP {status}）")
        if status >= 400:
            return Failed(f"{self.label}拒绝请求（HTTP {status}），请检查地址与密钥")
        try:
            answer = response.json()
        except ValueError:
            return RetryLater(f"{self.label}返回的不是 JSON（HTTP {status}）")
        if not isinstance(answer, dict):
            return RetryLater(f"{self.label}返回的 JSON 格式不对")
        return self._verdict(answer)

    def _later(self, seconds: float | None = None) -> dt.datetime:
        delay = self.default_retry_seconds if seconds is None else seconds
        return self.context.now() + dt.timedelta(seconds=delay)

    def _retry_after(self, response: httpx.Response) -> dt.datetime:
        value = response.headers.get("Retry-After", "")
        if value.isdigit():
            return self._later(min(float(value), 3600.0))
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return self._later()
        return when if when.tzinfo else when.replace(tzinfo=dt.UTC)

    def _tidy(self, reason: str) -> str:
        """A reason is shown to users and stored: no secret, no endless server text."""
        reason = self.redact(reason)
        return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"


def error_text(answer: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = answer.get(key)
        if value:
            return str(value)[:100]
    return ""
