"""Weibo's created_at forms and count strings, read against an injected clock."""

from __future__ import annotations

import datetime as dt

import pytest
from testkit.collecting import NOW

from collectors.weibo_time import (
    SHANGHAI,
    parse_count,
    parse_weibo_time,
    read_weibo_time,
    response_time,
)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI).astimezone(dt.UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sat Nov 28 10:00:00 +0800 2026", local(2026, 11, 28, 10, 0)),
        ("Thu Dec 31 23:59:59 +0800 2025", local(2025, 12, 31, 23, 59, 59)),
        ("刚刚", NOW),
        ("30秒前", NOW - dt.timedelta(seconds=30)),
        ("5分钟前", NOW - dt.timedelta(minutes=5)),
        ("3小时前", NOW - dt.timedelta(hours=3)),
        ("今天 08:30", local(2026, 11, 28, 8, 30)),
        ("昨天 23:10", local(2026, 11, 27, 23, 10)),
        ("11-20", local(2026, 11, 20)),
        ("12-31", local(2025, 12, 31)),  # later than today: last year's date
        ("2025-03-04", local(2025, 3, 4)),
        ("2025-03-04 09:05", local(2025, 3, 4, 9, 5)),
    ],
)
def test_weibo_time_forms(text: str, expected: dt.datetime) -> None:
    got = parse_weibo_time(text, NOW)
    assert got == expected
    assert got.tzinfo is not None and got.utcoffset() == dt.timedelta(0)


def test_yesterday_across_midnight_in_shanghai() -> None:
    just_after_midnight = local(2026, 1, 1, 0, 5)  # 2025-12-31 16:05 UTC
    assert parse_weibo_time("昨天 22:00", just_after_midnight) == local(2025, 12, 31, 22, 0)


@pytest.mark.parametrize(
    ("text", "exact"),
    [
        ("Sat Nov 28 10:00:00 +0800 2026", True),
        ("2025-03-04 09:05", True),
        ("2025-03-04", False),
        ("11-20", False),
        ("今天 08:30", False),
        ("昨天 23:10", False),
        ("5分钟前", False),
        ("刚刚", False),
    ],
)
def test_only_times_written_out_in_full_are_exact(text: str, exact: bool) -> None:
    assert read_weibo_time(text, NOW)[1] is exact


def test_the_response_time_is_its_date_header_else_when_it_was_fetched() -> None:
    cached = {"date": "Sat, 28 Nov 2026 03:50:00 GMT"}  # ten minutes before it was read
    assert response_time(cached, NOW) == NOW - dt.timedelta(minutes=10)
    assert response_time({}, NOW) == NOW
    assert response_time({"date": "not a date"}, NOW) == NOW
    # A server clock a year off is not trusted.
    assert response_time({"date": "Fri, 28 Nov 2025 04:00:00 GMT"}, NOW) == NOW


@pytest.mark.parametrize("text", ["", "很久以前", "25:00", "Sat Nov 28 2026", "13-45"])
def test_unreadable_times_say_so(text: str) -> None:
    with pytest.raises(ValueError, match="无法识别的微博时间"):
        parse_weibo_time(text, NOW)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, 12),
        ("12", 12),
        ("1,234", 1234),
        ("1.2万", 12000),
        ("100万+", 1_000_000),
        ("100+", 100),
        ("3亿", 300_000_000),
        ("", 0),
        (None, 0),
    ],
)
def test_counts(value: object, expected: int) -> None:
    assert parse_count(value) == expected


@pytest.mark.parametrize("value", ["很多", "1.2k", True, [1]])
def test_unreadable_counts_say_so(value: object) -> None:
    with pytest.raises(ValueError, match="无法识别的数量"):
        parse_count(value)
