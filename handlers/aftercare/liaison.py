"""Liaison for signed projects (附件7, 000 一(三)2): per unit a responsible leader and a liaison
officer; from 1亿 a district leader; check-ins every two weeks; problems as open items."""

from __future__ import annotations

from decimal import Decimal

from conversations.callbacks import CallbackData
from conversations.inbound import Inbound
from conversations.replies import Button, Document, Outcome, Reply, keyboard
from documents.word.liaison import Contact, LiaisonRow, LiaisonTable, liaison_table
from handlers.aftercare.checkins import DISTRICT, SERVICE_STAGES, officer_action
from handlers.buttons import LIAISON_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.notify import Build, notify
from handlers.review.sheet import DOCX
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.pipeline import Stage
from workflow.roles import Role


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
        return officer_action(s, uow, actor, event, data)
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
    # One person in both roles (a district leader, say) is told once, of both.
    if row.leader_id and row.leader_id == row.officer_id:
        told: tuple[tuple[int | None, str], ...] = ((row.leader_id, "both"),)
    else:
        told = ((row.leader_id, "leader"), (row.officer_id, "officer"))
    for pid, role in told:
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
        business = s.policy.unit(a.unit_id).business
        rows.append(
            LiaisonRow(
                unit=_unit_name(s, a.unit_id),
                duties=a.duties or (business.text if business else None),
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
        district_leaders=list(dict.fromkeys(district_leaders)),  # each person once
    )
    return Document(
        s.file_name("liaison", serial=project.serial),
        liaison_table(table, templates=s.documents),
        mime_type=DOCX,
    )


def _contact(uow: UnitOfWork, person_id: int | None) -> Contact | None:
    person = uow.people.get(person_id) if person_id else None
    return Contact(person.name, person.phone) if person else None
