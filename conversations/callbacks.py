"""The callback-data codec: short prefixes and database ids, never names or permissions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

MAX_CALLBACK_BYTES: Final = 64
SEP: Final = ":"


class CallbackDataError(ValueError):
    """Raised for callback data that cannot be ours (forged, truncated, too long)."""


@dataclass(frozen=True, slots=True)
class CallbackData:
    """A decoded button payload: `prefix:action:arg1:arg2…` such as `rv:ok:123`."""

    prefix: str
    action: str
    args: tuple[str, ...] = ()

    def arg_int(self, index: int) -> int:
        """The argument at `index` as a database id."""
        try:
            return int(self.args[index])
        except (IndexError, ValueError) as exc:
            raise CallbackDataError(f"bad id in {self.args!r}") from exc


def encode(prefix: str, action: str, *args: object) -> str:
    """Build callback data; refuses anything over Telegram's 64-byte limit."""
    parts = [prefix, action, *(str(a) for a in args)]
    if any(SEP in p for p in parts):
        raise CallbackDataError(f"separator inside a part: {parts!r}")
    data = SEP.join(parts)
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise CallbackDataError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def decode(data: str) -> CallbackData:
    """Parse callback data built by `encode`."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        raise CallbackDataError("empty or oversized callback data")
    parts = data.split(SEP)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise CallbackDataError(f"malformed callback data: {data!r}")
    return CallbackData(parts[0], parts[1], tuple(parts[2:]))
