"""Signing the formal investment agreement, only after city filing or approval (001 七(三)),
and its scan to the city office within 15 days (001 八)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from conversations.draft import Draft
from conversations.forms.agreement import AGREEMENT_FORM, SCAN_FORM
from conversations.inbound import Inbound
from conversations.replies import Reply
from handlers import forms
from handlers.context import Actor, Services
from handlers.errors import HandlerError
from handlers.notify import notify_many, notify_role
from handlers.stages import check, move
from storage.tables import Agreement, Project
from storage.uow import UnitOfWork
from workflow.roles import Role


def start_signing(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, project: Project
) -> list[Reply]:
    """Record the agreement: refused, citing the rule, before the city filing or approval."""
    check(uow, actor, project, "sign")
    return forms.start(s, uow, actor, event.chat_id, AGREEMENT_FORM.id, str(project.id))


def scan_due(s: Services, agreement: Agreement) -> date:
    """The last day for the scan to reach the city office."""
    return agreement.signed_on + timedelta(days=s.policy.deadlines.agreement_scan_days)


def finish_agreement(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """The agreement is recorded and the project moves to 签约."""
    project = uow.projects.get(int(subject))
    if project is None:
        raise HandlerError("common#stale_button")
    a = draft.answers
    check(uow, actor, project, "sign")
    agreement = Agreement(
        project_id=project.id or 0,
        signed_on=date.fromisoformat(a["signed_on"]),
        signer=f"{a['signer_name']}",
        committed_start=a["committed_start"],
        committed_production=a["committed_production"],
        committed_intensity=Decimal(str(a["committed_intensity"])),
        committed_output_yi=Decimal(str(a["committed_output"])),
        committed_tax_wan=Decimal(str(a["committed_tax"])),
        exit_mechanism=bool(a["exit_mechanism"]),
        green_channel=project.priority,
        recorded_by=actor.person_id,
    )
    uow.decisions.add(agreement)
    move(s, uow, actor, project, "sign", note=agreement.signer)
    due = scan_due(s, agreement)
    office = [
        p.id for p in uow.people.holders(Role.OFFICE.value) if p.id not in (None, actor.person_id)
    ]
    notify_many(
        s,
        uow,
        office,
        lambda loc: Reply(
            s.renderer.message(
                loc, "signing#signed_notice", project=project, agreement=agreement, due=due
            )
        ),
    )
    replies = [
        Reply(
            s.renderer.message(
                actor.locale, "signing#signed", project=project, agreement=agreement, due=due
            )
        )
    ]
    if not agreement.exit_mechanism:
        replies.append(Reply(s.renderer.message(actor.locale, "signing#no_exit_clause")))
    return replies


def start_scan(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, project: Project
) -> list[Reply]:
    """Ask for the agreement's scan."""
    if uow.decisions.agreement(project.id or 0) is None:
        raise HandlerError("common#stale_button")
    return forms.start(s, uow, actor, event.chat_id, SCAN_FORM.id, str(project.id))


def finish_scan(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """Keep the scan and send it to the city office."""
    project = uow.projects.get(int(subject))
    agreement = uow.decisions.agreement(int(subject)) if project else None
    if project is None or agreement is None:
        raise HandlerError("common#stale_button")
    # The scan's bytes were kept when it was answered (handlers/forms.py keep_upload).
    stored = s.files.find(uow.session, draft.answers["scan"]["sha256"])
    if stored is None:
        raise HandlerError("common#stale_button")
    agreement.scan_file_id, agreement.scan_uploaded_at = stored.id, s.clock()
    uow.session.add(agreement)
    late = s.today() > scan_due(s, agreement)
    uow.audit(
        "agreement_scan",
        "agreement",
        agreement.id,
        actor_id=actor.person_id,
        note="late" if late else None,
    )
    notify_role(
        s,
        uow,
        Role.CITY_OFFICE,
        lambda loc: Reply(
            s.renderer.message(loc, "signing#scan_to_city", project=project, agreement=agreement)
        ),
        dedupe_key=f"scan:{agreement.id}",
        file_id=stored.id,
    )
    return [
        Reply(s.renderer.message(actor.locale, "signing#scan_sent", project=project, late=late))
    ]
