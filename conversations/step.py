"""What one step of a form needs besides the draft, and what it gives back."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from conversations.draft import Draft
from conversations.fields import Choice
from conversations.replies import Button, Reply
from templates.renderer import Renderer

Status = Literal["open", "paused", "submitted", "closed"]


@dataclass(frozen=True, slots=True)
class FormContext:
    """What a step needs besides the draft: locale, renderer, today, run-time choice lists,
    extra HTML for the summary (screening findings, say), computed from the answers only when
    the summary is shown: the answer just given counts, and no other step pays for it; and
    the button that opens the form as a page, when there is one."""

    locale: str
    renderer: Renderer
    today: date
    options: Mapping[str, Sequence[Choice]] = field(default_factory=dict)
    summary_extra: Callable[[Mapping[str, Any]], str | None] | None = None
    page_button: Button | None = None
    """A button under every question that opens the whole form as a page (the Mini App)."""


@dataclass(frozen=True, slots=True)
class StepResult:
    """The outcome of one event: the new draft, replies for the person, and what happened.

    `status` is "open" or "paused"; "submitted" exactly once, when the person confirms the
    summary (the caller then creates the project); "closed" for any later event on a draft
    that was already submitted (nothing changes). Store the draft when `changed`. `toast` is a
    short notice for the pressed button, if any."""

    draft: Draft
    replies: tuple[Reply, ...]
    status: Status
    changed: bool
    toast: str | None = None
