"""The WeCom runtime: the shared core (bot/core.py) around the WeCom client, with the app's
callback URL as its transport.

Each callback is answered at once (bot/wecom/callback.py) and then handled here the way the
Telegram runtimes hand an update to the core: one inbound event, dispatched and replied to by
the same Responder, its retries recognised by the same processed-update record. The core's
outbox sender sends the rows of messenger "wecom"."""

from __future__ import annotations

import logging
from typing import Final

import httpx

from bot.core import BotCore, CoreRuntime
from bot.settings import WECOM_REQUIRED, Settings
from bot.wecom.api import WeComApi
from bot.wecom.callback import CallbackServer
from bot.wecom.client import MORE_PREFIX, WeComClient
from bot.wecom.crypto import WeComCrypto
from bot.wecom.inbound import MESSENGER, Callback, subscribed, to_event
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

HTTP_TIMEOUT: Final = 10.0  # seconds of one API call


def missing_settings(settings: Settings) -> list[str]:
    """The WeCom settings not set, by their environment names."""
    return [f"ZHAOSHANG_{n.upper()}" for n in WECOM_REQUIRED if getattr(settings, n) in (None, "")]


def settings_problem(settings: Settings) -> str | None:
    """What keeps the WeCom runtime from starting with these settings, in one line."""
    missing = missing_settings(settings)
    return f"{missing[0]} is not set (needed by the WeCom runtime)" if missing else None


class WeComRuntime(CoreRuntime):
    """The bot as a WeCom self-built app: callbacks in on web_listen:`port`/wecom, the API
    out. `port` defaults to settings.wecom_port. Beside Telegram in one process (bot/both.py)
    it does not lead itself, and its texts name the Telegram bot (`bot_username`)."""

    def __init__(
        self,
        settings: Settings,
        uow_factory: UnitOfWorkFactory,
        *,
        port: int | None = None,
        leads: bool = True,
        bot_username: str = "",
    ) -> None:
        problem = settings_problem(settings)
        if problem:
            raise ValueError(problem)
        self.settings = settings
        self.uow_factory = uow_factory
        self.port = port if port is not None else settings.wecom_port
        self.leads = leads
        self.bot_username = bot_username
        self.core: BotCore | None = None
        self.client: WeComClient | None = None
        self.server: CallbackServer | None = None
        self._http: httpx.AsyncClient | None = None

    def _crypto(self) -> WeComCrypto:
        s = self.settings
        assert s.wecom_token and s.wecom_aes_key and s.wecom_corp_id
        return WeComCrypto(
            s.wecom_token.get_secret_value(), s.wecom_aes_key.get_secret_value(), s.wecom_corp_id
        )

    async def start(self) -> None:
        """Check the settings against WeCom (gettoken), start the core, listen for callbacks.
        ValueError for a malformed EncodingAESKey; DeliveryError when WeCom refuses."""
        s = self.settings
        assert s.wecom_corp_id and s.wecom_secret and s.wecom_agent_id is not None
        try:
            crypto = self._crypto()
        except Exception as exc:  # WeComCryptoError("bad_key"): its text holds no key
            raise ValueError(
                f"ZHAOSHANG_WECOM_AES_KEY is not a valid EncodingAESKey: {exc}"
            ) from None
        self._http = httpx.AsyncClient(timeout=HTTP_TIMEOUT)
        api = WeComApi(
            s.wecom_api_base_url,
            s.wecom_corp_id,
            s.wecom_secret.get_secret_value(),
            s.wecom_agent_id,
            self._http,
        )
        try:
            await api.token()  # fails here when the corp id, the secret or the API is wrong
            self.client = WeComClient(api)
            self.core = BotCore(
                s,
                self.uow_factory,
                self.client,
                self.bot_username,
                messenger=MESSENGER,
                leads=self.leads,
            )
            await self.core.start()
            self.server = CallbackServer(crypto, self.take, agent_id=s.wecom_agent_id)
            await self.server.start(s.web_listen, self.port)
        except BaseException:
            await self.stop()
            raise
        log.info("WeCom callbacks on %s:%d/wecom", s.web_listen, self.port)

    async def stop(self) -> None:
        """Stop taking callbacks (those under way are finished), stop the core, disconnect."""
        if self.server is not None:
            await self.server.stop()
            self.server = None
        if self.core is not None:
            await self.core.stop()
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def take(self, callback: Callback) -> None:
        """One verified callback, handled: a member joining or leaving the app's visible range,
        a "更多" press (the card's other buttons), or an event for the core."""
        core, client = self.core, self.client
        if core is None or client is None:
            return
        joined = subscribed(callback)
        if joined is not None:
            await core.account_blocked(MESSENGER, callback.user_id, not joined)
            return
        event = to_event(callback)
        if event is None:
            return
        inbound = event.inbound
        client.pressed(event.task_id, event.response_code)
        data = inbound.callback_data
        if data is not None and data.startswith(MORE_PREFIX):
            await client.show_more(inbound.chat_id, data)
            return
        # The press id of a WeCom press is the member: an alert goes to them as a message.
        await core.handle(inbound, inbound.user_id if data is not None else None)
