"""What every runtime shares once it can talk to the Bot API: the handlers, the reply path,
the outbox sender and the leader's work. A runtime adds only its transport."""

from __future__ import annotations

import asyncio
import html
from typing import Any, Final, Protocol

from bot.backup import BackupPlan
from bot.bootstrap import build_services
from bot.leader import Leadership
from bot.leading import LeaderWork
from bot.messenger import MessengerClient
from bot.ratelimit import RateLimiter, SystemClock
from bot.respond import Responder
from bot.sender import OutboxSender
from bot.settings import Settings
from conversations.inbound import FileRef, Inbound, parse_command
from handlers.app import build_dispatcher
from handlers.dispatch import Dispatcher
from handlers.undeliverable import report_undeliverable
from storage.uow import UnitOfWorkFactory

LEADER_RETRY_SECONDS: Final = 2.0  # how soon a standby takes over from a dead leader
DEFAULT_MENU: Final = ("start", "help")


class DefaultMenuClient(MessengerClient, Protocol):
    """A client that can also set the menu of people the bot does not know yet."""

    async def set_default_commands(self, commands: list[tuple[str, str]]) -> None:
        """Set the menu everyone sees before they are known."""
        ...


class BotCore:
    """The runtime-neutral bot: handle an event, reply, and (when elected) send and schedule."""

    def __init__(
        self,
        settings: Settings,
        uow_factory: UnitOfWorkFactory,
        client: DefaultMenuClient,
        bot_username: str,
    ) -> None:
        self.settings = settings
        self.client = client
        self.services = build_services(settings, uow_factory, bot_username)
        self.dispatcher = build_dispatcher(self.services)
        self.responder = Responder(client, self.dispatcher, uow_factory, self.services.renderer)
        self.sender = OutboxSender(
            client,
            uow_factory,
            RateLimiter(SystemClock(uow_factory.clock)),
            on_failure=lambda uow, rows: report_undeliverable(self.services, uow, rows),
        )
        self._work = LeaderWork(
            self.services,
            self.sender,
            settings.database_url,
            settings.timezone,
            settings.sweep_seconds,
            backup=backup_plan(settings),
        )
        self._stop = asyncio.Event()
        self._leader_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Set the default menu and start competing for leadership."""
        renderer, locale = self.services.renderer, self.settings.default_locale
        await self.client.set_default_commands(
            [
                (c, html.unescape(renderer.message(locale, "commands#describe", command=c)))
                for c in DEFAULT_MENU
            ]
        )
        self._work.register_jobs()
        leadership = Leadership(self.settings.database_url, retry_seconds=LEADER_RETRY_SECONDS)
        self._leader_task = asyncio.create_task(
            leadership.acquire_loop(self._work.elected, self._work.lost, self._stop)
        )

    async def stop(self) -> None:
        """Stop leading (the sender finishes its pass first)."""
        self._stop.set()
        if self._leader_task is not None:
            await self._leader_task

    async def handle(self, event: Inbound, press_id: str | None) -> None:
        """One inbound event: dispatch, reply, and let the sender see what was queued."""
        await self.responder.handle(event, press_id)
        self.sender.wake()

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


# Kinds of message the bot does not read, by their Bot API field names, in the order they are
# looked for: an animation also carries a `document`, and a venue a `location`.
OTHER_KINDS: Final = (
    "animation",
    "sticker",
    "video_note",
    "video",
    "voice",
    "audio",
    "venue",
    "location",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
)


def other_kind(message: Any) -> str | None:
    """What a message is when it is none of text, a document or a photo (a sticker, a
    location, a voice message, …), from either library's Message; None otherwise."""
    return next((kind for kind in OTHER_KINDS if getattr(message, kind, None)), None)


def replies_to(message: Any, bot_id: int | None) -> bool:
    """Whether a message (either library's) replies to one of the bot's messages."""
    replied = getattr(message, "reply_to_message", None)
    author = getattr(replied, "from_user", None)
    return bot_id is not None and author is not None and author.id == bot_id


def message_event(
    base: dict[str, Any],
    text: str | None,
    caption: str | None,
    file: FileRef | None,
    bot_username: str | None,
    *,
    other: str | None = None,
    reply_to_bot: bool = False,
    edited: bool = False,
) -> Inbound | None:
    """A message as an inbound event: a file, a command, text, another kind of message, or an
    edit of what a person wrote; None for anything else."""
    said = text if text is not None else caption
    mentioned = bool(bot_username and said and f"@{bot_username}".lower() in said.lower())
    base = {**base, "addressed": reply_to_bot or mentioned}
    if edited:
        # Only an edit of written words is answered: a live location edits itself every
        # few seconds.
        return Inbound(**base, text=said, edited=True) if said and other is None else None
    if other is not None:
        return Inbound(**base, text=caption, other=other)
    if file is not None:
        return Inbound(**base, text=caption, file=file)
    if text is None:
        return None
    command = parse_command(text, bot_username)
    if command is not None:
        return Inbound(**base, text=text, command=command[0], args=command[1])
    return Inbound(**base, text=text)
