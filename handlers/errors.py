"""Domain errors: turned into a message in one place (the dispatcher)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conversations.inbound import Inbound
    from handlers.context import Actor
    from storage.uow import UnitOfWork


class HandlerError(Exception):
    """A refusal or problem shown to the person as a message from templates."""

    def __init__(self, message: str, audit_action: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message  # template name, e.g. "common#not_allowed"
        self.params = params
        self.audit_action = audit_action


class Refused(HandlerError):
    """The actor may not do this; the attempt is audited."""


def audit_refusal(
    uow: UnitOfWork, err: HandlerError, actor: Actor, event: Inbound, kind: str, target: str
) -> None:
    """Write a refusal (or a problem that names its audit action) to the audit log with
    `allowed = false`: who, from which messenger account, what was refused and why. Called
    after the rollback, so the row stays when the rest of the step does not."""
    if isinstance(err, Refused) or err.audit_action:
        uow.audit(
            err.audit_action or "refused",
            kind,
            target[:40],
            actor_id=actor.person.id if actor.person else None,
            actor_external=event.user_id,
            note=err.message,
            allowed=False,
        )
