"""What reaches a form (typed text, a file, a button press, a command), what the engine needs
to know besides the draft, and what it gives back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Final, Literal

from conversations.callbacks import CallbackData
from conversations.fields import Choice

if TYPE_CHECKING:
    from conversations.draft import Draft
    from conversations.replies import Reply
    from templates.renderer import Renderer

COMMANDS: Final = frozenset(
    {"start", "back", "skip", "pause", "resume", "summary", "edit", "submit"}
)
# Slash commands a person may type while filling in, mapped to engine commands.
TEXT_COMMANDS: Final = {
    "start": "start", "back": "back", "skip": "skip", "pause": "pause", "cancel": "pause",
    "continue": "resume", "resume": "resume", "summary": "summary", "edit": "edit",
    "submit": "submit",
}

Status = Literal["open", "paused", "submitted", "closed"]


@dataclass(frozen=True, slots=True)
class TextInput:
    """A message the person typed."""

    text: str


@dataclass(frozen=True, slots=True)
class FileInput:
    """A file the person sent: the messenger's id for it, and, once the runtime has fetched it,
    its bytes and their SHA-256. A file whose bytes could not be fetched (`sha256` None) is
    refused with a request to send it again; the engine itself never looks at `content`."""

    file_id: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    content: bytes | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ButtonInput:
    """A press of one of the form's buttons (callback data with prefix "f")."""

    data: CallbackData


@dataclass(frozen=True, slots=True)
class Command:
    """A command: start, back, skip, pause, resume, summary, edit (arg: a number), submit."""

    name: str
    arg: str | None = None


Event = TextInput | FileInput | ButtonInput | Command


@dataclass(frozen=True, slots=True)
class FormContext:
    """What a step needs besides the draft: locale, renderer, today, run-time choice lists and
    extra HTML for the summary (screening findings, say)."""

    locale: str
    renderer: Renderer
    today: date
    options: Mapping[str, Sequence[Choice]] = field(default_factory=dict)
    summary_extra: str | None = None


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
