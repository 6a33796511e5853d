"""Resolving the actor of an event from storage."""

from __future__ import annotations

from conversations.inbound import Inbound
from handlers.context import Actor, Services
from handlers.notify import locale_of
from storage.tables import Person
from storage.uow import UnitOfWork
from templates.renderer import normalize_locale


def resolve_actor(services: Services, uow: UnitOfWork, event: Inbound) -> Actor:
    """Who acted: the linked person and their roles, or an unregistered visitor."""
    account, person, roles = uow.people.actor(event.messenger, event.user_id)
    default = services.renderer.default_locale
    is_admin = admin_key(event.messenger, event.user_id) in services.admins
    if not is_admin and person is not None and event.messenger != "telegram" and services.admins:
        # Named by their Telegram id, an administrator is one on WeCom too once linked (/link).
        is_admin = any(
            admin_key(a.messenger, a.external_id) in services.admins
            for a in uow.people.accounts_of(person.id or 0)
        )
    if person is None and is_admin:
        # Administrators named in the settings exist from their first message on.
        person = link_person(uow, event)
        account = uow.people.account(event.messenger, event.user_id)
        roles = list(uow.people.roles_of(person.id or 0))
    if person is None:
        locale = normalize_locale(event.language_code, default)
        return Actor(None, None, locale, [], False)
    if person.last_messenger != event.messenger:  # written only when it changes
        person.last_messenger = event.messenger
        uow.session.add(person)
    if (
        account is not None
        and event.language_code
        and account.language_code != event.language_code
    ):
        account.language_code = event.language_code
        uow.session.add(account)
    return Actor(person, account, locale_of(person, account, default), roles, is_admin)


def admin_key(messenger: str, user_id: str) -> str:
    """How `Services.admins` names an account: a Telegram id as it is, a WeCom UserID as
    "wecom:" and the UserID in lower case (WeCom's UserIDs are not case-sensitive). A WeCom
    UserID of digits is thus never taken for the Telegram id it spells."""
    return user_id if messenger == "telegram" else f"{messenger}:{user_id.lower()}"


def link_person(
    uow: UnitOfWork, event: Inbound, person: Person | None = None, unit_id: str | None = None
) -> Person:
    """Bind the event's messenger account to a person, creating the person if none is given."""
    if person is None:
        person = uow.people.add(Person(name=event.display_name or event.user_id, unit_id=unit_id))
    uow.people.link_account(
        person, event.messenger, event.user_id, event.chat_id, event.username, event.language_code
    )
    return person
