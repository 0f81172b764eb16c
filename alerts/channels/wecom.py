"""WeCom (企业微信) group bot: ``wecom://KEY`` or the native webhook URL.

``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY`` is accepted as is. Options:
``format=markdown|text`` (default markdown), ``mentions=userid1,userid2`` (added to the
message's own), ``base=http://host:port`` (another server than qyapi.weixin.qq.com).

Limits (the vendor's): markdown 4096 bytes, text 2048 bytes per message, split on line
boundaries; 20 messages a minute per bot, paced. The answer is HTTP 200 either way: errcode
0 delivered, 45009 rate limited (retry later), 93000 bad webhook and 40058 too long (final).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import SplitResult, urlsplit

from alerts.channels.base import register, require, split_list, unique
from alerts.channels.bot import WebhookBot, error_text
from alerts.channels.split import numbered_parts
from alerts.message import Message
from alerts.results import Delivered, Failed, RetryLater, SendResult

VENDOR = "https://qyapi.weixin.qq.com"
PATH = "/cgi-bin/webhook/send"
_KEY = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
_USERID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")

RETRY_CODES = {-1: "企业微信系统繁忙", 45009: "企业微信机器人发送太频繁（errcode 45009）"}
FINAL_CODES = {
    93000: (
        "企业微信机器人地址无效（errcode 93000），请检查 webhook key 是否正确、机器人是否已被移除"
    ),
    40058: "消息超出企业微信长度限制被拒（errcode 40058）",
    93017: "企业微信机器人被禁止发送（errcode 93017）",
}
TEXT_LIMIT = 2048
MARKDOWN_LIMIT = 4096


@register
class WeComChannel(WebhookBot):
    schemes: ClassVar[tuple[str, ...]] = ("wecom",)
    options: ClassVar[frozenset[str]] = frozenset({"key", "format", "mentions", "base"})
    label: ClassVar[str] = "企业微信机器人"
    rate_limit: ClassVar[tuple[int, float]] = (20, 60.0)

    @classmethod
    def accepts_native(cls, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme == "https" and parts.netloc == "qyapi.weixin.qq.com"

    def _configure(self, parts: SplitResult, query: dict[str, str]) -> None:
        if self.scheme == "https":
            require(parts.path == PATH, f"企业微信机器人地址应为 {VENDOR}{PATH}?key=KEY")
            key = query.get("key", "")
        else:
            key = query.get("key", "") or parts.netloc
            require(parts.path in ("", "/"), "企业微信机器人地址应形如 wecom://KEY，不含路径")
        require(bool(key), "企业微信机器人地址缺少 key，应形如 wecom://KEY")
        require(bool(_KEY.match(key)), "企业微信机器人的 key 格式不对（应为字母、数字和连字符）")
        self.key = self._secret(key)
        self.format = query.get("format", "markdown")
        require(
            self.format in ("markdown", "text"),
            "企业微信机器人的 format 参数应为 markdown 或 text",
        )
        self.part_limit = MARKDOWN_LIMIT if self.format == "markdown" else TEXT_LIMIT
        self.mentions = split_list(query.get("mentions", ""))
        bad = [m for m in self.mentions if not _USERID.match(m)]
        require(not bad, f"企业微信机器人的 mentions 含无效的用户 ID：{'、'.join(bad)}")
        origin = self._base(query, VENDOR)
        self.origin = origin

    def _all_mentions(self, message: Message) -> tuple[str, ...]:
        return unique(m for m in (*self.mentions, *message.mentions) if _USERID.match(m))

    def _split(self, message: Message) -> list[str]:
        body = message.markdown_or_text if self.format == "markdown" else message.text
        mentions = self._all_mentions(message)
        if self.format == "markdown" and mentions:
            # Mentions close the last part, so the people named are notified once, at the end.
            body = body.rstrip("\n") + "\n" + " ".join(f"<@{m}>" for m in mentions)
        return numbered_parts(body, self.part_limit)

    def _request(self, message: Message, body: str, part: int) -> tuple[str, dict[str, Any]]:
        url = self._endpoint(self.origin, PATH, f"key={self.key}")
        if self.format == "markdown":
            return url, {"msgtype": "markdown", "markdown": {"content": body}}
        text: dict[str, Any] = {"content": body}
        mentions = self._all_mentions(message)
        if mentions and part == 0:
            text["mentioned_list"] = list(mentions)
        return url, {"msgtype": "text", "text": text}

    def _verdict(self, answer: dict[str, Any]) -> SendResult:
        code = answer.get("errcode")
        if code == 0:
            return Delivered()
        if not isinstance(code, int):
            return RetryLater("企业微信机器人的应答缺少 errcode")
        if code in RETRY_CODES:
            return RetryLater(RETRY_CODES[code], self._later())
        if code in FINAL_CODES:
            return Failed(FINAL_CODES[code])
        detail = error_text(answer, "errmsg")
        return Failed(f"企业微信机器人返回错误（errcode {code}）：{detail}")
