from __future__ import annotations

import logging

from analysis.workdays import WorkCalendar, statutory_conflicts
from monitor.settings import Settings

log = logging.getLogger(__name__)


def work_calendar(settings: Settings) -> WorkCalendar:
    return WorkCalendar(settings.workdays.extra_holidays, settings.workdays.extra_workdays)


def report_calendar_conflicts(settings: Settings) -> list[str]:
    """Warn, at start-up, of each ``[workdays]`` date that the statutory calendar contradicts.

    A warning, not an error: the setting may be a deliberate correction of an arrangement the
    State Council revised after the chinese_calendar release, and refusing to start would stop
    all monitoring over one date. The setting is honoured either way.
    """
    problems = statutory_conflicts(
        settings.workdays.extra_holidays, settings.workdays.extra_workdays
    )
    for problem in problems:
        log.warning("%s", problem)
    return problems
