"""The office is told once a month that a source document's period of validity has ended
(001 九(一): "有效期届满,根据实施情况依法评估修订"), until the policy file is renewed or marks
the document as still in force."""

from __future__ import annotations

from handlers.context import Services
from handlers.notify import message, notify_role
from storage.uow import UnitOfWork
from workflow.roles import Role
from workflow.validity import lapsed_documents


def validity_notice(s: Services, uow: UnitOfWork) -> int:
    """Once a month, while a document of the policy has lapsed, a notice to the office."""
    today = s.clock().astimezone(s.timezone).date()
    lapses = lapsed_documents(s.policy, today)
    if not lapses:
        return 0
    docs = "+".join(lapse.key for lapse in lapses)
    return notify_role(
        s,
        uow,
        Role.OFFICE,
        message(s, "policy#lapsed", lapses=lapses),
        dedupe_key=f"policy-validity:{docs}:{today:%Y-%m}",
    )
