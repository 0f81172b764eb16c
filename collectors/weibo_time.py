"""Weibo's dates and counts, as the mobile API writes them.

Relative times (刚刚, 5分钟前, 昨天 12:00) mean "before this response": they are resolved against
the time of the response that carried them (its ``Date`` header, else when it was fetched),
never against the analysis clock, and flagged inexact so a later absolute time replaces them.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

_ABSOLUTE = "%a %b %d %H:%M:%S %z %Y"  # Sat Nov 28 10:00:00 +0800 2026
_AGO = re.compile(r"^(\d+)\s*(秒|分钟|小时|天)前$")
_TODAY = re.compile(r"^今天\s*(\d{1,2}):(\d{2})$")
_YESTERDAY = re.compile(r"^昨天\s*(\d{1,2}):(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$")
_FULL_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$")
_AGO_UNITS = {"秒": "seconds", "分钟": "minutes", "小时": "hours", "天": "days"}

_COUNT = re.compile(r"^(\d+(?:\.\d+)?)\s*(万|亿)?\+?$")
_MULTIPLIERS = {None: 1, "万": 10_000, "亿": 100_000_000}


def response_time(headers: Mapping[str, str], fetched_at: dt.datetime) -> dt.datetime:
    """When a response was written: its ``Date`` header (lower-case names), else ``fetched_at``.

    A Date more than a day away from the fetch time is a broken server clock: not trusted.
    """
    value = headers.get("date", "")
    if value:
        try:
            sent = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return fetched_at
        if sent.tzinfo is not None and abs(sent - fetched_at) <= dt.timedelta(days=1):
            return sent.astimezone(dt.UTC)
    return fetched_at


def parse_weibo_time(value: str, now: dt.datetime) -> dt.datetime:
    """A created_at in any of Weibo's forms → aware UTC datetime.

    ``now`` is when the response carrying it was written (:func:`response_time`); relative
    forms (刚刚, N分钟前, 今天 HH:MM …) are resolved against it in Asia/Shanghai. Raises
    ValueError for anything else.
    """
    return read_weibo_time(value, now)[0]


def read_weibo_time(value: str, now: dt.datetime) -> tuple[dt.datetime, bool]:
    """Like :func:`parse_weibo_time`, with whether the time is exact (written out in full, to
    the minute or better) rather than relative or a bare date."""
    try:
        return _parse(value.strip(), now)
    except ValueError:
        raise ValueError(f"无法识别的微博时间 {value!r}") from None


def _parse(text: str, now: dt.datetime) -> tuple[dt.datetime, bool]:
    try:
        return dt.datetime.strptime(text, _ABSOLUTE).astimezone(dt.UTC), True
    except ValueError:
        pass
    if match := _FULL_DATE.match(text):
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        return _at(day, int(match[4] or 0), int(match[5] or 0)), match[4] is not None
    return _relative(text, now), False


def _relative(text: str, now: dt.datetime) -> dt.datetime:
    local_now = now.astimezone(SHANGHAI)
    if text == "刚刚":
        return now.astimezone(dt.UTC)
    if match := _AGO.match(text):
        delta = dt.timedelta(**{_AGO_UNITS[match[2]]: int(match[1])})
        return (local_now - delta).astimezone(dt.UTC)
    if match := _TODAY.match(text):
        return _at(local_now.date(), int(match[1]), int(match[2]))
    if match := _YESTERDAY.match(text):
        return _at(local_now.date() - dt.timedelta(days=1), int(match[1]), int(match[2]))
    if match := _MONTH_DAY.match(text):
        # This year's dates drop the year; a date later than today is therefore last year's.
        day = dt.date(local_now.year, int(match[1]), int(match[2]))
        if day > local_now.date():
            day = day.replace(year=day.year - 1)
        return _at(day, int(match[3] or 0), int(match[4] or 0))
    raise ValueError(text)


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI).astimezone(dt.UTC)


def parse_count(value: object) -> int:
    """A count as Weibo shows it (12, "12", "1.2万", "100万+", "3亿", "") → int."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ValueError(f"无法识别的数量 {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if match := _COUNT.match(text):
            return round(float(match[1]) * _MULTIPLIERS[match[2]])
    raise ValueError(f"无法识别的数量 {value!r}")
