"""Review rounds (④ 项目评审): reviewers' cards with buttons, opinions, transfer, the office's
live progress card with 催办, and closing the round with the 评审意见表."""

from __future__ import annotations

from conversations.callbacks import CallbackData
from conversations.inbound import Inbound
from conversations.replies import Document, Outcome, Reply
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.notify import Build, message, notify, notify_many
from handlers.review.cards import card_notice, progress_card, reviewer_card
from handlers.review.sheet import review_sheet_document
from handlers.stages import move
from storage.tables import Project, ReviewOpinion, ReviewRound
from storage.uow import UnitOfWork
from workflow.pipeline import ReviewOutcome
from workflow.review import Verdict, round_result
from workflow.roles import Role


def card_for(s: Services, uow: UnitOfWork, op: ReviewOpinion) -> Build:
    """The reviewer's card of one opinion, in whichever language its reader uses."""
    return lambda locale: reviewer_card(s, uow, op, locale)


def start_review(s: Services, uow: UnitOfWork, actor: Actor, project: Project) -> list[Reply]:
    """Open a round: each dimension goes to the reviewer of its lead unit, with a deadline."""
    history = uow.projects.history(project.id or 0)
    # A project the city called back is reviewed at the city's level (001 七(二)2(1)).
    level = "city" if history and history[-1].transition == "city_recall" else "district"
    move(s, uow, actor, project, "start_review")
    days = s.policy.deadlines.review_round_working_days
    deadline = s.calendar.add_working_days(s.today(), days)
    rnd = uow.reviews.open_round(project.id or 0, deadline, actor.person_id, level)
    for dim in s.policy.review_dimensions:
        reviewer = find_reviewer(uow, dim.lead_unit, dim.id)
        op = uow.reviews.add_opinion(
            ReviewOpinion(
                round_id=rnd.id or 0,
                dimension_id=dim.id,
                unit_id=dim.lead_unit,
                reviewer_id=reviewer,
            )
        )
        if reviewer is not None:
            notify(s, uow, reviewer, card_for(s, uow, op))
    uow.audit(
        "open_review",
        "review_round",
        rnd.id,
        actor_id=actor.person_id,
        note=f"{project.serial} #{rnd.number} deadline {deadline}",
    )
    update_progress(s, uow, rnd, skip=actor.person_id)
    replies = [progress_card(s, uow, rnd, actor.locale)]
    if not s.calendar.covered(deadline):
        replies.append(
            Reply(
                s.renderer.message(actor.locale, "review#calendar_uncovered", year=deadline.year)
            )
        )
    return replies


def find_reviewer(uow: UnitOfWork, unit_id: str, dimension_id: str) -> int | None:
    """The unit's reviewer for a dimension: one named for it first, one who can be reached."""
    rows = [r for r in uow.people.role_rows(Role.REVIEWER.value, unit_id) if r.delegate_of is None]
    rows.sort(
        key=lambda r: (
            r.dimension_id != dimension_id,
            r.dimension_id is not None,
            not uow.people.has_account(r.person_id),
        )
    )
    usable = [r for r in rows if r.dimension_id in (None, dimension_id)]
    return usable[0].person_id if usable else None


def update_progress(
    s: Services, uow: UnitOfWork, rnd: ReviewRound, skip: int | None = None
) -> None:
    """Edit the office's progress card wherever it is shown."""
    office = [p.id for p in uow.people.holders(Role.OFFICE.value) if p.id not in (None, skip)]
    notify_many(s, uow, office, lambda loc: progress_card(s, uow, rnd, loc))  # type: ignore[misc]


def progress_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """The office's buttons on the progress card: 催办 one or all, 结束评审."""
    if not actor.has(Role.OFFICE):
        raise Refused("common#not_allowed", audit_action="refused:review_progress")
    if data.action == "u1":
        op = uow.reviews.opinion(data.arg_int(0))
        rnd = uow.reviews.round(op.round_id) if op else None
        if op is None or rnd is None:
            raise HandlerError("common#stale_button")
        n = urge(s, uow, rnd, [op])
    else:
        rnd = uow.reviews.round(data.arg_int(0))
        if rnd is None:
            raise HandlerError("common#stale_button")
        if data.action == "close":
            return close_round(s, uow, actor, rnd)
        n = urge(s, uow, rnd, [o for o in uow.reviews.opinions(rnd.id or 0) if not o.verdict])
    return Outcome([], toast=s.renderer.message(actor.locale, "review#urged", n=n))


def urge(
    s: Services,
    uow: UnitOfWork,
    rnd: ReviewRound,
    opinions: list[ReviewOpinion],
    escalate: bool = False,
) -> int:
    """Remind pending reviewers (at most once an hour each), sending their card again."""
    hour = s.clock().strftime("%Y%m%d%H")
    project = uow.projects.get(rnd.project_id)
    sent = 0
    for op in opinions:
        if op.verdict or op.reviewer_id is None:
            continue
        dimension = s.policy.dimension(op.dimension_id).name
        sent += notify(
            s,
            uow,
            op.reviewer_id,
            card_notice(
                s,
                uow,
                op,
                "review#urge",
                project=project,
                dimension=dimension,
                deadline=rnd.deadline,
            ),
            dedupe_key=f"urge:{op.id}:{hour}",
        )
    return sent


def close_round(s: Services, uow: UnitOfWork, actor: Actor, rnd: ReviewRound) -> Outcome:
    """Close a complete round: outcome by the policy, 评审意见表 to the office and leaders."""
    if rnd.closed_at is not None:
        raise HandlerError("review#round_closed")
    opinions = uow.reviews.opinions(rnd.id or 0)
    result = round_result(
        {o.dimension_id: Verdict(o.verdict) if o.verdict else None for o in opinions}, s.policy
    )
    if result is None:
        pending = sum(1 for o in opinions if not o.verdict)
        raise HandlerError("review#not_complete", pending=pending)
    project = uow.projects.get(rnd.project_id)
    assert project is not None
    uow.reviews.close(rnd, result.outcome.value, s.clock())
    uow.session.flush()
    failed = result.outcome is ReviewOutcome.FAILED
    move(
        s,
        uow,
        actor,
        project,
        "fail_review" if failed else "refer_to_decision",
        note=result.outcome.value,
    )
    doc = review_sheet_document(s, uow, rnd, project, result)
    stored = uow.outbox.store_file(doc.filename, doc.content or b"", doc.mime_type)
    leaders = [p.id for p in uow.people.holders(Role.LEADER.value) if p.id]
    caption = message(
        s,
        "review#closed_notice",
        project=project,
        result=result,
        dimensions={d.id: d.name for d in s.policy.review_dimensions},
    )
    notify_many(s, uow, leaders, caption, dedupe_key=f"sheet:{rnd.id}", file_id=stored.id)
    office = [
        p.id for p in uow.people.holders(Role.OFFICE.value) if p.id not in (None, actor.person_id)
    ]
    notify_many(s, uow, office, caption, dedupe_key=f"sheet:{rnd.id}:office", file_id=stored.id)
    for op in opinions:  # every reviewer's card turns final, with the others' opinions open
        if op.reviewer_id:
            notify(s, uow, op.reviewer_id, card_for(s, uow, op))
    update_progress(s, uow, rnd, skip=actor.person_id)
    replies = [
        progress_card(s, uow, rnd, actor.locale).as_edit(),
        Reply(
            caption(actor.locale).text,
            document=Document(doc.filename, doc.content, mime_type=doc.mime_type),
        ),
    ]
    return Outcome(replies)
