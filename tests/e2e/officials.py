"""People of the end-to-end tests as an accepted invitation leaves them (the invitations have
e2e tests of their own), and a message as a person sees it now."""

from __future__ import annotations

from bot.demo import ChatUser
from sandbox import SandboxServer
from storage.tables import MessengerAccount, Person
from storage.uow import UnitOfWorkFactory
from workflow.roles import Role


def joined(
    sb: SandboxServer,
    uow_factory: UnitOfWorkFactory,
    user_id: int,
    role: Role,
    unit: str | None = None,
    *,
    name: str | None = None,
    dimension: str | None = None,
    company: str | None = None,
) -> tuple[ChatUser, int]:
    """Someone who joined in a role: their person, Telegram account and role in the bot, and
    their user in the sandbox; returns them as a chat user, and their person id."""
    name = name or f"{role.value}-{user_id}"
    sb.add_user(user_id, name)
    with uow_factory() as uow:
        person = uow.people.add(Person(name=name, unit_id=unit, company=company))
        assert person.id is not None
        chat = str(user_id)
        uow.session.add(MessengerAccount(person_id=person.id, external_id=chat, chat_id=chat))
        uow.people.grant(person.id, role.value, unit_id=unit, dimension_id=dimension)
        uow.commit()
        return ChatUser(sb, user_id, name), person.id


def shown(sb: SandboxServer, chat: int, message_id: int) -> tuple[str, list[str]]:
    """One message as the person sees it now: its text and its buttons' labels."""
    entry = next(e for e in sb.transcript(chat) if e.message_id == message_id)
    return entry.text or "", [t for row in entry.buttons for t, _ in row]
