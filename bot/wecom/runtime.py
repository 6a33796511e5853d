"""The WeCom runtime: the shared core (bot/core.py) around the WeCom client, with the app's
callback URL as its transport.

Each callback is answered at once (bot/wecom/callback.py) and then handled here the way the
Telegram runtimes hand an update to the core: one inbound event, dispatched and replied to by
the same Responder, its retries recognised by the same processed-update record. The core's
outbox sender sends the rows of messenger "wecom".

A callback names the member by UserID only: before an event reaches the core, its
`display_name` is the member's name as 读取成员 (user/get) gives it, kept per UserID in this
process (`MemberNames`), as Telegram's updates carry the person's name. A lookup that fails or
is slow leaves the name empty (the handlers then use the UserID), and the event goes on."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Final

import httpx

from bot.core import BotCore, CoreRuntime
from bot.messenger import DeliveryError
from bot.settings import WECOM_REQUIRED, Settings
from bot.wecom.api import WeComApi
from bot.wecom.callback import CallbackServer
from bot.wecom.client import MORE_PREFIX, WeComClient
from bot.wecom.crypto import WeComCrypto
from bot.wecom.inbound import MESSENGER, Callback, subscribed, to_event
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

HTTP_TIMEOUT: Final = 10.0  # seconds of one API call
NAMES_KEPT: Final = 4096  # members whose names the process keeps (the least recent go first)
NAME_TTL: Final = 6 * 3600.0  # seconds a member's name is used before it is read again
NAME_FAILED_TTL: Final = 600.0  # seconds before a lookup that failed is tried again
NAME_WAIT: Final = 3.0  # seconds an event waits for its member's name

Clock = Callable[[], float]
Lookup = Callable[[str], Awaitable[str]]


class MemberNames:
    """Members' names by UserID, read with `lookup` (读取成员) and kept in this process: at
    most `size` of them, each for `ttl` seconds of `clock` (`failed_ttl` for a lookup that
    failed, which then counts as the empty name). One lookup at a time per member: the events
    that come while it runs wait for the same answer."""

    def __init__(
        self,
        lookup: Lookup,
        clock: Clock = time.monotonic,
        *,
        size: int = NAMES_KEPT,
        ttl: float = NAME_TTL,
        failed_ttl: float = NAME_FAILED_TTL,
        wait: float = NAME_WAIT,
    ) -> None:
        self.lookup = lookup
        self.clock = clock
        self.size = size
        self.ttl = ttl
        self.failed_ttl = failed_ttl
        self.wait = wait
        self._names: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._reading: dict[str, asyncio.Task[str]] = {}

    def __len__(self) -> int:
        return len(self._names)

    def cached(self, user_id: str) -> str | None:
        """The member's name if it is kept and fresh ("" for a recent failed lookup), else
        None."""
        key = user_id.lower()
        kept = self._names.get(key)
        if kept is None:
            return None
        name, until = kept
        if self.clock() >= until:
            del self._names[key]
            return None
        self._names.move_to_end(key)
        return name

    async def name_of(self, user_id: str) -> str:
        """The member's name, or "" when it cannot be had within `wait` seconds. Never raises
        for a failed lookup; a kept name is answered without suspending."""
        name = self.cached(user_id)
        if name is not None:
            return name
        key = user_id.lower()
        task = self._reading.get(key)
        if task is None:
            task = asyncio.create_task(self._read(key, user_id))
            self._reading[key] = task
            task.add_done_callback(lambda done: self._done(key, done))
        try:
            return await asyncio.wait_for(asyncio.shield(task), self.wait)
        except TimeoutError:
            log.info("WeCom member %s: no name within %.0f s, none used", user_id, self.wait)
            return ""

    async def close(self) -> None:
        """Stop the lookups under way."""
        tasks = list(self._reading.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _read(self, key: str, user_id: str) -> str:
        try:
            name = await self.lookup(user_id)
        except DeliveryError as exc:  # its text holds no token or secret
            log.info("WeCom member %s: name not read (%s)", user_id, exc)
            self._keep(key, "", self.failed_ttl)
            return ""
        except Exception as exc:
            log.info("WeCom member %s: name not read (%s)", user_id, type(exc).__name__)
            self._keep(key, "", self.failed_ttl)
            return ""
        self._keep(key, name, self.ttl)
        return name

    def _done(self, key: str, task: asyncio.Task[str]) -> None:
        if self._reading.get(key) is task:
            del self._reading[key]

    def _keep(self, key: str, name: str, ttl: float) -> None:
        self._names[key] = (name, self.clock() + ttl)
        self._names.move_to_end(key)
        while len(self._names) > self.size:
            self._names.popitem(last=False)


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
        self.names: MemberNames | None = None
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
            self.names = MemberNames(_name_reader(api), api.clock)
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
        if self.names is not None:
            await self.names.close()
        if self.core is not None:
            await self.core.stop()
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def take(self, callback: Callback) -> None:
        """One verified callback, handled: a member joining or leaving the app's visible range,
        a "更多" press (the card's other buttons; one this process cannot show is the core's
        stale button), or an event for the core."""
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
        client.pressed(inbound.user_id, event.task_id, event.response_code)
        data = inbound.callback_data
        more = data is not None and data.startswith(MORE_PREFIX)
        if more and await client.show_more(inbound.chat_id, data or "") is not None:
            return
        # A 更多 this process cannot show (a card shown before a restart, or someone else's)
        # goes on to the core, which refuses it as a stale button, says so, and audits it.
        if self.names is not None and not inbound.display_name:
            name = await self.names.name_of(inbound.user_id)
            if name:
                inbound = replace(inbound, display_name=name)
        # The press id of a WeCom press is the member: an alert goes to them as a message.
        await core.handle(inbound, inbound.user_id if data is not None else None)


def _name_reader(api: WeComApi) -> Lookup:
    """A member's name through 读取成员."""

    async def read(user_id: str) -> str:
        return (await api.get_member(user_id)).name

    return read
