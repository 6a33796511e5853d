"""Driving a form through the engine against the stored draft: one answer, one transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from conversations.draft import Draft, new_draft
from conversations.engine import step
from conversations.events import Command, Event, FormContext
from conversations.fields import SUMMARY, Choice, FormSpec
from conversations.replies import Outcome, Reply
from handlers.context import Actor, Services
from storage.tables import FormDraft
from storage.uow import UnitOfWork

OnSubmit = Callable[[Services, UnitOfWork, Actor, Draft, str], list[Reply]]
SummaryExtra = Callable[[Services, Mapping[str, Any], str], str | None]


@dataclass(frozen=True)
class FormDefinition:
    """A form the bot can run: its spec, its run-time choices, and what submitting does."""

    spec: FormSpec
    on_submit: OnSubmit
    options: Callable[[Services], Mapping[str, Sequence[Choice]]] = lambda _s: {}
    summary_extra: SummaryExtra | None = None


_FORMS: dict[str, FormDefinition] = {}


def register(definition: FormDefinition) -> FormDefinition:
    """Make a form known to the dispatcher (done once per module, by its use case)."""
    _FORMS[definition.spec.id] = definition
    return definition


def definition(form_id: str) -> FormDefinition:
    """A registered form."""
    return _FORMS[form_id]


def context(services: Services, actor: Actor, form: FormDefinition, draft: Draft) -> FormContext:
    """The engine's context for this actor and draft."""
    extra = (
        form.summary_extra(services, draft.answers, actor.locale) if form.summary_extra else None
    )
    return FormContext(
        locale=actor.locale,
        renderer=services.renderer,
        today=services.today(),
        options=form.options(services),
        summary_extra=extra,
    )


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
    form = definition(form_id)
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
    form = definition(row.form_id)
    draft = Draft.model_validate(row.data)
    return feed_draft(services, uow, actor, row.chat_id, form, draft, event, row.subject)


def feed_draft(
    services: Services,
    uow: UnitOfWork,
    actor: Actor,
    chat_id: str,
    form: FormDefinition,
    draft: Draft,
    event: Event,
    subject: str,
) -> Outcome:
    """Step the engine, store the draft when it changed, and run the submission once."""
    result = step(form.spec, draft, event, context(services, actor, form, draft))
    replies = list(result.replies)
    if result.status == "submitted":
        # The use case says what submitting did; the engine's generic notice is its fallback.
        replies = form.on_submit(services, uow, actor, result.draft, subject) or replies
        row = uow.drafts.find(actor.person_id, chat_id, form.spec.id, subject)
        if row is not None:
            uow.drafts.delete(row)
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
