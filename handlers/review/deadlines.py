"""Review deadlines (评审时限): pending reviewers (and their A/B 岗) reminded before the
deadline, the unit's head and the office told once it has passed (in the city's own round, the
city office). Each notice has a deterministic key, so any number of sweeps sends it once."""

from __future__ import annotations

from handlers import deployment
from handlers.context import Services
from handlers.notify import message, notify, notify_role
from handlers.review.cards import card_notice
from handlers.review.holders import card_holders
from handlers.review.levels import DISTRICT, level_of
from storage.uow import UnitOfWork
from workflow.notices import last_working_day_before, may_fire
from workflow.roles import Role


def review_deadlines(s: Services, uow: UnitOfWork) -> int:
    """Remind pending reviewers before the deadline; escalate to the unit's head when overdue.
    Nothing about a deadline from before the deployment started."""
    today = s.today()
    started = deployment.started_on(s, uow)
    sent = 0
    for rnd in uow.reviews.open_rounds():
        if not may_fire(rnd.deadline, started):
            continue
        project = uow.projects.get(rnd.project_id)
        remind_from = rnd.deadline
        for _ in range(s.policy.deadlines.review_reminder_days_before):
            remind_from = last_working_day_before(remind_from, s.calendar.is_working_day)
        for op in uow.reviews.opinions(rnd.id or 0):
            if op.verdict or op.reviewer_id is None:
                continue
            dim = s.policy.dimension(op.dimension_id).name
            if remind_from <= today <= rnd.deadline:
                reminder = card_notice(
                    s,
                    uow,
                    op,
                    "review#reminder",
                    project=project,
                    dimension=dim,
                    deadline=rnd.deadline,
                )
                for holder in card_holders(uow, op):  # the reviewer, then their A/B 岗
                    key = f"rv:remind:{op.id}:{rnd.deadline}"
                    if holder != op.reviewer_id:
                        key += f":{holder}"
                    sent += notify(s, uow, holder, reminder, dedupe_key=key)
            elif today > rnd.deadline:
                reviewer = uow.people.get(op.reviewer_id)
                build = message(
                    s,
                    "review#overdue",
                    project=project,
                    dimension=dim,
                    unit=s.policy.unit(op.unit_id).name,
                    reviewer=reviewer.name if reviewer else None,
                    deadline=rnd.deadline,
                )
                if level_of(rnd.level) is not DISTRICT:
                    # The city's reviewers answer to the city office, not to a district unit.
                    sent += notify_role(
                        s, uow, Role.CITY_OFFICE, build, dedupe_key=f"rv:overdue:{op.id}:city"
                    )
                    continue
                sent += notify_role(
                    s,
                    uow,
                    Role.UNIT_HEAD,
                    build,
                    unit_id=op.unit_id,
                    dedupe_key=f"rv:overdue:{op.id}",
                )
                sent += notify_role(
                    s, uow, Role.OFFICE, build, dedupe_key=f"rv:overdue:{op.id}:office"
                )
    return sent
