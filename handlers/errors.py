"""Domain errors: turned into a message in one place (the dispatcher)."""

from __future__ import annotations

from typing import Any


class HandlerError(Exception):
    """A refusal or problem shown to the person as a message from templates."""

    def __init__(self, message: str, audit_action: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message  # template name, e.g. "common#not_allowed"
        self.params = params
        self.audit_action = audit_action


class Refused(HandlerError):
    """The actor may not do this; the attempt is audited."""
