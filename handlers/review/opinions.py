"""A reviewer's opinion on their dimension (附件5), for their unit: first the prohibited
categories the dimension confirms (001 六: 不属于 / 属于), then agree, agree with conditions,
disagree or comment, change it while the round is open, transfer it to a colleague of the same
unit, see the plan, and (after the round closes) every unit's opinions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from conversations.callbacks import CallbackData
from conversations.draft import Draft
from conversations.forms.review import OPINION_FORM
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply, keyboard
from handlers import forms
from handlers.buttons import REVIEWER_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.intake.plan_document import plan_document
from handlers.notify import supersede
from handlers.pipeline.admission_view import document_lines
from handlers.review.cards import progress_card, reviewer_card, reviewer_card_key, send_cards
from handlers.review.conclusion import offer_conclusion
from handlers.review.confirmations import check_verdict, confirm
from handlers.review.holders import acts_for, card_holders
from handlers.review.levels import level_of
from handlers.review.rounds import update_progress
from storage.tables import ReviewOpinion, ReviewRound
from storage.uow import UnitOfWork
from workflow.review import Verdict
from workflow.roles import Role

VERDICT_OF_ACTION = {"ok": Verdict.AGREE, "cond": Verdict.CONDITIONAL, "no": Verdict.DISAGREE}
FORM_ACTIONS: Final = frozenset({"cond", "no", "cmt"})
"""The card's buttons that open the opinion form: with conditions, disagree, a comment."""


@dataclass(frozen=True, slots=True)
class OpinionSubject:
    """What an open opinion form is about: one dimension's opinion, and the button that opened
    it. A draft keeps its subject as text; this is the one place that reads and writes it."""

    opinion_id: int
    action: str

    def key(self) -> str:
        """The draft's subject."""
        return f"{self.opinion_id}:{self.action}"

    @classmethod
    def parse(cls, subject: str) -> OpinionSubject | None:
        """The subject a draft names, or None when it is not one of ours."""
        number, _, action = subject.partition(":")
        if not number.isascii() or not number.isdigit() or action not in FORM_ACTIONS:
            return None
        return cls(int(number), action)


def _opinion(
    s: Services, uow: UnitOfWork, actor: Actor, data: CallbackData
) -> tuple[ReviewOpinion, ReviewRound]:
    op = uow.reviews.opinion(data.arg_int(0))
    rnd = uow.reviews.round(op.round_id) if op else None
    if op is None or rnd is None:
        # As for someone else's opinion: a press cannot tell which ids exist.
        raise Refused("review#not_your_dimension", audit_action="refused:review_dimension")
    return op, rnd


def can_act(uow: UnitOfWork, actor: Actor, op: ReviewOpinion) -> bool:
    """The assigned reviewer, or the unit's delegate for them (A/B 岗)."""
    if actor.person is None:
        return False
    if op.reviewer_id == actor.person_id:
        return True
    return acts_for(actor.role_rows, op)


def reviewer_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """A reviewer's button on their card."""
    op, rnd = _opinion(s, uow, actor, data)
    if data.action == "all":
        return _all_opinions(s, uow, actor, op, rnd)
    if not can_act(uow, actor, op):
        raise Refused("review#not_your_dimension", audit_action="refused:review_dimension")
    if data.action == "plan":
        return Outcome([plan_reply(s, uow, rnd, actor.locale)])
    if rnd.closed_at is not None:
        raise HandlerError("review#round_closed")
    if data.action == "cf":
        return confirm(s, uow, actor, op, rnd, data.arg_int(1), str(data.args[2]))
    verdict = VERDICT_OF_ACTION.get(data.action)
    if verdict is not None:
        check_verdict(s, op, verdict)
    if data.action == "ok":
        record(s, uow, actor, op, rnd, Verdict.AGREE, op.opinion, op.suggestion)
        return Outcome(
            [reviewer_card(s, uow, op, actor.locale, actor.person_id).as_edit()],
            toast=s.renderer.message(actor.locale, "review#recorded"),
        )
    if data.action in FORM_ACTIONS:
        subject = OpinionSubject(op.id or 0, data.action).key()
        intro = Reply(
            s.renderer.message(
                actor.locale,
                "review#opinion_intro",
                action=data.action,
                dimension=s.policy.dimension(op.dimension_id).name,
            )
        )
        return Outcome(
            [intro, *forms.start(s, uow, actor, event.chat_id, OPINION_FORM.id, subject)]
        )
    if data.action == "edit":
        unset = op.model_copy(update={"verdict": None})
        card = reviewer_card(s, uow, unset, actor.locale, actor.person_id)
        return Outcome([card.as_edit()])
    if data.action == "tr":
        return _transfer_choices(s, uow, actor, op)
    if data.action == "to":
        return _transfer(s, uow, actor, op, rnd, data.arg_int(1))
    raise HandlerError("common#stale_button")


def record(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    op: ReviewOpinion,
    rnd: ReviewRound,
    verdict: Verdict | None,
    opinion: str | None,
    suggestion: str | None,
) -> None:
    """Record a verdict (None: a comment only), audit it with who pressed and, for a delegate
    (A/B 岗), for whom; update the progress card and the card of the opinion's other holders."""
    before = op.verdict
    if verdict is not None:
        op.verdict = verdict.value
    op.opinion, op.suggestion = opinion, suggestion
    op.decided_by, op.decided_at = actor.person_id, s.clock()
    op.on_behalf_of = op.reviewer_id if op.reviewer_id != actor.person_id else None
    uow.session.add(op)
    uow.session.flush()
    uow.audit(
        "review_opinion",
        "review_opinion",
        op.id,
        actor_id=actor.person_id,
        from_value=before,
        to_value=op.verdict,
        note=f"{op.dimension_id}/{op.unit_id}"
        + (f" for:{op.on_behalf_of}" if op.on_behalf_of else ""),
    )
    send_cards(s, uow, op, skip=actor.person_id)
    update_progress(s, uow, rnd)
    offer_conclusion(s, uow, rnd)


def finish_opinion(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """The opinion form was submitted: record it and show the card again."""
    about = OpinionSubject.parse(subject)
    op = uow.reviews.opinion(about.opinion_id) if about else None
    rnd = uow.reviews.round(op.round_id) if op else None
    if op is None or rnd is None or not can_act(uow, actor, op):
        raise Refused("review#not_your_dimension", audit_action="refused:review_dimension")
    if rnd.closed_at is not None:
        raise HandlerError("review#round_closed")
    assert about is not None  # checked with the opinion above
    verdict = VERDICT_OF_ACTION.get(about.action)
    if verdict is not None:
        check_verdict(s, op, verdict)
    record(
        s,
        uow,
        actor,
        op,
        rnd,
        verdict if verdict else None,
        draft.answers.get("opinion"),
        draft.answers.get("suggestion"),
    )
    return [
        Reply(s.renderer.message(actor.locale, "review#recorded")),
        reviewer_card(s, uow, op, actor.locale, actor.person_id),
    ]


def _transfer_choices(s: Services, uow: UnitOfWork, actor: Actor, op: ReviewOpinion) -> Outcome:
    rows = [
        r
        for r in uow.people.role_rows(Role.REVIEWER.value, op.unit_id)
        if r.person_id != op.reviewer_id and uow.people.has_account(r.person_id)
    ]
    people = [uow.people.get(r.person_id) for r in dict((r.person_id, r) for r in rows).values()]
    if not people:
        raise HandlerError("review#no_colleague", unit=s.policy.unit(op.unit_id).name)
    buttons = [Button(p.name, REVIEWER_BUTTONS.encode("to", op.id, p.id)) for p in people if p]
    return Outcome(
        [Reply(s.renderer.message(actor.locale, "review#transfer_choose"), keyboard(buttons, 2))]
    )


def _transfer(
    s: Services, uow: UnitOfWork, actor: Actor, op: ReviewOpinion, rnd: ReviewRound, to_id: int
) -> Outcome:
    colleague = uow.people.get(to_id)
    same_unit = any(
        r.person_id == to_id for r in uow.people.role_rows(Role.REVIEWER.value, op.unit_id)
    )
    if colleague is None or not same_unit:
        raise Refused("review#transfer_other_unit", audit_action="refused:review_transfer")
    before = op.reviewer_id
    former = card_holders(uow, op)
    op.reviewer_id = to_id
    uow.session.add(op)
    uow.audit(
        "review_transfer",
        "review_opinion",
        op.id,
        actor_id=actor.person_id,
        from_value=before,
        to_value=to_id,
    )
    # The new reviewer and their delegates get the card; the old holders' copies, the one whose
    # 转交 was just pressed included, lose their buttons and say to whom it went.
    send_cards(s, uow, op)
    holders = set(card_holders(uow, op))
    supersede(
        s,
        uow,
        [pid for pid in former if pid not in holders],
        reviewer_card_key(op.id or 0),
        lambda locale: reviewer_card(s, uow, op, locale),
        "delivery#card_transferred",
        name=colleague.name,
    )
    update_progress(s, uow, rnd)
    return Outcome(
        [
            Reply(
                s.renderer.message(actor.locale, "review#transferred", name=colleague.name),
                edit=True,
            )
        ]
    )


def _all_opinions(
    s: Services, uow: UnitOfWork, actor: Actor, op: ReviewOpinion, rnd: ReviewRound
) -> Outcome:
    check_may_read_opinions(actor, rnd)
    return Outcome([progress_card(s, uow, rnd, actor.locale)])


def may_read_opinions(actor: Actor, rnd: ReviewRound) -> bool:
    """Whether this person may read every unit's opinion of a round (the project's page)."""
    try:
        check_may_read_opinions(actor, rnd)
    except Refused:
        return False
    return True


def check_may_read_opinions(actor: Actor, rnd: ReviewRound) -> None:
    """Refuse someone who may not read every unit's opinion of a round: other units see them
    only once the round closes, those who run the round (and the district office, which
    follows the city's) at any time, the leaders and the level's reviewers once closed."""
    level = level_of(rnd.level)
    runs = actor.has(Role.OFFICE, *level.runners)
    if rnd.closed_at is None and not runs:
        raise Refused("review#opinions_confidential", audit_action="refused:review_opinions")
    if not (
        runs
        or actor.has(Role.LEADER)
        or any(r.role == level.reviewer_role.value for r in actor.role_rows)
    ):
        raise Refused("common#not_allowed", audit_action="refused:review_opinions")


def plan_reply(s: Services, uow: UnitOfWork, rnd: ReviewRound, locale: str) -> Reply:
    """The project's plan as a Word document."""
    project = uow.projects.get(rnd.project_id)
    assert project is not None
    return Reply(
        s.renderer.message(locale, "review#plan_caption", project=project),
        document=plan_document(s, project, document_lines(s, uow, project)),
    )
