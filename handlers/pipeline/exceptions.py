"""The documents' exceptions as explicit steps: the office's request (pr:exc) and the city
leading group's answer (ax:ok/no), each audited; what people read is in admission_view.

001 一 and 六 stop a prohibited or out-of-scope project; 001 二 and 001 四(三) are the only ways
past, each approved by the city's 招商引资工作领导小组 (the roles the policy names)."""

from __future__ import annotations

from typing import Any

from conversations.callbacks import CallbackData
from conversations.draft import Draft
from conversations.fields import Choice
from conversations.forms.admission import EXCEPTION_FORM, EXCEPTION_KINDS, EXCEPTION_REFUSAL
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply, keyboard
from handlers import forms
from handlers.buttons import ADMISSION_BUTTONS, PIPELINE_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.notify import notify_many
from handlers.pipeline.admission_view import pending_request
from handlers.stages import open_project_blockers
from storage.tables import AdmissionExceptionRequest, Project
from storage.uow import UnitOfWork
from workflow.admission import (
    ExceptionStatus,
    applicable_exceptions,
    exception,
    lifted_keys,
)
from workflow.policy import AdmissionException
from workflow.roles import Role
from workflow.screening import Finding


def exception_choices(s: Services) -> dict[str, list[Choice]]:
    """The request form's choices: the policy's exceptions."""
    return {EXCEPTION_KINDS: [Choice(e.id, e.name) for e in s.policy.admission_exceptions]}


def _check_can_request(s: Services, uow: UnitOfWork, project: Project) -> list[Finding]:
    open_ = open_project_blockers(uow, project)
    if not open_:
        raise HandlerError("admission#nothing_to_lift", serial=project.serial)
    if not applicable_exceptions(open_, s.policy):
        raise HandlerError("admission#no_exception", serial=project.serial)
    if pending_request(uow, project):
        raise HandlerError("admission#pending", serial=project.serial)
    return open_


def start_request(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, project: Project
) -> list[Reply]:
    """The office's 申请例外: the form with the kind of exception and the reason."""
    _check_can_request(s, uow, project)
    return forms.start(s, uow, actor, event.chat_id, EXCEPTION_FORM.id, str(project.id))


def finish_request(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """Record the request, audit it, and send its card to the city's approvers."""
    project = uow.projects.get(int(subject)) if subject.isdigit() else None
    if project is None:
        raise HandlerError("common#stale_button")
    open_ = _check_can_request(s, uow, project)
    kind = exception(s.policy, str(draft.answers["exception_kind"]))
    if kind is None or kind not in applicable_exceptions(open_, s.policy):
        raise HandlerError(
            "admission#not_applicable",
            serial=project.serial,
            name=kind.name if kind else draft.answers["exception_kind"],
        )
    request = uow.projects.add_exception_request(
        AdmissionExceptionRequest(
            project_id=project.id or 0,
            kind=kind.id,
            reason=str(draft.answers["exception_reason"]),
            lifts=list(lifted_keys(open_, kind, s.policy)),
            requested_by=actor.person_id,
            requested_at=s.clock(),
        )
    )
    uow.audit(
        "exception_request",
        "admission_exception",
        request.id,
        actor_id=actor.person_id,
        to_value=kind.id,
        note=project.serial,
    )
    approvers, _ = _send_card(s, uow, request, project, kind, open_)
    replies = [
        Reply(
            s.renderer.message(
                actor.locale, "admission#requested", project=project, exception=kind
            )
        )
    ]
    if not approvers:  # the card goes out when one joins (exception_cards)
        replies.append(Reply(s.renderer.message(actor.locale, "admission#no_approver")))
    return replies


def _send_card(
    s: Services,
    uow: UnitOfWork,
    request: AdmissionExceptionRequest,
    project: Project,
    kind: AdmissionException,
    blockers: list[Finding],
) -> tuple[list[int], int]:
    """The request's card to each city approver, once each: who they are, how many were sent
    now."""
    approvers = _approver_ids(uow, kind)
    sent = notify_many(
        s,
        uow,
        approvers,
        lambda loc: city_card(s, request, project, kind, blockers, loc),
        dedupe_key=f"exception:{request.id}",
    )
    return approvers, sent


def exception_cards(s: Services, uow: UnitOfWork) -> int:
    """A city approver who joined after a request was made gets its card, once."""
    sent = 0
    for request in uow.projects.pending_exception_requests():
        project = uow.projects.get(request.project_id)
        kind = exception(s.policy, request.kind)
        if project is None or kind is None:
            continue
        blockers = open_project_blockers(uow, project)
        sent += _send_card(s, uow, request, project, kind, blockers)[1]
    return sent


def _approver_ids(uow: UnitOfWork, kind: AdmissionException) -> list[int]:
    ids: dict[int, None] = {}
    for role in kind.approver_roles:
        for person in uow.people.holders(role):
            if person.id:
                ids[person.id] = None
    return list(ids)


def city_card(
    s: Services,
    request: AdmissionExceptionRequest,
    project: Project,
    kind: AdmissionException,
    blockers: list[Finding],
    locale: str,
) -> Reply:
    """The card of the city's approvers: the request, the blockers, 同意 / 不同意."""
    label = lambda k: s.renderer.message(locale, f"admission#btn_{k}")  # noqa: E731
    buttons = keyboard(
        [
            Button(label("approve"), ADMISSION_BUTTONS.encode("ok", request.id)),
            Button(label("refuse"), ADMISSION_BUTTONS.encode("no", request.id)),
        ],
        2,
    )
    text = s.renderer.message(
        locale,
        "admission#city_card",
        project=project,
        request=request,
        exception=kind,
        blockers=blockers,
        office=s.policy.office().name,
    )
    return Reply(text, buttons, card=f"ax:{request.id}")


def _decidable(
    s: Services, uow: UnitOfWork, actor: Actor, request_id: int, audit: str
) -> tuple[AdmissionExceptionRequest, Project, AdmissionException]:
    request = uow.projects.exception_request(request_id)
    project = uow.projects.get(request.project_id) if request else None
    kind = exception(s.policy, request.kind) if request else None
    if request is None or project is None or kind is None:
        raise HandlerError("common#stale_button")
    if not actor.roles & {Role(r) for r in kind.approver_roles}:
        raise Refused("common#not_allowed", audit_action=f"refused:{audit}")
    if request.status != ExceptionStatus.REQUESTED.value:
        raise HandlerError("admission#already_decided", serial=project.serial)
    return request, project, kind


def exception_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """The city approvers' buttons: 审核同意 at once; 不同意 asks for the reason first."""
    request, project, kind = _decidable(s, uow, actor, data.arg_int(0), f"ax:{data.action}")
    if data.action == "no":
        return Outcome(
            forms.start(s, uow, actor, event.chat_id, EXCEPTION_REFUSAL.id, str(request.id))
        )
    _decide(s, uow, actor, request, project, kind, ExceptionStatus.APPROVED, None)
    text = s.renderer.message(actor.locale, "admission#approved", project=project, exception=kind)
    return Outcome([Reply(text, edit=True)])


def finish_refusal(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """不同意 with its reason: the project stays blocked and the office is told why."""
    if not subject.isdigit():
        raise HandlerError("common#stale_button")
    request, project, kind = _decidable(s, uow, actor, int(subject), "ax:no")
    reason = str(draft.answers["refusal_reason"])
    _decide(s, uow, actor, request, project, kind, ExceptionStatus.REFUSED, reason)
    return [
        Reply(
            s.renderer.message(actor.locale, "admission#refused", project=project, exception=kind)
        )
    ]


def _decide(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    request: AdmissionExceptionRequest,
    project: Project,
    kind: AdmissionException,
    status: ExceptionStatus,
    reason: str | None,
) -> None:
    request.status = status.value
    request.decided_by, request.decided_at = actor.person_id, s.clock()
    request.decision_note = reason
    uow.session.add(request)
    uow.session.flush()
    uow.audit(
        "exception_approve" if status is ExceptionStatus.APPROVED else "exception_refuse",
        "admission_exception",
        request.id,
        actor_id=actor.person_id,
        from_value=ExceptionStatus.REQUESTED.value,
        to_value=status.value,
        note=reason or project.serial,
    )
    office = [p.id for p in uow.people.holders(Role.OFFICE.value) if p.id]
    approver = actor.person.name if actor.person else ""
    params: dict[str, Any] = {"project": project, "exception": kind, "approver": approver}
    if status is ExceptionStatus.APPROVED:
        template = "admission#office_approved"
    else:
        template, params["reason"] = "admission#office_refused", reason
    notify_many(
        s,
        uow,
        office,
        lambda loc: Reply(
            s.renderer.message(loc, template, **params),
            keyboard(
                [
                    Button(
                        s.renderer.message(loc, "admission#btn_card"),
                        PIPELINE_BUTTONS.encode("card", project.id),
                    )
                ]
            ),
        ),
        dedupe_key=f"exception:{request.id}:{status.value}",
    )
