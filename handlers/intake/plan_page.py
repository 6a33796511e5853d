"""The investor's 投资项目计划书 as one page of the Mini App, on the chat's own draft.
(Longer than 300 lines: the page's three use cases beside the view of the form they share.)

The page shows every question the plan asks for the answers so far, in 附件4's order under
its parts and numbered as the chat numbers them, with the chat's texts (label, prompt, unit,
help, example) and the answer given. An answer from the page goes through the engine's
`answer_field`: the chat's parser and cross-field checks, its refusal texts, and the chat's
place moved on as if the answer had been typed there. It is stored in the same draft row the
chat uses (the person's plan draft in their private chat), whose active flag it leaves as it
is, so the chat's next message goes on at the right question. Submitting runs the chat's
submission (`forms.feed_draft`), and what it says goes to the chat through the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from markupsafe import Markup

from conversations.answers import answered, get_answer, visible_steps
from conversations.draft import Draft
from conversations.engine import answer_field, submit_blockers
from conversations.fields import CHOICE_KINDS, SUMMARY, Kind, Step
from conversations.forms.plan import PLAN_FORM
from conversations.inputs import Command
from conversations.numbering import numbering
from conversations.progress import answered_of
from conversations.views import View
from handlers import forms
from handlers.context import Actor, Services
from handlers.errors import HandlerError
from handlers.routing import FormDefinition
from handlers.workbench import OwnProject
from storage.tables import FormDraft
from storage.uow import UnitOfWork

PAGE: Final = "plan"
"""The page's path under /web/ (the form definition's `page`)."""
RADIO_LIMIT: Final = 4
"""Choices up to this many are shown as radio buttons, longer lists as a select."""


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a choice question: the value posted, and its label."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    """One question on the page, as the chat asks it. `id` is the step id the answer is
    posted for; `value` is what its input holds (the refused text after a refusal, else the
    stored answer as it could be typed), `picked` the options chosen; `shown` the stored
    answer as the chat's summary shows it; `error` the chat's refusal; `current` says the
    chat's next message answers it."""

    id: str
    number: str
    kind: str
    label: Markup
    prompt: Markup
    help: Markup
    example: Markup
    unit: Markup | None
    required: bool
    lead: bool
    value: str
    picked: frozenset[str]
    shown: Markup | None
    options: tuple[Option, ...] = ()
    error: Markup | None = None
    current: bool = False

    @property
    def radios(self) -> bool:
        """Whether the options are few enough to show as radio buttons."""
        return len(self.options) <= RADIO_LIMIT


@dataclass(frozen=True, slots=True)
class Section:
    """One part of 附件4 (or the parts beyond it) with its questions."""

    code: str
    title: Markup
    ordinal: int | None
    count: int | None
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class PlanPage:
    """The page: the form's sections, how far it is, what screening says once nothing is
    missing, a notice (why it cannot be submitted yet, or what submitting did), and the
    person's own projects. `revising` is the serial of a returned project whose plan this
    draft changes; `submitted` says the plan was just submitted (no form then)."""

    sections: tuple[Section, ...]
    answered: int
    total: int
    projects: tuple[OwnProject, ...]
    screening: Markup | None = None
    notice: tuple[Markup, ...] = ()
    revising: str | None = None
    submitted: bool = False
    chat_question: str | None = None  # the number of the question the chat asks next


@dataclass(frozen=True, slots=True)
class _Refusal:
    step_id: str
    typed: str
    text: Markup


@dataclass(slots=True)
class _Draft:
    form: FormDefinition
    row: FormDraft
    draft: Draft = field(init=False)

    def __post_init__(self) -> None:
        self.draft = Draft.model_validate(self.row.data)


def plan_page(s: Services, uow: UnitOfWork, actor: Actor) -> PlanPage:
    """The plan page; with no plan draft yet, one is started as the chat's /new starts it."""
    form = _form(s, actor)
    found = _find(uow, actor)
    if found is None:
        forms.start(s, uow, actor, private_chat(actor), form.id)
        found = _find(uow, actor)
        assert found is not None, "forms.start stores the draft"
    return _page(s, uow, actor, _Draft(form, found))


def answer(s: Services, uow: UnitOfWork, actor: Actor, step_id: str, text: str) -> PlanPage:
    """Answer one question from the page: refused beside its field with the chat's words
    (nothing changes), or stored in the chat's draft."""
    d = _open(s, uow, actor)
    if step_id not in {x.id for x in visible_steps(d.form.spec, d.draft.answers)}:
        raise HandlerError("form#not_shown")
    ctx = forms.context(s, actor, d.form, d.draft)
    result = answer_field(d.form.spec, d.draft, step_id, text, ctx)
    if result.replies:
        return _page(s, uow, actor, d, refusal=_Refusal(step_id, text, _text(result.replies)))
    if result.changed:
        uow.drafts.store(d.row, result.draft.model_dump(mode="json"), d.row.active)
        d.draft = result.draft
    return _page(s, uow, actor, d)


def submit(s: Services, uow: UnitOfWork, actor: Actor) -> PlanPage:
    """Submit the plan from the page, as 提交 does in the chat: what is missing is said on
    the page; otherwise the chat's submission runs, and its confirmation goes to the chat."""
    d = _open(s, uow, actor)
    ctx = forms.context(s, actor, d.form, d.draft)
    blockers = submit_blockers(d.form.spec, d.draft, ctx)
    if blockers:
        return _page(s, uow, actor, d, notice=tuple(Markup(r.text) for r in blockers))
    at_summary = d.draft.model_copy(update={"current": SUMMARY, "paused": False})
    row = d.row
    outcome = forms.feed_draft(
        s, uow, actor, row.chat_id, d.form, at_summary, Command("submit"), row.subject, row
    )
    # The chat the draft was opened in: Telegram's, or WeCom's for a person on both.
    messenger = next(
        (a.messenger for a in uow.people.accounts_of(actor.person_id) if a.chat_id == row.chat_id),
        "telegram",
    )
    for reply in outcome.replies:
        uow.outbox.enqueue(
            row.chat_id, reply.to_dict(), person_id=actor.person_id, messenger=messenger
        )
    uow.session.flush()
    return PlanPage(
        sections=(),
        answered=0,
        total=0,
        projects=own_projects(uow, actor),
        notice=tuple(Markup(r.text) for r in outcome.replies),
        submitted=True,
    )


def own_projects(uow: UnitOfWork, actor: Actor) -> tuple[OwnProject, ...]:
    """The investor's own projects, newest first: nobody else's."""
    return tuple(
        OwnProject(p.id or 0, p.serial, p.name, p.stage)
        for p in uow.projects.of_investor(actor.person_id)
    )


def private_chat(actor: Actor) -> str:
    """The person's private chat with the bot, whose drafts the page shares: on Telegram
    its id is the user's id, as the Mini App's requests give it."""
    assert actor.account is not None, "a registered actor has the account they came by"
    return actor.account.external_id


def _form(s: Services, actor: Actor) -> FormDefinition:
    form = forms.definition(s, PLAN_FORM.id)
    forms.check_allowed(form, actor)  # as the chat: who may fill in a plan
    return form


def _find(uow: UnitOfWork, actor: Actor) -> FormDraft | None:
    """The person's plan draft in their private chat: the one the chat has open, else the
    latest (paused, or set aside for another form)."""
    chat = private_chat(actor)
    rows = [r for r in uow.drafts.of_person(actor.person_id, PLAN_FORM.id) if r.chat_id == chat]
    return next((r for r in rows if r.active), rows[0] if rows else None)


def _open(s: Services, uow: UnitOfWork, actor: Actor) -> _Draft:
    form = _form(s, actor)
    row = _find(uow, actor)
    if row is None:  # submitted or dropped since the page was shown
        raise HandlerError("form#closed")
    return _Draft(form, row)


def _page(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    d: _Draft,
    *,
    refusal: _Refusal | None = None,
    notice: tuple[Markup, ...] = (),
) -> PlanPage:
    spec, draft = d.form.spec, d.draft
    ctx = forms.context(s, actor, d.form, draft)
    view = View(spec, ctx)
    sections: list[Section] = []
    questions: list[Question] = []
    chat_question = None
    numbered = numbering(spec, draft.answers)
    for n, entry in enumerate(numbered):
        questions.append(_question(view, draft, entry.number, entry.step, entry.lead, refusal))
        if entry.step.id == draft.current:
            chat_question = entry.number
        last = n + 1 == len(numbered) or numbered[n + 1].part != entry.part
        if last and entry.part is not None:
            part = view.part(entry.part)
            sections.append(
                Section(
                    part["code"], part["title"], part["ordinal"], part["count"], tuple(questions)
                )
            )
            questions = []
    steps = [x.step for x in numbered]
    done, total = answered_of(spec, draft.answers)
    missing = any(x.field.required and not answered(draft.answers, x) for x in steps)
    screening = None
    if not missing and ctx.summary_extra is not None:
        screening = Markup(ctx.summary_extra(draft.answers) or "") or None
    return PlanPage(
        sections=tuple(sections),
        answered=done,
        total=total,
        projects=own_projects(uow, actor),
        screening=screening,
        notice=notice,
        revising=_revising(uow, d.row),
        chat_question=chat_question,
    )


def _question(
    view: View, draft: Draft, number: str, step: Step, lead: bool, refusal: _Refusal | None
) -> Question:
    f = step.field
    raw = get_answer(draft.answers, step)
    options = _options(view, step)
    refused = refusal is not None and refusal.step_id == step.id
    value = refusal.typed if refusal is not None and refused else _typed(f.kind, raw)
    unit = f.unit if f.kind is not Kind.PERCENT else "percent"
    return Question(
        id=step.id,
        number=number,
        kind=str(f.kind),
        label=view.field_text("label", step),
        prompt=view.field_text("prompt", step),
        help=view.field_text("help", step),
        example=view.field_text("example", step),
        unit=view.engine("unit_name", u=unit) if unit else None,
        required=f.required,
        lead=lead,
        value=value,
        picked=frozenset(_picked(f.kind, raw if not refused else value)),
        shown=view.stored_value(step, raw),
        options=options,
        error=refusal.text if refusal is not None and refused else None,
        current=step.id == draft.current,
    )


def _options(view: View, step: Step) -> tuple[Option, ...]:
    if step.field.kind is Kind.YES_NO:
        return (
            Option("yes", str(view.engine("yes"))),
            Option("no", str(view.engine("no"))),
        )
    if step.field.kind in CHOICE_KINDS:
        return tuple(Option(c.id, c.label) for c in view.choices(step.field))
    return ()


def _typed(kind: Kind, raw: Any) -> str:
    """A stored answer as it could be typed again (the input's value)."""
    if raw is None or isinstance(raw, dict):  # a file is sent in the chat
        return ""
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, list):
        return ",".join(str(v) for v in raw)
    return str(raw)


def _picked(kind: Kind, raw: Any) -> Sequence[str]:
    if kind is Kind.YES_NO and isinstance(raw, bool):
        return ("yes" if raw else "no",)
    if isinstance(raw, list):
        return [str(v) for v in raw]
    if isinstance(raw, str) and kind in CHOICE_KINDS | {Kind.YES_NO}:
        return raw.split(",") if kind is Kind.MULTI_CHOICE else (raw,)
    return ()


def _text(replies: Sequence[Any]) -> Markup:
    return Markup("\n").join(Markup(r.text) for r in replies)


def _revising(uow: UnitOfWork, row: FormDraft) -> str | None:
    if not row.subject.isdigit():
        return None
    project = uow.projects.get(int(row.subject))
    return project.serial if project is not None else None
