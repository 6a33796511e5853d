"""Review rounds (④ 项目评审): reviewers' cards with buttons, opinions, transfer, the office's
live progress card with 催办, and closing the round with the 评审意见表."""

from __future__ import annotations

from dataclasses import replace

from conversations.callbacks import CallbackData
from conversations.inbound import Inbound
from conversations.replies import Document, Outcome, Reply
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.notify import Build, message, notify_many
from handlers.review.cards import progress_card, reviewer_card, send_cards
from handlers.review.conclusion import conclusion_card, offer_conclusion, pass_refusal
from handlers.review.levels import (
    CITY,
    DISTRICT,
    Level,
    after_city_round,
    city_assignment,
    level_of,
    outcome_transition,
    runner_ids,
    told_ids,
)
from handlers.review.reminders import urge, urge_everyone
from handlers.review.sheet import review_sheet_document
from handlers.review.summary import dimension_rows, round_outcome
from handlers.stages import move
from storage.tables import Project, ReviewOpinion, ReviewRound
from storage.uow import UnitOfWork
from workflow.review import Conclusion, concluded_outcome
from workflow.roles import Role


def card_for(s: Services, uow: UnitOfWork, op: ReviewOpinion) -> Build:
    """The reviewer's card of one opinion, in whichever language its reader uses."""
    return lambda locale: reviewer_card(s, uow, op, locale)


def start_review(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    project: Project,
    level: Level = DISTRICT,
    transition: str | None = "start_review",
) -> list[Reply]:
    """Open a round at a level: each unit of each dimension (the site's unit too, where the
    dimension says so) gets its reviewer's card, with a deadline. The city's own round
    (001 七(二)2(2)) goes to the city's reviewers instead; `transition` is None when the
    project is already at ④ (the city's recall moved it)."""
    if transition is not None:
        move(s, uow, actor, project, transition)
    days = s.policy.deadlines.review_round_working_days
    deadline = s.calendar.add_working_days(s.today(), days)
    rnd = uow.reviews.open_round(project.id or 0, deadline, actor.person_id, level.name)
    site_unit = s.policy.site_unit(project.site)
    opened: list[ReviewOpinion] = []
    for dim in s.policy.review_dimensions:
        if level is CITY:
            pairs = [city_assignment(uow, dim)]
        else:
            # Every unit the documents name gives its own opinion (000 一(二)1, 附件5).
            pairs = [(u, find_reviewer(uow, u, dim.id)) for u in dim.units_for(site_unit)]
        for unit_id, reviewer in pairs:
            opened.append(
                uow.reviews.add_opinion(
                    ReviewOpinion(
                        round_id=rnd.id or 0,
                        dimension_id=dim.id,
                        unit_id=unit_id,
                        reviewer_id=reviewer,
                    )
                )
            )
    # Cards go out once every opinion exists: a card names the other units of its dimension.
    for op in opened:
        if op.reviewer_id is not None:
            send_cards(s, uow, op)  # the reviewer, and their A/B 岗 if one is named
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
    """Edit the progress card wherever it is shown: the office's, or the city office's for the
    city's round."""
    runners = runner_ids(uow, level_of(rnd.level), skip)
    notify_many(s, uow, runners, lambda loc: progress_card(s, uow, rnd, loc))


def progress_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """The buttons on the progress card: 催办 one or all, or (all opinions in) a reminder to
    conclude, by whoever runs the round's level (the district office only sees the city's
    round); `every` (on /pipeline's view): every pending reviewer of every open round. The
    answer names whoever was left out, and why. The office cannot conclude a round itself."""
    if not actor.roles & (DISTRICT.runners | CITY.runners):
        raise Refused("common#not_allowed", audit_action="refused:review_progress")
    if data.action == "every":
        urged = urge_everyone(s, uow, actor)
        text = urged.say(s, actor.locale, "review#urged_everyone")
        return Outcome([Reply(text)], toast=urged.say(s, actor.locale))
    op = uow.reviews.opinion(data.arg_int(0)) if data.action == "u1" else None
    rnd = uow.reviews.round(op.round_id if op else data.arg_int(0))
    if rnd is None or (data.action == "u1" and op is None):
        raise HandlerError("common#stale_button")
    if not actor.roles & level_of(rnd.level).runners:
        raise Refused("city#not_your_round", audit_action="refused:review_level")
    if op is not None:
        urged = urge(s, uow, actor, [op])
    else:
        pending = [o for o in uow.reviews.opinions(rnd.id or 0) if not o.verdict]
        if not pending:  # every opinion is in: the reminder goes to whoever concludes
            n = offer_conclusion(s, uow, rnd, urge=True)  # (000 一(二)1)
            return Outcome([], toast=s.renderer.message(actor.locale, "review#urged", n=n))
        urged = urge(s, uow, actor, pending)
    # Someone left out is said in an alert, which stays until it is read.
    return Outcome([], toast=urged.say(s, actor.locale), alert=bool(urged.recent))


def close_round(
    s: Services, uow: UnitOfWork, actor: Actor, rnd: ReviewRound, conclusion: Conclusion
) -> Outcome:
    """Close a complete round with the conclusion of the review group's 组长/副组长 (通过 or
    不通过, 000 一(二)1); the 评审意见表 goes to the office and the leaders."""
    if rnd.closed_at is not None:
        raise HandlerError("review#round_closed")
    opinions = uow.reviews.opinions(rnd.id or 0)
    computed = round_outcome(s, opinions)
    if computed is None:
        pending = sum(1 for o in opinions if not o.verdict)
        raise HandlerError("review#not_complete", pending=pending)
    refusal = pass_refusal(s, dimension_rows(s, uow, opinions), computed)
    if conclusion is Conclusion.PASS and refusal is not None:
        raise refusal
    outcome = concluded_outcome(computed, conclusion)
    assert outcome is not None  # 通过 was open: no veto, no prohibited category
    result = replace(computed, outcome=outcome)
    project = uow.projects.get(rnd.project_id)
    assert project is not None
    rnd.concluded_by = actor.person_id
    uow.reviews.close(rnd, result.outcome.value, s.clock())
    uow.session.flush()
    level = level_of(rnd.level)
    transition = outcome_transition(level, project, result.outcome)
    move(s, uow, actor, project, transition, note=result.outcome.value)
    doc = review_sheet_document(s, uow, rnd, project, result)
    stored = uow.outbox.store_file(doc.filename, doc.content or b"", doc.mime_type)
    leaders = told_ids(uow, level)
    caption = message(
        s,
        "review#closed_notice",
        project=project,
        result=result,
        dimensions={d.id: d.name for d in s.policy.review_dimensions},
        concluder=actor.person.name if actor.person else None,
    )
    notify_many(s, uow, leaders, caption, dedupe_key=f"sheet:{rnd.id}", file_id=stored.id)
    office = runner_ids(uow, level, skip=actor.person_id)
    notify_many(s, uow, office, caption, dedupe_key=f"sheet:{rnd.id}:office", file_id=stored.id)
    for op in opinions:  # every reviewer's card turns final, with the others' opinions open
        send_cards(s, uow, op)  # their A/B 岗's too
    update_progress(s, uow, rnd, skip=actor.person_id)
    offer_conclusion(s, uow, rnd)  # the other leader's card turns final too
    replies = [
        conclusion_card(s, uow, rnd, actor.locale).as_edit(),
        Reply(
            caption(actor.locale).text,
            document=Document(doc.filename, doc.content, mime_type=doc.mime_type),
        ),
    ]
    if level is CITY:
        replies += after_city_round(s, uow, actor, project, transition)
    return Outcome(replies)
