"""The python-telegram-bot runtime: updates in as inbound events, replies out, the sender."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.bootstrap import build_services
from bot.leader import Leadership
from bot.leading import LeaderWork
from bot.ptb_client import PtbClient
from bot.ratelimit import RateLimiter
from bot.respond import Responder
from bot.sender import OutboxSender
from bot.settings import Settings
from handlers.app import build_dispatcher
from handlers.dispatch import Dispatcher
from handlers.events import FileRef, Inbound, parse_command
from handlers.undeliverable import report_undeliverable
from storage.types import utcnow
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)
LEADER_RETRY_SECONDS = 2.0  # how soon a standby takes over from a dead leader


def to_inbound(update: Update, bot_username: str | None) -> tuple[Inbound, str | None] | None:
    """An update as an inbound event and the press id to answer; None if not for us."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    base = {
        "update_id": str(update.update_id),
        "user_id": str(user.id),
        "chat_id": str(chat.id),
        "chat_type": chat.type,
        "display_name": user.full_name,
        "username": user.username,
        "language_code": user.language_code,
    }
    query = update.callback_query
    if query is not None:
        message_id = str(query.message.message_id) if query.message else None
        return Inbound(**base, callback_data=query.data or "", message_id=message_id), query.id
    message = update.message
    if message is None:
        return None
    if message.document is not None:
        d = message.document
        return Inbound(
            **base,
            text=message.caption,
            file=FileRef(d.file_id, d.file_name, d.mime_type, d.file_size),
        ), None
    if message.photo:
        p = message.photo[-1]
        return Inbound(
            **base,
            text=message.caption,
            file=FileRef(p.file_id, f"photo_{message.message_id}.jpg", "image/jpeg", p.file_size),
        ), None
    if message.text is None:
        return None
    command = parse_command(message.text, bot_username)
    if command is not None:
        return Inbound(**base, text=message.text, command=command[0], args=command[1]), None
    return Inbound(**base, text=message.text), None


class PtbRuntime:
    """The bot on python-telegram-bot: polling or webhook, plus the outbox sender."""

    def __init__(
        self,
        settings: Settings,
        uow_factory: UnitOfWorkFactory,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.uow_factory = uow_factory
        self.clock = clock
        self.app: Application | None = None  # type: ignore[type-arg]
        self.dispatcher: Dispatcher | None = None
        self.responder: Responder | None = None
        self.sender: OutboxSender | None = None
        self._stop = asyncio.Event()
        self._leader_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Connect to the Bot API, then take updates and drain the outbox."""
        s = self.settings
        assert s.bot_token is not None
        api = s.api_base_url.rstrip("/")
        app = (
            ApplicationBuilder()
            .token(s.bot_token.get_secret_value())
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .concurrent_updates(64)
            .build()
        )
        app.add_handler(TypeHandler(Update, self._on_update))
        app.add_error_handler(self._on_error)
        await app.initialize()  # getMe: fails here when the token or the API is wrong
        self.app = app
        services = build_services(s, self.uow_factory, app.bot.username, self.clock)
        self.dispatcher = build_dispatcher(services)
        client = PtbClient(app.bot)
        self.responder = Responder(client, self.dispatcher, self.uow_factory, services.renderer)
        self.sender = OutboxSender(
            client,
            self.uow_factory,
            RateLimiter(),
            on_failure=lambda uow, rows: report_undeliverable(services, uow, rows),
        )
        await client.set_default_commands(self._default_menu(services.renderer))
        work = LeaderWork(services, self.sender, s.database_url, s.timezone, s.sweep_seconds)
        work.register_jobs()
        leadership = Leadership(s.database_url, retry_seconds=LEADER_RETRY_SECONDS)
        self._leader_task = asyncio.create_task(
            leadership.acquire_loop(work.elected, work.lost, self._stop)
        )
        assert app.updater is not None
        if s.webhook_url:
            secret = s.webhook_secret.get_secret_value() if s.webhook_secret else None
            await app.updater.start_webhook(
                listen=s.webhook_listen,
                port=s.webhook_port,
                url_path="telegram",
                webhook_url=s.webhook_url,
                secret_token=secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            await app.updater.start_polling(
                poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES
            )
        await app.start()

    async def stop(self) -> None:
        """Stop taking updates, let the sender finish its pass, disconnect."""
        self._stop.set()
        if self._leader_task is not None:
            await self._leader_task  # the leader's sender finishes its pass first
        if self.app is not None:
            if self.app.updater is not None and self.app.updater.running:
                await self.app.updater.stop()
            if self.app.running:
                await self.app.stop()
            await self.app.shutdown()

    def _default_menu(self, renderer) -> list[tuple[str, str]]:
        import html

        return [
            (
                c,
                html.unescape(
                    renderer.message(self.settings.default_locale, "commands#describe", command=c)
                ),
            )
            for c in ("start", "help")
        ]

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert self.responder is not None and self.dispatcher is not None
        member = update.my_chat_member
        if member is not None and member.chat.type == "private":
            blocked = member.new_chat_member.status == "kicked"
            await asyncio.to_thread(
                self.dispatcher.account_blocked, "telegram", str(member.from_user.id), blocked
            )
            return
        converted = to_inbound(update, self.app.bot.username if self.app else None)
        if converted is None:
            return
        event, press_id = converted
        await self.responder.handle(event, press_id)
        if self.sender is not None:
            self.sender.wake()

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("update %s failed", update, exc_info=context.error)
