"""SandboxServer: a local stand-in for the Telegram Bot API on 127.0.0.1."""

# Over 300 lines: the sandbox's whole public API in one place, each method a one-line delegation.

from __future__ import annotations

from types import TracebackType
from typing import Any

from aiohttp import web

from sandbox import bot_chats, bot_messages, bot_updates, control_actions, webapp
from sandbox.bot_api import BotApi
from sandbox.control import ControlApi
from sandbox.control_actions import Target
from sandbox.core import Core
from sandbox.errors import ApiError, SandboxError
from sandbox.limits import FaultRule, FaultSet, RateLimiter
from sandbox.observe import MessagePredicate, Observer
from sandbox.state import BotEvent, CallbackQueryRecord, CallRecord, SandboxState, WebhookConfig
from sandbox.transcript import TranscriptEntry
from sandbox.users import UserSide

LOCALHOST = "127.0.0.1"


class SandboxServer:
    """The Telegram Bot API and the people using it, in one local aiohttp server."""

    def __init__(self, token: str | None = None, *, enforce_limits: bool = False) -> None:
        self._core = Core(token, enforce_limits=enforce_limits)
        self._people = UserSide(self._core)
        self._observer = Observer(self._core)
        self._bot_api = BotApi(
            self._core, bot_chats.methods(), bot_messages.methods(), bot_updates.methods()
        )
        self._control = ControlApi(
            Target(self._core, self._people, self._observer), control_actions.actions()
        )
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    # The server itself: its URL, its lifecycle, the token, faults, limits and the webhook.

    @property
    def url(self) -> str:
        """Return the base URL, e.g. "http://127.0.0.1:40123"."""
        if self._url is None:
            raise SandboxError("the sandbox is not running; call start() first")
        return self._url

    @property
    def state(self) -> SandboxState:
        """Return everything the sandbox knows now (reset() replaces it)."""
        return self._core.state

    @property
    def token(self) -> str | None:
        """Return the only token accepted, or None when any well-formed token is."""
        return self._core.token

    @property
    def bot_id(self) -> int:
        """Return the bot's user id (the numeric prefix of its token)."""
        return self._core.state.bot_id

    @property
    def enforce_limits(self) -> bool:
        """Return True when the bot gets 429 for sending faster than Telegram allows."""
        return self._core.enforce_limits

    @enforce_limits.setter
    def enforce_limits(self, enforce: bool) -> None:
        self._core.enforce_limits = enforce

    @property
    def faults(self) -> FaultSet:
        """Return the active fault rules."""
        return self._core.faults

    @property
    def limiter(self) -> RateLimiter:
        """Return the flood limits' counters (renewed by reset())."""
        return self._core.limiter

    def check_token(self, token: str) -> ApiError | None:
        """Return the error Telegram gives for a token, or None when it is accepted."""
        return self._core.check_token(token)

    def build_app(self) -> web.Application:
        """Return the aiohttp application with the bot and control routes."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        self._bot_api.add_routes(app)
        self._control.add_routes(app)
        app.router.add_get(webapp.SCRIPT_PATH, webapp.serve_script)
        return app

    async def start(self, host: str = LOCALHOST, port: int = 0) -> str:
        """Start listening (port 0 picks a free port) and return the URL."""
        if host != LOCALHOST:
            raise ValueError("the sandbox only binds to 127.0.0.1")
        runner = web.AppRunner(
            self.build_app(), access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound = runner.addresses[0][1]
        self._url = f"http://{host}:{bound}"
        return self._url

    async def stop(self) -> None:
        """Stop the webhook sender, end long polls and close the server."""
        await self._core.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._url = None

    async def __aenter__(self) -> SandboxServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def reset(self) -> None:
        """Forget everything (users, chats, calls, faults, webhook) but keep the token."""
        await self._core.reset()

    def inject_fault(
        self,
        kind: str | int,
        *,
        method: str | None = None,
        chat_id: int | str | None = None,
        times: int | None = 1,
        retry_after: int = 5,
        delay: float = 1.0,
    ) -> FaultRule:
        """Add a fault rule: 429, 500, slow, blocked, chat_not_found or disconnect."""
        return self._core.inject_fault(
            kind,
            method=method,
            chat_id=chat_id,
            times=times,
            retry_after=retry_after,
            delay=delay,
        )

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self._core.clear_faults()

    async def install_webhook(self, config: WebhookConfig) -> None:
        """Set the webhook and start posting updates to it."""
        await self._core.install_webhook(config)

    async def remove_webhook(self, drop_pending_updates: bool = False) -> None:
        """Remove the webhook (getUpdates works again)."""
        await self._core.remove_webhook(drop_pending_updates)

    def webhook_info(self) -> dict[str, Any] | None:
        """Return the webhook URL and secret the bot set, or None."""
        return self._core.webhook_info()

    # The user side (sandbox.users.UserSide): what people do in the Telegram app.

    def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        *,
        started: bool = True,
    ) -> dict[str, Any]:
        """Register a person (and their private chat); started=False: never opened the bot."""
        return self._people.add_user(
            user_id, first_name, last_name, username, language_code, started=started
        )

    def add_group(
        self, chat_id: int, title: str, members: list[int], chat_type: str = "group"
    ) -> dict[str, Any]:
        """Create a group chat (negative id) with the bot and the given users in it."""
        return self._people.add_group(chat_id, title, members, chat_type)

    def send_text(
        self, user_id: int, text: str, chat_id: int | None = None, reply_to: int | None = None
    ) -> dict[str, Any]:
        """Send a text as a user ("/cmd args" carries a bot_command entity); return the Message."""
        return self._people.send_text(user_id, text, chat_id, reply_to)

    def send_document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Send a file as a user; it is stored and downloadable by the bot. Return the Message."""
        return self._people.send_document(user_id, filename, content, mime_type, caption, chat_id)

    def send_photo(
        self,
        user_id: int,
        content: bytes,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Send a photo (PNG, GIF or JPEG bytes) as a user; return the Message."""
        return self._people.send_photo(user_id, content, caption, chat_id)

    def send_media(
        self,
        user_id: int,
        kind: str,
        content: bytes = b"sandbox-media",
        caption: str | None = None,
        chat_id: int | None = None,
        emoji: str = "👍",
    ) -> dict[str, Any]:
        """Send a sticker, voice message, audio, video, video note or animation as a user (the
        bytes are stored and downloadable); return the Message."""
        return self._people.send_media(user_id, kind, content, caption, chat_id, emoji)

    def send_sticker(
        self, user_id: int, emoji: str = "👍", chat_id: int | None = None
    ) -> dict[str, Any]:
        """Send a sticker as a user; return the Message."""
        return self._people.send_sticker(user_id, emoji, chat_id)

    def send_location(
        self,
        user_id: int,
        latitude: float,
        longitude: float,
        chat_id: int | None = None,
        live_period: int | None = None,
    ) -> dict[str, Any]:
        """Share a location (live when live_period is given) as a user; return the Message."""
        return self._people.send_location(user_id, latitude, longitude, chat_id, live_period)

    def send_contact(
        self,
        user_id: int,
        phone_number: str,
        first_name: str,
        last_name: str | None = None,
        contact_user_id: int | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Share a contact as a user; return the Message."""
        return self._people.send_contact(
            user_id, phone_number, first_name, last_name, contact_user_id, chat_id
        )

    def send_poll(
        self, user_id: int, question: str, options: list[str], chat_id: int | None = None
    ) -> dict[str, Any]:
        """Send a poll as a user; return the Message."""
        return self._people.send_poll(user_id, question, options, chat_id)

    def send_dice(
        self, user_id: int, emoji: str = "🎲", chat_id: int | None = None, value: int | None = None
    ) -> dict[str, Any]:
        """Throw a dice as a user; return the Message."""
        return self._people.send_dice(user_id, emoji, chat_id, value)

    def edit_message(
        self, user_id: int, chat_id: int, message_id: int, text: str
    ) -> dict[str, Any]:
        """Edit the text (or the caption) of a message this user sent, as the Telegram app
        lets one; the bot gets an edited_message update. Return the edited Message."""
        return self._people.edit_message(user_id, chat_id, message_id, text)

    def press(
        self,
        user_id: int,
        chat_id: int,
        message_id: int,
        callback_data: str | None = None,
        button_text: str | None = None,
    ) -> str:
        """Press an inline button of a bot message by data or text; return the query id."""
        return self._people.press(user_id, chat_id, message_id, callback_data, button_text)

    def forge_press(self, user_id: int, chat_id: int, message_id: int, callback_data: str) -> str:
        """Press with callback data no button of the message carries, as a modified client
        can (Telegram does not check the data against the buttons); return the query id."""
        return self._people.forge_press(user_id, chat_id, message_id, callback_data)

    def open_web_app(
        self,
        user_id: int,
        url: str,
        auth_date: int | None = None,
        start_param: str | None = None,
    ) -> dict[str, str]:
        """Open a Mini App as this user: the signed initData Telegram hands the page and the
        address it opens at (auth_date: seconds since the epoch, now by default)."""
        return self._people.open_web_app(user_id, url, auth_date, start_param)

    def block(self, user_id: int) -> None:
        """Block the bot: sends to this user get 403 and the bot gets a my_chat_member update."""
        self._people.block(user_id)

    def unblock(self, user_id: int) -> None:
        """Unblock the bot (the bot gets a my_chat_member update back to member)."""
        self._people.unblock(user_id)

    # What tests look at (sandbox.observe.Observer): calls, chats, files, and waiting.

    def calls(self, method: str | None = None) -> list[CallRecord]:
        """Return every Bot API call in order, or only those of one method (case-insensitive)."""
        return self._observer.calls(method)

    def sent_messages(self, chat_id: int | None = None) -> list[CallRecord]:
        """Return the successful sendMessage/sendDocument/sendPhoto calls in order."""
        return self._observer.sent_messages(chat_id)

    def callback_queries(self) -> list[CallbackQueryRecord]:
        """Return every button press in order."""
        return self._observer.callback_queries()

    def unanswered_callback_queries(self) -> list[CallbackQueryRecord]:
        """Return the presses the bot never answered with answerCallbackQuery."""
        return self._observer.unanswered_callback_queries()

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Return the current Message object (edits applied), or None if missing or deleted."""
        return self._observer.message(chat_id, message_id)

    def last_bot_message(self, chat_id: int) -> dict[str, Any] | None:
        """Return the newest bot message of a chat that is not deleted."""
        return self._observer.last_bot_message(chat_id)

    def transcript(self, chat_id: int) -> list[TranscriptEntry]:
        """Return the chat as entries (messages with edits applied, and presses), in order."""
        return self._observer.transcript(chat_id)

    def render_transcript(self, chat_id: int, names: dict[Any, str] | None = None) -> str:
        """Return the chat as readable text (names: user id -> name, "bot" -> bot name)."""
        return self._observer.render_transcript(chat_id, names)

    def file_content(self, file_id: str) -> bytes:
        """Return the bytes of a stored file."""
        return self._observer.file_content(file_id)

    def effective_commands(self, chat_id: int, user_id: int | None = None) -> list[dict[str, Any]]:
        """Return the command menu a user sees in a chat (Telegram's scope fallback order)."""
        return self._observer.effective_commands(chat_id, user_id)

    def mark(self) -> int:
        """Return the current point of the timeline, for wait_for_bot_message(since=...)."""
        return self._observer.mark()

    async def next_bot_event(
        self,
        chat_id: int,
        after_message_id: int = 0,
        since: int | None = None,
        timeout: float = 10.0,
    ) -> BotEvent:
        """Return the first bot send or edit in the chat after a point; raise TimeoutError."""
        return await self._observer.next_bot_event(chat_id, after_message_id, since, timeout)

    async def wait_for_bot_message(
        self,
        chat_id: int,
        predicate: MessagePredicate | None = None,
        after_message_id: int = 0,
        timeout: float = 10.0,
        since: int | None = None,
    ) -> dict[str, Any]:
        """Return the first bot message or edit after a point that satisfies the predicate.

        The point is message after_message_id of the chat (sends of later messages, and edits
        made after it appeared, count), or a mark() taken earlier.
        """
        return await self._observer.wait_for_bot_message(
            chat_id, predicate, after_message_id, timeout, since
        )

    async def wait_idle(self, idle_ms: int = 300, timeout: float = 10.0) -> None:
        """Wait until every update was handed over and the bot made no call for idle_ms."""
        await self._observer.wait_idle(idle_ms, timeout)
