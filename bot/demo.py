"""`zhaoshang demo`: the sandbox and the real bot, with no token and no network, playing an
investor's whole plan-form journey and printing it as a transcript."""

from __future__ import annotations

import asyncio
import html
import os
import re
from pathlib import Path
from typing import Any, Final

from bot import demo_plan
from bot.bootstrap import build_uow_factory, initialise
from bot.runtimes import make_runtime
from bot.settings import Settings
from conversations.draft import Draft
from sandbox import SandboxServer
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer

DEMO_TOKEN = "123456:DEMO-zhaoshang-sandbox"
INVESTOR_ID = 10001
# The sandbox writes its transcript in English ("👤 李明 pressed [ 同意 ]", "… (edited)").
_PRESSED: Final = re.compile(r"^(👤 [^\n]*?) pressed \[ ", re.MULTILINE)
_EDITED: Final = re.compile(r" \(edited\)$", re.MULTILINE)


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


async def answer(user: ChatUser, step: str) -> None:
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
        settings = Settings(
            bot_token=DEMO_TOKEN,
            database_url=f"sqlite:///{database}",
            api_base_url=sb.url,
            runtime=runtime,
        )  # type: ignore[arg-type]
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


def main(database: Path, runtime: str) -> str:
    """Entry for the command line."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    return asyncio.run(run_demo(database, runtime))
