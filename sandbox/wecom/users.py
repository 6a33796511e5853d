"""What members do in the WeCom app, posted encrypted to the bot's callback URL."""

from __future__ import annotations

import asyncio
import base64
import time
from typing import Any

import aiohttp

from sandbox.wecom import callbacks
from sandbox.wecom.core import Core
from sandbox.wecom.errors import WeComSandboxError
from sandbox.wecom.state import Attempt, CardView, Delivery, Media, Member, ResponseCode
from sandbox.wecom.transcript import describe_card
from sandbox.wecom.validate import menu_keys

CALLBACK_TIMEOUT = 5.0  # WeCom drops the connection after five seconds and posts again
CALLBACK_RETRIES = 3


class UserSide:
    """Members' actions: texts, images, files, button presses, entering the app, menu clicks."""

    def __init__(self, core: Core) -> None:
        self._core = core
        self.callback_url: str | None = None
        self.timeout = CALLBACK_TIMEOUT
        self.retries = CALLBACK_RETRIES
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        """Close the HTTP session used for callbacks."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _member(self, userid: str) -> Member:
        member = self._core.state.member(userid)
        if member is None:
            raise WeComSandboxError(f"{userid} is not a member; add_user() first")
        if not member.visible:
            raise WeComSandboxError(f"{userid} is outside the app's visible range")
        return member

    def _now(self) -> int:
        return int(self._core.now())

    async def send_text(self, userid: str, text: str) -> Delivery:
        """Write a text to the app (a text message callback)."""
        member = self._member(userid)
        config = self._core.config
        msgid = self._core.ids.inbound_msgid()
        plain = callbacks.text_message(
            config.corp_id, member.userid, self._now(), text, msgid, config.agent_id
        )
        self._core.log(member.userid, "user", "text", text)
        return await self.deliver(plain, userid=member.userid, kind="text")

    def _stored(self, kind: str, filename: str, content_type: str, content: bytes) -> str:
        """Keep what a member sends as media (media/get serves it); its new media_id."""
        media_id = self._core.ids.media_id()
        self._core.state.media[media_id] = Media(
            media_id, kind, filename, content_type, content, self._core.now()
        )
        return media_id

    async def send_image(
        self, userid: str, content: bytes, filename: str = "photo.png"
    ) -> Delivery:
        """Send a picture to the app: stored as media (media/get serves it), then posted."""
        member = self._member(userid)
        config = self._core.config
        media_id = self._stored("image", filename, "image/png", content)
        pic_url = "https://wework.qpic.cn/sandbox/" + base64.urlsafe_b64encode(
            media_id.encode()
        ).decode().rstrip("=")
        plain = callbacks.image_message(
            config.corp_id,
            member.userid,
            self._now(),
            pic_url,
            media_id,
            self._core.ids.inbound_msgid(),
            config.agent_id,
        )
        self._core.log(member.userid, "user", "image", f"[image] {filename}")
        return await self.deliver(plain, userid=member.userid, kind="image")

    async def send_file(
        self,
        userid: str,
        filename: str,
        content: bytes,
        content_type: str = "application/octet-stream",
    ) -> Delivery:
        """Send a file to the app: stored as media (media/get serves it with `content_type`),
        then posted as a file message with its MediaId and FileName (no size: WeCom's
        callback tells none)."""
        member = self._member(userid)
        config = self._core.config
        media_id = self._stored("file", filename, content_type, content)
        plain = callbacks.file_message(
            config.corp_id,
            member.userid,
            self._now(),
            media_id,
            filename,
            self._core.ids.inbound_msgid(),
            config.agent_id,
        )
        self._core.log(member.userid, "user", "file", f"[file] {filename}")
        return await self.deliver(plain, userid=member.userid, kind="file")

    async def enter(self, userid: str) -> Delivery:
        """Open the app (an enter_agent event, the first contact)."""
        member = self._member(userid)
        config = self._core.config
        plain = callbacks.event(
            config.corp_id, member.userid, self._now(), "enter_agent", "", config.agent_id
        )
        self._core.log(member.userid, "user", "enter", "(enters the app)")
        return await self.deliver(plain, userid=member.userid, kind="enter_agent")

    async def click(self, userid: str, key: str) -> Delivery:
        """Tap a menu item of the app's menu (a click event with its key)."""
        member = self._member(userid)
        config = self._core.config
        menu = self._core.state.menus.get(config.agent_id)
        if menu is None or key not in menu_keys(menu):
            raise WeComSandboxError(f"the app's menu has no item with key {key!r}")
        plain = callbacks.event(
            config.corp_id, member.userid, self._now(), "click", key, config.agent_id
        )
        self._core.log(member.userid, "user", "click", f"(menu {key})")
        return await self.deliver(plain, userid=member.userid, kind="click")

    async def press(self, userid: str, task_id: str, key: str) -> Delivery:
        """Press a button of a card the member received (a template_card_event)."""
        member, view = self._pressable(userid, task_id, key)
        return await self._press(member, task_id, view.card, key)

    async def press_twice(
        self, userid: str, task_id: str, key: str, gap: float = 1.0
    ) -> tuple[Delivery, Delivery]:
        """Press a button twice, `gap` seconds apart (the sandbox's clock moves on), before the
        app's answer to the first changes the card: two template_card_events, each with its
        CreateTime and its own ResponseCode."""
        member, view = self._pressable(userid, task_id, key)
        card = view.card  # as the member saw it when they tapped
        first = await self._press(member, task_id, card, key)
        self._core.clock.advance(gap)
        return first, await self._press(member, task_id, card, key)

    def _pressable(self, userid: str, task_id: str, key: str) -> tuple[Member, CardView]:
        member = self._member(userid)
        view = self._core.state.cards.get((member.userid.lower(), task_id))
        if view is None:
            raise WeComSandboxError(f"{userid} has no card with task_id {task_id!r}")
        if not view.clickable:
            raise WeComSandboxError(f"the card {task_id!r} shows 「{view.replace_name}」 now")
        if key not in view.button_keys():
            raise WeComSandboxError(f"the card {task_id!r} has no button with key {key!r}")
        return member, view

    async def _press(
        self, member: Member, task_id: str, card: dict[str, Any], key: str
    ) -> Delivery:
        code = self._core.ids.response_code()
        self._core.state.response_codes[code] = ResponseCode(
            code, task_id, [member.userid], self._core.now()
        )
        config = self._core.config
        plain = callbacks.template_card_event(
            config.corp_id,
            member.userid,
            self._now(),
            key,
            task_id,
            str(card.get("card_type")),
            code,
            config.agent_id,
        )
        label = next(
            (b.get("text") for b in card.get("button_list", []) if b.get("key") == key), key
        )
        self._core.log(
            member.userid, "user", "press", f"presses [{label}] on {describe_card(card)}"
        )
        return await self.deliver(plain, userid=member.userid, kind="template_card_event")

    async def verify_url(self) -> Delivery:
        """Check the callback URL as WeCom does when it is saved: GET with an echostr."""
        echo = str(time.time_ns())
        encrypt = self._core.crypto.encrypt(echo)
        timestamp, nonce = str(self._now()), self._core.ids.nonce()
        query = {
            "msg_signature": self._core.crypto.sign(timestamp, nonce, encrypt),
            "timestamp": timestamp,
            "nonce": nonce,
            "echostr": encrypt,
        }
        delivery = Delivery("verify_url", None, echo, query, "")
        return await self._send(delivery, method="GET")

    async def deliver(
        self,
        plain: str,
        *,
        userid: str | None = None,
        kind: str = "raw",
        msg_signature: str | None = None,
    ) -> Delivery:
        """Encrypt, sign and post any callback XML (msg_signature overrides, for forgeries)."""
        timestamp, nonce = str(self._now()), self._core.ids.nonce()
        sealed = self._core.crypto.seal(plain, timestamp, nonce)
        query = {
            "msg_signature": msg_signature or sealed.msg_signature,
            "timestamp": timestamp,
            "nonce": nonce,
        }
        config = self._core.config
        body = callbacks.envelope(config.corp_id, config.agent_id, sealed.encrypt)
        return await self._send(Delivery(kind, userid, plain, query, body))

    async def replay(self, delivery: Delivery) -> Delivery:
        """Post the same callback again, unchanged (WeCom's retry of a slow answer)."""
        copy = Delivery(
            delivery.kind, delivery.userid, delivery.plain, delivery.query, delivery.body
        )
        return await self._send(copy, method="GET" if delivery.kind == "verify_url" else "POST")

    async def _send(self, delivery: Delivery, method: str = "POST") -> Delivery:
        if self.callback_url is None:
            raise WeComSandboxError("set callback_url to the bot's callback first")
        if self._session is None:
            self._session = aiohttp.ClientSession()
        self._core.state.deliveries.append(delivery)
        for _ in range(1 + self.retries):
            started = time.monotonic()
            try:
                async with self._session.request(
                    method,
                    self.callback_url,
                    params=delivery.query,
                    data=delivery.body.encode() if method == "POST" else None,
                    headers={"Content-Type": "text/xml"} if method == "POST" else None,
                    timeout=aiohttp.ClientTimeout(total=self.timeout),
                ) as response:
                    text = await response.text()
                    elapsed = time.monotonic() - started
                    delivery.attempts.append(Attempt(response.status, text, elapsed))
                    if response.status < 500:
                        return delivery
            except (TimeoutError, aiohttp.ClientError) as error:
                elapsed = time.monotonic() - started
                delivery.attempts.append(Attempt(None, "", elapsed, type(error).__name__))
            await asyncio.sleep(0)
        return delivery
