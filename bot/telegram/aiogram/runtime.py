"""The aiogram 3 runtime: updates in as inbound events, around the same core as every runtime.

Handlers are async and unfiltered: aiogram runs synchronous filters (magic `F` ones too) in
worker threads, which costs more than half its throughput. The router is built per runtime,
never at import, so each instance (and each test) has its own."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, Update, User
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.aiogram_client import AiogramClient
from bot.core import BotCore, CoreRuntime, message_event, other_kind, replies_to
from bot.settings import Settings
from conversations.inbound import FileRef, Inbound
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)
UPDATE_TYPES = ["message", "edited_message", "callback_query", "my_chat_member"]


def _person(user: User, chat_id: int, chat_type: str, update_id: int) -> dict[str, Any]:
    return {
        "update_id": str(update_id),
        "user_id": str(user.id),
        "chat_id": str(chat_id),
        "chat_type": str(chat_type),
        "display_name": user.full_name,
        "username": user.username,
        "language_code": user.language_code,
    }


def message_to_inbound(
    message: Message,
    update_id: int,
    bot_username: str | None,
    bot_id: int | None = None,
    *,
    edited: bool = False,
) -> Inbound | None:
    """A message (or an edit of one) as an inbound event; None if it is nothing we handle."""
    user = message.from_user
    if user is None or user.is_bot:
        return None
    base = _person(user, message.chat.id, message.chat.type, update_id)
    file = None
    if message.document is not None:
        d = message.document
        file = FileRef(d.file_id, d.file_name, d.mime_type, d.file_size)
    elif message.photo:
        p = message.photo[-1]
        file = FileRef(p.file_id, f"photo_{message.message_id}.jpg", "image/jpeg", p.file_size)
    return message_event(
        base,
        message.text,
        message.caption,
        file,
        bot_username,
        other=other_kind(message),
        reply_to_bot=replies_to(message, bot_id),
        edited=edited,
    )


def press_to_inbound(query: CallbackQuery, update_id: int) -> Inbound | None:
    """A button press as an inbound event."""
    if query.from_user.is_bot or query.message is None:
        return None
    chat = query.message.chat
    base = _person(query.from_user, chat.id, chat.type, update_id)
    return Inbound(
        **base, callback_data=query.data or "", message_id=str(query.message.message_id)
    )


class AiogramRuntime(CoreRuntime):
    """The bot on aiogram 3: polling or webhook (aiohttp) around the shared core."""

    def __init__(
        self,
        settings: Settings,
        uow_factory: UnitOfWorkFactory,
    ) -> None:
        self.settings = settings
        self.uow_factory = uow_factory
        self.bot: Bot | None = None
        self.core: BotCore | None = None
        self._dp: Dispatcher | None = None
        self._polling: asyncio.Task[None] | None = None
        self._web: web.AppRunner | None = None
        self._username: str | None = None
        self._bot_id: int | None = None

    def build_router(self) -> Router:
        """The router with this runtime's handlers (a new one per runtime)."""
        router = Router(name="zhaoshang")

        @router.message()
        async def on_message(message: Message, event_update: Update) -> None:
            event = message_to_inbound(
                message, event_update.update_id, self._username, self._bot_id
            )
            if event is not None and self.core is not None:
                await self.core.handle(event, None)

        @router.edited_message()
        async def on_edit(message: Message, event_update: Update) -> None:
            event = message_to_inbound(
                message, event_update.update_id, self._username, self._bot_id, edited=True
            )
            if event is not None and self.core is not None:
                await self.core.handle(event, None)

        @router.callback_query()
        async def on_press(query: CallbackQuery, event_update: Update) -> None:
            event = press_to_inbound(query, event_update.update_id)
            if event is not None and self.core is not None:
                await self.core.handle(event, query.id)

        @router.my_chat_member()
        async def on_member(update: ChatMemberUpdated) -> None:
            if update.chat.type == "private" and self.core is not None:
                await self.core.account_blocked(
                    "telegram", str(update.from_user.id), update.new_chat_member.status == "kicked"
                )

        return router

    async def start(self) -> None:
        """Connect to the Bot API, then take updates and compete to send."""
        s = self.settings
        assert s.bot_token is not None
        session = AiohttpSession(api=TelegramAPIServer.from_base(s.api_base_url.rstrip("/")))
        bot = Bot(s.bot_token.get_secret_value(), session=session)
        self.bot = bot
        try:
            me = await bot.get_me()  # fails here when the token or the API is wrong
        except BaseException:
            await session.close()
            raise
        self._username, self._bot_id = me.username, me.id
        self.core = BotCore(s, self.uow_factory, AiogramClient(bot), me.username or "")
        await self.core.start()
        dp = Dispatcher()
        dp.include_router(self.build_router())
        self._dp = dp
        if s.webhook_url:
            secret = s.webhook_secret.get_secret_value() if s.webhook_secret else None
            app = web.Application()
            SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret).register(
                app, path="/telegram"
            )
            setup_application(app, dp, bot=bot)
            self._web = web.AppRunner(app)
            await self._web.setup()
            await web.TCPSite(self._web, s.webhook_listen, s.webhook_port).start()
            await bot.set_webhook(s.webhook_url, secret_token=secret, allowed_updates=UPDATE_TYPES)
        else:
            self._polling = asyncio.create_task(
                dp.start_polling(
                    bot,
                    handle_signals=False,
                    close_bot_session=False,
                    polling_timeout=10,
                    allowed_updates=UPDATE_TYPES,
                )
            )

    async def stop(self) -> None:
        """Stop taking updates, let the sender finish its pass, disconnect."""
        if self._polling is not None and self._dp is not None:
            try:
                await self._dp.stop_polling()
            except RuntimeError:  # polling had not started yet
                self._polling.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
        if self._web is not None:
            await self._web.cleanup()
        if self.core is not None:
            await self.core.stop()
        if self.bot is not None:
            await self.bot.session.close()
