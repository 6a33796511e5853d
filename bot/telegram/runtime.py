"""What the two Telegram runtimes share: their settings, the core they start around a client,
the way an update's event reaches it, and the transports (the poller, the webhook) that
confirm an update only once it was handled. A library's runtime adds its Bot and its types."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Final

from bot.core import BotCore, CoreRuntime, DefaultMenuClient
from bot.settings import Settings
from bot.stopping import finish_or_cancel
from conversations.inbound import Inbound
from storage.uow import UnitOfWorkFactory

if TYPE_CHECKING:
    from bot.telegram.polling import Poller, RawUpdate
    from bot.telegram.webhook import WebhookServer

MESSENGER: Final = "telegram"
WEBHOOK_PATH: Final = "telegram"  # the webhook's URL path on the listening address
UPDATE_TYPES: Final = ["message", "edited_message", "callback_query", "my_chat_member"]


class TelegramRuntime(CoreRuntime, ABC):
    """A bot on one Telegram library: polling, or a webhook when one is set."""

    def __init__(
        self, settings: Settings, uow_factory: UnitOfWorkFactory, *, leads: bool = True
    ) -> None:
        self.settings = settings
        self.uow_factory = uow_factory
        self.leads = leads  # False beside WeCom in one process: bot/both.py leads for both
        self.core: BotCore | None = None
        self.poller: Poller | None = None
        self._polling: asyncio.Task[None] | None = None
        self._stop_polling = asyncio.Event()
        self._webhook: WebhookServer | None = None

    @abstractmethod
    async def start(self) -> None:
        """Connect to the Bot API, then take updates (and compete to send, when it leads)."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop taking updates, stop the core, disconnect."""

    @abstractmethod
    async def take(self, raw: RawUpdate) -> None:
        """The update path: one update as the Bot API sent it, handled; raises
        StorageUnavailable, having replied nothing, when the database cannot be reached."""

    async def serve_webhook(self) -> None:
        """Listen for Telegram's POSTs on the webhook address."""
        from bot.telegram.webhook import WebhookServer  # aiohttp, only in webhook mode

        self._webhook = WebhookServer(self.take, self.webhook_secret, WEBHOOK_PATH)
        await self._webhook.start(self.settings.webhook_listen, self.settings.webhook_port)

    def start_polling(self, poller: Poller) -> None:
        """Take updates by long polling, in the background."""
        self.poller = poller
        self._polling = asyncio.create_task(poller.run(self._stop_polling))

    async def stop_updates(self) -> None:
        """Stop taking updates; those under way are finished (or left to the next process)."""
        if self._polling is not None:
            self._stop_polling.set()
            await finish_or_cancel(self._polling, "taking updates")
            self._polling = None
        if self._webhook is not None:
            await self._webhook.stop()
            self._webhook = None

    @property
    def token(self) -> str:
        """The bot token (the CLI refuses to start without one)."""
        assert self.settings.bot_token is not None
        return self.settings.bot_token.get_secret_value()

    @property
    def api_url(self) -> str:
        """The Bot API's base URL, without a trailing slash."""
        return self.settings.api_base_url.rstrip("/")

    @property
    def webhook_secret(self) -> str | None:
        """The secret Telegram sends with each webhook call, when one is set."""
        secret = self.settings.webhook_secret
        return secret.get_secret_value() if secret else None

    async def start_core(self, client: DefaultMenuClient, bot_username: str) -> BotCore:
        """Build the core around the connected client and start it."""
        self.core = BotCore(
            self.settings, self.uow_factory, client, bot_username, leads=self.leads
        )
        await self.core.start()
        return self.core

    async def handle(self, event: Inbound | None, press_id: str | None = None) -> None:
        """Handle an update's event (None: the update was nothing for us)."""
        if event is not None and self.core is not None:
            await self.core.handle(event, press_id)

    async def member_changed(self, member: Any) -> None:
        """A `my_chat_member` update (either library's): in a private chat, the person
        blocked the bot (kicked) or unblocked it."""
        if member.chat.type == "private" and self.core is not None:
            await self.core.account_blocked(
                MESSENGER, str(member.from_user.id), member.new_chat_member.status == "kicked"
            )
