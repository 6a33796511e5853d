"""One person's flood is slowed down with one notice; a person typing fast never is."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from sqlmodel import select

from bot.flood import (
    BURST,
    IN_TURN_BURST,
    IN_TURN_RATE,
    MAX_WAITING,
    QUIET,
    RATE,
    FloodGate,
    Verdict,
)
from bot.respond import Responder
from conversations.inbound import Inbound
from conversations.replies import Outcome
from handlers.context import Services
from handlers.dispatch import Dispatcher, Then
from storage.deployment import record_deployment_start
from storage.seed import seed_policy
from storage.tables import ProcessedUpdate
from storage.uow import UnitOfWorkFactory
from tests.bot.test_ratelimit import FakeClock
from tests.bot.test_sender import FakeMessenger
from tests.conftest import Clock
from tests.handlers.conftest import make_services
from workflow.policy import Policy


class Ticker:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def ahead_gate(clock: Ticker) -> FloodGate:
    """A gate whose every event counts as sent ahead of the answers (no in-turn allowance)."""
    return FloodGate(clock, in_turn_burst=0, in_turn_rate=0.0)


def send(gate: FloodGate, clock: Ticker, n: int, every: float, chat: str = "101") -> list[Verdict]:
    """`n` events from one person, `every` seconds apart, each handled at once when admitted."""
    verdicts = []
    for _ in range(n):
        verdict = gate.admit(chat, chat)
        if verdict is Verdict.ADMIT:
            gate.finished(chat, chat)
        verdicts.append(verdict)
        clock.advance(every)
    return verdicts


def test_a_double_press_and_a_few_messages_a_second_are_never_held_back():
    clock = Ticker()
    gate = FloodGate(clock)
    assert send(gate, clock, 2, 0.0) == [Verdict.ADMIT] * 2
    clock.advance(5)
    assert set(send(gate, clock, 600, 1 / RATE)) == {Verdict.ADMIT}  # 3 a second for 200 s
    clock.advance(5)
    assert set(send(gate, clock, 20, 0.25)) == {Verdict.ADMIT}  # 4 a second for 5 s


def test_a_person_who_waits_for_each_answer_is_not_held_back_however_quick():
    clock = Ticker()
    gate = FloodGate(clock)
    assert set(send(gate, clock, IN_TURN_BURST, 1 / 50)) == {Verdict.ADMIT}  # a form by script
    clock.advance(IN_TURN_BURST / IN_TURN_RATE)
    assert set(send(gate, clock, 300, 1 / IN_TURN_RATE)) == {Verdict.ADMIT}


def test_fifty_a_second_each_after_the_last_answer_are_slowed_too():
    clock = Ticker()
    gate = FloodGate(clock)
    verdicts = send(gate, clock, 500, 1 / 50)  # ten seconds, each handled before the next
    admitted = verdicts.count(Verdict.ADMIT)
    most = IN_TURN_BURST + BURST + 10 * (IN_TURN_RATE + RATE) + 2
    assert IN_TURN_BURST + 9 * IN_TURN_RATE <= admitted <= most
    assert verdicts.count(Verdict.NOTIFY) == 1


def test_an_album_of_ten_sent_at_once_is_taken_whole_even_before_any_is_handled():
    clock = Ticker()
    gate = FloodGate(clock)
    assert [gate.admit("101", "101") for _ in range(10)] == [Verdict.ADMIT] * 10


def test_fifty_a_second_are_slowed_to_the_rate_with_one_notice():
    clock = Ticker()
    gate = ahead_gate(clock)
    verdicts = send(gate, clock, 500, 1 / 50)  # ten seconds of flood
    admitted = verdicts.count(Verdict.ADMIT)
    assert BURST + 9 * RATE <= admitted <= BURST + 10 * RATE + 1
    assert verdicts.count(Verdict.NOTIFY) == 1
    assert verdicts.index(Verdict.NOTIFY) == BURST  # the first one over the burst
    assert verdicts[:BURST] == [Verdict.ADMIT] * BURST


def test_what_a_flood_gets_through_is_spread_evenly():
    clock = Ticker()
    gate = ahead_gate(clock)
    verdicts = send(gate, clock, 500, 1 / 50)
    kept = [i for i, v in enumerate(verdicts) if v is Verdict.ADMIT][BURST:]
    gaps = {b - a for a, b in itertools.pairwise(kept)}
    assert gaps <= {16, 17, 18}  # one in every 50/3 events


def test_a_flood_after_a_quiet_spell_gets_a_new_notice():
    clock = Ticker()
    gate = ahead_gate(clock)
    assert send(gate, clock, 100, 1 / 50).count(Verdict.NOTIFY) == 1
    clock.advance(QUIET / 2)
    assert send(gate, clock, 100, 1 / 50).count(Verdict.NOTIFY) == 0  # still the same flood
    clock.advance(QUIET + 1)
    assert send(gate, clock, 100, 1 / 50).count(Verdict.NOTIFY) == 1


def test_one_persons_flood_does_not_touch_anyone_else():
    clock = Ticker()
    gate = FloodGate(clock)
    for i in range(500):
        gate.admit("101", "101")  # never finished either: a flood stuck behind its lock
        if i % 25 == 0:  # another person, twice a second
            assert gate.admit("102", "102") is Verdict.ADMIT
            gate.finished("102", "102")
        clock.advance(1 / 50)
    assert gate.admit("-500", "101") is Verdict.ADMIT  # the same person in a group


def test_in_a_group_each_member_has_their_own_allowance():
    clock = Ticker()
    gate = ahead_gate(clock)
    assert Verdict.NOTIFY in send(gate, clock, 50, 0.0, chat="-500")
    assert gate.admit("-500", "102") is Verdict.ADMIT


def test_only_so_many_of_one_persons_events_wait_for_their_chat():
    clock = Ticker()
    gate = FloodGate(clock)
    for _ in range(MAX_WAITING):
        assert gate.admit("101", "101") is Verdict.ADMIT
        clock.advance(1.0)  # slow steps: the bucket refills while they wait
    assert gate.admit("101", "101") is Verdict.NOTIFY
    gate.finished("101", "101")
    assert gate.admit("101", "101") is Verdict.ADMIT


def test_a_person_no_longer_flooding_is_forgotten():
    clock = Ticker()
    gate = FloodGate(clock)
    for user in range(1000):
        gate.admit(str(user), str(user))
        gate.finished(str(user), str(user))
    send(gate, clock, 100, 0.0, chat="101")
    assert gate.watched() == 1000
    clock.advance(61)
    gate.admit("102", "102")
    assert gate.watched() == 1  # the one event just admitted


# Through the Responder: the flood's events queue behind their chat's lock as the runtimes'
# concurrent updates do, and the real dispatcher handles what is kept, on SQLite.


class RecordingDispatcher(Dispatcher):
    """The bot's dispatcher, noting each event it is given, in order."""

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.seen: list[tuple[str, str | None]] = []

    def handle(self, event: Inbound, *, then: Then | None = None) -> Outcome:
        self.seen.append((event.chat_id, event.update_id))
        return super().handle(event, then=then)


class PressRecordingMessenger(FakeMessenger):
    """The fake messenger of the sender's tests, also noting how each press was answered."""

    def __init__(self) -> None:
        super().__init__(FakeClock())
        self.presses: dict[str, str | None] = {}

    async def answer_press(self, press_id: str, text: str | None, alert: bool) -> None:
        self.presses[press_id] = text


@pytest.fixture
def responder_parts(
    sqlite_uow_factory: UnitOfWorkFactory, policy: Policy, clock: Clock
) -> tuple[Responder, RecordingDispatcher, PressRecordingMessenger, Ticker]:
    with sqlite_uow_factory() as uow:
        seed_policy(uow, policy)
        record_deployment_start(uow, clock())
        uow.commit()
    services = make_services(sqlite_uow_factory, policy, clock)
    dispatcher = RecordingDispatcher(services)
    client = PressRecordingMessenger()
    ticker = Ticker()
    responder = Responder(
        client, dispatcher, services.uow, services.renderer, flood=FloodGate(ticker)
    )
    return responder, dispatcher, client, ticker


def text_from(user: str, update_id: int) -> Inbound:
    """A person asking for /help, which gets one reply each time."""
    return Inbound(
        user_id=user, chat_id=user, text="/help", command="help", update_id=str(update_id)
    )


def handled(uow_factory: UnitOfWorkFactory) -> set[str]:
    with uow_factory() as uow:
        return set(uow.session.exec(select(ProcessedUpdate.key)).all())


async def test_fifty_quick_messages_give_one_notice_and_the_kept_ones_are_handled_in_order(
    responder_parts: tuple[Responder, RecordingDispatcher, PressRecordingMessenger, Ticker],
):
    responder, dispatcher, client, ticker = responder_parts
    tasks = []
    for i in range(50):  # one second of flood, while another person writes now and then
        tasks.append(asyncio.create_task(responder.handle(text_from("101", i))))
        if i % 10 == 0:
            tasks.append(asyncio.create_task(responder.handle(text_from("102", 1000 + i))))
        await asyncio.sleep(0)  # the event reaches the responder before the next one comes
        ticker.advance(1 / 50)
    await asyncio.gather(*tasks)

    flood = [c.text for c in client.to("101")]
    assert sum("请稍候" in t for t in flood) == 1
    kept = [int(u or "") for chat, u in dispatcher.seen if chat == "101"]
    assert BURST <= len(kept) < 20
    assert kept == sorted(kept)  # in the order they were sent
    assert len(flood) == len(kept) + 1  # each kept message answered, plus the one notice
    dropped = {f"telegram:{i}" for i in range(50) if i not in kept}
    assert not dropped & handled(responder.uow_factory)  # not dispatched at all
    other = [u for chat, u in dispatcher.seen if chat == "102"]
    assert other == [str(1000 + i) for i in range(0, 50, 10)]  # every one, in order
    assert not any("请稍候" in c.text for c in client.to("102"))


async def test_a_dropped_press_is_still_answered(
    responder_parts: tuple[Responder, RecordingDispatcher, PressRecordingMessenger, Ticker],
):
    responder, dispatcher, client, _ = responder_parts
    presses = [
        responder.handle(
            Inbound(user_id="101", chat_id="101", callback_data="f:c:x:1", update_id=str(i)),
            press_id=f"press-{i}",
        )
        for i in range(BURST + 5)
    ]
    await asyncio.gather(*presses)
    assert set(client.presses) == {f"press-{i}" for i in range(BURST + 5)}
    dropped = [p for p, toast in client.presses.items() if toast and "请稍候" in toast]
    assert len(dropped) == 5
    assert len(dispatcher.seen) == BURST
    assert sum("请稍候" in c.text for c in client.to("101")) == 1


async def test_in_a_group_a_flood_is_dropped_without_a_word(
    responder_parts: tuple[Responder, RecordingDispatcher, PressRecordingMessenger, Ticker],
):
    responder, dispatcher, client, _ = responder_parts
    said = [
        responder.handle(
            Inbound(
                user_id="101", chat_id="-500", chat_type="group", text="大家好", update_id=str(i)
            )
        )
        for i in range(30)
    ]
    await asyncio.gather(*said)
    assert len(dispatcher.seen) == BURST
    assert client.to("-500") == [] and client.to("101") == []


def test_a_try_that_met_an_unavailable_database_does_not_count_against_the_person():
    clock = Ticker()
    gate = FloodGate(clock)
    for _ in range(10 * (IN_TURN_BURST + BURST)):  # an outage's retries, one after another
        assert gate.admit("101", "101") is Verdict.ADMIT
        gate.refund("101", "101")
        gate.finished("101", "101")
