"""The python-telegram-bot runtime: updates in as inbound events, around the shared core.

Only PTB's `Bot`, its HTTP client and its `Update` type are used: the updates come through the
shared poller or webhook (bot/telegram/polling.py, webhook.py), which confirm an update only
once it was handled. PTB's `Application` and `Updater` confirm an update before handling it,
and their queues and handler groups cost about half the bot's throughput (issue 13)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from telegram import Bot, Update
from telegram.request import HTTPXRequest

from bot.telegram.inbound import message_to_inbound, press_to_inbound
from bot.telegram.polling import Poller, RawUpdate
from bot.telegram.ptb.client import PtbClient
from bot.telegram.runtime import UPDATE_TYPES, TelegramRuntime
from conversations.inbound import Inbound

READ_TIMEOUT: Final = 5.0  # seconds, on top of a long poll's own timeout
# PTB's default pool of 256 grows to one connection per chat under load, and httpcore walks
# every connection of the pool on each request and each response (issue 13's profile: a third
# of a step). A few kept-alive connections carry the same calls.
POOL_SIZE: Final = 8
POOL_TIMEOUT: Final = 30.0  # seconds a call may wait for a free connection


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

    bot: Bot | None = None

    async def start(self) -> None:
        """Connect to the Bot API, then take updates and compete to send."""
        bot = Bot(
            self.token,
            base_url=f"{self.api_url}/bot",
            base_file_url=f"{self.api_url}/file/bot",
            request=HTTPXRequest(connection_pool_size=POOL_SIZE, pool_timeout=POOL_TIMEOUT),
        )
        await bot.initialize()  # getMe: fails here when the token or the API is wrong
        self.bot = bot
        await self.start_core(PtbClient(bot), bot.username)
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
            await self.bot.shutdown()

    async def _fetch(self, offset: int, timeout: float) -> Sequence[RawUpdate]:
        assert self.bot is not None
        # The updates as JSON: most of a batch is updates already in flight, which the poller
        # skips by id, so only the new ones are worth turning into PTB's objects.
        # `Bot.get_updates` parses them all, and `do_api_request` warns for a method Bot has.
        result = await self.bot._post(
            "getUpdates",
            {
                "offset": offset,
                "timeout": round(timeout),
                "allowed_updates": UPDATE_TYPES,
            },
            read_timeout=READ_TIMEOUT + timeout,
        )
        return result if isinstance(result, list) else []

    async def take(self, raw: RawUpdate) -> None:
        """The update path: one update, handled (raises StorageUnavailable if it could not be)."""
        bot = self.bot
        assert bot is not None and self.core is not None
        update = Update.de_json(dict(raw), bot)
        if update.my_chat_member is not None:
            await self.member_changed(update.my_chat_member)
            return
        converted = to_inbound(update, bot.username, bot.id)
        if converted is not None:
            await self.handle(*converted)
