"""Working-day arithmetic over whole columns (vectorised :class:`WorkCalendar`).

Response times and question deadlines are computed for up to hundreds of thousands of comments;
the calendar is asked once per distinct day, not once per comment.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.workdays import SHANGHAI, WorkCalendar

_DAY_HOURS = 24.0


def local_dates(times: pd.Series) -> pd.Series:
    """Calendar dates in Asia/Shanghai of UTC instants (NaT stays NaT)."""
    return pd.to_datetime(times, utc=True).dt.tz_convert(SHANGHAI).dt.normalize()


def _day_table(first: pd.Timestamp, last: pd.Timestamp, calendar: WorkCalendar) -> pd.DataFrame:
    days = pd.date_range(first, last, freq="D")
    work = np.fromiter((calendar.is_workday(d.date()) for d in days), bool, len(days))
    before = np.concatenate([[0], np.cumsum(work)[:-1]])  # workdays strictly before each day
    return pd.DataFrame({"work": work, "before": before}, index=days)


def working_hours(starts: pd.Series, ends: pd.Series, calendar: WorkCalendar) -> np.ndarray:
    """Hours between pairs of instants counting only working days (as
    :meth:`WorkCalendar.working_hours_between`); NaN where either end is missing, 0 when the end
    is not after the start."""
    start = pd.to_datetime(starts, utc=True).dt.tz_convert(SHANGHAI).reset_index(drop=True)
    end = pd.to_datetime(ends, utc=True).dt.tz_convert(SHANGHAI).reset_index(drop=True)
    valid = start.notna() & end.notna()
    out = np.full(len(start), np.nan)
    if not valid.any():
        return out
    s, e = start[valid], end[valid]
    s_day, e_day = s.dt.normalize(), e.dt.normalize()
    table = _day_table(min(s_day.min(), e_day.min()), max(s_day.max(), e_day.max()), calendar)

    def clock(times: pd.Series, days: pd.Series) -> np.ndarray:
        rows = table.loc[pd.DatetimeIndex(days)]
        into_day = (times - days).dt.total_seconds().to_numpy() / 3600
        return rows["before"].to_numpy() * _DAY_HOURS + np.where(rows["work"], into_day, 0.0)

    hours = clock(e, e_day) - clock(s, s_day)
    out[valid.to_numpy()] = np.maximum(hours, 0.0)
    return out


def add_workdays_at(starts: pd.Series, days: int, calendar: WorkCalendar) -> pd.Series:
    """Deadlines ``days`` working days after each instant, same wall-clock time in Shanghai,
    in UTC (as :meth:`WorkCalendar.add_workdays_at`)."""
    local = pd.to_datetime(starts, utc=True).dt.tz_convert(SHANGHAI)
    day = local.dt.normalize()
    target = {d: calendar.add_workdays(d.date(), days) for d in day.dropna().unique()}
    shifted_days = day.map({d: (t - d.date()).days for d, t in target.items()})
    # Shift by whole calendar days in local time, then back to UTC (DST-free zone, but exact).
    shifted = local + pd.to_timedelta(shifted_days, unit="D")
    return shifted.dt.tz_convert(dt.UTC)


def workdays_between(starts: pd.Series, ends: pd.Series, calendar: WorkCalendar) -> np.ndarray:
    """Working days after each start's local date up to and including its end's (as
    :meth:`WorkCalendar.workdays_between`: 0 when the end's date is not after the start's)."""
    start = local_dates(starts).reset_index(drop=True)
    end = local_dates(ends).reset_index(drop=True)
    if start.empty:
        return np.zeros(0, dtype=int)
    table = _day_table(min(start.min(), end.min()), max(start.max(), end.max()), calendar)
    # Working days up to and including each day; a pair's count is the difference.
    through = (table["before"] + table["work"]).to_numpy()

    def counted(days: pd.Series) -> np.ndarray:
        return through[table.index.get_indexer(pd.DatetimeIndex(days))]

    return np.maximum(counted(end) - counted(start), 0).astype(int)


def workdays_since(starts: pd.Series, now: dt.datetime, calendar: WorkCalendar) -> pd.Series:
    """Working days after each instant's local date up to and including today's (Shanghai)."""
    today = now.astimezone(SHANGHAI).date()
    day = local_dates(starts)
    counts = {d: calendar.workdays_between(d.date(), today) for d in day.dropna().unique()}
    return day.map(counts).fillna(0).astype(int)
