"""Working days: settings add to the statutory calendar; contradictions are reported."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from analysis.workdays import WorkCalendar
from monitor.errors import SettingsError
from monitor.settings import settings_from_dict

D = dt.date


def test_an_extra_holiday_changes_that_day_only() -> None:
    calendar = WorkCalendar(extra_holidays=[D(2026, 10, 12)])  # a local day off, a Monday
    assert not calendar.is_workday(D(2026, 10, 12))
    # The statutory calendar still holds for every other day of the year.
    for holiday in (D(2026, 10, 1), D(2026, 1, 1), D(2026, 2, 17), D(2026, 10, 7)):
        assert not calendar.is_workday(holiday), holiday
    assert calendar.is_workday(D(2026, 10, 10))  # a make-up workday (Saturday)
    assert calendar.is_workday(D(2026, 10, 13))
    # After the Golden Week: 10-08, 10-09, 10-10 (make-up), then 10-13, as 10-12 is now off.
    assert calendar.add_workdays(D(2026, 9, 30), 4) == D(2026, 10, 13)


def test_an_extra_workday_changes_that_day_only() -> None:
    calendar = WorkCalendar(extra_workdays=[D(2026, 11, 7)])  # a Saturday
    assert calendar.is_workday(D(2026, 11, 7))
    assert not calendar.is_workday(D(2026, 10, 1))
    assert not calendar.is_workday(D(2026, 11, 8))


def test_a_year_given_only_in_settings_is_monday_to_friday_plus_its_dates(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calendar = WorkCalendar(extra_holidays=[D(2027, 10, 1)], extra_workdays=[D(2027, 9, 26)])
    with caplog.at_level(logging.WARNING):
        assert not calendar.is_workday(D(2027, 10, 1))
        assert calendar.is_workday(D(2027, 9, 26))  # a Sunday, made a workday
        assert calendar.is_workday(D(2027, 10, 4))
        assert not calendar.is_workday(D(2027, 10, 2))
    assert not caplog.records  # the year is configured: no fallback warning


def test_the_same_date_in_both_lists_is_refused() -> None:
    raw = {"workdays": {"extra_holidays": ["2027-10-08"], "extra_workdays": ["2027-10-08"]}}
    with pytest.raises(SettingsError) as caught:
        settings_from_dict(raw)
    message = str(caught.value)
    assert "workdays" in message and "2027-10-08" in message
    assert "extra_holidays" in message and "extra_workdays" in message


def test_a_contradiction_with_the_statutory_calendar_is_reported_at_start_up(
    write_settings: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    path = write_settings(
        '[workdays]\nextra_workdays = ["2026-10-01"]\nextra_holidays = ["2026-10-10"]\n'
    )
    result = run_cli("status", "--config", path)
    assert "extra_workdays 中的 2026-10-01 是法定节假日（国庆节）" in result.stderr
    assert "extra_holidays 中的 2026-10-10 是调休上班日" in result.stderr
    assert "Traceback" not in result.stderr
    # The setting is honoured: the office's word is the latest one.
    calendar = WorkCalendar([D(2026, 10, 10)], [D(2026, 10, 1)])
    assert calendar.is_workday(D(2026, 10, 1)) and not calendar.is_workday(D(2026, 10, 10))


def test_a_setting_that_agrees_with_the_calendar_is_not_reported(
    write_settings: Callable[..., Path], run_cli: Callable[..., Result]
) -> None:
    path = write_settings('[workdays]\nextra_holidays = ["2026-10-12"]\n')
    result = run_cli("status", "--config", path)
    assert "[workdays]" not in result.stderr
