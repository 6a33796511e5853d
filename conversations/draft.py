"""A form being filled in: the state the engine reads and returns, stored by the caller as JSON."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from conversations.answers import missing_required, normalize, visible_steps
from conversations.fields import SUMMARY, FormSpec


class Draft(BaseModel):
    """Answers so far and where the person is. Equal states compare equal; the JSON round trip
    is exact (decimals are stored as canonical strings, so no float ever enters).

    `back_stack` holds the steps to return to with « back (the string "summary" marks where an
    edit from the summary began); `editing` is true while an edit from the summary is under
    way, and `forward` then holds the steps « back passed over, retraced while the answers stay
    the same; `submitted` is set once, when the person confirms the summary."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    form_id: str
    answers: dict[str, Any] = Field(default_factory=dict)
    current: str = SUMMARY
    back_stack: tuple[str, ...] = ()
    forward: tuple[str, ...] = ()
    editing: bool = False
    paused: bool = False
    submitted: bool = False


def new_draft(spec: FormSpec) -> Draft:
    """An empty draft of the form, at its first question."""
    steps = visible_steps(spec, {})
    return Draft(form_id=spec.id, current=steps[0].id if steps else SUMMARY)


def repair(spec: FormSpec, draft: Draft) -> Draft:
    """The draft made consistent with the form as it is now: answers it would not ask for
    dropped, the current step and the back-stack limited to visible steps."""
    answers = normalize(spec, draft.answers)
    ids = {s.id for s in visible_steps(spec, answers)}
    editing = draft.editing and SUMMARY in draft.back_stack
    back = tuple(s for s in draft.back_stack if s in ids or (editing and s == SUMMARY))
    forward = tuple(s for s in draft.forward if s in ids) if editing else ()
    current = draft.current
    if current != SUMMARY and current not in ids:
        missing = missing_required(spec, answers)
        current = missing[0].id if missing else SUMMARY
    return draft.model_copy(
        update={
            "answers": answers,
            "back_stack": back,
            "forward": forward,
            "current": current,
            "editing": editing,
        }
    )
