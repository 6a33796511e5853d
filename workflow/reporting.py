"""The monthly report calendar (000 一(三)1(2), 附件6): when a period opens and is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from workflow.policy import Deadlines

ESCALATE_AFTER_DAYS = 3  # days late before the unit's head is told


@dataclass(frozen=True, slots=True)
class ReportWindow:
    """One reporting period: the month reported on, when it opens, when it is due."""

    period: str  # YYYY-MM
    opens_on: date
    due_on: date

    def reminder_on(self, days_before: int) -> date:
        """The day of the reminder this many days before the due date."""
        return self.due_on - timedelta(days=days_before)

    @property
    def escalate_on(self) -> date:
        """The day the unit's head hears of a report still missing."""
        return self.due_on + timedelta(days=ESCALATE_AFTER_DAYS)


def window(period: str, deadlines: Deadlines) -> ReportWindow:
    """The window of a period: it opens in its own month and is due early the next month."""
    year, month = (int(x) for x in period.split("-"))
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ReportWindow(
        period,
        date(year, month, deadlines.monthly_report_open_day),
        date(next_year, next_month, deadlines.monthly_report_due_day),
    )


def next_window(w: ReportWindow, deadlines: Deadlines) -> ReportWindow:
    """The window of the month after."""
    return window(period_of(w.due_on), deadlines)


def period_of(day: date) -> str:
    """The period (YYYY-MM) of a day's month."""
    return f"{day.year:04d}-{day.month:02d}"


def live_windows(today: date, deadlines: Deadlines) -> list[ReportWindow]:
    """The windows that may still need work today: last month's and this month's."""
    previous = today.replace(day=1) - timedelta(days=1)
    return [
        w
        for w in (window(period_of(previous), deadlines), window(period_of(today), deadlines))
        if w.opens_on <= today
    ]


def reporting_period(today: date, deadlines: Deadlines) -> str:
    """The period a unit reports on today: this month once it has opened, else last month."""
    if today.day >= deadlines.monthly_report_open_day:
        return period_of(today)
    return period_of(today.replace(day=1) - timedelta(days=1))
