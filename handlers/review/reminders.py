"""催办: reminding pending reviewers. Each person gets one message per 催办 (their card, or the
list of their pending cards with a button for each), at most once in a clock hour; whoever is
left out is named with the reason, for a round's 🔔 and for the office's bulk 催办 of every
open round (/urge, 🔔 全部催办)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

from conversations.callbacks import CallbackData
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply, keyboard
from handlers.buttons import REMINDER_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.notify import Build, notify, reachable_accounts
from handlers.review.cards import card_notice, reviewer_card
from handlers.review.holders import acts_for, card_holders
from handlers.review.levels import CITY, DISTRICT, level_of
from storage.tables import Project, ReviewOpinion, ReviewRound
from storage.uow import UnitOfWork

NAMES_SHOWN: Final = 5
"""How many names a 催办's answer lists of those left out (a press's answer is short)."""


class PendingCard(NamedTuple):
    """One pending card on a reviewer's list: the opinion, its project, dimension and round."""

    opinion: int
    project: Project
    dimension: str
    round: ReviewRound


@dataclass(frozen=True, slots=True)
class Urged:
    """Whom a 催办 reached, and whom it left out and why: already reminded in this clock
    hour, or not reachable in the messenger (never joined)."""

    sent: tuple[str, ...] = ()
    recent: tuple[str, ...] = ()
    unreachable: tuple[str, ...] = ()
    cards: int = 0  # how many pending cards the reminders named
    rounds: int = 0  # in how many rounds

    def say(self, s: Services, locale: str, template: str = "review#urged") -> str:
        """The answer to whoever urged, naming those left out."""
        return s.renderer.message(
            locale,
            template,
            n=len(self.sent),
            recent=list(self.recent),
            unreachable=list(self.unreachable),
            shown=NAMES_SHOWN,
            cards=self.cards,
            rounds=self.rounds,
        )


def urge(s: Services, uow: UnitOfWork, actor: Actor, opinions: Iterable[ReviewOpinion]) -> Urged:
    """Remind whoever holds the pending opinions' cards (the reviewer and their A/B 岗): one
    message each (the card itself, or the list of their pending cards), at most once in a clock
    hour per person; audited."""
    hour = s.clock().strftime("%Y%m%d%H")
    by_person: dict[int, list[ReviewOpinion]] = {}
    for op in opinions:
        if not op.verdict:
            for holder in card_holders(uow, op):
                by_person.setdefault(holder, []).append(op)
    sent: list[str] = []
    recent: list[str] = []
    unreachable: list[str] = []
    rounds: dict[int, ReviewRound | None] = {}
    for pid, ops in by_person.items():
        for op in ops:
            if op.round_id not in rounds:
                rounds[op.round_id] = uow.reviews.round(op.round_id)
        person = uow.people.get(pid)
        name = person.name if person is not None else str(pid)
        if not reachable_accounts(s, uow, pid):
            unreachable.append(name)
            continue
        build = _one_card(s, uow, ops[0], rounds) if len(ops) == 1 else _list(s, uow, ops, rounds)
        if notify(s, uow, pid, build, dedupe_key=f"urge:p{pid}:{hour}"):
            sent.append(name)
        else:  # the same person was reminded in this clock hour: not again
            recent.append(name)
    urged = Urged(
        tuple(sent),
        tuple(recent),
        tuple(unreachable),
        cards=len({op.id for ops in by_person.values() for op in ops}),
        rounds=len(rounds),
    )
    uow.audit(
        "urge",
        "review_round",
        next(iter(rounds)) if len(rounds) == 1 else None,
        actor_id=actor.person_id,
        note=f"rounds {sorted(rounds)}; sent {sent}; recent {recent}; unreachable {unreachable}",
    )
    return urged


def _one_card(
    s: Services, uow: UnitOfWork, op: ReviewOpinion, rounds: dict[int, ReviewRound | None]
) -> Build:
    rnd = rounds[op.round_id]
    return card_notice(
        s,
        uow,
        op,
        "review#urge",
        project=uow.projects.get(rnd.project_id) if rnd else None,
        dimension=s.policy.dimension(op.dimension_id).name,
        deadline=rnd.deadline if rnd else None,
    )


def _list(
    s: Services,
    uow: UnitOfWork,
    ops: Sequence[ReviewOpinion],
    rounds: dict[int, ReviewRound | None],
) -> Build:
    """One message listing a reviewer's pending cards, each with a button that opens it."""
    items = []
    for op in ops:
        rnd = rounds[op.round_id]
        project = uow.projects.get(rnd.project_id) if rnd else None
        if project is not None and rnd is not None and op.id is not None:
            name = s.policy.dimension(op.dimension_id).name
            items.append(PendingCard(op.id, project, name, rnd))

    def build(locale: str) -> Reply:
        text = s.renderer.message(locale, "review#urge_list", items=items)
        label = lambda i: s.renderer.message(  # noqa: E731
            locale, "review#btn_open_card", serial=i.project.serial, dimension=i.dimension
        )
        buttons = [Button(label(i), REMINDER_BUTTONS.encode("open", i.opinion)) for i in items]
        return Reply(text, keyboard(buttons, 1))

    return build


def urge_everyone(s: Services, uow: UnitOfWork, actor: Actor) -> Urged:
    """Remind every pending reviewer of every open round the actor runs (the district office
    the district's, the city office the city's): one message each."""
    levels = [lv for lv in (DISTRICT, CITY) if actor.roles & lv.runners]
    pending = [
        op
        for rnd in uow.reviews.open_rounds()
        if level_of(rnd.level) in levels
        for op in uow.reviews.opinions(rnd.id or 0)
        if not op.verdict
    ]
    return urge(s, uow, actor, pending)


def urge_command(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """/urge: 催办 every pending reviewer of every open round, and say whom it left out."""
    urged = urge_everyone(s, uow, actor)
    return Outcome([Reply(urged.say(s, actor.locale, "review#urged_everyone"))])


def reminder_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """A card on a 催办's list, opened by its reviewer (or their A/B 岗 delegate)."""
    op = uow.reviews.opinion(data.arg_int(0))
    if op is None:
        raise HandlerError("common#stale_button")
    if op.reviewer_id != actor.person_id and not acts_for(actor.role_rows, op):
        raise Refused("review#not_your_dimension", audit_action="refused:review_dimension")
    return Outcome([reviewer_card(s, uow, op, actor.locale, actor.person_id)])
