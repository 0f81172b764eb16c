"""A collection whose records cannot be stored: a failure of that account alone."""

from __future__ import annotations

import dataclasses

from collectors.engine import AccountOutcome
from collectors.errors import CollectError
from monitor.settings.secrets import redact

MAX_REASON = 300

# What the common refusals mean, in words an operator reads (the driver's text follows).
_MEANING = {
    "OverflowError": "有数值超出数据库可存储的范围",
    "NumericValueOutOfRange": "有数值超出数据库可存储的范围",
    "StringDataRightTruncation": "有文字超出数据库字段长度",
    "UnicodeEncodeError": "有无法编码的字符",
}


class StoreFailed(CollectError):
    """The platform's answer was read, but the database refused what it held."""

    kind = "store_failed"
    default_text = "采集到的数据无法保存（详见日志）"


def store_failed(outcome: AccountOutcome, exc: BaseException) -> AccountOutcome:
    """``outcome`` turned into a failure that says why its records could not be stored.

    The database's own message is kept (its first line: the driver's, not the statement and
    its parameters, which may quote whole posts), so the account's ``last_error`` names it.
    """
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    detail = f"{type(cause).__name__}：{lines[0] if lines else ''}".rstrip("：")
    if len(detail) > MAX_REASON:
        detail = detail[: MAX_REASON - 1] + "…"
    meaning = _MEANING.get(type(cause).__name__, "数据库拒收")
    error = StoreFailed(
        f"采集到的数据无法保存：{meaning}（{redact(detail)}），本账号本次采集作废，下次重试"
    )
    return dataclasses.replace(outcome, result=None, error=error)
