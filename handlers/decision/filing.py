"""发改局's own 核准并备案 of a registered agreement (000 一(二)2(3): "凡通过会议决策准予落户
的项目，由区发展改革局核准并备案"): its officials get a card when the office registers an
agreement, and approve and file it, or return it to the office with a reason."""

from __future__ import annotations

from functools import partial

from conversations.callbacks import CallbackData
from conversations.draft import Draft
from conversations.forms.agreement import DRC_RETURN_FORM
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply
from handlers import forms
from handlers.buttons import DRC_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.notify import notify, notify_many
from storage.tables import Agreement, Person, Project
from storage.uow import UnitOfWork
from workflow.agreement import Commitments, Difference, differences, plan_commitments
from workflow.roles import Role


def filing_unit(s: Services) -> str | None:
    """The unit whose officials approve and file agreements, as the policy names it."""
    return s.policy.agreement_filing.unit if s.policy.agreement_filing else None


def _filers(s: Services, uow: UnitOfWork) -> list[int]:
    return [p.id for p in uow.people.holders(Role.DRC_FILING.value, filing_unit(s)) if p.id]


def agreement_differences(project: Project, agreement: Agreement) -> list[Difference]:
    """Where the agreement's figures differ from the plan that was screened (001 八)."""
    agreed = Commitments(
        start=agreement.committed_start,
        production=agreement.committed_production,
        intensity=agreement.committed_intensity,
        output=agreement.committed_output_yi,
        tax=agreement.committed_tax_wan,
    )
    return differences(plan_commitments(project.plan or {}), agreed)


def authoriser_of(uow: UnitOfWork, agreement: Agreement) -> Person | None:
    """The 区长 who authorised the signer, if the signer signed on authority."""
    return uow.people.get(agreement.authorised_by) if agreement.authorised_by else None


def drc_card(s: Services, uow: UnitOfWork, project: Project, locale: str) -> Reply:
    """The agreement as 发改局 sees it, with 核准并备案 and 退回 while it waits for them."""
    agreement = uow.decisions.agreement(project.id or 0)
    if agreement is None:
        raise HandlerError("common#stale_button")
    filer = uow.people.get(agreement.drc_filed_by) if agreement.drc_filed_by else None
    text = s.renderer.message(
        locale,
        "signing#drc_card",
        project=project,
        agreement=agreement,
        authoriser=authoriser_of(uow, agreement),
        differences=agreement_differences(project, agreement),
        filer=filer.name if filer else None,
    )
    waiting = agreement.drc_filed_on is None and agreement.drc_returned_at is None
    buttons = (
        (
            (
                Button(
                    s.renderer.message(locale, "signing#btn_drc_ok"),
                    DRC_BUTTONS.encode("ok", project.id),
                ),
                Button(
                    s.renderer.message(locale, "signing#btn_drc_return"),
                    DRC_BUTTONS.encode("ret", project.id),
                ),
            ),
        )
        if waiting
        else ()
    )
    return Reply(text, buttons, card=f"df:{project.id}")


def send_to_drc(s: Services, uow: UnitOfWork, project: Project, agreement: Agreement) -> int:
    """Send the registered agreement to 发改局's officials; the office is told if nobody holds
    the role yet."""
    filers = _filers(s, uow)
    if filers:
        return notify_many(
            s,
            uow,
            filers,
            lambda loc: drc_card(s, uow, project, loc),
        )
    office = [p.id for p in uow.people.holders(Role.OFFICE.value) if p.id]
    return notify_many(
        s,
        uow,
        office,
        lambda loc: Reply(s.renderer.message(loc, "signing#no_drc_filer", project=project)),
    )


def late_filers(s: Services, uow: UnitOfWork) -> int:
    """A 发改局 official who joined after an agreement was registered gets its card once, while
    it still waits for 核准并备案 (the office was told that nobody held the role)."""
    rows = uow.people.role_rows(Role.DRC_FILING.value, filing_unit(s))
    sent = 0
    for agreement in uow.decisions.agreements():
        if agreement.drc_filed_on is not None or agreement.drc_returned_at is not None:
            continue
        project = uow.projects.get(agreement.project_id)
        signed = [
            h.at for h in uow.projects.history(agreement.project_id) if h.to_stage == "signed"
        ]
        if project is None or not signed:
            continue
        for row in rows:
            if row.granted_at > signed[-1]:
                sent += notify(
                    s,
                    uow,
                    row.person_id,
                    partial(drc_card, s, uow, project),
                    dedupe_key=f"df:joined:{agreement.id}:{row.person_id}",
                )
    return sent


def _waiting(uow: UnitOfWork, project_id: int) -> tuple[Project, Agreement]:
    project = uow.projects.get(project_id)
    agreement = uow.decisions.agreement(project.id or 0) if project else None
    if project is None or agreement is None:
        raise HandlerError("common#stale_button")
    if agreement.drc_filed_on is not None or agreement.drc_returned_at is not None:
        raise HandlerError("signing#drc_done", serial=project.serial)
    return project, agreement


def drc_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """核准并备案, or the reason for returning it: only 发改局's officials, while it waits."""
    unit = filing_unit(s)
    if unit is None or unit not in actor.units(Role.DRC_FILING):
        raise Refused("common#not_allowed", audit_action=f"refused:df:{data.action}")
    project, agreement = _waiting(uow, data.arg_int(0))
    if data.action == "ret":
        return Outcome(
            forms.start(s, uow, actor, event.chat_id, DRC_RETURN_FORM.id, str(project.id))
        )
    agreement.drc_filed_on, agreement.drc_filed_by = s.today(), actor.person_id
    uow.session.add(agreement)
    uow.audit(
        "drc_filing",
        "agreement",
        agreement.id,
        actor_id=actor.person_id,
        to_value=agreement.drc_filed_on,
    )
    name = actor.person.name if actor.person else ""
    _tell_office(s, uow, project, "signing#drc_filed_notice", name)
    return Outcome(
        [drc_card(s, uow, project, actor.locale).as_edit()],
        toast=s.renderer.message(actor.locale, "signing#drc_filed_toast"),
    )


def finish_drc_return(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """The agreement goes back to the office with 发改局's reason; the office registers it
    again, and it comes back to 发改局."""
    unit = filing_unit(s)
    if unit is None or unit not in actor.units(Role.DRC_FILING):
        raise Refused("common#not_allowed", audit_action="refused:df:return")
    project, agreement = _waiting(uow, int(subject))
    reason = draft.answers["drc_return"]
    agreement.drc_returned_at, agreement.drc_return_reason = s.clock(), reason
    uow.session.add(agreement)
    uow.audit("drc_return", "agreement", agreement.id, actor_id=actor.person_id, note=reason)
    _tell_office(s, uow, project, "signing#drc_returned_notice", reason)
    return [drc_card(s, uow, project, actor.locale)]


def _tell_office(
    s: Services, uow: UnitOfWork, project: Project, template: str, detail: str
) -> None:
    office = [p.id for p in uow.people.holders(Role.OFFICE.value) if p.id]
    notify_many(
        s,
        uow,
        office,
        lambda loc: Reply(s.renderer.message(loc, template, project=project, detail=detail)),
    )
