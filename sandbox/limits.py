"""Fault injection rules and Telegram's flood limits."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any

FAULT_KINDS = frozenset({"429", "500", "slow", "blocked", "chat_not_found", "disconnect"})
SEND_METHODS = frozenset(
    [
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendaudio",
        "sendvideo",
        "sendanimation",
        "sendvoice",
        "sendvideonote",
        "sendmediagroup",
        "sendlocation",
        "sendvenue",
        "sendcontact",
        "sendpoll",
        "senddice",
        "sendsticker",
        "copymessage",
        "forwardmessage",
    ]
)


@dataclass
class FaultRule:
    """One injected fault: which calls it hits, how often, and what they get."""

    kind: str
    method: str | None = None
    chat_id: int | str | None = None
    times: int | None = 1
    retry_after: int = 5
    delay: float = 1.0
    hits: int = 0

    def __post_init__(self) -> None:
        self.kind = str(self.kind).lower()
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {sorted(FAULT_KINDS)}")

    @property
    def exhausted(self) -> bool:
        """Return True when the rule has hit its number of calls."""
        return self.times is not None and self.hits >= self.times

    def matches(self, method: str, chat_id: int | str | None) -> bool:
        """Return True when the rule applies to a call."""
        if self.exhausted:
            return False
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)

    def to_json(self) -> dict[str, Any]:
        """Return the rule as JSON for the control API."""
        return {
            "kind": self.kind,
            "method": self.method,
            "chat_id": self.chat_id,
            "times": self.times,
            "retry_after": self.retry_after,
            "delay": self.delay,
            "hits": self.hits,
        }


class FaultSet:
    """The active fault rules, first match wins."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> FaultRule:
        """Add a rule."""
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule."""
        self.rules.clear()

    def take(self, method: str, chat_id: int | str | None) -> FaultRule | None:
        """Return the rule that hits this call, counting the hit."""
        for rule in self.rules:
            if rule.matches(method, chat_id):
                rule.hits += 1
                return rule
        return None


class RateLimiter:
    """Telegram's flood limits: 30 msg/s overall, 1/s per private chat (burst 3), 20/min/group."""

    GLOBAL_PER_SECOND = 30
    PRIVATE_BURST = 3
    PRIVATE_PER_SECOND = 1.0
    GROUP_PER_MINUTE = 20

    def __init__(self) -> None:
        self._global: deque[float] = deque()
        self._private: dict[int, tuple[float, float]] = {}
        self._groups: dict[int, deque[float]] = {}

    def check(self, chat_id: int, private: bool, now: float) -> int | None:
        """Count a message if allowed; otherwise return the retry_after in seconds."""
        while self._global and now - self._global[0] >= 1.0:
            self._global.popleft()
        if len(self._global) >= self.GLOBAL_PER_SECOND:
            return max(1, math.ceil(self._global[0] + 1.0 - now))
        if private:
            tokens, stamp = self._private.get(chat_id, (float(self.PRIVATE_BURST), now))
            tokens = min(
                float(self.PRIVATE_BURST), tokens + (now - stamp) * self.PRIVATE_PER_SECOND
            )
            if tokens < 1.0:
                return max(1, math.ceil((1.0 - tokens) / self.PRIVATE_PER_SECOND))
            self._private[chat_id] = (tokens - 1.0, now)
        else:
            window = self._groups.setdefault(chat_id, deque())
            while window and now - window[0] >= 60.0:
                window.popleft()
            if len(window) >= self.GROUP_PER_MINUTE:
                return max(1, math.ceil(window[0] + 60.0 - now))
            window.append(now)
        self._global.append(now)
        return None
