"""The monthly report opens on the 25th and is due on the 5th of the next month."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from workflow.policy import Policy
from workflow.reporting import (
    first_period,
    live_windows,
    periods_due,
    reminder_stages,
    reporting_period,
    submitted_late,
    unit_owes,
    window,
)


def test_november_opens_on_the_25th_and_is_due_on_5_december(policy: Policy):
    w = window("2026-11", policy.deadlines)
    assert (w.opens_on, w.due_on) == (date(2026, 11, 25), date(2026, 12, 5))
    assert (w.reminder_on(3), w.reminder_on(1)) == (date(2026, 12, 2), date(2026, 12, 4))


def test_december_is_due_in_january_of_the_next_year(policy: Policy):
    assert window("2026-12", policy.deadlines).due_on == date(2027, 1, 5)


def test_units_report_on_last_month_until_this_month_opens(policy: Policy):
    d = policy.deadlines
    assert reporting_period(date(2026, 12, 3), d) == "2026-11"
    assert reporting_period(date(2026, 12, 25), d) == "2026-12"
    since = "2026-01"
    assert [w.period for w in live_windows(date(2026, 12, 26), d, since=since)] == [
        "2026-11",
        "2026-12",
    ]
    assert [w.period for w in live_windows(date(2026, 12, 20), d, since=since)] == ["2026-11"]


# A deployment asks only for the periods that open after it started (issue 10, point 7).


def test_the_first_period_is_the_first_window_that_opens_on_or_after_the_start(
    policy: Policy,
):
    d = policy.deadlines
    assert first_period(date(2026, 10, 23), d) == "2026-10"  # October opens two days later
    assert first_period(date(2026, 10, 25), d) == "2026-10"  # started on its opening day
    assert first_period(date(2026, 10, 26), d) == "2026-11"  # October was already open
    assert first_period(date(2026, 11, 5), d) == "2026-11"  # the last day of October's window
    assert first_period(date(2026, 9, 29), d) == "2026-10"  # neither August nor September
    assert first_period(date(2026, 12, 26), d) == "2027-01"


def test_the_office_may_set_the_first_period(policy: Policy):
    d = policy.deadlines
    assert first_period(date(2026, 10, 26), d, "2026-10") == "2026-10"
    assert first_period(date(2026, 10, 23), d, "2027-01") == "2027-01"


def test_a_fresh_deployment_has_no_window_from_before_it(policy: Policy):
    d = policy.deadlines
    since = first_period(date(2026, 10, 23), d)
    # On the first sweep nothing is live: September predates the bot, October is not open.
    assert live_windows(date(2026, 10, 23), d, since=since) == []
    assert [w.period for w in live_windows(date(2026, 10, 25), d, since=since)] == ["2026-10"]
    assert [w.period for w in live_windows(date(2026, 11, 25), d, since=since)] == [
        "2026-10",
        "2026-11",
    ]
    late = first_period(date(2026, 9, 29), d)
    assert [w.period for w in live_windows(date(2026, 10, 8), d, since=late)] == []


def test_a_unit_owes_a_report_only_if_its_reporter_joined_by_the_due_date(policy: Policy):
    october = window("2026-10", policy.deadlines)  # opens 25 Oct, due 5 Nov
    assert not unit_owes(october, None)  # nobody reports for the unit yet
    assert unit_owes(october, date(2026, 10, 20))  # before the window opened
    assert unit_owes(october, date(2026, 10, 28))  # mid-window: asked from that day on
    assert unit_owes(october, date(2026, 11, 5))  # on the due date itself
    assert not unit_owes(october, date(2026, 11, 6))  # after it: never nagged as late


def _weekdays(*holidays: date):
    return lambda day: day.weekday() < 5 and day not in holidays


NATIONAL_DAY_2026 = tuple(date(2026, 10, n) for n in range(1, 8))


def test_reminders_3_and_1_days_before_on_working_days(policy: Policy):
    november = window("2026-11", policy.deadlines)  # due Saturday 5 Dec
    working = _weekdays()
    stages = {day: reminder_stages(november, date(2026, 12, day), working) for day in range(1, 7)}
    assert stages == {1: (), 2: (3,), 3: (3,), 4: (1,), 5: (1,), 6: ()}


def test_two_reminders_on_one_working_day_before_a_holiday_are_one(policy: Policy):
    september = window("2026-09", policy.deadlines)  # due 5 Oct, in the National Day week
    working = _weekdays(*NATIONAL_DAY_2026)
    # 3 days before (2 Oct) and 1 day before (4 Oct) both move to Wednesday 30 Sep.
    assert reminder_stages(september, date(2026, 9, 29), working) == ()
    assert reminder_stages(september, date(2026, 9, 30), working) == (3, 1)
    assert reminder_stages(september, date(2026, 10, 5), working) == (3, 1)  # still the same
    assert reminder_stages(september, date(2026, 10, 6), working) == ()


def test_a_due_date_on_monday_brings_both_reminders_on_friday(policy: Policy):
    w = window("2026-12", policy.deadlines)  # due Tuesday 5 Jan 2027
    working = _weekdays(date(2027, 1, 1))
    # 3 days before is Saturday 2 Jan and New Year's Day is off: both go out on 31 Dec,
    # 1 day before is Monday 4 Jan.
    assert reminder_stages(w, date(2026, 12, 31), working) == (3,)
    assert reminder_stages(w, date(2027, 1, 4), working) == (1,)
    monday = replace(w, due_on=date(2026, 12, 7))
    assert reminder_stages(monday, date(2026, 12, 4), _weekdays()) == (3, 1)


def test_the_assessment_counts_only_periods_the_bot_was_in_use(policy: Policy):
    d = policy.deadlines
    since = first_period(date(2026, 11, 10), d)  # deployed in November: 1 period, not 11
    assert [w.period for w in periods_due(2026, date(2026, 12, 31), d, since=since)] == ["2026-11"]
    assert periods_due(2026, date(2026, 12, 4), d, since=since) == []  # not due yet
    since = first_period(date(2026, 10, 20), d)
    assert [w.period for w in periods_due(2026, date(2026, 12, 31), d, since=since)] == [
        "2026-10",
        "2026-11",
    ]
    assert len(periods_due(2026, date(2026, 12, 31), d, since="2026-01")) == 11
    assert [w.period for w in periods_due(2027, date(2027, 3, 1), d, since=since)] == ["2027-01"]


def test_a_report_is_late_only_when_it_came_in_after_its_due_date(policy: Policy):
    due = window("2026-11", policy.deadlines).due_on
    assert not submitted_late(due, due)
    assert not submitted_late(date(2026, 11, 30), due)
    assert submitted_late(date(2026, 12, 6), due)
    assert not submitted_late(None, due)  # missing, not late
