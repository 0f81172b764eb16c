"""The working-day calendar as the settings define it (chinese_calendar plus added years)."""

from __future__ import annotations

from analysis.workdays import WorkCalendar
from monitor.settings import Settings


def work_calendar(settings: Settings) -> WorkCalendar:
    return WorkCalendar(settings.workdays.extra_holidays, settings.workdays.extra_workdays)
