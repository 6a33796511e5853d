"""WeComSandbox: a local stand-in for WeCom's server API and its members, on 127.0.0.1."""

# Over 300 lines: the WeCom sandbox's whole public API in one place, one-line delegations.

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType

from aiohttp import web

from sandbox.wecom.api import ServerApi
from sandbox.wecom.core import AppConfig, Core
from sandbox.wecom.crypto import WXBizMsgCrypt
from sandbox.wecom.errors import WeComSandboxError
from sandbox.wecom.faults import ErrcodeRule
from sandbox.wecom.state import (
    TOKEN_LIFETIME,
    CallRecord,
    CardUpdate,
    CardView,
    Delivery,
    Media,
    Member,
    SentMessage,
    TranscriptEntry,
    WeComState,
)
from sandbox.wecom.transcript import render
from sandbox.wecom.users import UserSide

LOCALHOST = "127.0.0.1"
MessagePredicate = Callable[[SentMessage], bool]


class WeComSandbox:
    """WeCom's /cgi-bin/ API for one self-built app, and the members who use the app."""

    def __init__(
        self,
        config: AppConfig | None = None,
        *,
        expires_in: int = TOKEN_LIFETIME,
        enforce_limits: bool = False,
    ) -> None:
        self._core = Core(
            config or AppConfig(), expires_in=expires_in, enforce_limits=enforce_limits
        )
        self._api = ServerApi(self._core)
        self._people = UserSide(self._core)
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    # The server: settings, lifecycle, clock, tokens and faults.

    @property
    def config(self) -> AppConfig:
        """Return the app's corp id, secret, agent id, callback token and EncodingAESKey."""
        return self._core.config

    @property
    def crypto(self) -> WXBizMsgCrypt:
        """Return the app's callback crypto (what the bot must use to open callbacks)."""
        return self._core.crypto

    @property
    def url(self) -> str:
        """Return the API base URL, e.g. "http://127.0.0.1:40123" (paths under /cgi-bin/)."""
        if self._url is None:
            raise WeComSandboxError("the sandbox is not running; call start() first")
        return self._url

    @property
    def state(self) -> WeComState:
        """Return everything the sandbox knows now (reset() replaces it)."""
        return self._core.state

    @property
    def callback_url(self) -> str | None:
        """Return the bot's callback URL that members' actions are posted to."""
        return self._people.callback_url

    @callback_url.setter
    def callback_url(self, url: str | None) -> None:
        self._people.callback_url = url

    @property
    def callback_timeout(self) -> float:
        """Return the seconds WeCom waits for the bot's answer before posting again."""
        return self._people.timeout

    @callback_timeout.setter
    def callback_timeout(self, seconds: float) -> None:
        self._people.timeout = seconds

    @property
    def callback_retries(self) -> int:
        """Return how many times an unanswered callback is posted again (WeCom: 3)."""
        return self._people.retries

    @callback_retries.setter
    def callback_retries(self, retries: int) -> None:
        self._people.retries = retries

    @property
    def enforce_limits(self) -> bool:
        """Return True when messages over 30 a minute (1000 an hour) per member are dropped."""
        return self._core.enforce_limits

    @enforce_limits.setter
    def enforce_limits(self, enforce: bool) -> None:
        self._core.enforce_limits = enforce

    def build_app(self) -> web.Application:
        """Return the aiohttp application with the /cgi-bin/ routes."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        self._api.add_routes(app)
        return app

    async def start(self, host: str = LOCALHOST, port: int = 0) -> str:
        """Start listening (port 0 picks a free port) and return the URL."""
        if host != LOCALHOST:
            raise ValueError("the sandbox only binds to 127.0.0.1")
        runner = web.AppRunner(
            self.build_app(), access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        self._url = f"http://{host}:{runner.addresses[0][1]}"
        return self._url

    async def stop(self) -> None:
        """Close the callback session and the server."""
        await self._people.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._url = None

    async def __aenter__(self) -> WeComSandbox:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def reset(self) -> None:
        """Forget members, tokens, media, messages, cards, menus and faults; keep the app."""
        self._core.reset()

    def advance(self, seconds: float) -> None:
        """Move the sandbox's clock forward (tokens, response codes and media expire)."""
        self._core.clock.advance(seconds)

    def now(self) -> float:
        """Return the sandbox's time in seconds since the epoch."""
        return self._core.now()

    def expire_tokens(self) -> None:
        """Expire every access_token now: later calls get 42001 until gettoken again."""
        self._core.expire_tokens()

    def inject_errcode(
        self,
        errcode: int,
        *,
        api: str | None = None,
        userid: str | None = None,
        times: int | None = 1,
    ) -> ErrcodeRule:
        """Answer an errcode (45009, 45033, -1, 40014, 42001, 60011, 81013, 40001, 48002,
        60111) to calls of `api` (all when None) for `userid` (touser, or user/get's userid)."""
        return self._core.faults.add(ErrcodeRule(errcode, api, userid, times))

    def clear_faults(self) -> None:
        """Remove every injected errcode."""
        self._core.faults.clear()

    # Members and what they do.

    def add_user(self, userid: str, name: str = "", *, visible: bool = True) -> Member:
        """Add a member (UserID compared without case) with their name (读取成员's `name`, the
        UserID when none is given); visible means in the app's range."""
        member = Member(userid, name or userid, visible)
        self._core.state.members[userid.lower()] = member
        return member

    def set_visible(self, userid: str, visible: bool) -> None:
        """Put a member inside or outside the app's visible range (可见范围)."""
        member = self._core.state.member(userid)
        if member is None:
            raise WeComSandboxError(f"{userid} is not a member")
        member.visible = visible

    async def send_text(self, userid: str, text: str) -> Delivery:
        """Write a text to the app (a text message callback)."""
        return await self._people.send_text(userid, text)

    async def send_image(
        self, userid: str, content: bytes, filename: str = "photo.png"
    ) -> Delivery:
        """Send a picture to the app: stored as media (media/get serves it), then posted."""
        return await self._people.send_image(userid, content, filename)

    async def send_file(
        self,
        userid: str,
        filename: str,
        content: bytes,
        content_type: str = "application/octet-stream",
    ) -> Delivery:
        """Send a file to the app: stored as media (media/get serves it), then posted as a
        file message with its MediaId and FileName."""
        return await self._people.send_file(userid, filename, content, content_type)

    async def press(self, userid: str, task_id: str, key: str) -> Delivery:
        """Press a button of a card the member received (a template_card_event)."""
        return await self._people.press(userid, task_id, key)

    async def press_twice(
        self, userid: str, task_id: str, key: str, gap: float = 1.0
    ) -> tuple[Delivery, Delivery]:
        """Press a button twice, `gap` seconds apart, before the app's answer changes the card
        (a double tap): two distinct template_card_events, each with its own ResponseCode."""
        return await self._people.press_twice(userid, task_id, key, gap)

    async def enter(self, userid: str) -> Delivery:
        """Open the app (an enter_agent event, the first contact)."""
        return await self._people.enter(userid)

    async def click(self, userid: str, key: str) -> Delivery:
        """Tap a menu item of the app's menu (a click event with its key)."""
        return await self._people.click(userid, key)

    async def verify_url(self) -> Delivery:
        """Check the callback URL as WeCom does when it is saved: GET with an echostr."""
        return await self._people.verify_url()

    async def deliver(
        self,
        plain: str,
        *,
        userid: str | None = None,
        kind: str = "raw",
        msg_signature: str | None = None,
    ) -> Delivery:
        """Encrypt, sign and post any callback XML (msg_signature overrides, for forgeries)."""
        return await self._people.deliver(
            plain, userid=userid, kind=kind, msg_signature=msg_signature
        )

    async def replay(self, delivery: Delivery) -> Delivery:
        """Post the same callback again, unchanged (WeCom's retry of a slow answer)."""
        return await self._people.replay(delivery)

    # What tests look at.

    def calls(self, api: str | None = None) -> list[CallRecord]:
        """Return the API calls the bot made, optionally of one API ("message/send")."""
        return [c for c in self._core.state.calls if api is None or c.api == api]

    def messages(self, userid: str | None = None) -> list[SentMessage]:
        """Return the messages delivered (dropped ones too), optionally to one member."""
        return [
            m
            for m in self._core.state.messages
            if userid is None or m.userid.lower() == userid.lower()
        ]

    def last_message(self, userid: str) -> SentMessage:
        """Return the last message a member received."""
        received = [m for m in self.messages(userid) if not m.dropped]
        if not received:
            raise WeComSandboxError(f"{userid} has received nothing")
        return received[-1]

    def card(self, userid: str, task_id: str) -> CardView:
        """Return a card as a member sees it now (after any update)."""
        view = self._core.state.cards.get((userid.lower(), task_id))
        if view is None:
            raise WeComSandboxError(f"{userid} has no card {task_id!r}")
        return view

    def updates(self) -> list[CardUpdate]:
        """Return every update_template_card applied, in order."""
        return list(self._core.state.updates)

    def menu(self) -> dict[str, object] | None:
        """Return the app's menu as created, or None."""
        return self._core.state.menus.get(self._core.config.agent_id)

    def media(self, media_id: str) -> Media:
        """Return an uploaded media file."""
        try:
            return self._core.state.media[media_id]
        except KeyError:
            raise WeComSandboxError(f"no media {media_id!r}") from None

    def deliveries(self) -> list[Delivery]:
        """Return every callback posted to the bot, with its attempts."""
        return list(self._core.state.deliveries)

    def transcript(self, userid: str) -> list[TranscriptEntry]:
        """Return what a member saw and did, in order."""
        return list(self._core.state.transcripts.get(userid.lower(), []))

    def render_transcript(self, userid: str) -> str:
        """Return a member's transcript as text, one line an entry."""
        return render(self.transcript(userid))

    async def wait_for_message(
        self, userid: str, predicate: MessagePredicate | None = None, timeout: float = 5.0
    ) -> SentMessage:
        """Wait until a member receives a message matching predicate, and return it."""
        seen = 0
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            received = [m for m in self.messages(userid) if not m.dropped]
            for message in received[seen:]:
                if predicate is None or predicate(message):
                    return message
            seen = len(received)
            if asyncio.get_running_loop().time() >= deadline:
                raise TimeoutError(f"{userid} received no matching message in {timeout}s")
            await asyncio.sleep(0.01)
