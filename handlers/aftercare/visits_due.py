"""The district leader is reminded each half-year to visit companies (000 一(三)2(4):
"每半年组织到企业调研"), once a month from the half-year's first day until a visit for that
half-year is recorded through /visit."""

from __future__ import annotations

from datetime import datetime, time

from conversations.replies import Button, Reply, keyboard
from handlers.aftercare.forums import SIGNED
from handlers.buttons import FORUM_BUTTONS
from handlers.context import Services
from handlers.notify import notify_many
from storage.uow import UnitOfWork
from workflow.roles import Role
from workflow.visits import half_year_of, visit_reminder_key

MAX_COMPANIES = 20  # the rest through /visit


def visit_reminders(s: Services, uow: UnitOfWork) -> int:
    """The month's reminder to the district leaders, unless this half-year has a visit."""
    today = s.today()
    half = half_year_of(today)
    start = datetime.combine(half.start, time(0), s.timezone)
    end = datetime.combine(half.end, time(0), s.timezone)
    visited = bool(uow.decisions.meetings_between("visit", start, end))
    key = visit_reminder_key(today, visited)
    if key is None:
        return 0
    companies = [p for st in SIGNED for p in uow.projects.listing(stage=st.value, limit=100)]

    def build(locale: str) -> Reply:
        buttons = [
            Button(
                f"{p.serial} {(p.investor_name or p.name)[:18]}",
                FORUM_BUTTONS.encode("company", p.id),
            )
            for p in companies[:MAX_COMPANIES]
        ]
        text = s.renderer.message(
            locale, "visits#due", half=half, companies=len(companies), today=today
        )
        return Reply(text, keyboard(buttons, 1))

    leaders = [p.id for p in uow.people.holders(Role.LEADER.value) if p.id]
    return notify_many(s, uow, leaders, build, dedupe_key=f"visit-due:{key}")
