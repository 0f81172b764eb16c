"""Reading query strings and forms: bad values become "no filter", never a 500."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request


def int_or_none(values: Mapping[str, Any], key: str) -> int | None:
    raw = values.get(key)
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    return None


def text(values: Mapping[str, Any], key: str, allowed: Mapping[str, Any] | None = None) -> str:
    raw = values.get(key)
    value = raw.strip() if isinstance(raw, str) else ""
    if allowed is not None and value not in allowed:
        return ""
    return value[:200]


def day(values: Mapping[str, Any], key: str) -> dt.date | None:
    raw = values.get(key)
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        return None


def page_number(values: Mapping[str, Any]) -> int:
    return max(1, int_or_none(values, "page") or 1)


def query_without_page(request: Request) -> str:
    """The list's filters as a query string, for the pager's links."""
    return urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page"])
