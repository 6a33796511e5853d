"""The python-telegram-bot runtime: updates in as inbound events, replies out, the sender."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.core import BotCore, CoreRuntime, message_event, other_kind, replies_to
from bot.ptb_client import PtbClient
from bot.settings import Settings
from conversations.inbound import FileRef, Inbound
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


def to_inbound(
    update: Update, bot_username: str | None, bot_id: int | None = None
) -> tuple[Inbound, str | None] | None:
    """An update as an inbound event and the press id to answer; None if not for us."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    base: dict[str, Any] = {
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
    message = update.message or update.edited_message
    if message is None:
        return None
    file = None
    if message.document is not None:
        d = message.document
        file = FileRef(d.file_id, d.file_name, d.mime_type, d.file_size)
    elif message.photo:
        p = message.photo[-1]
        file = FileRef(p.file_id, f"photo_{message.message_id}.jpg", "image/jpeg", p.file_size)
    event = message_event(
        base,
        message.text,
        message.caption,
        file,
        bot_username,
        other=other_kind(message),
        reply_to_bot=replies_to(message, bot_id),
        edited=update.edited_message is not None,
    )
    return (event, None) if event is not None else None


class PtbRuntime(CoreRuntime):
    """The bot on python-telegram-bot: polling or webhook around the shared core."""

    def __init__(
        self,
        settings: Settings,
        uow_factory: UnitOfWorkFactory,
    ) -> None:
        self.settings = settings
        self.uow_factory = uow_factory
        self.app: Application | None = None  # type: ignore[type-arg]
        self.core: BotCore | None = None

    async def start(self) -> None:
        """Connect to the Bot API, then take updates and compete to send."""
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
        self.core = BotCore(s, self.uow_factory, PtbClient(app.bot), app.bot.username)
        await self.core.start()
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
        member = update.my_chat_member
        if member is not None and member.chat.type == "private":
            await self.core.account_blocked(
                "telegram", str(member.from_user.id), member.new_chat_member.status == "kicked"
            )
            return
        bot = self.app.bot if self.app else None
        converted = to_inbound(update, bot.username if bot else None, bot.id if bot else None)
        if converted is not None:
            await self.core.handle(*converted)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("update %s failed", update, exc_info=context.error)
