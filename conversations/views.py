"""What a person sees of a form: prompts with their buttons, help, errors, the summary.
Every text comes from `form.j2` (the engine's texts) or the form's own template."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Final

from markupsafe import Markup

from conversations.answers import get_answer, visible_steps
from conversations.callbacks import EVERYONE, INDEX, TOKEN, ButtonAction, ButtonSchema
from conversations.draft import Draft
from conversations.fields import SUMMARY, Check, Choice, Field, FormSpec, Kind, Part, Step, Values
from conversations.files import FILE_TYPES, MAX_FILE_SIZE
from conversations.numbering import example_number, numbering, part_ordinal
from conversations.parsers import ParseError
from conversations.progress import progress, within_group
from conversations.replies import Button, Keyboard, Reply, keyboard, stack
from conversations.step import FormContext
from conversations.summary import by_part, pack, split_message, summary_rows
from conversations.values import decode
from templates.renderer import LOCALES, Renderer

ENGINE: Final = "form"
PREFIX: Final = "f"
FORM_BUTTONS: Final = ButtonSchema(
    PREFIX,
    {
        "c": ButtonAction((TOKEN, INDEX), EVERYONE),
        **{a: ButtonAction((TOKEN,), EVERYONE) for a in ("back", "done", "keep", "skip", "help")},
        **{a: ButtonAction((), EVERYONE) for a in ("pause", "resume", "submit", "sum")},
        "edit": ButtonAction((TOKEN,), EVERYONE, optional=1),
    },
)
"""A form's buttons: a choice, the step's navigation, the summary's tools. Anyone with an
open draft may press them (a visitor registering too); the draft is the relation checked."""


class View:
    """Renders one form's replies in one locale."""

    def __init__(self, spec: FormSpec, ctx: FormContext) -> None:
        self.spec = spec
        self.ctx = ctx

    # -- texts -------------------------------------------------------------------------------

    def render(self, path: str, macro: str, **params: Any) -> Markup:
        """One macro of a message template, rendered like `Renderer.message` does."""
        module = _module(self.ctx.renderer, self.ctx.locale, path)
        return Markup(str(getattr(module, macro)(**params)).strip())

    def engine(self, macro: str, **params: Any) -> Markup:
        """An engine text from form.j2."""
        return self.render(ENGINE, macro, **params)

    def field_text(self, aspect: str, step: Step) -> Markup:
        """A field's label, prompt, help or example from the form's template."""
        params = {"n": step.index} if step.group else {}
        return self.render(self.spec.template, f"{aspect}_{step.key}", **params)

    def button(self, macro: str, data: str) -> Button:
        """A button labelled by an engine text (button labels are plain text, not HTML)."""
        return Button(plain(self.engine(macro)), data)

    def notice(self, macro: str, **params: Any) -> Reply:
        """A one-line engine notice."""
        return Reply(self.engine(macro, **params))

    # -- choices and values ------------------------------------------------------------------

    def choices(self, f: Field) -> list[Choice]:
        """The options of a choice field: run-time ones, then static ones labelled by template."""
        dynamic = list(self.ctx.options.get(f.choices_from, ())) if f.choices_from else []
        static = [
            Choice(c, plain(self.render(self.spec.template, f"choice_{f.id}", c=c)))
            for c in f.choices
        ]
        return dynamic + static

    def value(self, f: Field, value: Any) -> Markup:
        """A decoded answer formatted with its unit."""
        shown = value
        if f.kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
            labels = {c.id: c.label for c in self.choices(f)}
            picked = value if isinstance(value, list) else [value]
            shown = [labels.get(v, v) for v in picked]
        return self.engine("value", kind=str(f.kind), v=shown, unit=f.unit)

    def stored_value(self, step: Step, raw: Any) -> Markup | None:
        """A stored answer formatted with its unit, or None when unanswered."""
        if raw is None:
            return None
        try:
            return self.value(step.field, decode(step.field, raw))
        except ParseError:
            return None

    # -- prompts ----------------------------------------------------------------------------

    def prompt(self, draft: Draft, *, edit: bool = False) -> Reply:
        """The card for the current question (or the summary when there is none)."""
        if draft.current == SUMMARY:
            return self.summary(draft)[-1]
        entry = next(n for n in numbering(self.spec, draft.answers) if n.step.id == draft.current)
        step = entry.step
        raw = get_answer(draft.answers, step)
        pos, total = progress(self.spec, draft.answers, step)
        group = within_group(draft.answers, step)
        text = self.engine(
            "card",
            pos=pos,
            total=total,
            within=group,
            number=entry.number if entry.part else None,
            part=self.part(entry.part, lead=entry.lead) if entry.part else None,
            label=self.field_text("label", step),
            prompt=self.field_text("prompt", step),
            unit=step.field.unit if step.field.kind is not Kind.PERCENT else "percent",
            example=self.field_text("example", step),
            current=self.stored_value(step, raw),
            required=step.field.required,
            kind=str(step.field.kind),
            types=FILE_TYPES if step.field.kind is Kind.FILE else None,
            size=step.field.max_size or MAX_FILE_SIZE,  # as values.py checks it
        )
        return Reply(text, self._prompt_buttons(draft, step, raw), edit=edit)

    def _prompt_buttons(self, draft: Draft, step: Step, raw: Any) -> Keyboard:
        sid, kind = step.id, step.field.kind
        options: list[Button] = []
        if kind is Kind.YES_NO:
            options = [self.button("yes", _cb("c", sid, 0)), self.button("no", _cb("c", sid, 1))]
        elif kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
            picked = raw if isinstance(raw, list) else []
            for i, c in enumerate(self.choices(step.field)):
                label = c.label
                if kind is Kind.MULTI_CHOICE:
                    label = plain(self.engine("toggle", label=label, on=c.id in picked))
                options.append(Button(label, _cb("c", sid, i)))
        nav: list[Button] = []
        if draft.back_stack:
            nav.append(self.button("btn_back", _cb("back", sid)))
        if kind is Kind.MULTI_CHOICE:
            nav.append(self.button("btn_done", _cb("done", sid)))
        elif raw is not None:
            nav.append(self.button("btn_keep", _cb("keep", sid)))
        if not step.field.required:
            nav.append(self.button("btn_skip", _cb("skip", sid)))
        tools = [self.button("btn_help", _cb("help", sid)), self.button("btn_pause", _cb("pause"))]
        page = keyboard([self.ctx.page_button]) if self.ctx.page_button else ()
        return stack(keyboard(options, 2), keyboard(nav, 3), keyboard(tools, 2), page)

    def part(self, part: Part, *, lead: bool = False) -> dict[str, Any]:
        """A part as a card or the summary names it: code, title, place among the numbered
        parts ("第 6 部分（共 15 部分）"), and whether the question answers its own line."""
        place = part_ordinal(self.spec, part)
        return {
            "code": part.code,
            "title": self.render(self.spec.template, f"part_{part.id}"),
            "ordinal": place[0] if place else None,
            "count": place[1] if place else None,
            "lead": lead,
        }

    def help(self, draft: Draft) -> Reply:
        """Why the current question is asked, citing the document."""
        step = self.step(draft)
        return Reply(
            self.engine(
                "help", label=self.field_text("label", step), text=self.field_text("help", step)
            )
        )

    def step(self, draft: Draft) -> Step:
        """The current step of a draft that is not at the summary."""
        return next(s for s in visible_steps(self.spec, draft.answers) if s.id == draft.current)

    # -- refusals ---------------------------------------------------------------------------

    def invalid(self, step: Step, err: ParseError) -> Reply:
        """A refused answer: the field, what was wrong, an example of a valid answer."""
        reason = self.engine(f"error_{err.code}", **{"unit": step.field.unit, **err.params})
        return Reply(
            self.engine(
                "invalid",
                label=self.field_text("label", step),
                reason=reason,
                example=self.field_text("example", step),
            )
        )

    def check_failed(self, failures: Iterable[tuple[Check, Values]]) -> Reply:
        """A refused answer that would break cross-field checks, naming the fields."""
        texts = [
            self.render(self.spec.template, f"check_{c.id}", **c.message_params(v))
            for c, v in failures
        ]
        return Reply(self.engine("check_failed", reasons=texts))

    # -- the summary ------------------------------------------------------------------------

    def rows(self, draft: Draft) -> list[dict[str, Any]]:
        """The numbered rows of the summary (see conversations/summary.py)."""
        return summary_rows(
            self.spec,
            draft.answers,
            lambda step: self.field_text("label", step),
            self.stored_value,
            self.value,
            lambda part: self.part(part)["title"],
        )

    def summary(self, draft: Draft, *, final: bool = True, edit: bool = False) -> list[Reply]:
        """The numbered summary; `final` adds the submit and edit buttons."""
        compute = self.ctx.summary_extra
        extra = Markup((compute(draft.answers) if final and compute else None) or "")
        title_name = f"{self.spec.template}#summary_title"
        title = (
            Markup(self.ctx.renderer.message(self.ctx.locale, title_name))
            if self.ctx.renderer.has_message(self.ctx.locale, title_name)
            else None
        )
        text = self.engine(
            "summary",
            rows=self.rows(draft),
            extra=extra,
            final=final,
            title=title,
            example=self.edit_example(draft),
        )
        buttons: Keyboard = ()
        if final:
            main = [self.button("btn_submit", _cb("submit")), self.button("btn_edit", _cb("edit"))]
            nav = [self.button("btn_back", _cb("back", SUMMARY))] if draft.back_stack else []
            nav.append(self.button("btn_pause", _cb("pause")))
            buttons = stack(keyboard(main, 2), keyboard(nav, 2))
        parts = split_message(text)
        return [
            Reply(part, buttons if i == len(parts) - 1 else (), edit=edit and len(parts) == 1)
            for i, part in enumerate(parts)
        ]

    def edit_picker(self, draft: Draft) -> Reply:
        """The choice of the field to change, by its number in the summary: a part's numbers
        on rows of their own."""
        runs = by_part(numbering(self.spec, draft.answers))
        numbers = [[Button(n.number, _cb("edit", n.step.id)) for n in run] for run in runs]
        back = [self.button("btn_to_summary", _cb("sum"))]
        text = self.engine("edit_picker", example=self.edit_example(draft))
        return Reply(text, stack(pack(numbers, 6), keyboard(back)), edit=True)

    def edit_example(self, draft: Draft) -> str:
        """A number to show in "修改…" (see numbering.example_number)."""
        return example_number(numbering(self.spec, draft.answers))

    def problems(self, draft: Draft, items: Sequence[tuple[Step, ParseError]]) -> Reply:
        """Why the form cannot be submitted yet, field by field, with the summary numbers."""
        number = {n.step.id: n.number for n in numbering(self.spec, draft.answers)}
        rows = [
            {
                "n": number[s.id],
                "label": self.field_text("label", s),
                "reason": self.engine(f"error_{err.code}", **{"unit": s.field.unit, **err.params}),
            }
            for s, err in items
        ]
        return Reply(self.engine("submit_blocked", rows=rows))


@lru_cache(maxsize=64)
def _module(renderer: Renderer, locale: str, path: str) -> Any:
    """A message template's macros, built once per renderer and locale: `Renderer.message`
    rebuilds the whole module on every call, which costs more than the rest of a step."""
    loc = locale if locale in LOCALES else renderer.default_locale
    return renderer.env.get_template(f"messages/{loc}/{path}.j2").make_module({"locale": loc})


def plain(rendered: str) -> str:
    """Rendered HTML as the plain text a button label or a toast needs."""
    return html.unescape(str(rendered))


def _cb(action: str, *args: object) -> str:
    return FORM_BUTTONS.encode(action, *args)
