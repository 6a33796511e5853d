"""Notifications to other people: rendered in each recipient's locale, queued in the outbox;
and a superseded card's last state (`supersede`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from conversations.replies import Reply
from handlers.context import Services
from storage.tables import MessengerAccount, Person
from storage.uow import UnitOfWork
from templates.renderer import normalize_locale
from workflow.roles import Role

Build = Callable[[str], Reply]
"""Makes the notification for one locale."""


def locale_of(person: Person | None, account: MessengerAccount | None, default: str) -> str:
    """A person's language: their choice, else their messenger's, else the deployment's."""
    if person is not None and person.locale:
        return person.locale
    if account is not None and account.language_code:
        return normalize_locale(account.language_code, default)
    return default


def reachable_accounts(
    services: Services, uow: UnitOfWork, person_id: int, person: Person | None = None
) -> list[MessengerAccount]:
    """The accounts a notification to this person goes to: on one messenger only, so a person
    linked on both is told once. It is the messenger they wrote in last, when this deployment
    runs it and they have not blocked the bot there; else the one they linked most recently
    among those they can be reached on. Empty: no account on a messenger that runs."""
    running = [a for a in uow.people.accounts_of(person_id) if a.messenger in services.messengers]
    open_ = [a for a in running if a.blocked_at is None] or running
    if not open_:
        return []
    person = person if person is not None else uow.people.get(person_id)
    last = person.last_messenger if person is not None else None
    chosen = (
        last
        if any(a.messenger == last for a in open_)
        else max(open_, key=lambda a: (a.linked_at, a.id or 0)).messenger
    )
    return [a for a in open_ if a.messenger == chosen]


def notify(
    services: Services,
    uow: UnitOfWork,
    person_id: int,
    build: Build,
    *,
    dedupe_key: str | None = None,
    file_id: int | None = None,
) -> int:
    """Queue a notification to every linked account of a person; returns how many were queued."""
    person = uow.people.get(person_id)
    queued = 0
    for acc in reachable_accounts(services, uow, person_id, person):
        reply = build(locale_of(person, acc, services.renderer.default_locale))
        key = None if dedupe_key is None else f"{dedupe_key}:{acc.id}"
        if (
            uow.outbox.enqueue(
                acc.chat_id,
                reply.to_dict(),
                person_id=person_id,
                file_id=file_id,
                dedupe_key=key,
                messenger=acc.messenger,
            )
            is not None
        ):
            queued += 1
    return queued


def notify_many(
    services: Services,
    uow: UnitOfWork,
    person_ids: Iterable[int],
    build: Build,
    *,
    dedupe_key: str | None = None,
    file_id: int | None = None,
) -> int:
    """Queue a notification to several people, each once."""
    total = 0
    for pid in dict.fromkeys(person_ids):
        key = None if dedupe_key is None else f"{dedupe_key}:p{pid}"
        total += notify(services, uow, pid, build, dedupe_key=key, file_id=file_id)
    return total


def notify_role(
    services: Services,
    uow: UnitOfWork,
    role: Role,
    build: Build,
    *,
    unit_id: str | None = None,
    dedupe_key: str | None = None,
    file_id: int | None = None,
) -> int:
    """Queue a notification to everyone holding a role (for a unit, when given)."""
    ids = [p.id for p in uow.people.holders(role.value, unit_id) if p.id is not None]
    return notify_many(services, uow, ids, build, dedupe_key=dedupe_key, file_id=file_id)


def message(services: Services, name: str, /, **params: object) -> Build:
    """A Build for a plain message template."""
    return lambda locale: Reply(services.renderer.message(locale, name, **params))


def supersede(
    services: Services,
    uow: UnitOfWork,
    person_ids: Iterable[int],
    card: str,
    build: Build,
    note: str,
    /,
    **params: object,
) -> int:
    """Bring a card that a newer one replaces to its last state, in the chats where it was
    shown: its text, no buttons, and a line (the template `note`) saying where the current one
    is. It is an edit only: a chat the card never reached gets nothing."""

    def final(locale: str) -> Reply:
        text = build(locale).text
        line = services.renderer.message(locale, note, **params)
        return Reply(f"{text}\n\n{line}", card=card, final=True)

    return notify_many(services, uow, person_ids, final)
