"""A project's timeline, written once for every view that shows one (the office's card,
/project, /my): its stage changes, its notes (negotiation, returns to the investor and the
resubmissions, the city's returns and recalls, the office's judgements) and the city's
approvals, merged into one list in time order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from handlers.context import Services
from storage.uow import UnitOfWork

STAGE: Final = "stage"
"""The kind of an event that is a stage change; the others are a note's kind or city_<action>."""

INVESTOR_KINDS: Final = frozenset({STAGE, "returned", "resubmitted"})
"""What the investor's own timeline shows: the stages, and the returns for more material
addressed to them with their resubmissions. The office's notes, the city's steps and returns
are internal (the routing they show is the officials')."""

CITY_STEPS: Final = frozenset({"approve", "acknowledge"})
"""The city's actions that are steps of their own; a return or a recall is written as a note
too, with its comment, and the timeline shows the note."""


@dataclass(frozen=True, slots=True)
class Event:
    """One line of a timeline: when, what kind, and what it says."""

    at: datetime
    kind: str  # STAGE, a note's kind (negotiation, returned, city_return, …) or city_<action>
    stage: str | None = None  # the stage entered, for a stage change
    text: str | None = None  # a note's text
    position: str | None = None  # who acted, for a city step (city_exec_deputy, …)


def timeline(s: Services, uow: UnitOfWork, project_id: int, *, official: bool) -> list[Event]:
    """A project's events, oldest first; an investor (`official` False) sees only theirs."""
    events = [
        *(_city_steps(s, uow, project_id) if official else ()),
        *(
            Event(_aware(n.at), n.kind, text=n.text or None)
            for n in uow.projects.notes(project_id)
        ),
        *(Event(_aware(h.at), STAGE, stage=h.to_stage) for h in uow.projects.history(project_id)),
    ]
    return in_time_order(e for e in events if official or e.kind in INVESTOR_KINDS)


def in_time_order(events: Iterable[Event]) -> list[Event]:
    """Events sorted by time; events at the same instant keep the order they are given in.

    `timeline` gives the city's steps, then the notes, then the stage changes, each in the order
    it was recorded: what is written beside a stage change (the city's return and its comment,
    a negotiation note, an approval) says why the stage changed, so at one instant it comes
    first. Times differ between units of work, so this decides only within one."""
    return sorted(events, key=lambda e: e.at)


def _city_steps(s: Services, uow: UnitOfWork, project_id: int) -> list[Event]:
    """The city's approvals and acknowledgements, each with the position that gave it: a
    case's n-th approval is its route's n-th approver (001 七(二)2(1))."""
    approvers = {tier.route.value: tier.approvers for tier in s.policy.routing}
    done: dict[int, int] = {}
    out = []
    for case, action in uow.projects.city_steps(project_id):
        if action.action not in CITY_STEPS:
            continue
        n = done.get(case.id or 0, 0)
        done[case.id or 0] = n + 1
        positions = approvers.get(case.route, ())
        position = positions[n] if n < len(positions) else None
        out.append(Event(_aware(action.at), f"city_{action.action}", position=position))
    return out


def _aware(at: datetime) -> datetime:
    # Stored times are aware UTC (storage/types.py); a naive one is read as UTC all the same.
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
