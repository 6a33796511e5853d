"""When a scheduled notice may fire: never about a deadline from before the deployment started
or before the person concerned joined, and never on a day off — a reminder meant for a day off
goes out on the last working day before it."""

from __future__ import annotations

from datetime import date, timedelta

from workflow.calendar import WorkingDay

_DAY = timedelta(days=1)


def notices_since(started_on: date, joined_on: date | None = None) -> date:
    """The first day notices may be about: the deployment's start, or the day the person
    concerned joined when that is later."""
    return started_on if joined_on is None else max(started_on, joined_on)


def may_fire(deadline: date, started_on: date, joined_on: date | None = None) -> bool:
    """Whether a notice about a deadline may go out: not when the deadline predates the
    deployment, or the joining of the person it concerns."""
    return deadline >= notices_since(started_on, joined_on)


def working_day_on_or_before(day: date, is_working_day: WorkingDay) -> date:
    """The day itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= _DAY
    return day


def last_working_day_before(day: date, is_working_day: WorkingDay) -> date:
    """The last working day strictly before `day`."""
    return working_day_on_or_before(day - _DAY, is_working_day)


def day_before_reminder_due(event_day: date, today: date, is_working_day: WorkingDay) -> bool:
    """Whether "the day before" reminder of an event is due today: from the last working day
    before the event (a Friday for a Monday, the last day before a holiday) until the event's
    day, so a reminder missed on its day still goes out before the event."""
    return last_working_day_before(event_day, is_working_day) <= today < event_day
