"""DingTalk (钉钉) group bot: ``dingtalk://TOKEN?secret=SEC`` or the native webhook URL.

``https://oapi.dingtalk.com/robot/send?access_token=TOKEN`` is accepted (add ``&secret=SEC``
when the bot signs). Signed requests carry ``timestamp`` (milliseconds) and ``sign`` =
base64(HMAC-SHA256(secret, "timestamp\\nsecret")). 20 messages a minute per bot, paced.
Options: ``secret``, ``mentions=userid1,userid2``, ``base=http://host:port``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import SplitResult, quote, urlsplit

from alerts.channels.base import register, require, split_list, unique
from alerts.channels.bot import WebhookBot, error_text
from alerts.channels.sign import dingtalk_sign
from alerts.channels.split import numbered_parts
from alerts.message import Message
from alerts.results import Delivered, Failed, RetryLater, SendResult

VENDOR = "https://oapi.dingtalk.com"
PATH = "/robot/send"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,128}$")

RETRY_CODES = {
    -1: "钉钉系统繁忙",
    130101: "钉钉机器人发送太频繁（errcode 130101）",
    410100: "钉钉机器人发送太频繁（errcode 410100）",
}
FINAL_CODES = {
    310000: "钉钉机器人拒绝消息（errcode 310000）：签名、关键词或 IP 白名单校验未通过",
    300001: "钉钉机器人 access_token 无效（errcode 300001）",
    400102: "钉钉机器人已停用（errcode 400102）",
}


@register
class DingTalkChannel(WebhookBot):
    schemes: ClassVar[tuple[str, ...]] = ("dingtalk",)
    options: ClassVar[frozenset[str]] = frozenset({"access_token", "secret", "mentions", "base"})
    label: ClassVar[str] = "钉钉机器人"
    rate_limit: ClassVar[tuple[int, float]] = (20, 60.0)
    max_bytes: ClassVar[int] = 18000

    @classmethod
    def accepts_native(cls, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme == "https" and parts.netloc == "oapi.dingtalk.com"

    def _configure(self, parts: SplitResult, query: dict[str, str]) -> None:
        if self.scheme == "https":
            require(parts.path == PATH, f"钉钉机器人地址应为 {VENDOR}{PATH}?access_token=TOKEN")
            token = query.get("access_token", "")
        else:
            token = query.get("access_token", "") or parts.netloc
            require(parts.path in ("", "/"), "钉钉机器人地址应形如 dingtalk://TOKEN?secret=SEC")
        require(bool(token), "钉钉机器人地址缺少 access_token，应形如 dingtalk://TOKEN?secret=SEC")
        require(bool(_TOKEN.match(token)), "钉钉机器人的 access_token 格式不对")
        self.token = self._secret(token)
        self.signing_secret = self._secret(query.get("secret", ""))
        self.mentions = split_list(query.get("mentions", ""))
        self.origin = self._base(query, VENDOR)

    def _split(self, message: Message) -> list[str]:
        body = message.markdown_or_text
        mentions = unique((*self.mentions, *message.mentions))
        if mentions:
            body = body.rstrip("\n") + "\n\n" + " ".join(f"@{m}" for m in mentions)
        return numbered_parts(body, self.max_bytes)

    def _request(self, message: Message, body: str, part: int) -> tuple[str, dict[str, Any]]:
        query = f"access_token={self.token}"
        if self.signing_secret:
            stamp = int(self.context.now().timestamp() * 1000)
            sign = quote(dingtalk_sign(stamp, self.signing_secret), safe="")
            query += f"&timestamp={stamp}&sign={sign}"
        title = message.subject if part == 0 else f"{message.subject}（续）"
        payload: dict[str, Any] = {
            "msgtype": "markdown",
            "markdown": {"title": title[:60], "text": body},
        }
        mentions = unique((*self.mentions, *message.mentions))
        if mentions:
            payload["at"] = {"atUserIds": list(mentions), "isAtAll": False}
        return self._endpoint(self.origin, PATH, query), payload

    def _verdict(self, answer: dict[str, Any]) -> SendResult:
        code = answer.get("errcode")
        if code == 0:
            return Delivered()
        if not isinstance(code, int):
            return RetryLater("钉钉机器人的应答缺少 errcode")
        if code in RETRY_CODES:
            return RetryLater(RETRY_CODES[code], self._later())
        if code in FINAL_CODES:
            return Failed(FINAL_CODES[code])
        return Failed(f"钉钉机器人返回错误（errcode {code}）：{error_text(answer, 'errmsg')}")
