"""Channel secrets kept out of logs, including the HTTP client's own request lines.

httpx logs every request URL at INFO ("HTTP Request: POST …?key=…"): a WeCom key rides in that
URL. Every secret part of a built channel is remembered here and masked by a filter on the
HTTP client's loggers, whatever the application's logging set-up.
"""

from __future__ import annotations

import logging
import threading

MASK = "***"
_lock = threading.Lock()
_secrets: set[str] = set()
HTTP_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
)


def remember(value: str) -> None:
    if value and len(value) >= 4:  # shorter strings would mask ordinary words
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = RedactingFilter()
for _name in HTTP_LOGGERS:
    logging.getLogger(_name).addFilter(_FILTER)
