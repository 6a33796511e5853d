"""A Mini App request as the dispatcher takes a chat event: one unit of work, the actor
resolved as in chat, the use case, and a refusal rolled back and audited the same way
(`allowed = false`); and the audit row of a request whose initData proved nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from conversations.inbound import Inbound
from handlers.actors import resolve_actor
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused, audit_refusal
from storage.uow import UnitOfWork

T = TypeVar("T")
UNAUTHENTICATED = "refused:web_auth"


@dataclass(frozen=True, slots=True)
class PageAnswer(Generic[T]):
    """What a page request gave: the use case's value, or the refusal's text; in the
    person's locale."""

    locale: str
    value: T | None = None
    refusal: str | None = None
    refused: bool = False  # the refusal was for who the person is (403), not a problem (400)


def serve_page(
    s: Services,
    event: Inbound,
    what: str,
    use_case: Callable[[Services, UnitOfWork, Actor], T],
) -> PageAnswer[T]:
    """Run one page's use case for the person behind an authenticated request."""
    with s.uow() as uow:
        actor = resolve_actor(s, uow, event)
        try:
            value = use_case(s, uow, actor)
            uow.commit()
            return PageAnswer(actor.locale, value)
        except HandlerError as err:
            uow.rollback()
            audit_refusal(uow, err, actor, event, "web", what)
            uow.commit()
            text = s.renderer.message(actor.locale, err.message, **err.params)
            return PageAnswer(actor.locale, refusal=text, refused=isinstance(err, Refused))


def record_unauthenticated(s: Services, what: str, why: str) -> None:
    """Audit a request whose initData was missing, tampered, expired or malformed."""
    with s.uow() as uow:
        uow.audit(UNAUTHENTICATED, "web", what[:40], note=why, allowed=False)
        uow.commit()
