"""Liaison for signed projects (附件7, 000 一(三)2): per unit a responsible leader and a liaison
officer; from 1亿 a district leader; check-ins every two weeks; problems as open items."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from conversations.callbacks import CallbackData
from conversations.draft import Draft
from conversations.forms.liaison import CHECKIN_FORM
from conversations.inbound import Inbound
from conversations.replies import Button, Document, Outcome, Reply, keyboard
from documents.word.liaison import Contact, LiaisonRow, LiaisonTable, liaison_table
from handlers import deployment, forms
from handlers.buttons import LIAISON_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.notify import Build, notify, notify_many
from handlers.review.sheet import DOCX
from storage.tables import ProblemItem, Project
from storage.uow import UnitOfWork
from workflow.notices import may_fire
from workflow.pipeline import Stage
from workflow.roles import Role

SERVICE_STAGES = frozenset({Stage.SIGNED, Stage.LANDING, Stage.CONSTRUCTION})
DISTRICT = "district_gov"  # the district leader's row of the liaison table


def _project(uow: UnitOfWork, data: CallbackData) -> Project:
    project = uow.projects.get(data.arg_int(0))
    if project is None:
        raise HandlerError("common#stale_button")
    return project


def _people_of(uow: UnitOfWork, unit: str) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for role in (Role.UNIT_HEAD, Role.UNIT_REPORTER, Role.LIAISON, Role.REVIEWER, Role.LEADER):
        for p in uow.people.holders(role.value, unit):
            if p.id and uow.people.has_account(p.id):
                seen.setdefault(p.id, p.name)
    return list(seen.items())


def liaison_card(s: Services, uow: UnitOfWork, project: Project, locale: str) -> Reply:
    """Who follows the project for each unit, and the buttons to assign them."""
    pid = project.id or 0
    rows = [
        {
            "unit": s.policy.unit(a.unit_id).name,
            "leader": _name(uow, a.leader_id),
            "officer": _name(uow, a.officer_id),
        }
        for a in uow.service.assignments(pid)
    ]
    tier = s.policy.followup_tier(project.total_investment_wan or Decimal(0))
    units = [u for u in s.policy.units if u.member or u.kind in ("town", "park")]
    buttons = [Button(u.short, LIAISON_BUTTONS.encode("unit", pid, u.id)) for u in units]
    if tier.followed_by == "district_leaders":
        buttons.append(
            Button(
                s.renderer.message(locale, "liaison#btn_district_leader"),
                LIAISON_BUTTONS.encode("unit", pid, DISTRICT),
            )
        )
    buttons.append(
        Button(
            s.renderer.message(locale, "liaison#btn_table"), LIAISON_BUTTONS.encode("table", pid)
        )
    )
    text = s.renderer.message(
        locale,
        "liaison#card",
        project=project,
        rows=rows,
        tier=tier.name,
        problems=len(uow.service.open_problems(pid)),
    )
    return Reply(text, keyboard(buttons, 4), card=f"lz:{pid}")


def _name(uow: UnitOfWork, person_id: int | None) -> str | None:
    person = uow.people.get(person_id) if person_id else None
    return person.name if person else None


def liaison_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """The office assigns; officers report; anyone concerned closes a problem."""
    if data.action in ("in", "close"):
        return _officer_action(s, uow, actor, event, data)
    if not actor.has(Role.OFFICE):
        raise Refused("common#not_allowed", audit_action=f"refused:lz:{data.action}")
    project = _project(uow, data)
    if Stage(project.stage) not in SERVICE_STAGES:
        raise HandlerError("liaison#not_signed", serial=project.serial)
    if data.action == "card":
        return Outcome([liaison_card(s, uow, project, actor.locale)])
    if data.action == "table":
        return Outcome(
            [
                Reply(
                    s.renderer.message(actor.locale, "liaison#table_caption", project=project),
                    document=table_document(s, uow, project),
                )
            ]
        )
    unit = data.args[1] if len(data.args) > 1 else ""
    if unit != DISTRICT and unit not in {u.id for u in s.policy.units}:
        raise HandlerError("common#stale_button")
    if data.action == "unit":
        return _choose(s, uow, actor, project, unit, "lead")
    person = data.arg_int(2)
    if person not in dict(_people_of(uow, unit)):
        # Only the people the card offered: officials of that unit with an account.
        raise Refused("common#not_allowed", audit_action="refused:liaison_person")
    row = uow.service.assign(project.id or 0, unit)
    if data.action == "lead":
        row.leader_id = person
        uow.session.add(row)
        return _choose(s, uow, actor, project, unit, "off")
    row.officer_id = person
    uow.session.add(row)
    uow.people.grant(
        person,
        Role.LIAISON.value,
        unit_id=None if unit == DISTRICT else unit,
        granted_by=actor.person_id,
    )
    uow.audit(
        "liaison_assign",
        "project",
        project.id,
        actor_id=actor.person_id,
        to_value=f"{unit}:{row.leader_id}/{row.officer_id}",
    )
    for pid, role in ((row.leader_id, "leader"), (row.officer_id, "officer")):
        if pid:
            notify(
                s,
                uow,
                pid,
                _assigned(s, project, unit, role),
                dedupe_key=f"lz:{project.id}:{unit}:{role}:{pid}",
            )
    return Outcome([liaison_card(s, uow, project, actor.locale)])


def _choose(
    s: Services, uow: UnitOfWork, actor: Actor, project: Project, unit: str, step: str
) -> Outcome:
    people = _people_of(uow, DISTRICT) if unit == DISTRICT else _people_of(uow, unit)
    if not people:
        raise HandlerError("liaison#nobody", unit=_unit_name(s, unit))
    buttons = [
        Button(name, LIAISON_BUTTONS.encode(step, project.id, unit, pid)) for pid, name in people
    ]
    text = s.renderer.message(actor.locale, f"liaison#choose_{step}", unit=_unit_name(s, unit))
    return Outcome([Reply(text, keyboard(buttons, 3))])


def _unit_name(s: Services, unit: str) -> str:
    return s.policy.unit(unit).name


def _assigned(s: Services, project: Project, unit: str, role: str) -> Build:
    return lambda loc: Reply(
        s.renderer.message(
            loc, "liaison#assigned", project=project, unit=_unit_name(s, unit), role=role
        )
    )


def table_document(s: Services, uow: UnitOfWork, project: Project) -> Document:
    """The 项目建设联络表 (附件7)."""
    rows, district_leaders = [], []
    for a in uow.service.assignments(project.id or 0):
        if a.unit_id == DISTRICT:
            district_leaders += [
                n for n in (_name(uow, a.leader_id), _name(uow, a.officer_id)) if n
            ]
            continue
        rows.append(
            LiaisonRow(
                unit=_unit_name(s, a.unit_id),
                duties=a.duties,
                leader=_contact(uow, a.leader_id),
                officer=_contact(uow, a.officer_id),
            )
        )
    tier = s.policy.followup_tier(project.total_investment_wan or Decimal(0))
    table = LiaisonTable(
        serial=project.serial,
        project_name=project.name,
        investor=project.investor_name,
        total_investment_wan=project.total_investment_wan,
        dated=s.today(),
        followed_by=tier.followed_by,
        rows=rows,
        district_leaders=district_leaders,
    )
    return Document(
        s.file_name("liaison", serial=project.serial),
        liaison_table(table, renderer=s.renderer),
        mime_type=DOCX,
    )


def _contact(uow: UnitOfWork, person_id: int | None) -> Contact | None:
    person = uow.people.get(person_id) if person_id else None
    return Contact(person.name, person.phone) if person else None


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


def _officer_action(
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
                units=[_unit_name(s, u) for u in units],
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
