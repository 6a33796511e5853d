"""The form engine: one pure step from a draft and an event to the next draft and the replies.
(Longer than 300 lines: one state machine, whose moves read best together.)

The caller loads the draft, calls `step`, stores the draft when `changed`, sends the replies,
and creates the project when the status is "submitted". A form shown as one page answers
its questions in any order through `answer_field` (the same parsing and checks as a typed
answer), and asks `submit_blockers` what keeps it from being submitted."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from conversations.answers import (
    answered,
    failed_checks,
    get_answer,
    missing_required,
    set_answer,
    submit_problems,
    visible_steps,
)
from conversations.callbacks import ArgValue, CallbackData
from conversations.draft import Draft, repair
from conversations.fields import SUMMARY, FormSpec, Kind, Step
from conversations.inbound import FileRef, parse_command
from conversations.inputs import TEXT_COMMANDS, ButtonInput, Command, Event, TextInput
from conversations.numbering import find, numbering
from conversations.parsers import ParseError, clean_text, is_blank
from conversations.replies import Reply
from conversations.step import FormContext, Status, StepResult
from conversations.values import check_stored, encode, file_answer, parse_input
from conversations.views import PREFIX, View, plain

# At the summary a person may type "7", "修改7", "改 7", "edit 7" to change item 7, or the
# number of an item under a part: "修改6.1", "6-1", "b3".
_EDIT_NUMBER: Final = re.compile(
    r"^(?:修改|更改|改|编辑|edit)?第?([a-z]?[.．\-]?\d{1,3}(?:[.．\-]\d{1,3})?)项?$"
)
_SUBMIT_WORDS: Final = frozenset({"提交", "确认提交", "确认", "submit"})
# Button actions bound to the question they were shown with: a press elsewhere is stale.
_STEP_ACTIONS: Final = frozenset({"c", "back", "skip", "help", "keep", "done"})


@dataclass(slots=True)
class _Out:
    draft: Draft
    replies: list[Reply] = field(default_factory=list)
    toast: str | None = None


def step(spec: FormSpec, draft: Draft, event: Event, ctx: FormContext) -> StepResult:
    """Apply one event to a draft of `spec`; see StepResult for what comes back."""
    return _stepped(spec, draft, ctx, lambda run, d: run.handle(d, event))


def answer_field(
    spec: FormSpec, draft: Draft, step_id: str, text: str, ctx: FormContext
) -> StepResult:
    """Answer one visible question out of turn, as on a page that shows the whole form.

    `text` is read exactly as an answer typed at that question (an empty one leaves an
    optional question unanswered, as 跳过 does), and the same cross-field checks apply. A
    refused answer leaves the draft as it was, with the engine's reply saying why. An
    accepted one also moves the draft's place as the chat would go on: past the question
    when it was the current one, on to the next question without an answer; the summary,
    when the answer made a required question appear, takes that question first."""
    return _stepped(spec, draft, ctx, lambda run, d: run.out_of_turn(d, step_id, text))


def submit_blockers(spec: FormSpec, draft: Draft, ctx: FormContext) -> tuple[Reply, ...]:
    """What keeps a draft from being submitted, as the engine says it when 提交 is pressed:
    the missing or no longer acceptable answers, and the broken cross-field checks (empty
    when it may be submitted)."""
    run = _Run(spec, View(spec, ctx), ctx)
    return tuple(run.blockers(repair(spec, draft)))


def _stepped(
    spec: FormSpec, draft: Draft, ctx: FormContext, move: Callable[[_Run, Draft], _Out]
) -> StepResult:
    if draft.form_id != spec.id:
        raise ValueError(f"draft of {draft.form_id!r} given to form {spec.id!r}")
    view = View(spec, ctx)
    if draft.submitted:
        return StepResult(draft, (view.notice("closed"),), "closed", False)
    out = move(_Run(spec, view, ctx), repair(spec, draft))
    new = out.draft
    status: Status = "submitted" if new.submitted else "paused" if new.paused else "open"
    return StepResult(new, tuple(out.replies), status, new != draft, out.toast)


class _Run:
    """One step's work, for one form in one locale."""

    def __init__(self, spec: FormSpec, view: View, ctx: FormContext) -> None:
        self.spec = spec
        self.view = view
        self.ctx = ctx

    def handle(self, d: Draft, event: Event) -> _Out:
        """Route an event by its type."""
        if isinstance(event, Command):
            return self.command(d, event.name, event.arg)
        if isinstance(event, ButtonInput):
            return self.button(d, event.data)
        typed = parse_command(event.text.strip()) if isinstance(event, TextInput) else None
        if typed is not None:
            return self.command(d, typed[0], typed[1] or None)
        if d.paused:
            return self.paused(d)
        if d.current == SUMMARY:
            text = event.text if isinstance(event, TextInput) else ""
            return self.summary_text(d, text)
        s = self.view.step(d)
        try:
            if isinstance(event, FileRef):
                raw: Any = file_answer(s.field, event)
            else:
                raw = self.typed(s, event.text)
        except ParseError as err:
            return _Out(d, [self.view.invalid(s, err), self.view.prompt(d)])
        return self.answer(d, s, raw)

    def typed(self, s: Step, text: str) -> Any:
        """The stored form of an answer typed for a question; raises ParseError."""
        choices = self.view.choices(s.field)
        return encode(s.field, parse_input(s.field, text, choices, self.ctx.today))

    # -- out of turn ------------------------------------------------------------------------

    def out_of_turn(self, d: Draft, step_id: str, text: str) -> _Out:
        """An answer to any visible question (see `answer_field`)."""
        s = next((x for x in visible_steps(self.spec, d.answers) if x.id == step_id), None)
        if s is None:
            return _Out(d, [self.view.notice("not_shown")])
        try:
            empty = is_blank(clean_text(text)) and not s.field.required
            raw = None if empty else self.typed(s, text)
        except ParseError as err:
            return _Out(d, [self.view.invalid(s, err)])
        answers = set_answer(self.spec, d.answers, s, raw)
        failures = failed_checks(self.spec, answers)
        if failures:
            return _Out(d, [self.view.check_failed(failures)])
        if d.current == s.id:
            moved = self.advance(d, answers, s.id).draft  # as if typed in the chat
            return _Out(moved if moved.editing else self.unanswered(moved))
        if d.current == SUMMARY:
            return _Out(self.to_missing(d, answers))
        return _Out(repair(self.spec, d.model_copy(update={"answers": answers})))

    def unanswered(self, d: Draft) -> Draft:
        """The draft at its current question, or past the ones already answered to the next
        without an answer (else the first required one missing, else the summary)."""
        if d.current == SUMMARY or not answered(d.answers, self.view.step(d)):
            return d
        steps = visible_steps(self.spec, d.answers)
        ids = [s.id for s in steps]
        later = steps[ids.index(d.current) + 1 :]
        nxt = next((s.id for s in later if not answered(d.answers, s)), None)
        if nxt is None:
            missing = missing_required(self.spec, d.answers)
            nxt = missing[0].id if missing else SUMMARY
        back = (*d.back_stack, d.current)
        return repair(self.spec, d.model_copy(update={"current": nxt, "back_stack": back}))

    def to_missing(self, d: Draft, answers: dict[str, Any]) -> Draft:
        """A draft at its summary with new answers: at the first required question they
        made appear, as an edit from the summary that returns there, else still at it."""
        missing = missing_required(self.spec, answers)
        if not missing:
            return d.model_copy(update={"answers": answers})
        update = {
            "answers": answers,
            "current": missing[0].id,
            "back_stack": (*d.back_stack, SUMMARY),
            "forward": (),
            "editing": True,
        }
        return repair(self.spec, d.model_copy(update=update))

    # -- commands ---------------------------------------------------------------------------

    def command(self, d: Draft, name: str, arg: str | None) -> _Out:
        """A command typed or sent by the caller."""
        name = TEXT_COMMANDS.get(name, name)
        if name in ("start", "resume"):
            resumed = d.model_copy(update={"paused": False})
            return _Out(resumed, self.show(resumed))
        if name == "pause":
            return _Out(d.model_copy(update={"paused": True}), [self.paused_notice()])
        if name not in TEXT_COMMANDS.values():
            return _Out(d, [self.view.notice("unknown_command", name=name), *self.show(d)])
        if d.paused:
            return self.paused(d)
        if name == "back":
            return self.back(d)
        if name == "skip":
            if d.current == SUMMARY:
                hint = self.view.notice("summary_hint", example=self.view.edit_example(d))
                return _Out(d, [hint, *self.show(d)])
            return self.skip(d, self.view.step(d))
        if name == "summary":
            if d.current == SUMMARY:
                return _Out(d, self.show(d))
            return _Out(d, [*self.view.summary(d, final=False), self.view.prompt(d)])
        if d.current != SUMMARY:
            return _Out(d, [self.view.notice("only_at_summary"), self.view.prompt(d)])
        if name == "submit":
            return self.submit(d)
        if arg is None:
            return _Out(d, [self.view.edit_picker(d)])
        return self.summary_text(d, arg)

    def summary_text(self, d: Draft, text: str) -> _Out:
        """Typed text at the summary: a field number to change, or 提交."""
        folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
        if folded in _SUBMIT_WORDS:
            return self.submit(d)
        match = _EDIT_NUMBER.match(folded)
        numbered = numbering(self.spec, d.answers)
        target = find(numbered, match[1]) if match else None
        if target is not None:
            return self.jump(d, target.id)
        total = None if self.spec.parts else len(numbered)
        example = self.view.edit_example(d)
        return _Out(d, [self.view.notice("summary_hint", total=total, example=example)])

    # -- buttons ----------------------------------------------------------------------------

    def button(self, d: Draft, data: CallbackData) -> _Out:
        """A press of a form button; presses on old cards change nothing."""
        action, args = data.action, data.args
        if data.prefix != PREFIX:
            return self.stale(d)
        if action == "pause":
            return self.command(d, "pause", None)
        if action == "resume" and d.paused:
            return self.command(d, "resume", None)
        if d.paused:
            return self.paused(d)
        at_step = args and args[0] == d.current and (d.current != SUMMARY or action == "back")
        if action in _STEP_ACTIONS and at_step:
            return self.step_button(d, action, args[1:])
        if d.current == SUMMARY and action in ("submit", "edit", "sum"):
            if action == "submit":
                return self.submit(d)
            if action == "sum":
                return _Out(d, self.view.summary(d, edit=True))
            if not args:
                return _Out(d, [self.view.edit_picker(d)])
            if args[0] in {s.id for s in visible_steps(self.spec, d.answers)}:
                return self.jump(d, str(args[0]))
        return self.stale(d)

    def step_button(self, d: Draft, action: str, args: tuple[ArgValue, ...]) -> _Out:
        """A press on the card of the current question (or of the summary, for « back)."""
        if action == "back":
            return self.back(d)
        s = self.view.step(d)
        if action == "help":
            return _Out(d, [self.view.help(d), self.view.prompt(d)])
        if action == "skip":
            return self.skip(d, s)
        if action == "keep":
            return self.keep(d, s)
        if action == "done":
            if get_answer(d.answers, s) is None and s.field.required:
                return _Out(
                    d, [self.view.invalid(s, ParseError("nothing_chosen")), self.view.prompt(d)]
                )
            return self.advance(d, d.answers, s.id)
        choices = self.view.choices(s.field)
        raw = str(args[0]) if args else ""
        index = int(raw) if raw.isascii() and raw.isdigit() else -1
        if s.field.kind is Kind.YES_NO and index in (0, 1):
            return self.answer(d, s, index == 0)
        if not 0 <= index < len(choices) or s.field.kind not in (Kind.CHOICE, Kind.MULTI_CHOICE):
            return self.stale(d)
        if s.field.kind is Kind.CHOICE:
            return self.answer(d, s, choices[index].id)
        return self.toggle(d, s, [c.id for c in choices], choices[index].id)

    # -- moves ------------------------------------------------------------------------------

    def answer(self, d: Draft, s: Step, raw: Any) -> _Out:
        """Store an answer unless it breaks a cross-field check, then go on."""
        answers = set_answer(self.spec, d.answers, s, raw)
        failures = failed_checks(self.spec, answers)
        if failures:
            return _Out(d, [self.view.check_failed(failures), self.view.prompt(d)])
        return self.advance(d, answers, s.id)

    def toggle(self, d: Draft, s: Step, ids: list[str], picked: str) -> _Out:
        """Flip one option of a multiple choice, staying on the question."""
        current = set(get_answer(d.answers, s) or [])
        current ^= {picked}
        raw = [i for i in ids if i in current] or None
        answers = set_answer(self.spec, d.answers, s, raw)
        failures = failed_checks(self.spec, answers)
        if failures:
            return _Out(d, [self.view.check_failed(failures), self.view.prompt(d)])
        new = d.model_copy(update={"answers": answers})
        return _Out(new, [self.view.prompt(new, edit=True)])

    def skip(self, d: Draft, s: Step) -> _Out:
        """Leave an optional question empty; a required one is refused."""
        if s.field.required:
            return _Out(d, [self.view.invalid(s, ParseError("required")), self.view.prompt(d)])
        return self.answer(d, s, None)

    def keep(self, d: Draft, s: Step) -> _Out:
        """Go on with the answer already given, if it is still acceptable."""
        raw = get_answer(d.answers, s)
        if raw is None:
            return self.stale(d)
        try:
            check_stored(s.field, raw, self.ctx.options, self.ctx.today)
        except ParseError as err:
            return _Out(d, [self.view.invalid(s, err), self.view.prompt(d)])
        return self.advance(d, d.answers, s.id)

    def advance(self, d: Draft, answers: dict[str, Any], done: str) -> _Out:
        """Move on from the step just answered: to the next question in order; during an edit
        from the summary, through the questions it made necessary, then back to the summary."""
        back, editing = (*d.back_stack, done), d.editing
        forward: tuple[str, ...] = ()
        if editing and d.forward and answers == d.answers:
            # Unchanged after « back: retrace the steps passed over, as a person expects.
            nxt, forward = d.forward[-1], d.forward[:-1]
        elif editing:
            missing = missing_required(self.spec, answers)
            nxt = missing[0].id if missing else SUMMARY
            if nxt == SUMMARY:
                back = d.back_stack[: len(d.back_stack) - d.back_stack[::-1].index(SUMMARY) - 1]
                editing = False
        else:
            ids = [s.id for s in visible_steps(self.spec, answers)]
            position = ids.index(done) + 1 if done in ids else len(ids)
            nxt = ids[position] if position < len(ids) else SUMMARY
        new = repair(
            self.spec,
            d.model_copy(
                update={
                    "answers": answers,
                    "current": nxt,
                    "back_stack": back,
                    "forward": forward,
                    "editing": editing,
                }
            ),
        )
        return _Out(new, self.show(new))

    def back(self, d: Draft) -> _Out:
        """Return to the previous question (or to the summary an edit started from)."""
        if not d.back_stack:
            return _Out(d, [self.view.notice("first_step"), *self.show(d)])
        target = d.back_stack[-1]
        editing = d.editing and target != SUMMARY
        new = d.model_copy(
            update={
                "current": target,
                "back_stack": d.back_stack[:-1],
                "forward": (*d.forward, d.current) if editing else (),
                "editing": editing,
            }
        )
        return _Out(new, self.show(new))

    def jump(self, d: Draft, target: str) -> _Out:
        """Change one answer from the summary."""
        new = d.model_copy(
            update={
                "current": target,
                "back_stack": (*d.back_stack, SUMMARY),
                "forward": (),
                "editing": True,
            }
        )
        return _Out(new, self.show(new))

    def submit(self, d: Draft) -> _Out:
        """Confirm the summary, unless something is missing or no longer acceptable."""
        replies = self.blockers(d)
        if replies:
            return _Out(d, [*replies, *self.show(d)])
        return _Out(d.model_copy(update={"submitted": True}), [self.view.notice("submitted")])

    def blockers(self, d: Draft) -> list[Reply]:
        """Why the draft cannot be submitted yet (nothing when it can)."""
        items = submit_problems(self.spec, d.answers, self.ctx.options, self.ctx.today)
        failures = failed_checks(self.spec, d.answers)
        replies = [self.view.problems(d, items)] if items else []
        if failures:
            replies.append(self.view.check_failed(failures))
        return replies

    # -- notices ----------------------------------------------------------------------------

    def show(self, d: Draft) -> list[Reply]:
        """The current question, or the summary."""
        return self.view.summary(d) if d.current == SUMMARY else [self.view.prompt(d)]

    def stale(self, d: Draft) -> _Out:
        """A press on an old card: say so, and show where the person is."""
        notice = self.view.notice("stale")
        return _Out(d, [notice, *self.show(d)], toast=plain(notice.text))

    def paused_notice(self) -> Reply:
        """The notice that the form is paused, with a button to go on."""
        notice = self.view.notice("paused")
        resume = self.view.button("btn_resume", "f:resume")
        return Reply(notice.text, ((resume,),))

    def paused(self, d: Draft) -> _Out:
        """Anything but resume while paused: remind how to go on."""
        return _Out(d, [self.paused_notice()])
