"""The python-telegram-bot runtime: updates in as inbound events, around the shared core."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.telegram.inbound import message_to_inbound, press_to_inbound
from bot.telegram.ptb.client import PtbClient
from bot.telegram.runtime import WEBHOOK_PATH, TelegramRuntime
from conversations.inbound import Inbound

log = logging.getLogger(__name__)


def to_inbound(
    update: Update, bot_username: str | None, bot_id: int | None = None
) -> tuple[Inbound, str | None] | None:
    """An update as an inbound event and the press id to answer; None if not for us."""
    query = update.callback_query
    if query is not None:
        press = press_to_inbound(query, update.update_id)
        return (press, query.id) if press is not None else None
    message = update.message or update.edited_message
    if message is None:
        return None
    event = message_to_inbound(
        message, update.update_id, bot_username, bot_id, edited=update.edited_message is not None
    )
    return (event, None) if event is not None else None


class PtbRuntime(TelegramRuntime):
    """The bot on python-telegram-bot: polling or webhook around the shared core."""

    app: Application | None = None  # type: ignore[type-arg]

    async def start(self) -> None:
        """Connect to the Bot API, then take updates and compete to send."""
        s = self.settings
        app = (
            ApplicationBuilder()
            .token(self.token)
            .base_url(f"{self.api_url}/bot")
            .base_file_url(f"{self.api_url}/file/bot")
            .concurrent_updates(64)
            .build()
        )
        app.add_handler(TypeHandler(Update, self._on_update))
        app.add_error_handler(self._on_error)
        await app.initialize()  # getMe: fails here when the token or the API is wrong
        self.app = app
        await self.start_core(PtbClient(app.bot), app.bot.username)
        assert app.updater is not None
        if s.webhook_url:
            await app.updater.start_webhook(
                listen=s.webhook_listen,
                port=s.webhook_port,
                url_path=WEBHOOK_PATH,
                webhook_url=s.webhook_url,
                secret_token=self.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            await app.updater.start_polling(
                poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES
            )
        await app.start()

    async def stop(self) -> None:
        """Stop taking updates, let the sender finish its pass, disconnect."""
        if self.core is not None:
            await self.core.stop()
        if self.app is not None:
            if self.app.updater is not None and self.app.updater.running:
                await self.app.updater.stop()
            if self.app.running:
                await self.app.stop()
            await self.app.shutdown()

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert self.core is not None
        if update.my_chat_member is not None:
            await self.member_changed(update.my_chat_member)
            return
        bot = self.app.bot if self.app else None
        converted = to_inbound(update, bot.username if bot else None, bot.id if bot else None)
        if converted is not None:
            await self.handle(*converted)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("update %s failed", update, exc_info=context.error)
