"""A person talking to the handlers: an inbound event in, replies out, on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import routes
from conversations.inbound import FileRef, Inbound, parse_command
from conversations.replies import Outcome, Reply
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.deployment import record_deployment_start
from storage.seed import seed_policy
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer
from tests.conftest import Clock
from workflow.policy import Policy

ROUTES = routes()  # the routers composed as the bot composes them
CONFIRM = "✅ 确认"  # the answer to a question "确认…？" asked on a card (handlers/confirm.py)


def make_services(
    uow_factory: UnitOfWorkFactory,
    policy: Policy,
    clock: Clock,
    admins: frozenset[str] = frozenset({"900"}),
) -> Services:
    """Services on `clock`, with units of work on the same clock (one clock, as in the bot)."""
    return Services(
        uow=UnitOfWorkFactory(uow_factory.engine, clock),
        policy=policy,
        renderer=Renderer(),
        clock=clock,
        timezone=ZoneInfo("Asia/Shanghai"),
        admins=admins,
        bot_username="zhaoshang_test_bot",
        routes=ROUTES,
    )


@pytest.fixture
def services(sqlite_uow_factory: UnitOfWorkFactory, policy: Policy, clock: Clock) -> Services:
    with sqlite_uow_factory() as uow:
        seed_policy(uow, policy)
        record_deployment_start(uow, clock())  # as `zhaoshang init` does
        uow.commit()
    return make_services(sqlite_uow_factory, policy, clock)


@pytest.fixture
def dispatcher(services: Services) -> Dispatcher:
    return Dispatcher(services)


@dataclass
class Person:
    """A messenger user talking to the bot in their private chat."""

    dispatcher: Dispatcher
    user_id: str
    name: str
    language: str = "zh-hans"
    seen: list[Reply] = field(default_factory=list)
    last: Outcome | None = None

    def _send(self, **kw: Any) -> list[Reply]:
        event = Inbound(
            user_id=self.user_id,
            chat_id=self.user_id,
            display_name=self.name,
            language_code=self.language,
            **kw,
        )
        self.last = self.dispatcher.handle(event)
        self.seen += self.last.replies
        return self.last.replies

    def says(self, text: str) -> list[Reply]:
        """Type a message (a command when it starts with "/")."""
        cmd = parse_command(text)
        if cmd is not None:
            return self._send(command=cmd[0], args=cmd[1], text=text)
        return self._send(text=text)

    def press(self, label_or_data: str, reply: Reply | None = None) -> list[Reply]:
        """Press a button of the last reply that has it, by its label or its data."""
        for r in [reply] if reply else reversed(self.seen):
            for row in r.buttons:
                for b in row:
                    if label_or_data in (b.text, b.data):
                        return self._send(callback_data=b.data, message_id="1")
        raise AssertionError(f"no button {label_or_data!r} in {self.seen[-1].buttons!r}")

    def confirms(self, label_or_data: str, reply: Reply | None = None) -> list[Reply]:
        """Press a button that asks "确认…？" on its card, then 确认 (when it was asked: a
        refused press asks nothing)."""
        asked = self.press(label_or_data, reply)
        if not any(b.text == CONFIRM for r in asked for row in r.buttons for b in row):
            return asked
        return self.press(CONFIRM, asked[-1])

    def press_data(self, data: str) -> list[Reply]:
        """Press a button with exactly this callback data (forged or replayed)."""
        return self._send(callback_data=data, message_id="1")

    def sends_file(
        self,
        name: str,
        mime: str,
        size: int,
        *,
        content: bytes | None = None,
        received: bool = True,
    ) -> list[Reply]:
        """Send a document, whose bytes the runtime fetched (unless `received` is False)."""
        ref = FileRef(f"file-{name}", name, mime, size)
        if received:
            ref = ref.received(content if content is not None else b"x" * size)
        return self._send(file=ref)

    @property
    def text(self) -> str:
        """The text of the last reply."""
        return self.seen[-1].text


@pytest.fixture
def people(dispatcher: Dispatcher) -> Iterator[dict[str, Person]]:
    yield {}


def person(dispatcher: Dispatcher, user_id: str, name: str, language: str = "zh-hans") -> Person:
    return Person(dispatcher, user_id, name, language)
