"""One person's flood, slowed down: what a person sends in one chat passes a token bucket, and
only so many of their events may wait for the chat's lock; the rest are dropped before they
reach the handlers, with one notice per flood.

Two buckets, because a person who waits for each answer is not flooding however quick they are
(a form answered from a script, a test): an event that comes while none of the person's is
still waiting or running is *in turn* and takes from a large bucket (`IN_TURN_BURST`, then
`IN_TURN_RATE` a second); one that comes while theirs are still waiting is *ahead* of the
answers and takes from a small one (`BURST`, then `RATE` a second), as does one in turn once
the large one is empty. A runtime that hands one chat's updates over one at a time (the poller
and the webhook keep a chat's order themselves) makes every event in turn: a flood is then
slowed by the large bucket.

A dropped event is not dispatched at all (its update id is not even recorded), so nothing of it
is half-applied; what is kept is handled in order, behind the chat's lock. The bucket keeps a
flood from taking more than `RATE` steps a second of the one database writer, and the bound on
waiting events keeps it from holding the runtime's concurrent-update slots while it waits."""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Final

from bot.messenger import DeliveryError, MessengerClient
from conversations.inbound import Inbound
from templates.renderer import Renderer, normalize_locale

log = logging.getLogger(__name__)

# A person typing fast sends a few messages a second, a double press two at once, an album or
# a forwarded batch up to ten at once: none of that is ever held back.
RATE: Final = 3.0  # events a second one person may keep sending in one chat
BURST: Final = 10  # events one person may send at once
MAX_WAITING: Final = 10  # of one person's events admitted and not finished (waiting or running)
IN_TURN_RATE: Final = 15.0  # events a second one person may send, each after the last answer
IN_TURN_BURST: Final = 60  # events in turn one person may send before that pace binds: a whole
# plan form answered by a script fits in it
QUIET: Final = 10.0  # seconds without a drop after which a new flood gets a new notice
_PRUNE_EVERY: Final = 60.0


class Verdict(Enum):
    """What becomes of one event."""

    ADMIT = "admit"  # handle it
    DROP = "drop"  # drop it; the person has been told in this flood already
    NOTIFY = "notify"  # drop it, and tell the person: it is the first drop of a flood


@dataclass(slots=True)
class _Sender:
    tokens: float  # for events ahead of the answers
    in_turn: float  # for events in turn
    at: float  # when both were counted
    unfinished: int = 0
    last_drop: float = -math.inf


class FloodGate:
    """Decides, for each event of a person in a chat, whether it is handled or dropped; one
    instance per process, on a monotonic clock (a fake one in tests)."""

    def __init__(
        self,
        monotonic: Callable[[], float] = time.monotonic,
        *,
        rate: float = RATE,
        burst: int = BURST,
        max_waiting: int = MAX_WAITING,
        quiet: float = QUIET,
        in_turn_rate: float = IN_TURN_RATE,
        in_turn_burst: int = IN_TURN_BURST,
    ) -> None:
        self._monotonic = monotonic
        self._rate = rate
        self._burst = float(burst)
        self._in_turn_rate = in_turn_rate
        self._in_turn_burst = float(in_turn_burst)
        self._max_waiting = max_waiting
        self._quiet = quiet
        self._senders: dict[tuple[str, str], _Sender] = {}
        self._next_prune = monotonic() + _PRUNE_EVERY

    def admit(self, chat_id: str, user_id: str) -> Verdict:
        """The verdict on one more event from this person in this chat; an admitted event must
        be `finished` once handled."""
        now = self._monotonic()
        if now >= self._next_prune:
            self._prune(now)
        key = (chat_id, user_id)
        s = self._senders.get(key)
        if s is None:
            s = self._senders[key] = _Sender(self._burst, self._in_turn_burst, now)
        s.tokens = min(self._burst, s.tokens + (now - s.at) * self._rate)
        s.in_turn = min(self._in_turn_burst, s.in_turn + (now - s.at) * self._in_turn_rate)
        s.at = now
        if s.unfinished == 0 and s.in_turn >= 1.0:
            s.in_turn -= 1.0
            s.unfinished += 1
            return Verdict.ADMIT
        if s.tokens >= 1.0 and s.unfinished < self._max_waiting:
            s.tokens -= 1.0
            s.unfinished += 1
            return Verdict.ADMIT
        # A drop takes no token: a flood gets `rate` events a second through, evenly spread.
        first = now - s.last_drop >= self._quiet
        s.last_drop = now
        if first:
            log.warning("chat %s: too many events from %s, dropping some", chat_id, user_id)
        return Verdict.NOTIFY if first else Verdict.DROP

    def refund(self, chat_id: str, user_id: str) -> None:
        """An admitted event was not handled (the database was away) and will come again:
        its try does not count against the person, so a retry is never dropped."""
        s = self._senders.get((chat_id, user_id))
        if s is not None:
            s.in_turn = min(self._in_turn_burst, s.in_turn + 1.0)
            s.tokens = min(self._burst, s.tokens + 1.0)

    def finished(self, chat_id: str, user_id: str) -> None:
        """An admitted event has been handled (or has failed): it no longer waits."""
        s = self._senders.get((chat_id, user_id))
        if s is not None and s.unfinished > 0:
            s.unfinished -= 1

    def watched(self) -> int:
        """How many people in how many chats the gate remembers."""
        return len(self._senders)

    def _prune(self, now: float) -> None:
        """Forget people whose bucket is full again and whose flood is over."""
        self._next_prune = now + _PRUNE_EVERY
        self._senders = {
            key: s
            for key, s in self._senders.items()
            if s.unfinished
            or s.tokens + (now - s.at) * self._rate < self._burst
            or s.in_turn + (now - s.at) * self._in_turn_rate < self._in_turn_burst
            or now - s.last_drop < self._quiet
        }


async def slow_down(
    client: MessengerClient,
    renderer: Renderer,
    event: Inbound,
    press_id: str | None,
    verdict: Verdict,
) -> None:
    """Tell a person whose event was dropped: once a flood in their private chat, and with a
    short toast on every dropped press (a press is always answered, or its button keeps
    spinning). A group is never told: the bot does not chatter in a group's conversation."""
    locale = normalize_locale(event.language_code, renderer.default_locale)
    if press_id is not None and client.toasts:  # as messages, a flood's toasts would flood too
        with contextlib.suppress(DeliveryError):
            toast = renderer.message(locale, "common#slow_down_toast")
            await client.answer_press(press_id, toast, False)
    if verdict is Verdict.NOTIFY and event.private:
        try:
            await client.send_text(event.chat_id, renderer.message(locale, "common#slow_down"), ())
        except DeliveryError as exc:
            log.info("the slow-down notice to %s was not delivered: %s", event.chat_id, exc)
