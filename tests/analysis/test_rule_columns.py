"""Column helpers of the rules, computed a column at a time, equal what each value gives alone."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.compliance.subjects import py_datetime, py_datetimes
from analysis.compliance.worktime import workdays_between
from analysis.workdays import WorkCalendar
from monitor.calendar import work_calendar
from monitor.settings import Settings

SHANGHAI_EVENING = "2026-09-30T16:30:00+00:00"  # 10-01 00:30 in Shanghai: Golden Week


def test_py_datetimes_are_py_datetime_of_each_value() -> None:
    values = [
        pd.Timestamp("2026-11-30T08:15:30.123456789", tz="UTC"),  # nanoseconds floored
        pd.NaT,
        pd.Timestamp("2026-11-30T16:15:30", tz="Asia/Shanghai"),  # another zone: to UTC
        pd.Timestamp(SHANGHAI_EVENING),
    ]
    column = pd.Series(values, dtype="datetime64[ns, UTC]")
    got = py_datetimes(column)
    assert got == [py_datetime(v) for v in values]
    assert got[1] is None
    assert all(type(v) is dt.datetime and v.tzinfo is dt.UTC for v in got if v is not None)


def test_workdays_between_is_the_calendars_count_for_each_pair() -> None:
    calendar: WorkCalendar = work_calendar(Settings())
    starts = pd.Series(
        pd.to_datetime(
            [SHANGHAI_EVENING, "2026-09-29T03:00:00Z", "2026-10-09T01:00:00Z", SHANGHAI_EVENING],
            utc=True,
        )
    )
    ends = pd.Series(
        pd.to_datetime(
            [
                "2026-10-09T02:00:00Z",
                "2026-10-12T10:00:00Z",
                "2026-10-08T01:00:00Z",
                "2026-10-09T02:00:00Z",
            ],
            utc=True,
        )
    )
    expected = [
        calendar.workdays_between(
            s.tz_convert("Asia/Shanghai").date(), e.tz_convert("Asia/Shanghai").date()
        )
        for s, e in zip(starts, ends, strict=True)
    ]
    assert workdays_between(starts, ends, calendar).tolist() == expected
    assert expected[2] == 0  # an end before its start counts no working day
    assert workdays_between(starts[:0], ends[:0], calendar).tolist() == []
