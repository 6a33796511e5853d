"""What every runtime shares once it can talk to its messenger: the handlers, the reply path,
the outbox sender and the leader's work. A runtime adds only its transport."""

from __future__ import annotations

import asyncio
import html
from typing import Final, Protocol

from bot.backup.make import BackupPlan
from bot.bootstrap import build_services, pdf_converter
from bot.leader.work import LeaderWork, Leading
from bot.messenger import MessengerClient
from bot.outbox.ratelimit import RateLimiter, SystemClock
from bot.outbox.sender import OutboxSender
from bot.respond import Responder
from bot.settings import Settings
from conversations.inbound import Inbound
from handlers.dispatch import Dispatcher
from handlers.undeliverable import report_undeliverable
from storage.uow import UnitOfWorkFactory

DEFAULT_MENU: Final = ("menu", "start", "help")
"""The menu of people the bot does not know yet (Telegram), and WeCom's app menu for every
member: 功能菜单 opens each person's own commands (handlers/intake/help.py)."""


class DefaultMenuClient(MessengerClient, Protocol):
    """A client that can also set the menu of people the bot does not know yet."""

    async def set_default_commands(self, commands: list[tuple[str, str]]) -> None:
        """Set the menu everyone sees before they are known."""
        ...


class BotCore:
    """The runtime-neutral bot: handle an event, reply, and (when elected) send and schedule.

    `messenger`: the accounts this core replies to and the outbox rows its sender sends.
    `leads`: whether it competes for leadership itself; a process running two messengers
    has one LeaderWork for both cores (bot/both.py) and sets it to False."""

    def __init__(
        self,
        settings: Settings,
        uow_factory: UnitOfWorkFactory,
        client: DefaultMenuClient,
        bot_username: str,
        *,
        messenger: str = "telegram",
        leads: bool = True,
    ) -> None:
        self.settings = settings
        self.client = client
        self.services = build_services(settings, uow_factory, bot_username)
        pdf = pdf_converter(settings)  # the same one build_services saw: one per process
        self.dispatcher = Dispatcher(self.services)
        self.responder = Responder(
            client, self.dispatcher, uow_factory, self.services.renderer, pdf=pdf
        )
        self.sender = OutboxSender(
            client,
            uow_factory,
            RateLimiter(SystemClock(uow_factory.clock), per_second=settings.broadcast_per_second),
            on_failure=lambda uow, rows: report_undeliverable(self.services, uow, rows),
            messenger=messenger,
            pdf=pdf,
        )
        self.work = LeaderWork(
            self.services,
            [self.sender],
            settings.database_url,
            settings.timezone,
            settings.sweep_seconds,
            backup=backup_plan(settings),
        )
        self._leading = Leading(settings.database_url, self.work) if leads else None

    async def start(self) -> None:
        """Set the default menu and (when it leads itself) start competing for leadership."""
        renderer, locale = self.services.renderer, self.settings.default_locale
        await self.client.set_default_commands(
            [
                (c, html.unescape(renderer.message(locale, "commands#describe", command=c)))
                for c in DEFAULT_MENU
            ]
        )
        if self._leading is not None:
            self._leading.start()

    async def stop(self) -> None:
        """Stop leading (the sender finishes its pass first)."""
        if self._leading is not None:
            await self._leading.stop()

    async def handle(self, event: Inbound, press_id: str | None) -> None:
        """One inbound event: dispatch, reply, and let the senders see what was queued (a
        notice may be for a person on the other messenger)."""
        await self.responder.handle(event, press_id)
        self.work.wake()

    async def account_blocked(self, messenger: str, user_id: str, blocked: bool) -> None:
        """A person blocked (or unblocked) the bot."""
        await asyncio.to_thread(self.dispatcher.account_blocked, messenger, user_id, blocked)


def backup_plan(settings: Settings) -> BackupPlan | None:
    """The daily backup the leader runs, when ZHAOSHANG_BACKUP_DIR is set."""
    if settings.backup_dir is None:
        return None
    return BackupPlan(settings.backup_dir, settings.backup_keep, settings.files_dir)


class CoreRuntime:
    """What a runtime exposes of its core once started (tests and the CLI use these)."""

    core: BotCore | None = None

    @property
    def dispatcher(self) -> Dispatcher:
        """The handlers' dispatcher."""
        assert self.core is not None
        return self.core.dispatcher

    @property
    def sender(self) -> OutboxSender:
        """The outbox sender (it sends only while this process leads)."""
        assert self.core is not None
        return self.core.sender
