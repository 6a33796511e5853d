"""What the WeCom end-to-end tests share: the sandbox's app, the bot's settings against it, the
real WeComRuntime started and stopped on 127.0.0.1, people joined in a role, and a member of
the sandbox who writes and presses buttons as a person would."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.bootstrap import build_uow_factory, initialise
from bot.both import BothRuntime
from bot.runtimes import make_runtime
from bot.settings import Settings
from bot.wecom.runtime import WeComRuntime
from sandbox import SandboxServer
from sandbox.wecom import CardView, SentMessage, WeComSandbox
from storage.db import make_engine, migrate
from storage.deployment import record_deployment_start
from storage.seed import seed_policy
from storage.tables import MessengerAccount, Person
from storage.types import Clock
from storage.uow import UnitOfWorkFactory
from workflow.policy_file import load_policy
from workflow.roles import Role

AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"  # the key of WeCom's published sample
OFFICE = "WangZhuRen"


def free_port() -> int:
    """A port nobody listens on now, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wecom_settings(wx: WeComSandbox, tmp_path: Path) -> Settings:
    """The bot's settings as the WeCom app the sandbox stands for, callbacks on a free port."""
    c = wx.config
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        runtime="wecom",
        wecom_corp_id=c.corp_id,
        wecom_agent_id=c.agent_id,
        wecom_secret=c.corp_secret,
        wecom_token=c.token,
        wecom_aes_key=c.encoding_aes_key,
        wecom_api_base_url=wx.url,
        web_listen="127.0.0.1",
        wecom_port=free_port(),
        pdf_copies=False,
        _env_file=None,
    )


def with_wecom(settings: Settings, wx: WeComSandbox) -> Settings:
    """Telegram's settings (tests/e2e/conftest.py), and the WeCom app's beside them: both
    messengers in one process, as `zhaoshang run` starts them when both are set."""
    c = wx.config
    port = free_port()
    wx.callback_url = f"http://127.0.0.1:{port}/wecom"
    return settings.model_copy(
        update={
            "wecom_corp_id": c.corp_id,
            "wecom_agent_id": c.agent_id,
            "wecom_secret": SecretStr(c.corp_secret),
            "wecom_token": SecretStr(c.token),
            "wecom_aes_key": SecretStr(c.encoding_aes_key),
            "wecom_api_base_url": wx.url,
            "wecom_port": port,
        }
    )


@asynccontextmanager
async def running_both(
    settings: Settings, wx: WeComSandbox
) -> AsyncIterator[tuple[BothRuntime, UnitOfWorkFactory]]:
    """The real runtime of both messengers on Telegram's settings and the WeCom sandbox,
    stopped after, with its units of work."""
    s = with_wecom(settings, wx)
    assert s.messengers() == ("telegram", "wecom")
    uow_factory = build_uow_factory(s)
    runtime = make_runtime(s, uow_factory)
    assert isinstance(runtime, BothRuntime)
    await runtime.start()
    try:
        yield runtime, uow_factory
    finally:
        await runtime.stop()
        uow_factory.engine.dispose()


def telegram_texts(sandbox: SandboxServer, chat: int) -> list[str]:
    """What the bot sent a Telegram chat, oldest first."""
    return [e.text or "" for e in sandbox.transcript(chat) if e.sender == "bot"]


def wecom_texts(wx: WeComSandbox, userid: str) -> list[str]:
    """What the app sent a WeCom member, oldest first."""
    return [m.content or "" for m in wx.messages(userid)]


def initialise_at(settings: Settings, clock: Clock, reporting_from: str | None = None) -> None:
    """`zhaoshang init` on the test's clock: migrated, the policy seeded, the deployment's
    start recorded at the clock's time (bot.bootstrap.initialise records the wall clock's)."""
    migrate(settings.database_url)
    factory = UnitOfWorkFactory(make_engine(settings.database_url), clock)
    try:
        with factory() as uow:
            seed_policy(uow, load_policy(settings.policy_file))
            record_deployment_start(uow, uow.now(), reporting_from)
            uow.commit()
    finally:
        factory.engine.dispose()


@asynccontextmanager
async def running(
    wx: WeComSandbox, settings: Settings, uow_factory: UnitOfWorkFactory
) -> AsyncIterator[WeComRuntime]:
    """The real WeCom runtime, its callback URL given to the sandbox, stopped after."""
    runtime = make_runtime(settings, uow_factory)
    assert isinstance(runtime, WeComRuntime)
    wx.callback_url = f"http://127.0.0.1:{settings.wecom_port}/wecom"
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


def joined(
    wx: WeComSandbox,
    uow_factory: UnitOfWorkFactory,
    userid: str,
    name: str,
    role: Role,
    unit: str,
    *,
    dimension: str | None = None,
) -> int:
    """A person holding `role` for `unit` (and `dimension`), linked by their WeCom UserID (as
    tests/e2e/officials.py `joined` links a Telegram account), and their member in the
    sandbox; returns the person's id."""
    wx.add_user(userid, name)
    with uow_factory() as uow:
        person = uow.people.add(Person(name=name, unit_id=unit))
        assert person.id is not None
        uow.session.add(
            MessengerAccount(
                person_id=person.id, messenger="wecom", external_id=userid, chat_id=userid
            )
        )
        uow.people.grant(person.id, role.value, unit_id=unit, dimension_id=dimension)
        uow.commit()
        return person.id


def card_text(card: dict[str, Any]) -> str:
    return f"{card['main_title']['title']}\n{card.get('sub_title_text', '')}"


def labels(card: dict[str, Any]) -> dict[str, str]:
    """A card's buttons: text → key."""
    return {b["text"]: b.get("key", "") for b in card.get("button_list", [])}


async def until(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    """The first truthy value of `check()`, polled."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if value:
            return value
        if asyncio.get_running_loop().time() >= deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


def newest_card(wx: WeComSandbox, user: str, needle: str, after: int = 0) -> SentMessage | None:
    """The newest card sent to a member (from their `after`-th message on) whose text, as
    sent, holds the needle."""
    for m in reversed(wx.messages(user)[after:]):
        if m.msgtype == "template_card" and needle in card_text(m.body["template_card"]):
            return m
    return None


class WallClock:
    """Wall seconds a test moves forward: the WeCom client's clock (the response codes' 72
    hours, the per-member limit), moved together with the sandbox's."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


class Member:
    """A member of the WeCom sandbox who writes and presses as a person would: each step waits
    for the bot's answer (a message to them, or one of their cards updated), and a press finds
    the newest card they can press that offers the button and shows every needle."""

    def __init__(self, wx: WeComSandbox, userid: str) -> None:
        self.wx, self.userid = wx, userid

    def seen(self) -> int:
        """How much the member has been shown: messages, and updates of their cards."""
        mine = [u for u in self.wx.updates() if u.userid.lower() == self.userid.lower()]
        return len(self.wx.messages(self.userid)) + len(mine)

    async def answered(self, seen: int, timeout: float = 10.0) -> None:
        """Wait until the member is shown more than `seen`."""
        await until(lambda: self.seen() > seen, timeout)

    def views(self) -> list[CardView]:
        """The member's cards as they show now, newest first."""
        shown = [m for m in self.wx.messages(self.userid) if m.msgtype == "template_card"]
        return [
            self.wx.card(self.userid, m.body["template_card"]["task_id"])
            for m in reversed(shown)
            if not m.dropped
        ]

    def offering(self, label: str, *needles: str) -> tuple[str, str] | None:
        """The newest pressable card with the button and the needles: its task_id and the
        button's key."""
        for view in self.views():
            keys = labels(view.card)
            text = card_text(view.card)
            if view.clickable and label in keys and all(n in text for n in needles):
                return view.task_id, keys[label]
        return None

    def card(self, *needles: str) -> CardView | None:
        """The newest card whose text, as it shows now, holds every needle."""
        return next(
            (v for v in self.views() if all(n in card_text(v.card) for n in needles)), None
        )

    async def say(self, text: str) -> None:
        seen = self.seen()
        await self.wx.send_text(self.userid, text)
        await self.answered(seen)

    async def press(self, label: str, *needles: str) -> str:
        """Press the button on the newest card offering it and wait for the answer (on WeCom a
        toast comes as a message too). Returns the card's task_id."""
        task_id, key = await until(lambda: self.offering(label, *needles))
        seen = self.seen()
        delivery = await self.wx.press(self.userid, task_id, key)
        assert delivery.status == 200 and delivery.answer == "", "answered at once, empty"
        await self.answered(seen)
        return str(task_id)


# The bot on WeCom alone, for a module that imports these three (they stand for the e2e
# conftest's Telegram `settings`, `uow_factory` and `bot` there).


@pytest.fixture(name="settings")
def wecom_only_settings(wx: WeComSandbox, tmp_path: Path) -> Settings:
    """Settings of the bot on WeCom alone, against the sandbox, initialised."""
    s = wecom_settings(wx, tmp_path)
    initialise(s)
    return s


@pytest.fixture(name="uow_factory")
def wecom_only_uow_factory(settings: Settings) -> Iterator[UnitOfWorkFactory]:
    """Its units of work."""
    factory = build_uow_factory(settings)
    yield factory
    factory.engine.dispose()


@pytest.fixture(name="bot")
async def wecom_only_bot(
    wx: WeComSandbox, settings: Settings, uow_factory: UnitOfWorkFactory
) -> AsyncIterator[WeComRuntime]:
    """The real WeCom runtime on them, started and stopped."""
    async with running(wx, settings, uow_factory) as runtime:
        yield runtime
