"""The callback-data codec: short prefixes and database ids, never names or permissions.

Every button prefix has a `ButtonSchema`: its actions, each with typed, bound-checked
arguments and the roles that may press it. Buttons are built through the schema and presses
are read back through it, so a payload the bot did not make is refused in one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from workflow.roles import Role

MAX_CALLBACK_BYTES: Final = 64
SEP: Final = ":"
MAX_ARGS: Final = 4
"""The most arguments callback data carries (see `decode`)."""
MAX_ID: Final = 2**31 - 1
"""The largest database id a button may name (PostgreSQL's INTEGER)."""

ArgValue = int | str


class CallbackDataError(ValueError):
    """Raised for callback data that cannot be ours (forged, truncated, too long)."""


@dataclass(frozen=True, slots=True)
class Arg:
    """The kind of one button argument: its ASCII shape and, for numbers, its bounds."""

    kind: str
    pattern: re.Pattern[str]
    convert: Callable[[str], ArgValue] = str
    maximum: int | None = None

    def read(self, raw: str) -> ArgValue:
        """The argument's value, or CallbackDataError when it is not of this kind."""
        if not self.pattern.fullmatch(raw):
            raise CallbackDataError(f"not a {self.kind}: {raw!r}")
        value = self.convert(raw)
        if self.maximum is not None and isinstance(value, int) and value > self.maximum:
            raise CallbackDataError(f"{self.kind} out of range: {raw!r}")
        return value


def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.ASCII)


ID: Final = Arg("id", _pattern(r"[1-9][0-9]{0,9}"), int, MAX_ID)
"""A database id."""
INDEX: Final = Arg("index", _pattern(r"0|[1-9][0-9]{0,2}"), int, 999)
"""A position in a list the bot showed (a choice, a unit)."""
TOKEN: Final = Arg("token", _pattern(r"[A-Za-z][A-Za-z0-9_.\-]{0,39}"))
"""A short identifier from the policy or a form (a unit id, a step id like `phases.2.start`)."""
PERIOD: Final = Arg("period", _pattern(r"20[0-9]{2}-(0[1-9]|1[0-2])"))
"""A reporting month, YYYY-MM."""
ANSWER: Final = Arg("answer", _pattern(r"n|y[0-9a-f]{8}"))
"""The answer to a confirmation question, appended to the press it asks about: `n` (取消), or
`y` with the fingerprint of the card the question stood on (确认)."""
CANCELLED: Final = "n"
CONFIRMED: Final = "y"


def choice(*values: str) -> Arg:
    """An argument that is one of a few fixed words."""
    return Arg("choice", _pattern("|".join(re.escape(v) for v in values)))


EVERYONE: Final = frozenset({"*"})
"""Anyone may press (the handler checks the relation, e.g. their own draft)."""


@dataclass(frozen=True, slots=True)
class ButtonAction:
    """One action of a prefix: its arguments (the last `optional` may be left off) and roles.

    `roles` empty means any registered person; `EVERYONE` lets a visitor press too. `confirm`
    names the template of the question ("确认…？") asked on the same card before the action is
    taken; the answer comes back as one more argument (`ANSWER`).
    """

    args: tuple[Arg, ...] = ()
    roles: frozenset[Role] | frozenset[str] = frozenset()
    optional: int = 0
    confirm: str | None = None

    def __post_init__(self) -> None:
        if self.confirm is not None and (self.optional or len(self.args) >= MAX_ARGS):
            # The answer is the last argument: no optional one may stand before it.
            raise ValueError(f"an action to confirm takes fixed arguments: {self!r}")

    def allows(self, roles: frozenset[Role], registered: bool) -> bool:
        """Whether a person holding `roles` may press this at all."""
        if self.roles is EVERYONE:
            return True
        if not self.roles:
            return registered
        return bool(roles & self.roles)


@dataclass(frozen=True, slots=True)
class CallbackData:
    """A decoded button payload: `prefix:action:arg1:arg2…` such as `rv:ok:123`."""

    prefix: str
    action: str
    args: tuple[ArgValue, ...] = ()
    answer: str | None = None  # the answer to its confirmation question, if any

    def arg_int(self, index: int) -> int:
        """The argument at `index` as a number (checked by the schema)."""
        value = self.args[index] if index < len(self.args) else None
        if not isinstance(value, int):
            raise CallbackDataError(f"no number at {index} in {self.args!r}")
        return value

    def arg_str(self, index: int) -> str:
        """The argument at `index` as text (checked by the schema)."""
        return str(self.args[index])


@dataclass(frozen=True)
class ButtonSchema:
    """The typed schema of one prefix: what each action takes and who may press it."""

    prefix: str
    actions: Mapping[str, ButtonAction] = field(default_factory=dict)

    def encode(self, action: str, *args: object) -> str:
        """Build callback data for this prefix; refuses what the schema would not read back."""
        data = encode(self.prefix, action, *args)
        self.read(decode(data))
        return data

    def read(self, raw: CallbackData) -> CallbackData:
        """The payload with typed arguments, or CallbackDataError."""
        spec = self.actions.get(raw.action)
        if spec is None:
            raise CallbackDataError(f"unknown action {raw.prefix}:{raw.action}")
        args, answer = raw.args, None
        if spec.confirm is not None and len(args) == len(spec.args) + 1:
            answer, args = str(ANSWER.read(str(args[-1]))), args[:-1]
        n, least = len(args), len(spec.args) - spec.optional
        if not least <= n <= len(spec.args):
            raise CallbackDataError(f"{n} argument(s) for {raw.prefix}:{raw.action}")
        values = tuple(kind.read(str(a)) for kind, a in zip(spec.args, args, strict=False))
        return CallbackData(raw.prefix, raw.action, values, answer)

    def answer(self, data: CallbackData, answer: str) -> str:
        """The callback data of an answer (`ANSWER`) to the question `data`'s press asks."""
        spec = self.actions.get(data.action)
        if spec is None or spec.confirm is None:
            raise CallbackDataError(f"{data.prefix}:{data.action} asks no question")
        return self.encode(data.action, *data.args, answer)

    def action(self, name: str) -> ButtonAction | None:
        """The declared action, if any."""
        return self.actions.get(name)


def encode(prefix: str, action: str, *args: object) -> str:
    """Build callback data; refuses anything over Telegram's 64-byte limit."""
    parts = [prefix, action, *(str(a) for a in args)]
    if any(SEP in p for p in parts):
        raise CallbackDataError(f"separator inside a part: {parts!r}")
    data = SEP.join(parts)
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise CallbackDataError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


_SHAPE: Final = re.compile(r"[a-z]{1,3}:[a-z0-9]{1,12}(:[A-Za-z0-9_.\-]{1,40}){0,4}", re.ASCII)
"""Prefix, action and at most MAX_ARGS arguments."""


def decode(data: str) -> CallbackData:
    """Split callback data built by `encode` into its parts (untyped: see ButtonSchema.read)."""
    if not data or len(data.encode(errors="replace")) > MAX_CALLBACK_BYTES:
        raise CallbackDataError("empty or oversized callback data")
    if not _SHAPE.fullmatch(data):
        raise CallbackDataError(f"malformed callback data: {data!r}")
    parts = data.split(SEP)
    return CallbackData(parts[0], parts[1], tuple(parts[2:]))
