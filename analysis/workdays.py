"""Chinese working days: statutory holidays and make-up workdays (调休), for deadlines in
working days (第六、九、十六条) and escalation.

chinese_calendar knows the years its release covers (1.11: 2004–2026) and raises
NotImplementedError for others. Settings may add a year's holidays and make-up workdays as the
State Council publishes them; a year covered by neither falls back to Monday–Friday, with one
warning per year — never a crash.

The dates in settings *add to* the statutory calendar: one extra holiday in a covered year
changes that day only. A date that contradicts the statutory calendar (an extra workday that is
a statutory holiday, an extra holiday that is a make-up workday) is honoured — the State Council
has revised an arrangement after a chinese_calendar release before (2020 春节) — and reported by
:func:`statutory_conflicts` so the operator sees it at start-up.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import chinese_calendar

log = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")


class WorkCalendar:
    def __init__(
        self,
        extra_holidays: Iterable[dt.date] = (),
        extra_workdays: Iterable[dt.date] = (),
    ) -> None:
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_workdays = frozenset(extra_workdays)
        self._configured_years = {d.year for d in self.extra_holidays | self.extra_workdays}
        self._warned_years: set[int] = set()

    def is_workday(self, day: dt.date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in self._configured_years and day.year not in self._warned_years:
                self._warned_years.add(day.year)
                log.warning(
                    "chinese_calendar 不含 %d 年的节假日安排，且设置 [workdays] 未补充："
                    "该年按周一至周五计算工作日，请在 extra_holidays / extra_workdays 中补充",
                    day.year,
                )
            return day.weekday() < 5

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        current = start
        remaining = days
        while remaining:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        count = 0
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count

    def add_workdays_at(self, start: dt.datetime, days: int) -> dt.datetime:
        """A deadline ``days`` working days after an aware instant, same wall-clock time in
        Asia/Shanghai; returned in UTC."""
        local = start.astimezone(SHANGHAI)
        day = self.add_workdays(local.date(), days)
        return dt.datetime.combine(day, local.timetz()).astimezone(dt.UTC)

    def working_hours_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Hours between two instants counting only working days (whole days, Asia/Shanghai):
        a question asked on Friday evening and answered on Monday morning waited ~14 hours."""
        if end <= start:
            return 0.0
        local_start = start.astimezone(SHANGHAI)
        local_end = end.astimezone(SHANGHAI)
        total = 0.0
        day = local_start.date()
        while day <= local_end.date():
            if self.is_workday(day):
                day_start = dt.datetime.combine(day, dt.time(0), SHANGHAI)
                day_end = day_start + dt.timedelta(days=1)
                lo = max(day_start, local_start)
                hi = min(day_end, local_end)
                if hi > lo:
                    total += (hi - lo).total_seconds() / 3600
            day += dt.timedelta(days=1)
        return total


def _statutory(day: dt.date) -> tuple[bool, str] | None:
    """(is a working day, holiday name) by chinese_calendar alone; None outside its years."""
    try:
        workday = bool(chinese_calendar.is_workday(day))
        _, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    chinese = {h.value: h.chinese for h in chinese_calendar.Holiday}
    return workday, chinese.get(name, str(name or "")) if name else ""


def statutory_conflicts(
    extra_holidays: Iterable[dt.date], extra_workdays: Iterable[dt.date]
) -> list[str]:
    """Chinese warnings, one per configured date that the statutory calendar contradicts."""
    problems: list[str] = []
    for day in sorted(set(extra_workdays)):
        known = _statutory(day)
        if known is not None and not known[0] and known[1]:
            problems.append(
                f"设置 [workdays] extra_workdays 中的 {day.isoformat()} 是法定节假日"
                f"（{known[1]}），与国务院放假安排相反；已按设置计为工作日，如属误填请删除"
            )
    for day in sorted(set(extra_holidays)):
        known = _statutory(day)
        if known is not None and known[0] and day.weekday() >= 5:
            problems.append(
                f"设置 [workdays] extra_holidays 中的 {day.isoformat()} 是调休上班日"
                "，与国务院放假安排相反；已按设置计为休息日，如属误填请删除"
            )
    return problems


def is_workday(day: dt.date) -> bool:
    return DEFAULT_CALENDAR.is_workday(day)


def add_workdays(start: dt.date, days: int) -> dt.date:
    return DEFAULT_CALENDAR.add_workdays(start, days)


DEFAULT_CALENDAR = WorkCalendar()
