"""Scheduled notices never concern a time before the deployment or the person's joining, and
a reminder meant for a day off goes out on the last working day before it."""

from __future__ import annotations

from datetime import date

from workflow.notices import (
    day_before_reminder_due,
    last_working_day_before,
    may_fire,
    notices_since,
    working_day_on_or_before,
)

NATIONAL_DAY_2026 = {date(2026, 10, n) for n in range(1, 8)}


def working(day: date) -> bool:
    """Monday to Friday, without the National Day week of 2026."""
    return day.weekday() < 5 and day not in NATIONAL_DAY_2026


def test_nothing_fires_for_a_deadline_before_the_deployment():
    started = date(2026, 10, 23)
    assert not may_fire(date(2026, 10, 22), started)
    assert may_fire(date(2026, 10, 23), started)  # the start day itself
    assert may_fire(date(2026, 11, 5), started)


def test_nothing_fires_for_a_deadline_before_the_person_joined():
    started, joined = date(2026, 10, 23), date(2026, 11, 2)
    assert notices_since(started, joined) == joined
    assert notices_since(started, date(2026, 1, 1)) == started
    assert not may_fire(date(2026, 11, 1), started, joined)
    assert may_fire(date(2026, 11, 2), started, joined)


def test_the_last_working_day_before_skips_weekends_and_holidays():
    assert last_working_day_before(date(2026, 12, 14), working) == date(2026, 12, 11)  # Mon
    assert last_working_day_before(date(2026, 12, 15), working) == date(2026, 12, 14)
    assert last_working_day_before(date(2026, 10, 8), working) == date(2026, 9, 30)
    assert working_day_on_or_before(date(2026, 10, 4), working) == date(2026, 9, 30)
    assert working_day_on_or_before(date(2026, 9, 30), working) == date(2026, 9, 30)


def test_a_monday_meeting_is_reminded_on_friday():
    monday = date(2026, 12, 14)
    due = {d: day_before_reminder_due(monday, date(2026, 12, d), working) for d in range(10, 15)}
    assert due == {10: False, 11: True, 12: True, 13: True, 14: False}


def test_a_meeting_after_the_holiday_is_reminded_before_it():
    after = date(2026, 10, 8)  # the Thursday after the National Day week
    assert not day_before_reminder_due(after, date(2026, 9, 29), working)
    assert day_before_reminder_due(after, date(2026, 9, 30), working)
    assert day_before_reminder_due(after, date(2026, 10, 7), working)
    assert not day_before_reminder_due(after, after, working)
