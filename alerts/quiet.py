"""Quiet hours: non-urgent messages wait for the morning (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from analysis.workdays import SHANGHAI


def quiet_until(
    now: dt.datetime,
    start: dt.time | None,
    end: dt.time | None,
    tz: ZoneInfo = SHANGHAI,
) -> dt.datetime | None:
    """The end of the quiet window ``now`` falls in (UTC), or None outside quiet hours.

    A window may run over midnight (22:00–07:00) or within a day (12:00–13:30).
    """
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(tz)
    clock = local.time().replace(tzinfo=None)
    today_end = dt.datetime.combine(local.date(), end, tz)
    if start > end:  # over midnight
        if clock >= start:
            return (today_end + dt.timedelta(days=1)).astimezone(dt.UTC)
        if clock < end:
            return today_end.astimezone(dt.UTC)
        return None
    if start <= clock < end:
        return today_end.astimezone(dt.UTC)
    return None
