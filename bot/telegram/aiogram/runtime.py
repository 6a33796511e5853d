"""The aiogram 3 runtime: updates in as inbound events, around the same core as every runtime.

Only aiogram's `Bot`, its session and its types are used: the updates come through the shared
poller or webhook (bot/telegram/polling.py, webhook.py), which confirm an update only once it
was handled. aiogram's own polling confirms an update before handling it, and its webhook
handler answers before handling by default; and its dispatcher's filters would run in worker
threads, which costs more than half its throughput."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Final

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods.base import TelegramMethod
from aiogram.types import Update

from bot.telegram.aiogram.client import AiogramClient
from bot.telegram.inbound import message_to_inbound, press_to_inbound
from bot.telegram.polling import Poller, RawUpdate
from bot.telegram.runtime import UPDATE_TYPES, TelegramRuntime

READ_TIMEOUT: Final = 5  # seconds, on top of a long poll's own timeout


class RawGetUpdates(TelegramMethod[list[dict[str, Any]]]):
    """getUpdates answering the updates as JSON: most of a batch is updates already in
    flight, which the poller skips by id, so only the new ones are worth turning into types."""

    __returning__: ClassVar[Any] = list[dict[str, Any]]
    __api_method__: ClassVar[str] = "getUpdates"

    offset: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


class AiogramRuntime(TelegramRuntime):
    """The bot on aiogram 3: polling or webhook around the shared core."""

    bot: Bot | None = None
    _username: str | None = None
    _bot_id: int | None = None

    async def start(self) -> None:
        """Connect to the Bot API, then take updates and compete to send."""
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
        s = self.settings
        if s.webhook_url:
            await self.serve_webhook()
            await bot.set_webhook(
                s.webhook_url, secret_token=self.webhook_secret, allowed_updates=UPDATE_TYPES
            )
        else:
            await bot.delete_webhook()
            self.start_polling(Poller(self._fetch, self.take))

    async def stop(self) -> None:
        """Stop taking updates (those under way are finished), stop the core, disconnect."""
        await self.stop_updates()
        if self.core is not None:
            await self.core.stop()
        if self.bot is not None:
            await self.bot.session.close()

    async def _fetch(self, offset: int, timeout: float) -> Sequence[RawUpdate]:
        assert self.bot is not None
        seconds = round(timeout)
        method = RawGetUpdates(offset=offset, timeout=seconds, allowed_updates=UPDATE_TYPES)
        return await self.bot(method, request_timeout=seconds + READ_TIMEOUT)

    async def take(self, raw: RawUpdate) -> None:
        """The update path: one update, handled (raises StorageUnavailable if it could not be)."""
        assert self.bot is not None
        update = Update.model_validate(raw, context={"bot": self.bot})
        uid, name, me = update.update_id, self._username, self._bot_id
        if update.message is not None:
            await self.handle(message_to_inbound(update.message, uid, name, me))
        elif update.edited_message is not None:
            await self.handle(
                message_to_inbound(update.edited_message, uid, name, me, edited=True)
            )
        elif update.callback_query is not None:
            query = update.callback_query
            await self.handle(press_to_inbound(query, uid), query.id)
        elif update.my_chat_member is not None:
            await self.member_changed(update.my_chat_member)
