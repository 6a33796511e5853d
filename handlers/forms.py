"""Driving a form through the engine against the stored draft: one answer, one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conversations.draft import Draft, new_draft
from conversations.engine import step
from conversations.fields import SUMMARY
from conversations.inbound import FileRef
from conversations.inputs import Command, Event
from conversations.replies import Button, Outcome, Reply
from conversations.step import FormContext
from conversations.views import plain
from handlers.context import Actor, Services
from handlers.errors import Refused
from handlers.routing import FormDefinition
from handlers.web_links import web_app_button
from storage.tables import FormDraft
from storage.uow import UnitOfWork


def check_allowed(form: FormDefinition, actor: Actor) -> None:
    """Refuse an actor who may not fill in (or submit) this form."""
    if form.roles is not None and not (form.roles & actor.roles):
        raise Refused("common#not_allowed", audit_action=f"refused:form:{form.id}")


def definition(services: Services, form_id: str) -> FormDefinition:
    """A form the composed routers bring."""
    return services.routes.form(form_id)


def context(services: Services, actor: Actor, form: FormDefinition, draft: Draft) -> FormContext:
    """The engine's context for this actor and draft."""
    make = form.summary_extra

    def extra(answers: Mapping[str, Any]) -> str | None:
        return make(services, answers, actor.locale) if make else None

    return FormContext(
        locale=actor.locale,
        renderer=services.renderer,
        today=services.today(),
        options=form.options(services),
        summary_extra=extra if make else None,
        page_button=page_button(services, actor, form),
    )


def page_button(services: Services, actor: Actor, form: FormDefinition) -> Button | None:
    """The button that opens the form as a Mini App page, when it has one and it is served."""
    if form.page is None or not services.web_url:
        return None
    text = plain(services.renderer.message(actor.locale, "form#btn_web_page"))
    return web_app_button(services, text, form.page)


def start(
    services: Services,
    uow: UnitOfWork,
    actor: Actor,
    chat_id: str,
    form_id: str,
    subject: str = "",
    answers: Mapping[str, Any] | None = None,
    at_summary: bool = False,
) -> list[Reply]:
    """Open a fresh draft (optionally pre-filled) and show its first question, or its summary
    when a complete earlier version is being revised."""
    form = definition(services, form_id)
    check_allowed(form, actor)
    draft = new_draft(form.spec)
    if answers:
        draft = draft.model_copy(update={"answers": dict(answers)})
        if at_summary:
            draft = draft.model_copy(update={"current": SUMMARY})
    result = step(form.spec, draft, Command("start"), context(services, actor, form, draft))
    uow.drafts.save(
        actor.person_id,
        chat_id,
        form.spec.id,
        result.draft.model_dump(mode="json"),
        subject=subject,
        active=True,
    )
    return list(result.replies)


def feed(
    services: Services, uow: UnitOfWork, actor: Actor, row: FormDraft, event: Event
) -> Outcome:
    """Give one event to a stored draft."""
    form = definition(services, row.form_id)
    draft = Draft.model_validate(row.data)
    return feed_draft(services, uow, actor, row.chat_id, form, draft, event, row.subject, row)


def feed_draft(
    services: Services,
    uow: UnitOfWork,
    actor: Actor,
    chat_id: str,
    form: FormDefinition,
    draft: Draft,
    event: Event,
    subject: str,
    row: FormDraft | None = None,
) -> Outcome:
    """Step the engine, store the draft when it changed, and run the submission once. `row`
    is the stored draft when the caller has loaded it, so it is not looked up again."""
    result = step(form.spec, draft, event, context(services, actor, form, draft))
    if isinstance(event, FileRef) and result.changed:
        keep_upload(services, uow, event, result.draft.answers)
    replies = list(result.replies)
    if result.status == "submitted":
        check_allowed(form, actor)  # roles may have been withdrawn since the form was opened
        # The use case says what submitting did; the engine's generic notice is its fallback.
        replies = form.on_submit(services, uow, actor, result.draft, subject) or replies
        row = row or uow.drafts.find(actor.person_id, chat_id, form.spec.id, subject)
        if row is not None:
            uow.drafts.delete(row)
    elif result.changed and row is not None and (row.active or result.status != "open"):
        # The chat's active draft stays active (or is paused): no other draft changes.
        uow.drafts.store(row, result.draft.model_dump(mode="json"), result.status == "open")
    elif result.changed:
        uow.drafts.save(
            actor.person_id,
            chat_id,
            form.spec.id,
            result.draft.model_dump(mode="json"),
            subject=subject,
            active=result.status == "open",
        )
    return Outcome(replies=replies, toast=result.toast)


def keep_upload(
    services: Services, uow: UnitOfWork, file: FileRef, answers: Mapping[str, Any]
) -> None:
    """Keep the bytes of a file the form just accepted, in the same transaction as the answer
    that names it (by SHA-256), so no answer points at a file we do not hold."""
    if file.content is None or file.sha256 is None:
        return
    answer = next(
        (a for a in answers.values() if isinstance(a, dict) and a.get("sha256") == file.sha256),
        None,
    )
    if answer is not None:
        services.files.keep(
            uow.session,
            file.content,
            filename=answer.get("file_name") or file.sha256[:12],
            mime_type=answer.get("mime_type") or "application/octet-stream",
            now=services.clock(),
            messenger_file_id=file.file_id,
            sha256=file.sha256,
        )
