"""The monthly report opens on the 25th and is due on the 5th of the next month."""

from __future__ import annotations

from datetime import date

from workflow.policy import Policy
from workflow.reporting import live_windows, reporting_period, window


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
    assert [w.period for w in live_windows(date(2026, 12, 26), d)] == ["2026-11", "2026-12"]
    assert [w.period for w in live_windows(date(2026, 12, 20), d)] == ["2026-11"]
