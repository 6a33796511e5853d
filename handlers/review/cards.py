"""The review cards: each reviewer's card (附件5: one unit's opinion on one dimension) and the
office's progress card."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from conversations.replies import Button, Keyboard, Reply, keyboard
from handlers.buttons import PROGRESS_BUTTONS, REVIEWER_BUTTONS
from handlers.context import Services
from handlers.notify import notify
from handlers.review.holders import acts_for, card_holders
from handlers.review.summary import confirmation_rows, round_outcome, unit_row
from storage.tables import Project, ReviewOpinion, ReviewRound
from storage.uow import UnitOfWork
from workflow.review import Answer, Verdict, allowed_verdicts


def reviewer_card_key(opinion_id: int) -> str:
    """The card a reviewer sees for one dimension."""
    return f"rv:{opinion_id}"


def progress_card_key(round_id: int) -> str:
    """The office's progress card of a round."""
    return f"rp:{round_id}"


def _label(s: Services, locale: str, name: str) -> str:
    return s.renderer.message(locale, f"review#{name}")


def reviewer_card(
    s: Services, uow: UnitOfWork, op: ReviewOpinion, locale: str, viewer: int | None = None
) -> Reply:
    """A reviewer's card: the project, their dimension's findings, the prohibited categories to
    confirm first (001 六), and what they can do. Shown to a delegate (A/B 岗, `viewer`), it
    says for whom they act; to a former delegate, it keeps no buttons."""
    standing = _standing(uow, op, viewer)
    if standing == "former":
        return _former_card(s, uow, op, locale)
    rnd = uow.reviews.round(op.round_id)
    assert rnd is not None and op.id is not None
    project = uow.projects.get(rnd.project_id)
    assert project is not None
    dim = s.policy.dimension(op.dimension_id)
    codes = set(dim.findings) | {f"{c}_none" for c in dim.findings}
    findings = [f for f in project.findings if f["code"] in codes]
    closed = rnd.closed_at is not None
    same_dimension = [o for o in uow.reviews.opinions(rnd.id or 0) if o.dimension_id == dim.id]
    conditions = s.policy.confirmations(dim.id)
    answers = op.confirmations or {}
    pending = next((i for i, c in enumerate(conditions) if c.id not in answers), None)
    allowed = allowed_verdicts(answers, conditions)
    text = s.renderer.message(
        locale,
        "review#reviewer_card",
        project=project,
        round=rnd,
        dimension=dim,
        unit=s.policy.unit(op.unit_id).name,
        units=[s.policy.unit(o.unit_id).name for o in same_dimension],
        findings=findings,
        opinion=op,
        closed=closed,
        sector=_sector(s, project),
        confirmations=confirmation_rows(s, op),
        question=pending,
        only_disagree=allowed == frozenset({Verdict.DISAGREE}),
        colleagues=[unit_row(s, uow, o) for o in same_dimension] if closed else [],
        acting_for=_acting_for(s, uow, op) if standing == "delegate" else None,
        recorded_by=unit_row(s, uow, op).recorded_by if op.on_behalf_of else None,
    )
    plan = Button(_label(s, locale, "btn_plan"), REVIEWER_BUTTONS.encode("plan", op.id))
    transfer = Button(_label(s, locale, "btn_transfer"), REVIEWER_BUTTONS.encode("tr", op.id))
    if closed:
        buttons: Keyboard = (
            (plan, Button(_label(s, locale, "btn_all"), REVIEWER_BUTTONS.encode("all", op.id))),
        )
    elif op.verdict is None and pending is not None:
        buttons = keyboard(
            [
                Button(
                    _label(s, locale, "btn_not_in"),
                    REVIEWER_BUTTONS.encode("cf", op.id, pending, Answer.NOT_IN.value),
                ),
                Button(
                    _label(s, locale, "btn_in"),
                    REVIEWER_BUTTONS.encode("cf", op.id, pending, Answer.IN.value),
                ),
                plan,
                transfer,
            ],
            2,
        )
    elif op.verdict is None:
        choices = [
            ("btn_agree", "ok", Verdict.AGREE),
            ("btn_conditional", "cond", Verdict.CONDITIONAL),
            ("btn_disagree", "no", Verdict.DISAGREE),
        ]
        buttons = keyboard(
            [
                *(
                    Button(_label(s, locale, name), REVIEWER_BUTTONS.encode(action, op.id))
                    for name, action, verdict in choices
                    if verdict in allowed
                ),
                Button(_label(s, locale, "btn_comment"), REVIEWER_BUTTONS.encode("cmt", op.id)),
                plan,
                transfer,
            ],
            2,
        )
    else:
        buttons = (
            (
                Button(_label(s, locale, "btn_change"), REVIEWER_BUTTONS.encode("edit", op.id)),
                plan,
            ),
        )
    return Reply(text, buttons, card=reviewer_card_key(op.id))


def _standing(uow: UnitOfWork, op: ReviewOpinion, viewer: int | None) -> str:
    """The viewer's relation to the card: the reviewer, a delegate for them, or neither any
    more (a removed delegate, a reviewer who transferred it)."""
    if viewer is None or viewer == op.reviewer_id:
        return "reviewer"
    return "delegate" if acts_for(list(uow.people.roles_of(viewer)), op) else "former"


def _acting_for(s: Services, uow: UnitOfWork, op: ReviewOpinion) -> str:
    """The reviewer a delegate acts for, with their unit: "张三（经信局）"."""
    reviewer = uow.people.get(op.reviewer_id) if op.reviewer_id else None
    return f"{reviewer.name if reviewer else '—'}（{s.policy.unit(op.unit_id).short}）"


def _former_card(s: Services, uow: UnitOfWork, op: ReviewOpinion, locale: str) -> Reply:
    """The card of someone who no longer holds it: what it was about, and no buttons."""
    rnd = uow.reviews.round(op.round_id)
    assert rnd is not None and op.id is not None
    text = s.renderer.message(
        locale,
        "review#former_card",
        project=uow.projects.get(rnd.project_id),
        dimension=s.policy.dimension(op.dimension_id).name,
        reviewer=_acting_for(s, uow, op),
    )
    return Reply(text, card=reviewer_card_key(op.id))


def card_build(
    s: Services, uow: UnitOfWork, op: ReviewOpinion, viewer: int
) -> Callable[[str], Reply]:
    """An opinion's card as one person sees it, in whichever language they read."""
    return lambda locale: reviewer_card(s, uow, op, locale, viewer)


def send_cards(
    s: Services,
    uow: UnitOfWork,
    op: ReviewOpinion,
    skip: int | None = None,
    also: Iterable[int] = (),
) -> int:
    """Queue the card of an opinion, as each sees it, to its reviewer and their delegates (and
    to `also`: people who held it until now), except `skip`; returns how many were queued."""
    sent = 0
    for pid in dict.fromkeys([*card_holders(uow, op), *also]):
        if pid != skip:
            sent += notify(s, uow, pid, card_build(s, uow, op, pid))
    return sent


def _sector(s: Services, project: Project) -> str | None:
    sector = s.policy.sector(project.sector) if project.sector else None
    return sector.name if sector else None


def progress_rows(
    s: Services, uow: UnitOfWork, opinions: Sequence[ReviewOpinion]
) -> list[dict[str, Any]]:
    """One row per unit of each dimension: who reviews it and where it stands."""
    rows = []
    for op in opinions:
        row = unit_row(s, uow, op)
        rows.append(
            {
                "id": op.id,
                "dimension": s.policy.dimension(op.dimension_id).name,
                "unit": row.short,
                "reviewer": row.reviewer,
                "recorded_by": row.recorded_by,
                "verdict": op.verdict,
                "opinion": op.opinion,
                "suggestion": op.suggestion,
                "confirmations": row.confirmations,
            }
        )
    return rows


def progress_card(s: Services, uow: UnitOfWork, rnd: ReviewRound, locale: str) -> Reply:
    """The office's live card: "7/14", who is pending, 催办; once complete, a reminder to the
    review group's leader, who concludes."""
    assert rnd.id is not None
    project = uow.projects.get(rnd.project_id)
    opinions = uow.reviews.opinions(rnd.id)
    rows = progress_rows(s, uow, opinions)
    done = sum(1 for r in rows if r["verdict"])
    result = round_outcome(s, opinions)
    text = s.renderer.message(
        locale,
        "review#progress_card",
        project=project,
        round=rnd,
        rows=rows,
        done=done,
        total=len(rows),
        result=result,
        closed=rnd.closed_at is not None,
        overdue=s.today() > rnd.deadline,
    )
    if rnd.closed_at is not None:
        return Reply(text, card=progress_card_key(rnd.id))
    pending = [r for r in rows if not r["verdict"]]
    buttons: list[Button] = []
    if pending:
        buttons.append(
            Button(_label(s, locale, "btn_urge_all"), PROGRESS_BUTTONS.encode("urge", rnd.id))
        )
        # A dimension several units review names the unit too: two buttons never read alike.
        shared = Counter(r["dimension"] for r in rows)
        buttons += [
            Button(
                s.renderer.message(
                    locale,
                    "review#btn_urge_one",
                    dimension=r["dimension"],
                    unit=r["unit"] if shared[r["dimension"]] > 1 else None,
                ),
                PROGRESS_BUTTONS.encode("u1", r["id"]),
            )
            for r in pending
        ]
    else:  # all opinions are in: the conclusion is the review group leader's (000 一(二)1)
        buttons.append(
            Button(_label(s, locale, "btn_urge_chair"), PROGRESS_BUTTONS.encode("urge", rnd.id))
        )
    return Reply(text, keyboard(buttons, 2), card=progress_card_key(rnd.id))


def card_notice(
    s: Services, uow: UnitOfWork, op: ReviewOpinion, template: str, **params: object
) -> Callable[[str], Reply]:
    """A notice to a reviewer (a reminder, a 催办) that carries their card's buttons, in the
    reader's language."""

    def build(locale: str) -> Reply:
        text = s.renderer.message(locale, template, **params)
        return Reply(text, reviewer_card(s, uow, op, locale).buttons)

    return build
