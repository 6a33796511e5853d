"""Deadlines count working days on the statutory calendar: holidays are skipped, make-up
Saturdays count, and a year without calendar data falls back to Monday–Friday, visibly."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from handlers.workdays import StatutoryCalendar


@pytest.fixture
def cal() -> StatutoryCalendar:
    """A fresh calendar."""
    return StatutoryCalendar()


def test_national_day_week_2026_is_skipped(cal: StatutoryCalendar) -> None:
    week = [date(2026, 10, d) for d in range(1, 8)]
    assert not any(cal.is_working_day(d) for d in week)
    assert cal.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert cal.warnings == ()


def test_a_make_up_saturday_in_2026_is_a_working_day(cal: StatutoryCalendar) -> None:
    days = chinese_calendar.get_dates(date(2026, 1, 1), date(2026, 12, 31))
    saturdays = [d for d in days if d.weekday() == 5 and chinese_calendar.is_workday(d)]
    assert saturdays, "the 2026 calendar has make-up Saturdays"
    saturday = saturdays[0]
    assert cal.is_working_day(saturday)
    friday = saturday - timedelta(days=1)
    if cal.is_working_day(friday):
        assert cal.add_working_days(friday, 1) == saturday


def test_spring_festival_2026_is_skipped(cal: StatutoryCalendar) -> None:
    festival = [date(2026, 2, d) for d in range(15, 24)]
    assert not any(cal.is_working_day(d) for d in festival)
    assert cal.working_days_between(date(2026, 2, 14), date(2026, 2, 24)) == 1


def test_five_working_days_from_the_friday_before_spring_festival(cal: StatutoryCalendar) -> None:
    # Saturday 14 February is a make-up working day; 15–23 February are the holiday.
    friday = date(2026, 2, 13)
    assert cal.add_working_days(friday, 5) == date(2026, 2, 27)
    assert cal.working_days_between(friday, date(2026, 2, 27)) == 5


def test_zero_working_days_is_the_day_itself_or_the_next_working_day(
    cal: StatutoryCalendar,
) -> None:
    assert cal.add_working_days(date(2026, 11, 23), 0) == date(2026, 11, 23)
    assert cal.add_working_days(date(2026, 10, 1), 0) == date(2026, 10, 8)
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 11, 23), -1)


def test_counting_backwards_is_negative(cal: StatutoryCalendar) -> None:
    assert cal.working_days_between(date(2026, 2, 27), date(2026, 2, 13)) == -5
    assert cal.working_days_between(date(2026, 2, 27), date(2026, 2, 27)) == 0


def test_a_year_without_data_falls_back_to_weekdays_and_says_so(
    cal: StatutoryCalendar, caplog: pytest.LogCaptureFixture
) -> None:
    assert cal.covered(date(2026, 12, 31))
    assert not cal.covered(date(2027, 1, 1))
    assert cal.warnings == ()  # asking is not counting
    with caplog.at_level(logging.WARNING, logger="handlers.workdays"):
        # 1 January is a holiday every year, but without data it is a plain Friday.
        assert cal.is_working_day(date(2027, 1, 1))
        assert not cal.is_working_day(date(2027, 1, 2))
        assert cal.add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 4)
    assert cal.warnings == (2027,)
    assert len(caplog.records) == 1  # once per year
    assert "2027" in caplog.records[0].getMessage()


def test_the_fallback_covers_the_years_before_the_data_too(cal: StatutoryCalendar) -> None:
    assert cal.working_days_between(date(2003, 12, 26), date(2004, 1, 5)) == 5
    assert cal.warnings == (2003,)


@given(
    start=st.dates(date(2003, 1, 1), date(2027, 12, 31)),
    n=st.integers(0, 300),
)
def test_adding_then_counting_working_days_agree(start: date, n: int) -> None:
    cal = StatutoryCalendar()
    assume(cal.is_working_day(start))
    end = cal.add_working_days(start, n)
    assert cal.is_working_day(end)
    assert cal.working_days_between(start, end) == n
