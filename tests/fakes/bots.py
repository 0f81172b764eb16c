"""Fake WeCom, DingTalk and Feishu group bots enforcing the real limits (see README.md)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

WECOM_LIMITS = {"markdown": 4096, "text": 2048}


@dataclass
class Received:
    path: str
    query: dict[str, str]
    body: bytes
    payload: Any
    accepted: bool


class FakeBot:
    def __init__(
        self,
        vendor: str,
        key: str,
        secret: str = "",
        clock: Callable[[], float] = time.monotonic,
        now_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.vendor = vendor
        self.key = key
        self.secret = secret
        self.clock = clock
        self.now_ms = now_ms
        self.mode = "normal"
        # Ordinals (1 = the first request this bot receives) answered with ``refuse_code``
        # whatever the mode: "the bot refuses parts 2 and 4" of a split message.
        self.refuse: set[int] = set()
        self.refuse_code = 45009
        self.requests: list[Received] = []
        self._window: deque[float] = deque()
        self._lock = threading.Lock()
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                bot._handle(self, body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def accepted(self) -> list[Any]:
        return [r.payload for r in self.requests if r.accepted]

    def __enter__(self) -> FakeBot:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- behaviour ------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        record = Received(parts.path, query, body, None, False)
        with self._lock:
            self.requests.append(record)
            ordinal = len(self.requests)
        mode = f"errcode:{self.refuse_code}" if ordinal in self.refuse else self.mode
        if mode == "drop":
            handler.close_connection = True
            handler.connection.close()
            return
        if mode.startswith("status:"):
            self._reply(handler, int(mode.split(":")[1]), b"<html>error</html>", "text/html")
            return
        if mode == "html":
            self._reply(handler, 200, b"<html>login</html>", "text/html")
            return
        try:
            record.payload = json.loads(body)
        except ValueError:
            self._answer(handler, {"errcode": 40000, "errmsg": "invalid json"})
            return
        if mode.startswith("errcode:"):
            code = int(mode.split(":")[1])
            self._answer(handler, self._error(code, f"forced error, key {self.key}"))
            return
        answer = getattr(self, f"_{self.vendor}")(parts.path, query, record.payload, body)
        if self._ok(answer):
            record.accepted = True
        self._answer(handler, answer)

    def _ok(self, answer: dict[str, Any]) -> bool:
        return answer.get("errcode", answer.get("code")) == 0

    def _error(self, code: int, message: str) -> dict[str, Any]:
        if self.vendor == "feishu":
            return {"code": code, "msg": message, "data": {}}
        return {"errcode": code, "errmsg": message}

    def _rate(self, limit: int, window: float) -> bool:
        now = self.clock()
        with self._lock:
            while self._window and now - self._window[0] >= window:
                self._window.popleft()
            if len(self._window) >= limit:
                return False
            self._window.append(now)
            return True

    def _wecom(self, path: str, query: dict[str, str], payload: Any, body: bytes) -> dict[str, Any]:
        if path != "/cgi-bin/webhook/send" or query.get("key") != self.key:
            return self._error(93000, "invalid webhook url")
        kind = payload.get("msgtype")
        if kind not in WECOM_LIMITS:
            return self._error(40008, "invalid message type")
        content = payload[kind]["content"]
        if len(content.encode("utf-8")) > WECOM_LIMITS[kind]:
            return self._error(40058, "content exceed max length")
        if not self._rate(20, 60.0):
            return self._error(45009, "api freq out of limit")
        return {"errcode": 0, "errmsg": "ok"}

    def _dingtalk(
        self, path: str, query: dict[str, str], payload: Any, body: bytes
    ) -> dict[str, Any]:
        if path != "/robot/send" or query.get("access_token") != self.key:
            return self._error(300001, "token is not exist")
        if self.secret:
            stamp = query.get("timestamp", "")
            text = f"{stamp}\n{self.secret}".encode()
            expected = base64.b64encode(
                hmac.new(self.secret.encode(), text, hashlib.sha256).digest()
            ).decode()
            fresh = stamp.isdigit() and abs(self.now_ms() - int(stamp)) < 3600 * 1000
            if not fresh or query.get("sign") != expected:
                return self._error(310000, "sign not match")
        if not self._rate(20, 60.0):
            return self._error(130101, "send too fast")
        return {"errcode": 0, "errmsg": "ok"}

    def _feishu(
        self, path: str, query: dict[str, str], payload: Any, body: bytes
    ) -> dict[str, Any]:
        if path != f"/open-apis/bot/v2/hook/{self.key}":
            return self._error(19001, "param invalid: incoming webhook access token invalid")
        if self.secret:
            stamp = str(payload.get("timestamp", ""))
            key = f"{stamp}\n{self.secret}".encode()
            expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            fresh = stamp.isdigit() and abs(self.now_ms() // 1000 - int(stamp)) < 3600
            if not fresh or payload.get("sign") != expected:
                return self._error(19021, "sign match fail or timestamp is not within one hour")
        if len(body) > 20 * 1024:
            return self._error(9499, "request body too large")
        if not self._rate(5, 1.0):
            return self._error(11232, "frequency limited")
        return {"code": 0, "msg": "success", "data": {}}

    def _reply(self, handler: BaseHTTPRequestHandler, status: int, body: bytes, kind: str) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _answer(self, handler: BaseHTTPRequestHandler, answer: dict[str, Any]) -> None:
        data = json.dumps(answer).encode()
        self._reply(handler, 200, data, "application/json")
