"""Moving a project between stages, only through workflow's guarded transitions, and 撤回 of
a recent move within the policy's window."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from itertools import pairwise

from conversations.replies import Reply
from handlers.context import Actor, Services
from handlers.errors import Refused
from handlers.notify import notify
from storage.tables import Project, StageChange
from storage.uow import UnitOfWork
from workflow.admission import ExceptionStatus, blocking_findings, open_blockers, stored_findings
from workflow.pipeline import (
    BLOCKED_RULE,
    TRANSITIONS,
    UNDOS,
    Decision,
    LastMove,
    ProjectFacts,
    Refusal,
    ReviewOutcome,
    Stage,
    check_transition,
    check_undo,
    is_cross_region,
)
from workflow.policy import RouteKind
from workflow.roles import Role
from workflow.screening import Finding


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
    untouched = (
        case is not None
        and case.status == "pending"
        and not uow.decisions.city_actions(case.id or 0)
    )
    return ProjectFacts(
        stage=Stage(project.stage),
        review_outcome=outcome,
        decision=decision,
        city_cleared=case is not None and case.status == "cleared",
        review_open=rnd is not None and rnd.closed_at is None,
        city_filed=case is not None
        and case.route == RouteKind.FILING.value
        and case.status in ("pending", "cleared"),
        cross_region=is_cross_region(project.plan),
        city_round=rnd is not None and rnd.level == "city",
        city_untouched=untouched,
        blockers=tuple(dict.fromkeys(f.citation for f in open_project_blockers(uow, project))),
    )


def open_project_blockers(uow: UnitOfWork, project: Project) -> list[Finding]:
    """What stops the project (001 一, 六) that no approved exception has lifted."""
    blockers = blocking_findings(stored_findings(project.findings))
    if not blockers:  # most projects: no need to read the exception requests
        return []
    lifted = [
        key
        for r in uow.projects.exception_requests(project.id or 0)
        if r.status == ExceptionStatus.APPROVED.value
        for key in r.lifts
    ]
    return open_blockers(blockers, lifted)


def check_agenda(uow: UnitOfWork, project: Project) -> None:
    """Refuse, citing the rule, a project that may not go on a joint meeting's agenda: one
    whose review has not passed (000 一(二)2), or one the documents forbid (001 一, 六)."""
    if project.stage != Stage.DECISION.value:
        rule = TRANSITIONS["refer_to_decision"]  # only a passed review reaches decision
        raise Refused(
            "pipeline#refused",
            audit_action="refused:agenda",
            rule=rule.rule,
            citation=rule.citation,
            stage=project.stage,
            serial=project.serial,
        )
    refuse_if_blocked(uow, project, "agenda")


def refuse_if_blocked(uow: UnitOfWork, project: Project, action: str) -> None:
    """Refuse, citing the rule, while a 禁止引入 or out-of-scope finding stops the project."""
    blockers = open_project_blockers(uow, project)
    if blockers:
        raise Refused(
            "pipeline#refused",
            audit_action=f"refused:{action}",
            rule=BLOCKED_RULE,
            citation="、".join(dict.fromkeys(f.citation for f in blockers)),
            stage=project.stage,
            serial=project.serial,
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
        raise refused(refusal, project)


def refused(refusal: Refusal, project: Project) -> Refused:
    """A move's refusal as the person reads it: the rule, its citation, the stage."""
    return Refused(
        "pipeline#refused",
        audit_action=f"refused:{refusal.transition}",
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
    target = TRANSITIONS[transition].target.value
    return _record(
        s,
        uow,
        project,
        target,
        transition,
        actor.person.id if actor.person else None,
        note,
        lambda loc: s.renderer.message(
            loc, "pipeline#investor_stage_changed", project=project, stage=project.stage
        ),
        f"stage:{project.id}:{{change}}:{target}",
    )


def _record(
    s: Services,
    uow: UnitOfWork,
    project: Project,
    target: str,
    name: str,
    actor_id: int | None,
    note: str | None,
    told: Callable[[str], str],
    dedupe: str,
    audit_note: str | None = None,
) -> StageChange:
    """Move the project to `target` as the change `name`: its history row (with `note`), its
    audit row (with `audit_note`, else `note`), and the investor told (`told`, once: `dedupe`
    with the change's id)."""
    before = project.stage
    change = uow.projects.move(project, target, name, actor_id, note)
    change.at = s.clock()
    uow.session.flush()
    uow.audit(
        name,
        "project",
        project.id,
        actor_id=actor_id,
        from_value=before,
        to_value=project.stage,
        note=note if audit_note is None else audit_note,
    )
    if project.investor_person_id is not None:
        notify(
            s,
            uow,
            project.investor_person_id,
            lambda loc: Reply(told(loc)),
            dedupe_key=dedupe.format(change=change.id or ""),
        )
    return change


def last_move(history: Sequence[StageChange]) -> LastMove | None:
    """A project's latest stage change, from its history (oldest first)."""
    if not history:
        return None
    h = history[-1]
    return LastMove(
        h.transition,
        Stage(h.from_stage) if h.from_stage else None,
        Stage(h.to_stage),
        h.actor_id,
        h.at,
    )


def undo_refusal(
    s: Services, uow: UnitOfWork, actor: Actor, project: Project, last: LastMove | None = None
) -> Refusal | None:
    """None when this person may withdraw (撤回) the project's latest move (`last`, read from
    its history when not given) now."""
    return check_undo(
        last or last_move(uow.projects.history(project.id or 0)),
        Stage(project.stage),
        actor.person_id,
        actor.roles,
        s.clock(),
        timedelta(minutes=s.policy.deadlines.undo_minutes),
    )


def undo(s: Services, uow: UnitOfWork, actor: Actor, project: Project) -> StageChange:
    """撤回: the project goes back to the stage its latest move left, recorded in its history
    and the audit log; the investor, who was told of the move, is told of the withdrawal."""
    last = last_move(uow.projects.history(project.id or 0))
    refusal = undo_refusal(s, uow, actor, project, last)
    if refusal is not None:
        raise refused(refusal, project)
    assert last is not None and last.from_stage is not None  # check_undo saw to it
    withdrawn = project.stage
    return _record(
        s,
        uow,
        project,
        last.from_stage.value,
        UNDOS[last.transition].name,
        actor.person_id,
        withdrawn,
        lambda loc: s.renderer.message(
            loc, "confirm#investor_undone", project=project, withdrawn=withdrawn
        ),
        f"undo:{project.id}:{{change}}",
        audit_note=last.transition,
    )


def withdrawn_moves(history: Sequence[StageChange]) -> set[int]:
    """The ids of the moves in a history that were withdrawn (撤回) by the move after them."""
    undone = {u.name: u.undoes for u in UNDOS.values()}
    return {
        before.id
        for before, after in pairwise(history)
        if before.id is not None and undone.get(after.transition) == before.transition
    }
