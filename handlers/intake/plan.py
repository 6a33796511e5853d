"""The investor's plan: /new, /continue, /cancel, /my, /project, and the submission."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from conversations.callbacks import CallbackData
from conversations.draft import Draft
from conversations.forms.plan import PLAN_FORM
from conversations.inbound import Inbound
from conversations.inputs import Command
from conversations.replies import Button, Outcome, Reply, keyboard
from handlers import forms
from handlers.buttons import PLAN_BUTTONS
from handlers.context import Actor, Services
from handlers.decision.city_round import offer_cross_region
from handlers.errors import HandlerError, Refused
from handlers.intake.plans import findings_json, findings_of
from handlers.notify import notify_role
from handlers.pipeline.admission_view import investor_notice
from handlers.timeline import timeline
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.pipeline import Stage, is_cross_region
from workflow.review import kept_on_rescreening
from workflow.roles import Role


def _msg(s: Services, actor: Actor, name: str, **params: Any) -> str:
    return s.renderer.message(actor.locale, name, **params)


def submit_plan(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """A plan was submitted: the project enters stage ① with its serial; the office is told.
    A plan revised after the office returned it updates its project and keeps the old version."""
    answers = draft.answers
    findings = findings_json(findings_of(s, answers))
    now = s.clock()
    if subject:
        return _resubmit(s, uow, actor, int(subject), answers, findings)
    serial = uow.projects.next_serial(s.policy.serial_prefix, now.astimezone(s.timezone).year)
    project = uow.projects.add(
        Project(
            serial=serial,
            name=answers["name"],
            investor_name=answers.get("investor"),
            investor_person_id=actor.person_id,
            stage=Stage.LEAD.value,
            sector=answers.get("sector"),
            site=answers.get("site"),
            total_investment_wan=_dec(answers.get("total_investment")),
            land_area_mu=_dec(answers.get("land_area")),
            plan=dict(answers),
            findings=findings,
            priority=any(f["code"] == "priority" for f in findings),
            created_at=now,
            updated_at=now,
        )
    )
    uow.projects.record_creation(project, actor.person_id, now)
    uow.audit(
        "submit_plan",
        "project",
        project.id,
        actor_id=actor.person_id,
        to_value=Stage.LEAD.value,
        note=serial,
    )
    notify_role(
        s,
        uow,
        Role.OFFICE,
        lambda loc: Reply(
            s.renderer.message(
                loc,
                "projects#office_new_lead",
                project=project,
                findings=findings,
                stage=Stage.LEAD.value,
            )
        ),
        dedupe_key=f"lead:{serial}",
    )
    offer_cross_region(s, uow, project)  # 001 七(二)1(2): the city office accepts it
    submitted = Reply(
        _msg(
            s,
            actor,
            "projects#submitted",
            project=project,
            stage=Stage.LEAD.value,
            city_office=s.policy.city_office().name if is_cross_region(project.plan) else None,
        )
    )
    blocked = investor_notice(s, project, actor.locale)  # 001 一, 六: told at once
    return [submitted, *([blocked] if blocked else [])]


def _resubmit(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    project_id: int,
    answers: dict[str, Any],
    findings: list[dict[str, Any]],
) -> list[Reply]:
    project = uow.projects.get(project_id)
    if project is None or project.investor_person_id != actor.person_id:
        raise HandlerError("common#stale_button")
    uow.projects.keep_version(project)
    project.plan = dict(answers)
    project.findings = kept_on_rescreening(project.findings, findings)  # 001 六 as confirmed
    project.name = answers["name"]
    project.investor_name = answers.get("investor")
    project.sector, project.site = answers.get("sector"), answers.get("site")
    project.total_investment_wan = _dec(answers.get("total_investment"))
    project.land_area_mu = _dec(answers.get("land_area"))
    project.priority = any(f["code"] == "priority" for f in findings)
    project.awaiting_investor = False
    project.updated_at = s.clock()
    uow.session.add(project)
    uow.projects.add_note(project_id, "resubmitted", "", actor.person_id)
    uow.audit("resubmit_plan", "project", project_id, actor_id=actor.person_id)
    notify_role(
        s,
        uow,
        Role.OFFICE,
        lambda loc: Reply(
            s.renderer.message(
                loc, "projects#office_resubmitted", project=project, findings=findings
            )
        ),
    )
    blocked = investor_notice(s, project, actor.locale)
    return [
        Reply(_msg(s, actor, "projects#resubmitted", project=project)),
        *([blocked] if blocked else []),
    ]


def _dec(raw: Any) -> Decimal | None:
    return None if raw in (None, "") else Decimal(str(raw))


def new_plan(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """Start a plan; an unfinished one is offered first."""
    existing = uow.drafts.find(actor.person_id, event.chat_id, PLAN_FORM.id)
    if existing is not None:
        buttons = keyboard(
            [
                Button(_msg(s, actor, "projects#button_resume"), PLAN_BUTTONS.encode("resume")),
                Button(_msg(s, actor, "projects#button_restart"), PLAN_BUTTONS.encode("restart")),
            ]
        )
        return Outcome([Reply(_msg(s, actor, "projects#unfinished_plan"), buttons)])
    intro = Reply(_msg(s, actor, "projects#plan_intro"))
    return Outcome([intro, *forms.start(s, uow, actor, event.chat_id, PLAN_FORM.id)])


def plan_choice(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """Resume the unfinished plan, or discard it and start again."""
    row = uow.drafts.find(actor.person_id, event.chat_id, PLAN_FORM.id)
    if data.action == "restart":
        if row is not None:
            uow.drafts.delete(row)
            uow.session.flush()
        replies = forms.start(s, uow, actor, event.chat_id, PLAN_FORM.id)
        return Outcome([Reply(_msg(s, actor, "projects#restarted"), edit=True), *replies])
    if data.action == "resume" and row is not None:
        return forms.feed(s, uow, actor, row, Command("resume"))
    if data.action == "fix":
        project = uow.projects.get(data.arg_int(0))
        if project is None or project.investor_person_id != actor.person_id:
            raise Refused("common#not_allowed", audit_action="refused:fix_plan")
        if not project.awaiting_investor:
            raise HandlerError("projects#not_returned", serial=project.serial)
        return Outcome(
            forms.start(
                s,
                uow,
                actor,
                event.chat_id,
                PLAN_FORM.id,
                str(project.id),
                answers=project.plan,
                at_summary=True,
            )
        )
    raise HandlerError("common#stale_button")


def my_projects(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """My projects: stage, what happens next, and the timeline of what concerns the investor."""
    projects = uow.projects.of_investor(actor.person_id)
    items = [
        {"project": p, "timeline": timeline(s, uow, p.id or 0, official=False)} for p in projects
    ]
    drafts = [d for d in uow.drafts.of_person(actor.person_id, PLAN_FORM.id)]
    return Outcome(
        [
            Reply(
                _msg(
                    s,
                    actor,
                    "projects#my",
                    items=items,
                    drafts=[d.data.get("answers", {}).get("name") for d in drafts],
                )
            )
        ]
    )
