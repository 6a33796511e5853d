"""SandboxClient: drive a sandbox running in another process through its control API."""

# Over 300 lines: SandboxServer's user side and observing methods, one by one, over HTTP.

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import httpx

from sandbox.errors import SandboxError


class SandboxClient:
    """The user side of a remote sandbox, over HTTP (an httpx.AsyncClient wrapper)."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.AsyncClient(base_url=self.url, timeout=timeout)

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()

    async def _call(self, action: str, wait: float | None = None, **body: Any) -> Any:
        payload = {key: value for key, value in body.items() if value is not None}
        if wait is None:
            return await self._post(action, payload)
        return await self._post(action, {**payload, "timeout": wait}, wait + 5.0)

    async def _post(
        self, action: str, payload: dict[str, Any], timeout: float | None = None
    ) -> Any:
        wait = httpx.USE_CLIENT_DEFAULT if timeout is None else timeout
        response = await self._http.post(f"/_sandbox/{action}", json=payload, timeout=wait)
        data: dict[str, Any] = response.json()
        if response.status_code == 408:
            raise TimeoutError(data.get("description"))
        if not data.get("ok"):
            raise SandboxError(data.get("description", f"HTTP {response.status_code}"))
        return data["result"]

    async def _call_dict(self, action: str, **body: Any) -> dict[str, Any]:
        return dict(await self._call(action, **body))

    async def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        *,
        started: bool = True,
    ) -> dict[str, Any]:
        """Register a person and their private chat."""
        return await self._call_dict(
            "users",
            id=user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            started=started,
        )

    async def add_group(
        self, chat_id: int, title: str, members: list[int], chat_type: str = "group"
    ) -> dict[str, Any]:
        """Create a group chat."""
        return await self._call_dict(
            "groups", id=chat_id, title=title, members=members, type=chat_type
        )

    async def send_text(
        self, user_id: int, text: str, chat_id: int | None = None, reply_to: int | None = None
    ) -> dict[str, Any]:
        """Send a text as a user; return the Message."""
        return await self._call_dict(
            "send_text", user_id=user_id, text=text, chat_id=chat_id, reply_to=reply_to
        )

    async def send_document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Send a file as a user; return the Message."""
        return await self._call_dict(
            "send_document",
            user_id=user_id,
            filename=filename,
            content_base64=base64.b64encode(content).decode("ascii"),
            mime_type=mime_type,
            caption=caption,
            chat_id=chat_id,
        )

    async def send_photo(
        self, user_id: int, content: bytes, caption: str | None = None, chat_id: int | None = None
    ) -> dict[str, Any]:
        """Send a photo as a user; return the Message."""
        encoded = base64.b64encode(content).decode("ascii")
        return await self._call_dict(
            "send_photo", user_id=user_id, content_base64=encoded, caption=caption, chat_id=chat_id
        )

    async def send_media(
        self,
        user_id: int,
        kind: str,
        content: bytes = b"sandbox-media",
        caption: str | None = None,
        chat_id: int | None = None,
        emoji: str = "👍",
    ) -> dict[str, Any]:
        """Send a sticker, voice message, audio, video, video note or animation; return the
        Message."""
        return await self._call_dict(
            "send_media",
            user_id=user_id,
            kind=kind,
            content_base64=base64.b64encode(content).decode("ascii"),
            caption=caption,
            chat_id=chat_id,
            emoji=emoji,
        )

    async def send_sticker(
        self, user_id: int, emoji: str = "👍", chat_id: int | None = None
    ) -> dict[str, Any]:
        """Send a sticker; return the Message."""
        return await self.send_media(user_id, "sticker", chat_id=chat_id, emoji=emoji)

    async def send_location(
        self,
        user_id: int,
        latitude: float,
        longitude: float,
        chat_id: int | None = None,
        live_period: int | None = None,
    ) -> dict[str, Any]:
        """Share a location; return the Message."""
        return await self._call_dict(
            "send_location",
            user_id=user_id,
            latitude=latitude,
            longitude=longitude,
            chat_id=chat_id,
            live_period=live_period,
        )

    async def send_contact(
        self,
        user_id: int,
        phone_number: str,
        first_name: str,
        last_name: str | None = None,
        contact_user_id: int | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Share a contact; return the Message."""
        return await self._call_dict(
            "send_contact",
            user_id=user_id,
            phone_number=phone_number,
            first_name=first_name,
            last_name=last_name,
            contact_user_id=contact_user_id,
            chat_id=chat_id,
        )

    async def send_poll(
        self, user_id: int, question: str, options: list[str], chat_id: int | None = None
    ) -> dict[str, Any]:
        """Send a poll; return the Message."""
        return await self._call_dict(
            "send_poll", user_id=user_id, question=question, options=options, chat_id=chat_id
        )

    async def send_dice(
        self, user_id: int, emoji: str = "🎲", chat_id: int | None = None, value: int | None = None
    ) -> dict[str, Any]:
        """Throw a dice; return the Message."""
        return await self._call_dict(
            "send_dice", user_id=user_id, emoji=emoji, chat_id=chat_id, value=value
        )

    async def edit_message(
        self, user_id: int, chat_id: int, message_id: int, text: str
    ) -> dict[str, Any]:
        """Edit the text or caption of a message this user sent; return the Message."""
        return await self._call_dict(
            "edit_message", user_id=user_id, chat_id=chat_id, message_id=message_id, text=text
        )

    async def press(
        self,
        user_id: int,
        chat_id: int,
        message_id: int,
        callback_data: str | None = None,
        button_text: str | None = None,
    ) -> str:
        """Press an inline button; return the callback query id."""
        return str(
            await self._call(
                "press",
                user_id=user_id,
                chat_id=chat_id,
                message_id=message_id,
                callback_data=callback_data,
                button_text=button_text,
            )
        )

    async def open_web_app(
        self,
        user_id: int,
        url: str,
        auth_date: int | None = None,
        start_param: str | None = None,
    ) -> dict[str, str]:
        """Open a Mini App as this user: the signed initData Telegram hands the page and the
        address it opens at (auth_date: seconds since the epoch, now by default)."""
        found = await self._call_dict(
            "open_web_app", user_id=user_id, url=url, auth_date=auth_date, start_param=start_param
        )
        return {str(k): str(v) for k, v in found.items()}

    async def block(self, user_id: int) -> None:
        """Block the bot as this user."""
        await self._call("block", user_id=user_id)

    async def unblock(self, user_id: int) -> None:
        """Unblock the bot as this user."""
        await self._call("unblock", user_id=user_id)

    async def transcript(self, chat_id: int) -> list[dict[str, Any]]:
        """Return the chat's transcript entries as dicts."""
        return list(await self._call("transcript", chat_id=chat_id))

    async def render_transcript(self, chat_id: int, names: dict[Any, str] | None = None) -> str:
        """Return the chat as readable text."""
        named = {str(key): value for key, value in (names or {}).items()}
        return str(await self._call("render_transcript", chat_id=chat_id, names=named))

    async def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Return the recorded Bot API calls."""
        return list(await self._call("calls", method=method))

    async def sent_messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Return the successful send calls."""
        return list(await self._call("sent_messages", chat_id=chat_id))

    async def unanswered_callback_queries(self) -> list[dict[str, Any]]:
        """Return the presses the bot never answered."""
        return list(await self._call("callback_queries", unanswered=True))

    async def inject_fault(
        self,
        kind: str | int,
        *,
        method: str | None = None,
        chat_id: int | str | None = None,
        times: int | None = 1,
        retry_after: int = 5,
        delay: float = 1.0,
    ) -> dict[str, Any]:
        """Add a fault rule (times=None: until cleared)."""
        payload = {
            "kind": str(kind),
            "method": method,
            "chat_id": chat_id,
            "times": times,
            "retry_after": retry_after,
            "delay": delay,
        }
        return dict(await self._post("faults", payload))  # times=None is sent: until cleared

    async def clear_faults(self) -> None:
        """Remove every fault rule."""
        await self._call("faults", clear=True)

    async def set_enforce_limits(self, enforce: bool) -> None:
        """Turn Telegram's flood limits on or off."""
        await self._call("limits", enforce=enforce)

    async def mark(self) -> int:
        """Return the current timeline point."""
        return int(await self._call("mark"))

    async def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Return the current Message object, or None."""
        found = await self._call("message", chat_id=chat_id, message_id=message_id)
        return None if found is None else dict(found)

    async def file_content(self, file_id: str) -> bytes:
        """Return the bytes of a stored file."""
        return base64.b64decode(await self._call("file", file_id=file_id))

    async def wait_for_bot_message(
        self,
        chat_id: int,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        after_message_id: int = 0,
        timeout: float = 10.0,
        since: int | None = None,
    ) -> dict[str, Any]:
        """Return the first bot message or edit after a point that satisfies the predicate."""
        deadline = time.monotonic() + timeout
        cursor = since
        while True:
            remaining = max(deadline - time.monotonic(), 0.0)
            event = await self._call(
                "next_bot_event",
                wait=remaining,
                chat_id=chat_id,
                after_message_id=after_message_id,
                since=cursor,
            )
            if predicate is None or predicate(event["message"]):
                return dict(event["message"])
            cursor = int(event["seq"])

    async def wait_idle(self, idle_ms: int = 300, timeout: float = 10.0) -> None:
        """Wait until the bot has been quiet for idle_ms."""
        await self._call("wait_idle", wait=timeout, idle_ms=idle_ms)

    async def reset(self) -> None:
        """Forget every user, chat, call and fault."""
        await self._call("reset")
