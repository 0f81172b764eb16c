"""Webhook signatures of DingTalk and Feishu: HMAC-SHA256 over ``timestamp\\nsecret``."""

from __future__ import annotations

import base64
import hashlib
import hmac


def dingtalk_sign(timestamp_ms: int, secret: str) -> str:
    """DingTalk: key = secret, message = "timestamp\\nsecret" (milliseconds), base64."""
    text = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), text, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(timestamp_s: int, secret: str) -> str:
    """Feishu: key = "timestamp\\nsecret" (seconds), empty message, base64."""
    key = f"{timestamp_s}\n{secret}".encode()
    digest = hmac.new(key, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
