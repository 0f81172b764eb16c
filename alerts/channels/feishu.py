"""Feishu (飞书) group bot: ``feishu://HOOK_ID?secret=SEC`` or the native webhook URL.

``https://open.feishu.cn/open-apis/bot/v2/hook/HOOK_ID`` is accepted (add ``?secret=SEC``
when the bot signs). Signed requests carry ``timestamp`` (seconds) and ``sign`` =
base64(HMAC-SHA256 keyed with "timestamp\\nsecret" over nothing). 5 messages a second, paced.
Options: ``secret``, ``base=http://host:port``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import SplitResult, urlsplit

from alerts.channels.base import register, require
from alerts.channels.bot import WebhookBot, error_text
from alerts.channels.sign import feishu_sign
from alerts.message import Message
from alerts.results import Delivered, Failed, RetryLater, SendResult

VENDOR = "https://open.feishu.cn"
HOOK_PATH = "/open-apis/bot/v2/hook/"
NATIVE_HOSTS = ("open.feishu.cn", "open.larksuite.com")
_HOOK = re.compile(r"^[A-Za-z0-9_-]{8,128}$")

RETRY_CODES = {
    9499: "飞书机器人发送太频繁（code 9499）",
    11232: "飞书机器人发送太频繁（code 11232）",
}
FINAL_CODES = {
    19021: "飞书机器人签名校验失败（code 19021），请检查 secret 与服务器时钟",
    19024: "飞书机器人关键词校验未通过（code 19024）",
    19001: "飞书机器人地址无效（code 19001）",
}


@register
class FeishuChannel(WebhookBot):
    schemes: ClassVar[tuple[str, ...]] = ("feishu",)
    options: ClassVar[frozenset[str]] = frozenset({"secret", "base"})
    label: ClassVar[str] = "飞书机器人"
    rate_limit: ClassVar[tuple[int, float]] = (5, 1.0)
    max_bytes: ClassVar[int] = 18000

    @classmethod
    def accepts_native(cls, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme == "https" and parts.netloc in NATIVE_HOSTS

    def _configure(self, parts: SplitResult, query: dict[str, str]) -> None:
        if self.scheme == "https":
            require(
                parts.path.startswith(HOOK_PATH),
                f"飞书机器人地址应为 {VENDOR}{HOOK_PATH}HOOK_ID",
            )
            hook = parts.path[len(HOOK_PATH) :].strip("/")
            vendor = f"https://{parts.netloc}"
        else:
            hook = parts.netloc
            require(parts.path in ("", "/"), "飞书机器人地址应形如 feishu://HOOK_ID?secret=SEC")
            vendor = VENDOR
        require(bool(hook), "飞书机器人地址缺少 HOOK_ID，应形如 feishu://HOOK_ID?secret=SEC")
        require(bool(_HOOK.match(hook)), "飞书机器人的 HOOK_ID 格式不对")
        self.hook = self._secret(hook)
        self.signing_secret = self._secret(query.get("secret", ""))
        self.origin = self._base(query, vendor)

    def _request(self, message: Message, body: str, part: int) -> tuple[str, dict[str, Any]]:
        title = message.subject if part == 0 else f"{message.subject}（续）"
        payload: dict[str, Any] = {
            "msg_type": "interactive",
            "card": {
                "header": {"title": {"tag": "plain_text", "content": title[:100]}},
                "elements": [{"tag": "markdown", "content": body}],
            },
        }
        if self.signing_secret:
            stamp = int(self.context.now().timestamp())
            payload["timestamp"] = str(stamp)
            payload["sign"] = feishu_sign(stamp, self.signing_secret)
        return self._endpoint(self.origin, HOOK_PATH + self.hook, ""), payload

    def _verdict(self, answer: dict[str, Any]) -> SendResult:
        code = answer.get("code", answer.get("StatusCode"))
        if code == 0:
            return Delivered()
        if not isinstance(code, int):
            return RetryLater("飞书机器人的应答缺少 code")
        if code in RETRY_CODES:
            return RetryLater(RETRY_CODES[code], self._later(1.0))
        if code in FINAL_CODES:
            return Failed(FINAL_CODES[code])
        return Failed(f"飞书机器人返回错误（code {code}）：{error_text(answer, 'msg')}")
