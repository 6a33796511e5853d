"""What the two Telegram runtimes share: their settings, the core they start around a client,
and the way an update's event reaches it. A library's runtime adds its transport."""

from __future__ import annotations

from typing import Any, Final

from bot.core import BotCore, CoreRuntime, DefaultMenuClient
from bot.settings import Settings
from conversations.inbound import Inbound
from storage.uow import UnitOfWorkFactory

MESSENGER: Final = "telegram"
WEBHOOK_PATH: Final = "telegram"  # the webhook's URL path on the listening address


class TelegramRuntime(CoreRuntime):
    """A bot on one Telegram library: polling, or a webhook when one is set."""

    def __init__(self, settings: Settings, uow_factory: UnitOfWorkFactory) -> None:
        self.settings = settings
        self.uow_factory = uow_factory
        self.core: BotCore | None = None

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
        self.core = BotCore(self.settings, self.uow_factory, client, bot_username)
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
