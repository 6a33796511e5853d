"""Counting working days needs only "is this a working day"; the statutory calendar plugs in."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from workflow.calendar import (
    WorkCalendar,
    WorkingDay,
    add_working_days,
    is_weekday,
    working_days_between,
)

NATIONAL_DAY = {date(2026, 10, 1) + timedelta(days=n) for n in range(7)}  # 1–7 October
MAKE_UP = {date(2026, 10, 10)}  # a Saturday worked in exchange


def _statutory(d: date) -> bool:
    return d in MAKE_UP or (is_weekday(d) and d not in NATIONAL_DAY)


class _Calendar:
    """A calendar that knows 2026 only, as the real one knows the years of its data."""

    def covered(self, d: date) -> bool:
        return d.year == 2026

    def is_working_day(self, d: date) -> bool:
        return _statutory(d) if self.covered(d) else is_weekday(d)

    def add_working_days(self, start: date, n: int) -> date:
        return add_working_days(start, n, self.is_working_day)

    def working_days_between(self, a: date, b: date) -> int:
        return working_days_between(a, b, self.is_working_day)


def test_the_working_week_is_monday_to_friday():
    week = [date(2026, 11, 16) + timedelta(days=n) for n in range(7)]  # Monday to Sunday
    assert [is_weekday(d) for d in week] == [True] * 5 + [False] * 2


def test_adding_working_days_skips_days_off_and_counts_a_make_up_saturday():
    assert add_working_days(date(2026, 9, 30), 1, _statutory) == date(2026, 10, 8)
    assert add_working_days(date(2026, 10, 9), 1, _statutory) == date(2026, 10, 10)
    assert add_working_days(date(2026, 11, 13), 5, is_weekday) == date(2026, 11, 20)


def test_zero_working_days_is_the_day_itself_or_the_next_working_day():
    assert add_working_days(date(2026, 11, 16), 0, is_weekday) == date(2026, 11, 16)
    assert add_working_days(date(2026, 10, 3), 0, _statutory) == date(2026, 10, 8)


def test_a_negative_number_of_working_days_is_refused():
    with pytest.raises(ValueError, match="at least 0"):
        add_working_days(date(2026, 11, 16), -1, is_weekday)


def test_counting_excludes_the_first_day_includes_the_last_and_runs_backwards():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 8), _statutory) == 1
    assert working_days_between(date(2026, 11, 13), date(2026, 11, 20), is_weekday) == 5
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 13), is_weekday) == -5
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 20), is_weekday) == 0


def test_a_calendar_meets_the_port_the_domain_counts_with():
    calendar: WorkCalendar = _Calendar()
    assert calendar.covered(date(2026, 10, 1))
    assert not calendar.is_working_day(date(2026, 10, 1))
    assert not calendar.covered(date(2027, 1, 1))
    assert calendar.is_working_day(date(2027, 1, 1))  # a Friday, counted Monday–Friday
    assert calendar.add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 4)
    assert calendar.working_days_between(date(2026, 12, 31), date(2027, 1, 4)) == 2


@given(
    start=st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    n=st.integers(0, 60),
    rule=st.sampled_from([is_weekday, _statutory]),
)
def test_adding_then_counting_working_days_agree(start: date, n: int, rule: WorkingDay):
    assume(rule(start))
    end = add_working_days(start, n, rule)
    assert rule(end)
    assert working_days_between(start, end, rule) == n
