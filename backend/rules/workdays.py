"""Chinese working days: State Council holidays and 调休 makeup days, else Monday–Friday."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=256)
def has_official_calendar(year: int) -> bool:
    """True if the holiday calendar for `year` is known; otherwise Mon–Fri is assumed."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


# Keyed on the ordinal so pendulum.Date and datetime inputs share one cache entry per day;
# 2**16 entries cover ~180 years.
@lru_cache(maxsize=1 << 16)
def _is_workday_ordinal(ordinal: int) -> bool:
    day = date.fromordinal(ordinal)
    if has_official_calendar(day.year):
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def is_workday(day: date) -> bool:
    """True if people work on `day` (makeup Saturdays/Sundays included)."""
    return _is_workday_ordinal(day.toordinal())


def _plain(day: date) -> date:
    # Normalise subclasses (pendulum.Date, datetime) to a plain date for consistent returns.
    return date.fromordinal(day.toordinal())


def last_workday_on_or_before(day: date) -> date:
    """`day` itself if it is a working day, else the closest earlier one."""
    current = _plain(day)
    while not is_workday(current):
        current -= _ONE_DAY
    return current


def _shift_workdays(day: date, n: int, step: timedelta) -> date:
    current = _plain(day)
    remaining = n
    while remaining > 0:
        current += step
        if is_workday(current):
            remaining -= 1
    return current


def subtract_workdays(day: date, n: int) -> date:
    """The date `n` working days before `day`, not counting `day`; negative `n` adds."""
    if n < 0:
        return add_workdays(day, -n)
    return _shift_workdays(day, n, -_ONE_DAY)


def add_workdays(day: date, n: int) -> date:
    """The date `n` working days after `day`, not counting `day`; negative `n` subtracts."""
    if n < 0:
        return subtract_workdays(day, -n)
    return _shift_workdays(day, n, _ONE_DAY)


def workdays_between(start: date, end: date) -> int:
    """Number of working days d with start < d <= end (0 if end <= start)."""
    first, last = start.toordinal() + 1, end.toordinal()
    return sum(1 for ordinal in range(first, last + 1) if _is_workday_ordinal(ordinal))
