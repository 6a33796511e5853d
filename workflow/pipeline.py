"""The project pipeline ①–⑥ of 附件8 and the city procedure: stages and guarded transitions.

(Longer than 300 lines: the transitions are one table, read as a whole against the documents.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from workflow.roles import Role


class Stage(StrEnum):
    """Where a project stands (项目阶段)."""

    LEAD = "lead"  # ① 信息收集
    CONFIRMED = "confirmed"  # ② 信息确认, in the 招商项目信息库
    NEGOTIATION = "negotiation"  # ③ 项目洽谈
    REVIEW = "review"  # ④ 项目评审
    DECISION = "decision"  # ④ 项目决策 (联席会议)
    CITY = "city"  # 市备案 / 审批
    CLEARED = "cleared"  # filed or approved: may sign
    SIGNED = "signed"  # 签约
    LANDING = "landing"  # ⑤ 项目落地
    CONSTRUCTION = "construction"  # ⑥ 建设服务
    PRODUCTION = "production"  # 投产
    REJECTED = "rejected"  # 不予引进
    WITHDRAWN = "withdrawn"  # 撤回
    LOST = "lost"  # 流失

    @property
    def terminal(self) -> bool:
        """Whether nothing follows this stage."""
        return self in _TERMINAL


_TERMINAL: Final = frozenset({Stage.PRODUCTION, Stage.REJECTED, Stage.WITHDRAWN, Stage.LOST})
ACTIVE_STAGES: Final = tuple(s for s in Stage if s not in _TERMINAL)
STAGE_ORDER: Final = tuple(Stage)


class ReviewOutcome(StrEnum):
    """The result of a closed review round."""

    PASSED = "passed"  # every dimension agreed
    FLAGGED = "flagged"  # a non-veto 不同意: goes to the meeting flagged
    FAILED = "failed"  # a veto 不同意 (or any, when the policy says so)


class Decision(StrEnum):
    """The joint meeting's decision on a project (联席会议决策)."""

    APPROVED = "approved"  # 准予落户
    REJECTED = "rejected"  # 不予引进
    DEFERRED = "deferred"  # 暂缓


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    """What the guards need to know about a project, read from storage by the caller."""

    stage: Stage
    review_outcome: ReviewOutcome | None = None
    decision: Decision | None = None
    city_cleared: bool = False
    review_open: bool = False  # a round is under way
    # Citations of what stops the project (001 一, 六) and no approved exception lifts.
    blockers: tuple[str, ...] = ()
    city_filed: bool = False  # the 备案表 went to the city and the case stands (001 七(三))
    cross_region: bool = False  # applied to the city office directly (001 七(二)1(2))
    city_round: bool = False  # the latest round is the city group's own (001 七(二)2(2))
    # The latest city case is pending and no city official has acted on it yet.
    city_untouched: bool = False


@dataclass(frozen=True, slots=True)
class Transition:
    """A guarded move between stages; `rule` is why it may be refused, with its citation."""

    name: str
    sources: frozenset[Stage]
    target: Stage
    roles: frozenset[Role]
    rule: str  # message key of the rule, in templates (pipeline#rule_<rule>)
    citation: str
    requires: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a transition was refused: a rule key and its citation."""

    transition: str
    rule: str
    citation: str
    stage: Stage


_PRE_SIGNING: Final = frozenset(
    {
        Stage.LEAD,
        Stage.CONFIRMED,
        Stage.NEGOTIATION,
        Stage.REVIEW,
        Stage.DECISION,
        Stage.CITY,
        Stage.CLEARED,
    }
)
_OFFICE: Final = frozenset({Role.OFFICE})
# A district round's end moves the project: the 组长/副组长 who conclude it (000 一(二)1) make
# the move. The office's role stays for the guard's own tests; no office button concludes a
# round (handlers/review/conclude.py refuses anyone but the round level's concluders).
_REVIEW_CLOSERS: Final = frozenset({Role.OFFICE, Role.REVIEW_CHAIR})
_CITY: Final = frozenset({Role.CITY_OFFICE, Role.CITY_EXEC_DEPUTY, Role.CITY_LEADER})

TRANSITIONS: Final[dict[str, Transition]] = {
    t.name: t
    for t in (
        Transition(
            "confirm",
            frozenset({Stage.LEAD}),
            Stage.CONFIRMED,
            _OFFICE,
            "confirm_only_leads",
            "000 三(二)",
            ("district_runs", "no_blocker"),
        ),
        Transition(
            "negotiate",
            frozenset({Stage.CONFIRMED}),
            Stage.NEGOTIATION,
            _OFFICE,
            "negotiate_after_confirmation",
            "000 三(三)",
            ("district_runs",),
        ),
        Transition(
            "start_review",
            # A recall opens the city's own round at once (city_recall), so never from ④.
            frozenset({Stage.CONFIRMED, Stage.NEGOTIATION}),
            Stage.REVIEW,
            _OFFICE,
            "review_after_negotiation",
            "000 三(四)",
            ("no_open_review", "district_runs", "no_blocker"),
        ),
        Transition(
            "refer_to_decision",
            frozenset({Stage.REVIEW}),
            Stage.DECISION,
            _REVIEW_CLOSERS,
            "no_decision_without_passed_review",
            "000 一(二)2",
            ("no_blocker", "review_passed", "district_round"),
        ),
        Transition(
            "fail_review",
            frozenset({Stage.REVIEW}),
            Stage.REJECTED,
            _REVIEW_CLOSERS,
            "fail_only_failed_review",
            "000 一(二)2",
            ("review_failed", "district_round"),
        ),
        Transition(
            "approve",
            frozenset({Stage.DECISION}),
            Stage.CITY,
            _OFFICE,
            "approve_only_by_meeting",
            "000 一(二)2(3)",
            ("review_passed", "decision_approved"),
        ),
        Transition(
            "reject",
            frozenset({Stage.DECISION}),
            Stage.REJECTED,
            _OFFICE,
            "reject_only_by_meeting",
            "000 一(二)2(3)",
            ("decision_rejected",),
        ),
        Transition(
            "city_clear",
            frozenset({Stage.CITY}),
            Stage.CLEARED,
            frozenset({Role.CITY_OFFICE, Role.CITY_EXEC_DEPUTY, Role.CITY_LEADER}),
            "city_clearance",
            "001 七(二)2(1)",
            ("city_cleared",),
        ),
        Transition(
            "city_return",
            frozenset({Stage.CITY}),
            Stage.DECISION,
            frozenset({Role.CITY_OFFICE, Role.CITY_EXEC_DEPUTY, Role.CITY_LEADER}),
            "city_return_only_pending",
            "001 七(二)2(1)",
        ),
        Transition(
            "city_recall",
            # Filed or approved, the city may still call the project back until it is signed.
            frozenset({Stage.CITY, Stage.CLEARED}),
            Stage.REVIEW,
            frozenset({Role.CITY_OFFICE, Role.CITY_EXEC_DEPUTY, Role.CITY_LEADER}),
            "city_recall_only_pending",
            "001 七(二)2(1)",
        ),
        Transition(
            "city_accept",
            frozenset({Stage.LEAD}),
            Stage.CONFIRMED,
            frozenset({Role.CITY_OFFICE}),
            "city_accepts_cross_region",
            "001 七(二)1(2)",
            ("cross_region", "no_blocker"),
        ),
        Transition(
            "city_start_review",
            frozenset({Stage.CONFIRMED}),
            Stage.REVIEW,
            frozenset({Role.CITY_OFFICE}),
            "city_reviews_cross_region",
            "001 七(二)2(2)",
            ("cross_region", "no_open_review", "no_blocker"),
        ),
        Transition(
            "city_review_pass",
            # A recalled project goes back to the city's filing or approval by amount.
            frozenset({Stage.REVIEW}),
            Stage.CITY,
            _CITY,
            "no_decision_without_passed_review",
            "001 七(二)2(1)",
            ("review_passed", "city_review", "district_runs"),
        ),
        Transition(
            "city_review_clear",
            # A cross-region project that the city group reviewed and passed may sign.
            frozenset({Stage.REVIEW}),
            Stage.CLEARED,
            _CITY,
            "no_decision_without_passed_review",
            "001 七(三)",
            ("review_passed", "city_review", "cross_region"),
        ),
        Transition(
            "city_review_fail",
            frozenset({Stage.REVIEW}),
            Stage.REJECTED,
            _CITY,
            "fail_only_failed_review",
            "001 七(二)2(2)",
            ("review_failed", "city_review"),
        ),
        Transition(
            "sign",
            # Filing is enough: the city's acknowledgement is recorded when it comes.
            frozenset({Stage.CITY, Stage.CLEARED}),
            Stage.SIGNED,
            _OFFICE,
            "no_agreement_before_city_clearance",
            "001 七(三)",
            ("district_decision", "signing_permitted", "no_blocker"),
        ),
        Transition(
            "start_landing",
            frozenset({Stage.SIGNED}),
            Stage.LANDING,
            _OFFICE,
            "landing_after_signing",
            "000 三(五)",
        ),
        Transition(
            "start_construction",
            frozenset({Stage.LANDING}),
            Stage.CONSTRUCTION,
            _OFFICE,
            "construction_after_landing",
            "000 三(六)",
        ),
        Transition(
            "start_production",
            frozenset({Stage.CONSTRUCTION}),
            Stage.PRODUCTION,
            _OFFICE,
            "production_after_construction",
            "000 一(三)2(3)",
        ),
        # A meeting decision is corrected by a new one (handlers/decision/meetings.py 更正决定),
        # never withdrawn: 准予落户 becomes 不予引进 while the city has not acted on the case...
        Transition(
            "correct_to_reject",
            frozenset({Stage.CITY}),
            Stage.REJECTED,
            _OFFICE,
            "correct_before_city_acts",
            "000 一(二)2(3)",
            ("decision_rejected", "city_untouched"),
        ),
        # ...and 不予引进 becomes 准予落户, which goes to the city as any approval does.
        Transition(
            "correct_to_approve",
            frozenset({Stage.REJECTED}),
            Stage.CITY,
            _OFFICE,
            "correct_only_rejected_by_meeting",
            "000 一(二)2(3)",
            ("review_passed", "decision_approved", "district_round", "no_blocker"),
        ),
        Transition(
            "withdraw",
            _PRE_SIGNING,
            Stage.WITHDRAWN,
            frozenset({Role.INVESTOR, Role.OFFICE}),
            "withdraw_before_signing",
            "000 三",
        ),
        Transition(
            "mark_lost",
            frozenset(ACTIVE_STAGES),
            Stage.LOST,
            _OFFICE,
            "lost_only_active",
            "000 四",
        ),
    )
}


def _requirement_met(name: str, facts: ProjectFacts) -> bool:
    match name:
        case "review_passed":
            return facts.review_outcome in (ReviewOutcome.PASSED, ReviewOutcome.FLAGGED)
        case "review_failed":
            return facts.review_outcome is ReviewOutcome.FAILED
        case "decision_approved":
            return facts.decision is Decision.APPROVED
        case "decision_rejected":
            return facts.decision is Decision.REJECTED
        case "city_cleared":
            return facts.city_cleared
        case "no_open_review":
            return not facts.review_open
        case "no_blocker":
            return not facts.blockers
        case "cross_region":
            return facts.cross_region
        case "district_runs":
            return not facts.cross_region
        case "city_review":
            return facts.city_round
        case "district_round":
            return not facts.city_round
        case "city_untouched":
            return facts.city_untouched
        case "district_decision":
            return facts.cross_region or facts.decision is Decision.APPROVED
        case "signing_permitted":  # 001 七(三): reviewed, approved, or filed by the city group
            city_passed = facts.city_round and _requirement_met("review_passed", facts)
            return facts.city_cleared or facts.city_filed or (facts.cross_region and city_passed)
    raise KeyError(name)


REQUIREMENT_RULES: Final[dict[str, tuple[str, str]]] = {
    "district_runs": ("cross_region_is_the_citys", "001 七(二)1(2)"),
    "district_round": ("city_round_is_the_citys", "001 七(二)2(2)"),
}
"""Requirements whose refusal cites a rule of their own rather than the transition's."""


BLOCKED_RULE: Final = "blocked_by_rules"
"""The rule key of a refusal because a 禁止引入 or out-of-scope finding stops the project."""


def check_transition(name: str, facts: ProjectFacts, roles: frozenset[Role]) -> Refusal | None:
    """None when the move is allowed; otherwise the rule that refuses it."""
    t = TRANSITIONS[name]
    if not roles & t.roles:
        return Refusal(name, "not_your_role", t.citation, facts.stage)
    for r in t.requires:
        if r in REQUIREMENT_RULES and facts.stage in t.sources and not _requirement_met(r, facts):
            return Refusal(name, *REQUIREMENT_RULES[r], facts.stage)
    if "no_blocker" in t.requires and facts.stage in t.sources and facts.blockers:
        # What the documents forbid stops the project, whatever else it has passed.
        return Refusal(name, BLOCKED_RULE, "、".join(facts.blockers), facts.stage)
    if facts.stage not in t.sources or not all(_requirement_met(r, facts) for r in t.requires):
        return Refusal(name, t.rule, t.citation, facts.stage)
    return None


@dataclass(frozen=True, slots=True)
class Undo:
    """撤回: a recent move withdrawn, back to the stage it left, within the policy's window
    (`deadlines.undo_minutes`), by the person who made it."""

    name: str  # the transition recorded in the stage history for the withdrawal
    undoes: str  # the transition it withdraws
    roles: frozenset[Role]
    citation: str  # the rule of the move it withdraws


UNDOS: Final[dict[str, Undo]] = {
    u.undoes: u
    for u in (
        Undo("undo_lost", "mark_lost", _OFFICE, "000 四"),
        Undo("undo_production", "start_production", _OFFICE, "000 一(三)2(3)"),
    )
}
"""The moves a recent action may be withdrawn from, by the move they withdraw."""


@dataclass(frozen=True, slots=True)
class LastMove:
    """A project's latest stage change, as the rules of 撤回 read it."""

    transition: str
    from_stage: Stage | None
    to_stage: Stage
    actor_id: int | None
    at: datetime


def check_undo(
    last: LastMove | None,
    stage: Stage,
    actor_id: int | None,
    roles: frozenset[Role],
    now: datetime,
    window: timedelta,
) -> Refusal | None:
    """None when the project's latest move may be withdrawn now by this person; otherwise why
    not: nothing to withdraw (nothing of that kind, or something happened since), not their
    role, not their move, or the window has passed (撤回时限已过)."""
    undo = UNDOS.get(last.transition) if last is not None else None
    if last is None or undo is None or last.from_stage is None or stage is not last.to_stage:
        return Refusal("undo", "undo_nothing", "000 三", stage)
    if not roles & undo.roles:
        return Refusal(undo.name, "not_your_role", undo.citation, stage)
    if actor_id is None or actor_id != last.actor_id:
        return Refusal(undo.name, "undo_only_yours", undo.citation, stage)
    if window <= timedelta(0) or now - last.at > window:
        return Refusal(undo.name, "undo_window_passed", undo.citation, stage)
    return None


def available_transitions(facts: ProjectFacts, roles: frozenset[Role]) -> list[Transition]:
    """The moves this person may make now."""
    return [t for t in TRANSITIONS.values() if check_transition(t.name, facts, roles) is None]


APPLICATION_ROUTE: Final = "application_route"
"""The plan's answer: where the investor applies (001 七(二)1)."""
CROSS_REGION: Final = "cross_region"
"""A cross-region project, which applies to the city group's office (001 七(二)1(2))."""


def is_cross_region(plan: Mapping[str, object]) -> bool:
    """Whether the investor applied to the city office as a cross-region project."""
    return plan.get(APPLICATION_ROUTE) == CROSS_REGION


def format_serial(prefix: str, year: int, number: int) -> str:
    """A project's serial number, such as QX-2026-0001."""
    return f"{prefix}-{year}-{number:04d}"
