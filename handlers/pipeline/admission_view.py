"""What stops a project, as people read it: the office card's block and button, the investor's
notice at submission, and the approved exceptions' lines in the project's documents
(001 一, 六; the exceptions of 001 二 and 001 四(三))."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.replies import Button, Reply
from handlers.buttons import PIPELINE_BUTTONS
from handlers.context import Services
from handlers.stages import open_project_blockers
from storage.tables import AdmissionExceptionRequest, Project
from storage.uow import UnitOfWork
from workflow.admission import (
    BLOCKING_CODES,
    ExceptionStatus,
    applicable_exceptions,
    blocking_findings,
    exception,
    stored_findings,
)
from workflow.policy import AdmissionException
from workflow.screening import Finding, Status


@dataclass(frozen=True)
class RequestView:
    """An exception request as the card and documents show it."""

    request: AdmissionExceptionRequest
    exception: AdmissionException | None
    decider: str | None


def request_views(s: Services, uow: UnitOfWork, project: Project) -> list[RequestView]:
    """A project's exception requests, with their exception and who decided them."""
    out = []
    for r in uow.projects.exception_requests(project.id or 0):
        person = uow.people.get(r.decided_by) if r.decided_by else None
        out.append(RequestView(r, exception(s.policy, r.kind), person.name if person else None))
    return out


def approved_exceptions(s: Services, uow: UnitOfWork, project: Project) -> list[RequestView]:
    """The approved exceptions of a project (for its documents)."""
    if not blocking_findings(stored_findings(project.findings)):
        return []
    return [
        v
        for v in request_views(s, uow, project)
        if v.request.status == ExceptionStatus.APPROVED.value
    ]


def reasons(project: Project) -> list[Finding]:
    """The failed findings behind a blocker, such as the indicator below its threshold."""
    return [
        f
        for f in stored_findings(project.findings)
        if f.status is Status.FAIL and f.code not in BLOCKING_CODES and f.code != "sector"
    ]


def card_block(s: Services, uow: UnitOfWork, project: Project, locale: str) -> str:
    """The office card's lines on what stops the project and its exceptions ("" if nothing)."""
    blockers = blocking_findings(stored_findings(project.findings))
    if not blockers:
        return ""
    open_ = open_project_blockers(uow, project)
    views = request_views(s, uow, project)
    text = s.renderer.message(
        locale,
        "admission#card_block",
        open=open_,
        reasons=reasons(project) if open_ else [],
        requests=views,
        applicable=applicable_exceptions(open_, s.policy),
        pending=any(v.request.status == ExceptionStatus.REQUESTED.value for v in views),
    )
    return "\n\n" + text.strip() if text.strip() else ""


def card_buttons(s: Services, uow: UnitOfWork, project: Project, locale: str) -> list[Button]:
    """The request button, while a blocker is open, an exception applies and none is pending."""
    open_ = open_project_blockers(uow, project)
    if not open_ or not applicable_exceptions(open_, s.policy) or pending_request(uow, project):
        return []
    label = s.renderer.message(locale, "admission#btn_request")
    return [Button(label, PIPELINE_BUTTONS.encode("exc", project.id))]


def investor_notice(s: Services, project: Project, locale: str) -> Reply | None:
    """At submission: the plan cannot be accepted under these rules, and whom to contact."""
    blockers = blocking_findings(stored_findings(project.findings))
    if not blockers:
        return None
    return Reply(
        s.renderer.message(
            locale,
            "admission#investor_blocked",
            project=project,
            blockers=blockers,
            reasons=reasons(project),
            contact=office_contact(s),
        )
    )


def office_contact(s: Services) -> dict[str, str | None]:
    """The district office as the policy and its roster name it: unit, host unit, director."""
    office = s.policy.office()
    host = s.policy.unit(office.hosted_by).name if office.hosted_by else None
    director = next((e.name for e in s.policy.roster if "office_director" in e.positions), None)
    return {"office": office.name, "host": host, "director": director}


def pending_request(uow: UnitOfWork, project: Project) -> bool:
    return any(
        r.status == ExceptionStatus.REQUESTED.value
        for r in uow.projects.exception_requests(project.id or 0)
    )


def document_lines(s: Services, uow: UnitOfWork, project: Project) -> list[str]:
    """One line per approved exception, for the project's documents (city forms, plan, minutes)."""
    return [
        s.renderer.message(
            "zh-Hans",  # the office's documents are in Chinese, as the city receives them
            "admission#document_line",
            exception=v.exception,
            request=v.request,
            decider=v.decider,
            on=v.request.decided_at.astimezone(s.timezone).date()
            if v.request.decided_at
            else None,
        ).strip()
        for v in approved_exceptions(s, uow, project)
        if v.exception is not None
    ]
