"""What reaches a form: typed text, a file (the inbound event's `FileRef`), a press of one of
its buttons, or a command; and the slash commands that steer an open form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from conversations.callbacks import CallbackData
from conversations.inbound import FileRef

COMMANDS: Final = frozenset(
    {"start", "back", "skip", "pause", "resume", "summary", "edit", "submit"}
)
# Slash commands a person may type while filling in, mapped to engine commands.
TEXT_COMMANDS: Final = {
    "start": "start",
    "back": "back",
    "skip": "skip",
    "pause": "pause",
    "cancel": "pause",
    "continue": "resume",
    "resume": "resume",
    "summary": "summary",
    "edit": "edit",
    "submit": "submit",
}

FORM_COMMANDS: Final = frozenset(TEXT_COMMANDS) - {"start", "continue", "resume"}
"""The slash commands an open form takes for itself; the others start something of their own."""


@dataclass(frozen=True, slots=True)
class TextInput:
    """A message the person typed."""

    text: str


@dataclass(frozen=True, slots=True)
class ButtonInput:
    """A press of one of the form's buttons (callback data with prefix "f")."""

    data: CallbackData


@dataclass(frozen=True, slots=True)
class Command:
    """A command: start, back, skip, pause, resume, summary, edit (arg: a number), submit."""

    name: str
    arg: str | None = None


Event = TextInput | FileRef | ButtonInput | Command
