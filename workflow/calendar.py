"""Working days: the calendar the domain counts deadlines in, as a port, and the counting rules
that need nothing but "is this a working day". The statutory calendar (holidays and make-up
working days, 调休) is implemented outside the domain, with `chinese_calendar`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Protocol

WorkingDay = Callable[[date], bool]
"""Whether a day is a working day."""

_DAY = timedelta(days=1)


class WorkCalendar(Protocol):
    """Counts working days: review deadlines, reminders moved off days off, opinion times."""

    def covered(self, d: date) -> bool:
        """Whether the statutory holidays of `d`'s year are known; when not, the calendar
        counts Monday–Friday for that year."""
        ...

    def is_working_day(self, d: date) -> bool:
        """Whether `d` is a working day (a make-up Saturday is; a statutory holiday is not)."""
        ...

    def add_working_days(self, start: date, n: int) -> date:
        """The date `n` working days after `start`, as `add_working_days` below."""
        ...

    def working_days_between(self, a: date, b: date) -> int:
        """The working days after `a` up to and including `b`, as `working_days_between`."""
        ...


def is_weekday(d: date) -> bool:
    """Monday to Friday: the working week when the statutory calendar of a year is unknown."""
    return d.weekday() < 5


def add_working_days(start: date, n: int, is_working_day: WorkingDay) -> date:
    """The date `n` working days after `start` (not counting `start`); for n = 0, `start`
    if it is a working day, else the next working day."""
    if n < 0:
        raise ValueError(f"n must be at least 0, not {n}")
    d = start
    if n == 0:
        while not is_working_day(d):
            d += _DAY
        return d
    while n:
        d += _DAY
        if is_working_day(d):
            n -= 1
    return d


def working_days_between(a: date, b: date, is_working_day: WorkingDay) -> int:
    """The working days after `a` up to and including `b`; negative when `b` is before `a`."""
    if b < a:
        return -working_days_between(b, a, is_working_day)
    count = 0
    d = a + _DAY
    while d <= b:
        count += is_working_day(d)
        d += _DAY
    return count
