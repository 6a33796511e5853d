"""The aiogram 3 runtime: updates in as inbound events, around the same core as every runtime.

Handlers are async and unfiltered: aiogram runs synchronous filters (magic `F` ones too) in
worker threads, which costs more than half its throughput. The router is built per runtime,
never at import, so each instance (and each test) has its own."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.telegram.aiogram.client import AiogramClient
from bot.telegram.inbound import message_to_inbound, press_to_inbound
from bot.telegram.runtime import WEBHOOK_PATH, TelegramRuntime

log = logging.getLogger(__name__)
UPDATE_TYPES = ["message", "edited_message", "callback_query", "my_chat_member"]


class AiogramRuntime(TelegramRuntime):
    """The bot on aiogram 3: polling or webhook (aiohttp) around the shared core."""

    bot: Bot | None = None
    _dp: Dispatcher | None = None
    _polling: asyncio.Task[None] | None = None
    _web: web.AppRunner | None = None
    _username: str | None = None
    _bot_id: int | None = None

    def build_router(self) -> Router:
        """The router with this runtime's handlers (a new one per runtime)."""
        router = Router(name="zhaoshang")

        @router.message()
        async def on_message(message: Message, event_update: Update) -> None:
            await self.handle(
                message_to_inbound(message, event_update.update_id, self._username, self._bot_id)
            )

        @router.edited_message()
        async def on_edit(message: Message, event_update: Update) -> None:
            await self.handle(
                message_to_inbound(
                    message, event_update.update_id, self._username, self._bot_id, edited=True
                )
            )

        @router.callback_query()
        async def on_press(query: CallbackQuery, event_update: Update) -> None:
            await self.handle(press_to_inbound(query, event_update.update_id), query.id)

        @router.my_chat_member()
        async def on_member(update: ChatMemberUpdated) -> None:
            await self.member_changed(update)

        return router

    async def start(self) -> None:
        """Connect to the Bot API, then take updates and compete to send."""
        s = self.settings
        session = AiohttpSession(api=TelegramAPIServer.from_base(self.api_url))
        bot = Bot(self.token, session=session)
        self.bot = bot
        try:
            me = await bot.get_me()  # fails here when the token or the API is wrong
        except BaseException:
            await session.close()
            raise
        self._username, self._bot_id = me.username, me.id
        await self.start_core(AiogramClient(bot), me.username or "")
        dp = Dispatcher()
        dp.include_router(self.build_router())
        self._dp = dp
        if s.webhook_url:
            secret = self.webhook_secret
            app = web.Application()
            SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret).register(
                app, path=f"/{WEBHOOK_PATH}"
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
