"""Moving a project between stages, only through workflow's guarded transitions."""

from __future__ import annotations

from conversations.replies import Reply
from handlers.context import Actor, Services
from handlers.errors import Refused
from handlers.notify import notify
from storage.tables import Project, StageChange
from storage.uow import UnitOfWork
from workflow.pipeline import (
    TRANSITIONS,
    Decision,
    ProjectFacts,
    ReviewOutcome,
    Stage,
    check_transition,
)
from workflow.roles import Role


def facts(uow: UnitOfWork, project: Project) -> ProjectFacts:
    """What the guards need to know about a project, read from storage."""
    assert project.id is not None
    rnd = uow.reviews.latest(project.id)
    outcome = ReviewOutcome(rnd.outcome) if rnd is not None and rnd.outcome else None
    recalls = [h.at for h in uow.projects.history(project.id) if h.transition == "city_recall"]
    if outcome is not None and recalls and rnd is not None and rnd.opened_at < recalls[-1]:
        outcome = None  # the city called the project back: only its new review counts
    item = uow.decisions.latest_decision(project.id)
    decision = Decision(item.decision) if item is not None and item.decision else None
    case = uow.decisions.latest_city_case(project.id)
    return ProjectFacts(
        stage=Stage(project.stage),
        review_outcome=outcome,
        decision=decision,
        city_cleared=case is not None and case.status == "cleared",
        review_open=rnd is not None and rnd.closed_at is None,
    )


def check(
    uow: UnitOfWork,
    actor: Actor,
    project: Project,
    transition: str,
    roles: frozenset[Role] | None = None,
) -> None:
    """Refuse, citing the rule, unless the transition is allowed now."""
    refusal = check_transition(transition, facts(uow, project), roles or actor.roles)
    if refusal is not None:
        raise Refused(
            "pipeline#refused",
            audit_action=f"refused:{transition}",
            rule=refusal.rule,
            citation=refusal.citation,
            stage=refusal.stage.value,
            serial=project.serial,
        )


def move(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    project: Project,
    transition: str,
    note: str | None = None,
    roles: frozenset[Role] | None = None,
) -> StageChange:
    """Make a guarded transition, record it and its audit row, and tell the investor."""
    check(uow, actor, project, transition, roles)
    before = project.stage
    change = uow.projects.move(
        project,
        TRANSITIONS[transition].target.value,
        transition,
        actor.person.id if actor.person else None,
        note,
    )
    change.at = s.clock()
    uow.session.flush()
    uow.audit(
        transition,
        "project",
        project.id,
        actor_id=change.actor_id,
        from_value=before,
        to_value=project.stage,
        note=note,
    )
    if project.investor_person_id is not None:
        notify(
            s,
            uow,
            project.investor_person_id,
            lambda loc: Reply(
                s.renderer.message(
                    loc, "pipeline#investor_stage_changed", project=project, stage=project.stage
                )
            ),
            dedupe_key=f"stage:{project.id}:{change.id or ''}:{project.stage}",
        )
    return change
