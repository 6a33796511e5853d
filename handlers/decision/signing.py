"""Signing the formal investment agreement, only after city filing or approval (001 七(三)):
the signer's capacity (000 一(二)2(3)), every required clause and the committed figures set
against the screened plan (001 八), and its scan to the city office within 15 days (001 八)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

from conversations.draft import Draft
from conversations.fields import Choice
from conversations.forms.agreement import AGREEMENT_FORM, AUTHORISERS, CLAUSES, SCAN_FORM
from conversations.inbound import Inbound
from conversations.replies import Reply
from handlers import forms
from handlers.context import Actor, Services
from handlers.decision.filing import agreement_differences, send_to_drc
from handlers.errors import HandlerError
from handlers.notify import notify_many, notify_role
from handlers.stages import check, move
from storage.tables import Agreement, Person, Project
from storage.uow import UnitOfWork
from workflow.roles import Role

DISTRICT_HEAD = "leading_group_leader"
"""The roster position of the 区长: 由区长任组长 (000 一(一)1)."""


def start_signing(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, project: Project
) -> list[Reply]:
    """Record the agreement: refused, citing the rule, before the city filing or approval.
    An agreement 发改局 returned is registered again with the same form."""
    agreement = uow.decisions.agreement(project.id or 0)
    if agreement is None:
        check(uow, actor, project, "sign")
    elif agreement.drc_returned_at is None:
        raise HandlerError("signing#already_signed", serial=project.serial)
    return forms.start(s, uow, actor, event.chat_id, AGREEMENT_FORM.id, str(project.id))


def agreement_choices(s: Services) -> dict[str, list[Choice]]:
    """Who may have authorised the signer: the roster's 区长 (组长 of the leading group)."""
    return {
        AUTHORISERS: [
            Choice(f"r{i}", f"{e.name}（{e.title}）")
            for i, e in enumerate(s.policy.roster)
            if DISTRICT_HEAD in e.positions
        ]
    }


def _authoriser(s: Services, uow: UnitOfWork, choice: str | None) -> Person:
    """The 区长 the answer names, as the person the roster was seeded into."""
    index = int(choice[1:]) if choice and choice[1:].isdigit() else -1
    if not 0 <= index < len(s.policy.roster):
        raise HandlerError("signing#no_authoriser")
    entry = s.policy.roster[index]
    for person in uow.people.position_holders(DISTRICT_HEAD):
        if person.name == entry.name:
            return person
    raise HandlerError("signing#no_authoriser")


def agreement_summary_note(s: Services, answers: Mapping[str, object], locale: str) -> str | None:
    """Under the agreement's summary, what ✅ 提交 does: the summary is signing's confirmation
    (there is no one-tap path to 签约), and a registered agreement is not withdrawn."""
    return s.renderer.message(locale, "signing#submit_is_final")


def scan_due(s: Services, agreement: Agreement) -> date:
    """The last day for the scan to reach the city office."""
    return agreement.signed_on + timedelta(days=s.policy.deadlines.agreement_scan_days)


def finish_agreement(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """The agreement is recorded and the project moves to 签约; 发改局 gets it to approve and
    file. Without every clause of 001 八, or an authorised signer without the 区长 who
    authorised them, nothing is stored."""
    project = uow.projects.get(int(subject))
    if project is None:
        raise HandlerError("common#stale_button")
    a = draft.answers
    missing = [c for c in CLAUSES if a.get(c) is not True]
    if missing:
        raise HandlerError("signing#clauses_missing", clauses=missing)
    authoriser = (
        _authoriser(s, uow, a.get("authoriser")) if a["signer"] == "authorised_leader" else None
    )
    signed_on = date.fromisoformat(a["signed_on"])
    agreement = uow.decisions.agreement(project.id or 0)
    amended = agreement is not None
    if agreement is None:
        check(uow, actor, project, "sign")
        agreement = Agreement(project_id=project.id or 0, signed_on=signed_on, signer="")
    elif agreement.drc_returned_at is None:
        raise HandlerError("signing#already_signed", serial=project.serial)
    agreement.signed_on = signed_on
    agreement.signer = a["signer_name"]
    agreement.signer_capacity = a["signer"]
    agreement.authorised_by = authoriser.id if authoriser else None
    agreement.committed_start = a["committed_start"]
    agreement.committed_production = a["committed_production"]
    agreement.committed_intensity = Decimal(str(a["committed_intensity"]))
    agreement.committed_output_yi = Decimal(str(a["committed_output"]))
    agreement.committed_tax_wan = Decimal(str(a["committed_tax"]))
    agreement.exit_mechanism = agreement.breach_liability = agreement.supervision_duty = True
    agreement.green_channel = project.priority
    agreement.recorded_by = actor.person_id
    agreement.drc_returned_at = agreement.drc_return_reason = None
    if amended:
        uow.session.add(agreement)
        uow.audit("agreement_amend", "agreement", agreement.id, actor_id=actor.person_id)
    else:
        uow.decisions.add(agreement)
        move(s, uow, actor, project, "sign", note=agreement.signer)
    diffs = agreement_differences(project, agreement)
    due = scan_due(s, agreement)
    params = {
        "project": project,
        "agreement": agreement,
        "due": due,
        "differences": diffs,
        "authoriser": authoriser,
    }
    office = [
        p.id for p in uow.people.holders(Role.OFFICE.value) if p.id not in (None, actor.person_id)
    ]
    notify_many(
        s,
        uow,
        office,
        lambda loc: Reply(s.renderer.message(loc, "signing#signed_notice", **params)),
    )
    send_to_drc(s, uow, project, agreement)
    return [Reply(s.renderer.message(actor.locale, "signing#signed", amended=amended, **params))]


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
