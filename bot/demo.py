"""`zhaoshang demo`: the sandbox and the real bot, with no token and no network, playing an
investor's whole plan-form journey and printing it as a transcript. With `--web` the Mini App
is then served beside them, on 127.0.0.1, and the demo prints the signed addresses of the
office's board and of the investor's page, until Ctrl-C."""

from __future__ import annotations

import asyncio
import html
import os
import re
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, Protocol

from bot import demo_plan
from bot.bootstrap import build_uow_factory, initialise
from bot.runtimes import make_runtime
from bot.serve import _start_web
from bot.settings import Settings
from conversations.draft import Draft
from handlers.web_links import address
from sandbox import SandboxServer
from sandbox.webapp import SCRIPT_PATH
from storage.tables import MessengerAccount, Person
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer
from workflow.roles import Role

DEMO_TOKEN = "123456:DEMO-zhaoshang-sandbox"
INVESTOR_ID = 10001
OFFICE_ID = 10002
OFFICE_NAME: Final = "王主任"
INVESTOR_PAGE: Final = "home"  # the investor's 工作台: the plan form and their own projects
# The sandbox writes its transcript in English ("👤 李明 pressed [ 同意 ]", "… (edited)").
_PRESSED: Final = re.compile(r"^(👤 [^\n]*?) pressed \[ ", re.MULTILINE)
_EDITED: Final = re.compile(r" \(edited\)$", re.MULTILINE)


class Speaker(Protocol):
    """Someone who answers the bot in a chat and waits for its reply (a `ChatUser`, or its
    twin over the sandbox's control API in the browser tests)."""

    async def say(self, text: str) -> dict[str, Any]:
        """Type a message."""
        ...

    async def press(self, label: str) -> dict[str, Any]:
        """Press the newest button with this label."""
        ...

    async def send_file(self, name: str, mime: str, content: bytes) -> dict[str, Any]:
        """Send a document."""
        ...


class ChatUser:
    """A person in the sandbox who waits for the bot's answer after each action."""

    def __init__(self, sb: SandboxServer, user_id: int, name: str) -> None:
        self.sb = sb
        self.user_id = user_id
        self.name = name

    def _mark(self) -> int:
        last = self.sb.last_bot_message(self.user_id)
        return int(last["message_id"]) if last else 0

    async def say(self, text: str) -> dict[str, Any]:
        """Type a message and wait for the bot's answer."""
        mark = self.sb.mark()
        self.sb.send_text(self.user_id, text)
        return await self._answer(mark)

    async def press(self, label: str) -> dict[str, Any]:
        """Press the newest button with this label and wait for the bot's answer."""
        message = self._message_with(label)
        mark = self.sb.mark()
        self.sb.press(self.user_id, self.user_id, message["message_id"], button_text=label)
        return await self._answer(mark)

    async def send_file(self, name: str, mime: str, content: bytes) -> dict[str, Any]:
        """Send a document and wait for the bot's answer."""
        mark = self.sb.mark()
        self.sb.send_document(self.user_id, name, content, mime)
        return await self._answer(mark)

    async def _answer(self, mark: Any) -> dict[str, Any]:
        message = await self.sb.wait_for_bot_message(self.user_id, since=mark, timeout=15)
        await self.sb.wait_idle(idle_ms=60, timeout=15)
        return message

    def _message_with(self, label: str) -> dict[str, Any]:
        for entry in reversed(self.sb.transcript(self.user_id)):
            if entry.sender != "bot":
                continue
            for row in entry.buttons:
                for text, _data in row:
                    if text == label:
                        return {"message_id": entry.message_id}
        raise LookupError(f"no button {label!r} in the chat")


def current_step(uow_factory: UnitOfWorkFactory, user_id: int) -> str | None:
    """The question the bot is asking this user now (read from the stored draft)."""
    with uow_factory() as uow:
        person = uow.people.by_account("telegram", str(user_id))
        if person is None or person.id is None:
            return None
        row = uow.drafts.active(person.id, str(user_id))
        return None if row is None else Draft.model_validate(row.data).current


async def play_investor(
    sb: SandboxServer, uow_factory: UnitOfWorkFactory, user_id: int = INVESTOR_ID
) -> None:
    """Register, fill in the whole plan (with a few wrong answers), and submit it."""
    me = demo_plan.INVESTOR
    sb.add_user(user_id, me["name"], username="liming_hr")
    user = ChatUser(sb, user_id, me["name"])
    await user.say("/start")
    await user.say(me["name"])
    await user.say(me["company"])
    await user.say(me["phone"])
    await user.press("同意")
    await user.press("✅ 提交")
    await user.say("/new")
    for _ in range(200):
        step = current_step(uow_factory, user_id)
        if step in (None, "summary"):
            break
        for wrong in demo_plan.WRONG.get(step, []):
            await user.say(wrong)
        await answer(user, step)
    await user.press("✅ 提交")
    await user.say("/my")


async def answer(user: Speaker, step: str) -> None:
    """Give the scripted answer to one question."""
    if step in demo_plan.PRESSED:
        await user.press(demo_plan.PRESSED[step])
    elif step in demo_plan.TYPED:
        await user.say(demo_plan.TYPED[step])
    elif step in demo_plan.SKIPPED:
        await user.press(demo_plan.SKIP_LABEL)
    elif step == "feasibility_report":
        name, mime = demo_plan.FEASIBILITY_REPORT
        await user.send_file(name, mime, b"%PDF-1.4\n% demo feasibility report\n")
    else:
        raise LookupError(f"the demo has no answer for {step!r}")


async def run_demo(database: Path, runtime: str = "ptb") -> str:
    """Run the whole demo and return the investor's transcript."""
    async with SandboxServer(DEMO_TOKEN) as sb:
        settings = _settings(sb, database, runtime)
        initialise(settings)
        uow_factory = build_uow_factory(settings)
        bot = make_runtime(settings, uow_factory)
        await bot.start()
        try:
            await play_investor(sb, uow_factory)
        finally:
            await bot.stop()
            uow_factory.engine.dispose()
        transcript = sb.render_transcript(
            INVESTOR_ID, names={INVESTOR_ID: "李明", "bot": "招商服务助手"}
        )
    return in_locale(transcript)


def _settings(sb: SandboxServer, database: Path, runtime: str, **web: Any) -> Settings:
    """The demo bot's settings: the sandbox's token and address, the demo's database."""
    return Settings(
        bot_token=DEMO_TOKEN,
        database_url=f"sqlite:///{database}",
        api_base_url=sb.url,
        runtime=runtime,
        **web,
    )  # type: ignore[arg-type]


def _word(renderer: Renderer, locale: str, macro: str, **params: Any) -> str:
    return html.unescape(renderer.message(locale, f"demo#{macro}", **params))


def in_locale(transcript: str, locale: str = "zh-Hans") -> str:
    """The sandbox's transcript with its own words (a press, an edit) in the demo's locale."""
    r = Renderer()
    pressed, edited = _word(r, locale, "pressed"), _word(r, locale, "edited")
    text = _PRESSED.sub(lambda m: f"{m[1]} {pressed} [ ", transcript)
    return _EDITED.sub(lambda _: f" {edited}", text)


def footer(database: Path, locale: str = "zh-Hans") -> str:
    """The line printed after the transcript: where the demo left its database."""
    return _word(Renderer(), locale, "footer", database=str(database.resolve()))


def add_office(sb: SandboxServer, uow_factory: UnitOfWorkFactory) -> None:
    """The demo's office person (王主任 of the leading group's office), as an accepted
    invitation leaves them: in the bot's database and as a user of the sandbox."""
    sb.add_user(OFFICE_ID, OFFICE_NAME)
    with uow_factory() as uow:
        person = uow.people.add(Person(name=OFFICE_NAME, unit_id="office"))
        assert person.id is not None
        chat = str(OFFICE_ID)
        uow.session.add(MessengerAccount(person_id=person.id, external_id=chat, chat_id=chat))
        uow.people.grant(person.id, Role.OFFICE.value, unit_id="office")
        uow.commit()


async def run_web_demo(
    database: Path, runtime: str, port: int, show: Callable[[str], None]
) -> None:
    """Play the demo and show it, then serve the Mini App on 127.0.0.1:port beside the
    sandbox and show the addresses the office person and the investor open it at (signed for
    each), until SIGINT or SIGTERM; then stop everything."""
    async with SandboxServer(DEMO_TOKEN) as sb:
        web_url = f"http://127.0.0.1:{port}/web/"
        settings = _settings(
            sb,
            database,
            runtime,
            web_url=web_url,
            web_listen="127.0.0.1",
            web_port=port,
            web_script_url=sb.url + SCRIPT_PATH,
        )
        initialise(settings)
        uow_factory = build_uow_factory(settings)
        bot = make_runtime(settings, uow_factory)
        await bot.start()
        try:
            await play_investor(sb, uow_factory)
            add_office(sb, uow_factory)
        except BaseException:
            await bot.stop()
            uow_factory.engine.dispose()
            raise
        names = {INVESTOR_ID: "李明", "bot": "招商服务助手"}
        show(in_locale(sb.render_transcript(INVESTOR_ID, names=names)))
        show("\n" + footer(database))
        web = await _start_web(settings, bot)  # on a failure it has stopped the bot
        try:
            board = sb.open_web_app(OFFICE_ID, address(web_url, "board"))["url"]
            mine = sb.open_web_app(INVESTOR_ID, address(web_url, INVESTOR_PAGE))["url"]
            show(
                "\n"
                + _word(
                    Renderer(),
                    "zh-Hans",
                    "web",
                    board=board,
                    investor=mine,
                    office=OFFICE_NAME,
                    investor_name=names[INVESTOR_ID],
                )
            )
            await _until_stopped()
        finally:
            if web is not None:
                await web.stop()
            await bot.stop()
            uow_factory.engine.dispose()
    show(_word(Renderer(), "zh-Hans", "web_stopped"))


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def main(database: Path, runtime: str) -> str:
    """Entry for the command line."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    return asyncio.run(run_demo(database, runtime))


def main_web(database: Path, runtime: str, port: int, show: Callable[[str], None]) -> None:
    """Entry for the command line's `demo --web`."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    asyncio.run(run_web_demo(database, runtime, port, show))
