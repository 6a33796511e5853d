"""Working days on the Chinese statutory calendar (holidays and make-up working days, 调休),
for deadlines of review rounds; Monday–Friday for years the calendar data does not cover."""

from __future__ import annotations

import logging
from datetime import date

import chinese_calendar

from workflow.calendar import add_working_days, is_weekday, working_days_between

log = logging.getLogger(__name__)


class StatutoryCalendar:
    """The `WorkCalendar` of the Chinese statutory calendar. Hold one per process: each
    uncovered year is logged once.

    `warnings` lists the years seen that the installed `chinese_calendar` has no data for;
    dates in those years were counted Monday–Friday, ignoring statutory holidays, until the
    package is updated."""

    def __init__(self) -> None:
        self._covered: dict[int, bool] = {}
        self._warned: set[int] = set()

    @property
    def warnings(self) -> tuple[int, ...]:
        """The uncovered years seen so far, in order."""
        return tuple(sorted(self._warned))

    def covered(self, d: date) -> bool:
        """Whether the statutory calendar of `d`'s year is known."""
        known = self._covered.get(d.year)
        if known is None:
            try:
                chinese_calendar.is_workday(d)
            except NotImplementedError:
                known = False
            else:
                known = True
            self._covered[d.year] = known
        return known

    def is_working_day(self, d: date) -> bool:
        """Whether `d` is a working day (a make-up Saturday is; a statutory holiday is not)."""
        if self.covered(d):
            return bool(chinese_calendar.is_workday(d))
        if d.year not in self._warned:
            self._warned.add(d.year)
            log.warning(
                "chinese_calendar %s has no data for %d: counting Monday–Friday as working "
                "days and ignoring statutory holidays until the package is updated",
                getattr(chinese_calendar, "__version__", "?"),
                d.year,
            )
        return is_weekday(d)

    def add_working_days(self, start: date, n: int) -> date:
        """The date `n` working days after `start` (see `workflow.calendar`)."""
        return add_working_days(start, n, self.is_working_day)

    def working_days_between(self, a: date, b: date) -> int:
        """The working days after `a` up to and including `b` (see `workflow.calendar`)."""
        return working_days_between(a, b, self.is_working_day)
