"""Liaison officers' check-ins every two weeks (联络员走访): the progress, the investment in
place, and a problem, which becomes an open item for the units named and the office until one
of them closes it."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from conversations.callbacks import CallbackData
from conversations.draft import Draft
from conversations.forms.liaison import CHECKIN_FORM
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply
from handlers import deployment, forms
from handlers.buttons import LIAISON_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.notify import Build, notify, notify_many
from storage.tables import ProblemItem, Project
from storage.uow import UnitOfWork
from workflow.notices import may_fire
from workflow.pipeline import Stage
from workflow.roles import Role

SERVICE_STAGES = frozenset({Stage.SIGNED, Stage.LANDING, Stage.CONSTRUCTION})
DISTRICT = "district_gov"  # the district leader's row of the liaison table


def checkins(s: Services, uow: UnitOfWork) -> int:
    """Every two weeks after assignment, ask each liaison officer how the project is going;
    never for a check-in day from before the deployment or before the officer joined."""
    today = s.today()
    started = deployment.started_on(s, uow)
    every = s.policy.deadlines.liaison_checkin_days
    sent = 0
    for a in uow.service.assignments():
        project = uow.projects.get(a.project_id)
        if a.officer_id is None or project is None or Stage(project.stage) not in SERVICE_STAGES:
            continue
        assigned_on = a.assigned_at.astimezone(s.timezone).date()
        n = (today - assigned_on).days // every
        if n < 1:
            continue
        unit = None if a.unit_id == DISTRICT else a.unit_id
        joined = deployment.joined_on(s, uow, a.officer_id, Role.LIAISON, unit)
        if joined is None or not may_fire(
            assigned_on + timedelta(days=n * every), started, joined
        ):
            continue
        sent += notify(
            s,
            uow,
            a.officer_id,
            _checkin_request(s, project, a.id or 0),
            dedupe_key=f"lz:checkin:{a.id}:{n}",
        )
    return sent


def _checkin_request(s: Services, project: Project, assignment_id: int) -> Build:
    def build(locale: str) -> Reply:
        label = s.renderer.message(locale, "liaison#btn_checkin")
        return Reply(
            s.renderer.message(locale, "liaison#checkin", project=project),
            ((Button(label, LIAISON_BUTTONS.encode("in", assignment_id)),),),
        )

    return build


def officer_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    if data.action == "close":
        item = uow.service.problem(data.arg_int(0))
        units = set((item.units or "").split(",")) - {""} if item else set()
        if item is None or not (
            actor.has(Role.OFFICE)
            or actor.units(Role.UNIT_HEAD) & units
            or item.raised_by == actor.person_id
        ):
            raise Refused("common#not_allowed", audit_action="refused:close_problem")
        if item.closed_at is not None:
            raise HandlerError("liaison#already_closed")
        item.closed_by, item.closed_at = actor.person_id, s.clock()
        uow.session.add(item)
        uow.audit("problem_closed", "problem", item.id, actor_id=actor.person_id)
        return Outcome([Reply(s.renderer.message(actor.locale, "liaison#closed"), edit=True)])
    a = uow.service.assignment_by_id(data.arg_int(0))
    if a is None or a.officer_id != actor.person_id:
        raise Refused("common#not_allowed", audit_action="refused:checkin")
    return Outcome(forms.start(s, uow, actor, event.chat_id, CHECKIN_FORM.id, str(a.id)))


def finish_checkin(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """Record the check-in; a problem becomes an open item for the units named and the office."""
    a = uow.service.assignment_by_id(int(subject))
    project = uow.projects.get(a.project_id) if a else None
    if a is None or project is None:
        raise HandlerError("common#stale_button")
    answers = draft.answers
    uow.projects.add_note(project.id or 0, "checkin", answers["progress"], actor.person_id)
    if answers.get("invested") is not None:
        project.invested_wan = Decimal(str(answers["invested"]))
        uow.session.add(project)
    problem = answers.get("problem")
    if not problem:
        return [Reply(s.renderer.message(actor.locale, "liaison#checkin_thanks"))]
    names = [n for n in re.split(r"[、,，;；/\s]+", answers.get("help_from") or "") if n]
    units = [u.id for u in s.policy.units if u.short in names or u.name in names]
    item = uow.service.raise_problem(
        ProblemItem(
            project_id=project.id or 0,
            raised_by=actor.person_id,
            text=problem,
            units=",".join(units),
            raised_at=s.clock(),
        )
    )
    uow.audit("problem_raised", "problem", item.id, actor_id=actor.person_id, note=problem)
    heads = [p.id for u in units for p in uow.people.holders(Role.UNIT_HEAD.value, u) if p.id]
    office = [p.id for p in uow.people.holders(Role.OFFICE.value) if p.id]
    notify_many(
        s,
        uow,
        heads + office,
        lambda loc: Reply(
            s.renderer.message(
                loc,
                "liaison#problem",
                project=project,
                text=problem,
                units=[s.policy.unit(u).name for u in units],
            ),
            (
                (
                    Button(
                        s.renderer.message(loc, "liaison#btn_close"),
                        LIAISON_BUTTONS.encode("close", item.id),
                    ),
                ),
            ),
        ),
        dedupe_key=f"problem:{item.id}",
    )
    return [Reply(s.renderer.message(actor.locale, "liaison#problem_raised"))]
