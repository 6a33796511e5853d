"""/progress: the office reports the signed projects' progress to the city leading group
(001 八: "不定期向市招商引资工作领导小组报告项目进展以及推进过程中遇到的问题和困难"), as a Word
document delivered to the city office's people, recorded (when, by whom) in the audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from conversations.callbacks import CallbackData
from conversations.inbound import Inbound
from conversations.replies import Button, Document, Outcome, Reply, keyboard
from documents.word.progress import ProgressReport, ProgressRow, progress_report
from handlers.aftercare.forums import SIGNED
from handlers.buttons import PROGRESS_REPORT_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError
from handlers.notify import notify_role
from handlers.review.sheet import DOCX
from storage.tables import AuditEntry
from storage.uow import UnitOfWork
from workflow.roles import Role

ACTION: Final = "city_progress_report"
AGAIN_AFTER: Final = timedelta(minutes=10)  # a second press soon after is a double press


def progress_command(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """A preview of the report, with the button that sends it to the city."""
    doc, count = _document(s, uow, actor)
    last = _last(uow)
    text = s.renderer.message(
        actor.locale,
        "progress#preview",
        count=count,
        last=last,
        last_by=_name(uow, last),
        city_office=len(uow.people.holders(Role.CITY_OFFICE.value)),
    )
    button = Button(
        s.renderer.message(actor.locale, "progress#btn_send"),
        PROGRESS_REPORT_BUTTONS.encode("send"),
    )
    return Outcome([Reply(text, keyboard([button]), document=doc)])


def progress_button(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """Send the report, as of now, to the city office's people, and record it."""
    now = s.clock()
    last = _last(uow)
    if last is not None and now - last.at < AGAIN_AFTER:
        raise HandlerError("progress#just_sent", at=last.at, by=_name(uow, last))
    if not uow.people.holders(Role.CITY_OFFICE.value):
        raise HandlerError("progress#no_city_office")
    doc, count = _document(s, uow, actor)
    stored = uow.outbox.store_file(doc.filename, doc.content or b"", doc.mime_type)
    county = s.policy.name
    queued = notify_role(
        s,
        uow,
        Role.CITY_OFFICE,
        lambda loc: Reply(
            s.renderer.message(loc, "progress#to_city", county=county, count=count, sender=actor)
        ),
        file_id=stored.id,
    )
    uow.audit(
        ACTION,
        "stored_file",
        stored.id,
        actor_id=actor.person_id,
        to_value="city_office",
        note=f"{count} project(s), {queued} message(s)",
    )
    text = s.renderer.message(actor.locale, "progress#sent", count=count, at=now, queued=queued)
    return Outcome([Reply(text, edit=True)])


def _document(s: Services, uow: UnitOfWork, actor: Actor) -> tuple[Document, int]:
    projects = [p for st in SIGNED for p in uow.projects.listing(stage=st.value, limit=1000)]
    if not projects:
        raise HandlerError("progress#no_projects")
    projects.sort(key=lambda p: p.serial)
    locale = s.renderer.default_locale
    rows = []
    for p in projects:
        agreement = uow.decisions.agreement(p.id or 0)
        units = [
            s.policy.unit(a.unit_id).short
            for a in uow.service.assignments(p.id or 0)
            if a.unit_id in {u.id for u in s.policy.units}
        ]
        problems = [
            s.renderer.message(
                locale, "progress#problem", text=x.text, units=_unit_names(s, x.units)
            )
            for x in uow.service.open_problems(p.id or 0)
        ]
        rows.append(
            ProgressRow(
                serial=p.serial,
                name=p.name,
                investor=p.investor_name,
                total_investment_wan=p.total_investment_wan,
                stage=s.renderer.message(locale, "stages#name", stage=p.stage),
                signed_on=agreement.signed_on if agreement else None,
                committed_start=agreement.committed_start if agreement else None,
                committed_production=agreement.committed_production if agreement else None,
                scan_sent_on=agreement.scan_uploaded_at.astimezone(s.timezone).date()
                if agreement and agreement.scan_uploaded_at
                else None,
                units=units,
                problems=problems,
            )
        )
    today = s.today()
    report = ProgressReport(
        city=s.policy.city,
        county=s.policy.name,
        office=s.policy.office().name,
        reported_on=today,
        rows=rows,
        contact=actor.person.name if actor.person else None,
        contact_phone=actor.person.phone if actor.person else None,
    )
    doc = Document(
        filename=s.file_name("progress", day=today),
        content=progress_report(report, templates=s.documents),
        mime_type=DOCX,
    )
    return doc, len(rows)


def _unit_names(s: Services, ids: str | None) -> list[str]:
    known = {u.id: u.short for u in s.policy.units}
    return [known.get(i.strip(), i.strip()) for i in (ids or "").split(",") if i.strip()]


def _last(uow: UnitOfWork) -> AuditEntry | None:
    found = uow.audits(ACTION, limit=1)
    return found[0] if found else None


def _name(uow: UnitOfWork, entry: AuditEntry | None) -> str | None:
    if entry is None or entry.actor_id is None:
        return None
    person = uow.people.get(entry.actor_id)
    return person.name if person else None
