"""The monthly report calendar (000 一(三)1(2), 附件6): when a period opens and is due."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from workflow.calendar import WorkingDay
from workflow.notices import working_day_on_or_before
from workflow.policy import Deadlines

ESCALATE_AFTER_DAYS = 3  # days late before the unit's head is told
REMINDER_DAYS = (3, 1)  # reminders this many days before the due date


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


def shift_period(period: str, months: int) -> str:
    """The period (YYYY-MM) this many months after (before, when negative)."""
    year, month = (int(x) for x in period.split("-"))
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def recent_periods(last: str, count: int) -> list[str]:
    """`count` consecutive periods ending with `last`, the oldest first."""
    return [shift_period(last, -n) for n in range(count - 1, -1, -1)]


def first_period(started_on: date, deadlines: Deadlines, reporting_from: str | None = None) -> str:
    """The first period a deployment asks for: the one the office set, else the first whose
    window opens on or after the day the deployment started (a window already open then, or
    closed, predates the bot and is never asked for)."""
    if reporting_from:
        return reporting_from
    w = window(period_of(started_on), deadlines)
    return w.period if w.opens_on >= started_on else next_window(w, deadlines).period


def live_windows(today: date, deadlines: Deadlines, *, since: str) -> list[ReportWindow]:
    """The windows that may still need work today: last month's and this month's, once open,
    and none of a period before `since` (the deployment's first period)."""
    previous = today.replace(day=1) - timedelta(days=1)
    return [
        w
        for w in (window(period_of(previous), deadlines), window(period_of(today), deadlines))
        if w.opens_on <= today and w.period >= since
    ]


def unit_owes(w: ReportWindow, joined_on: date | None) -> bool:
    """Whether a unit is asked for a window's report: only when the person who reports for it
    had joined by the due date (a unit with nobody in the bot yet is asked nothing)."""
    return joined_on is not None and joined_on <= w.due_on


def submitted_late(submitted_on: date | None, due_on: date) -> bool:
    """Whether a report came in after its due date; one never submitted is missing, not late."""
    return submitted_on is not None and submitted_on > due_on


def reminder_stages(
    w: ReportWindow,
    today: date,
    is_working_day: WorkingDay,
    days: tuple[int, ...] = REMINDER_DAYS,
) -> tuple[int, ...]:
    """The reminder due today, as the days before the due date it stands for. Each reminder is
    moved to the working day on or before its day; the latest one whose day has come is due,
    together with every other moved onto the same working day (before a weekend or a holiday,
    3 and 1 days before may both fall on one day: then one reminder stands for both, as (3, 1)).
    Empty before the first reminder and after the due date."""
    if today > w.due_on:
        return ()
    moved = {n: working_day_on_or_before(w.reminder_on(n), is_working_day) for n in days}
    reached = [n for n in days if moved[n] <= today]
    if not reached:
        return ()
    latest = moved[min(reached)]
    return tuple(sorted((n for n in days if moved[n] == latest), reverse=True))


def periods_due(year: int, as_of: date, deadlines: Deadlines, *, since: str) -> list[ReportWindow]:
    """The year's windows that count in the assessment: due by `as_of`, and of a period the
    bot was in use for (from `since`, the deployment's first period)."""
    windows = (window(f"{year:04d}-{month:02d}", deadlines) for month in range(1, 13))
    return [w for w in windows if w.due_on <= as_of and w.period >= since]


def reporting_period(today: date, deadlines: Deadlines) -> str:
    """The period a unit reports on today: this month once it has opened, else last month."""
    if today.day >= deadlines.monthly_report_open_day:
        return period_of(today)
    return period_of(today.replace(day=1) - timedelta(days=1))


DEPARTMENT_SEPARATORS: Final = re.compile(r"[、,，;；/\s]+")


def departments(text: str | None) -> list[str]:
    """The departments named in a monthly report row's 需要协调的部门."""
    return [d for d in DEPARTMENT_SEPARATORS.split(text or "") if d]
