"""The prohibited categories that cannot be computed (001 六(一)(二)(四)): a reviewer of the
responsible dimension answers each in the round, 不属于 or 属于, before giving an opinion; 属于
adds a prohibited finding to the project and leaves only 不同意 open."""

from __future__ import annotations

from conversations.replies import Outcome
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.review.cards import reviewer_card
from handlers.review.rounds import update_progress
from storage.tables import Project, ReviewOpinion, ReviewRound
from storage.uow import UnitOfWork
from workflow.policy import Condition
from workflow.review import Answer, Verdict, allowed_verdicts
from workflow.screening import Status


def check_verdict(s: Services, op: ReviewOpinion, verdict: Verdict) -> None:
    """Refuse a verdict the confirmations do not leave open: none before every prohibited
    category of the dimension is answered, only 不同意 once one is 属于 (001 六)."""
    conditions = s.policy.confirmations(op.dimension_id)
    answers = op.confirmations or {}
    if verdict in allowed_verdicts(answers, conditions):
        return
    pending = [c for c in conditions if c.id not in answers]
    if pending:
        raise HandlerError("review#confirm_first", name=pending[0].name)
    raise HandlerError("review#prohibited_only_disagree")


def confirm(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    op: ReviewOpinion,
    rnd: ReviewRound,
    index: int,
    answer: str,
) -> Outcome:
    """Record a reviewer's answer to one prohibited category of their dimension."""
    conditions = s.policy.confirmations(op.dimension_id)
    if index >= len(conditions):
        raise Refused("common#stale_button", audit_action="refused:bad_callback")
    condition = conditions[index]
    answers = dict(op.confirmations or {})
    if condition.id in answers:  # once given, an answer stands (a 属于 has stopped the project)
        raise HandlerError(
            "review#already_confirmed", name=condition.name, answer=answers[condition.id]
        )
    answers[condition.id] = answer
    op.confirmations = answers
    uow.session.add(op)
    project = uow.projects.get(rnd.project_id)
    assert project is not None
    if answer == Answer.IN.value:
        mark_prohibited(s, uow, project, condition, s.policy.unit(op.unit_id).short)
    uow.session.flush()
    uow.audit(
        "review_confirmation",
        "review_opinion",
        op.id,
        actor_id=actor.person_id,
        to_value=answer,
        note=f"{condition.id} {condition.source}",
    )
    update_progress(s, uow, rnd)
    return Outcome(
        [reviewer_card(s, uow, op, actor.locale).as_edit()],
        toast=s.renderer.message(actor.locale, "review#confirmation_recorded"),
    )


def mark_prohibited(
    s: Services, uow: UnitOfWork, project: Project, condition: Condition, unit: str
) -> None:
    """Add the prohibited finding a reviewer confirmed (001 六) to the project's findings, so
    that it stops the project as a computed one does."""
    finding = {
        "code": "prohibited",
        "status": Status.FAIL.value,
        "citation": condition.source,
        "params": {"number": condition.number, "name": condition.name, "confirmed_by": unit},
    }
    if any(
        f.get("code") == "prohibited" and f.get("citation") == condition.source
        for f in project.findings
    ):
        return
    project.findings = [*project.findings, finding]
    uow.session.add(project)
