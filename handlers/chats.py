"""Where and what the bot reads: only private chats do business, and an edit or a sticker,
location, contact, voice message, … gets one line that says what the bot expects instead.

- In a group, supergroup or channel nothing changes: forms, project cards, documents and
  anything personal are for private chats. A command, a button press, or a message that
  replies to or mentions the bot gets one line pointing to the private chat (a press gets it
  as an alert); anything else said in the group is left to the people there, so the bot does
  not chatter. No account is linked to the group's chat. Notifications that the outbox sends
  to a chat do not pass through here.
- An edit of a message sent earlier is not taken (the answer stays as first sent); the reply
  says how to change an answer: send it again, /back, or the summary's ✏️ 修改.
- A kind of message the bot does not read gets one line naming what the open form's current
  question expects, or, with no form open, what the bot reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from conversations.draft import Draft, repair
from conversations.fields import SUMMARY, Kind
from conversations.inbound import Inbound
from conversations.replies import Outcome, Reply
from conversations.step import FormContext
from conversations.views import View, plain
from handlers import forms
from handlers.context import Actor, Services
from handlers.notify import locale_of
from storage.uow import UnitOfWork
from templates.renderer import normalize_locale

DEEP_LINK_PAYLOAD = "group"  # /start's payload from a group's link: no invitation, just hello


@dataclass(frozen=True, slots=True)
class Question:
    """Where a person's open form stands, as the one-line answers describe it."""

    state: str  # "question", "summary" or "paused"
    label: Markup | None = None
    field: str | None = None  # the question's Kind
    unit: str | None = None

    def params(self) -> dict[str, Any]:
        """The template parameters that describe it."""
        return {"state": self.state, "label": self.label, "field": self.field, "unit": self.unit}


def private_link(services: Services) -> str | None:
    """The deep link that opens a private chat with the bot (Telegram only)."""
    if "telegram" not in services.messengers or not services.bot_username:
        return None
    return f"https://t.me/{services.bot_username}?start={DEEP_LINK_PAYLOAD}"


def outside_private(services: Services, uow: UnitOfWork, event: Inbound) -> Outcome:
    """The answer to an event in a group, supergroup or channel; it changes nothing."""
    addressed = event.command is not None or event.callback_data is not None or event.addressed
    if event.edited or not addressed:
        return Outcome()
    account = uow.people.account(event.messenger, event.user_id)
    person = uow.people.get(account.person_id) if account is not None else None
    default = services.renderer.default_locale
    locale = (
        locale_of(person, account, default)
        if person is not None
        else normalize_locale(event.language_code, default)
    )
    text = services.renderer.message(
        locale, "chats#private_only", link=private_link(services), bot=services.bot_username
    )
    if event.callback_data is not None:
        return Outcome(toast=plain(text)[:190], alert=True)
    return Outcome([Reply(text)])


def not_read(services: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """The one-line answer to an edit or to a kind of message the bot does not read."""
    question = open_question(services, uow, actor, event.chat_id)
    params = question.params() if question is not None else {}
    if event.edited:
        text = services.renderer.message(actor.locale, "chats#edited", **params)
    else:
        text = services.renderer.message(
            actor.locale, "chats#not_read", kind=event.other or "", **params
        )
    return Outcome([Reply(text)])


def open_question(
    services: Services, uow: UnitOfWork, actor: Actor, chat_id: str
) -> Question | None:
    """Where the actor's open form in this chat stands ("paused" when only a paused one is
    left to /continue); None when no form is open."""
    if actor.person is None:
        return None
    row = uow.drafts.active(actor.person_id, chat_id)
    if row is None:
        paused = any(d.chat_id == chat_id for d in uow.drafts.of_person(actor.person_id))
        return Question("paused") if paused else None
    form = forms.definition(services, row.form_id)
    draft = repair(form.spec, Draft.model_validate(row.data))
    if draft.paused:
        return Question("paused")
    if draft.current == SUMMARY:
        return Question("summary")
    ctx = FormContext(locale=actor.locale, renderer=services.renderer, today=services.today())
    view = View(form.spec, ctx)
    step = view.step(draft)
    kind = step.field.kind
    unit = "percent" if kind is Kind.PERCENT else step.field.unit
    return Question("question", view.field_text("label", step), str(kind), unit)
