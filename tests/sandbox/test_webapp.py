"""The sandbox opens Mini Apps the way Telegram does: initData signed with the bot's token,
which the bot's own verifier accepts and refuses once changed; web_app buttons are kept."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from bot.web.init_data import InitDataError, WebAppUser, Why, verify
from sandbox import SandboxClient, SandboxError, SandboxServer

TOKEN = "123456:TEST-token_abc"
AUTH = 1_780_000_000
AT = datetime.fromtimestamp(AUTH, UTC)


def _verify(data: str, token: str = TOKEN) -> WebAppUser:
    return verify(data, token, now=lambda: AT + timedelta(minutes=1), max_age=timedelta(days=1))


async def test_the_bots_verifier_accepts_the_sandboxs_init_data() -> None:
    async with SandboxServer(TOKEN) as sb:
        sb.add_user(1001, "丽", "李", "lili", "zh-hans")
        opened = sb.open_web_app(1001, "http://127.0.0.1:9/web/board", auth_date=AUTH)
        user = _verify(opened["init_data"])
    assert user == verify(opened["init_data"], TOKEN, now=lambda: AT, max_age=timedelta(seconds=1))
    assert user.id == 1001 and user.username == "lili"


async def test_the_sandboxs_init_data_changed_or_for_another_bot_is_refused() -> None:
    async with SandboxServer(TOKEN) as sb:
        sb.add_user(1001, "Alice", language_code="en")
        data = sb.open_web_app(1001, "https://example.org/app", auth_date=AUTH)["init_data"]
    with pytest.raises(InitDataError) as caught:
        _verify(data.replace("Alice", "Mallory"))
    assert caught.value.why is Why.TAMPERED
    with pytest.raises(InitDataError):
        _verify(data, token="654321:OTHER-token")


async def test_the_app_opens_with_its_launch_data_in_the_fragment() -> None:
    async with SandboxServer(TOKEN) as sb:
        sb.add_user(1001, "Alice")
        opened = sb.open_web_app(1001, "http://127.0.0.1:9/web/board?x=1", auth_date=AUTH)
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{sb.url}/telegram-web-app.js") as response,
        ):
            script = await response.text()
            kind = response.content_type
    url = urlsplit(opened["url"])
    assert (url.path, url.query) == ("/web/board", "x=1")
    launch = parse_qs(url.fragment)
    assert launch["tgWebAppData"] == [opened["init_data"]]
    assert json.loads(launch["tgWebAppThemeParams"][0])["bg_color"] == "#ffffff"
    assert kind == "application/javascript" and "tgWebAppData" in script


async def test_the_control_api_opens_a_web_app_too() -> None:
    async with SandboxServer(TOKEN) as sb:
        sb.add_user(1001, "Alice")
        async with SandboxClient(sb.url) as client:
            opened = await client.open_web_app(1001, "https://example.org/", auth_date=AUTH)
    assert _verify(opened["init_data"]).first_name == "Alice"


async def test_without_a_token_the_sandbox_cannot_sign() -> None:
    async with SandboxServer() as sb:
        sb.add_user(1001, "Alice")
        with pytest.raises(SandboxError):
            sb.open_web_app(1001, "https://example.org/")


async def test_web_app_buttons_are_kept_and_shown_in_the_transcript() -> None:
    async with SandboxServer(TOKEN) as sb:
        sb.add_user(1001, "Alice")
        keyboard = {
            "inline_keyboard": [[{"text": "🗂 工作台", "web_app": {"url": "https://x.org/b"}}]]
        }
        async with aiohttp.ClientSession() as http:
            sent = await _send(http, sb, keyboard)
            assert sent["ok"], sent
            bad = {"inline_keyboard": [[{"text": "b", "web_app": {"url": "http://x.org/b"}}]]}
            refused = await _send(http, sb, bad)
        [entry] = sb.transcript(1001)
        text = sb.render_transcript(1001)
    assert entry.buttons == [[("🗂 工作台", "web_app:https://x.org/b")]]
    assert "[ 🗂 工作台 ]" in text
    assert refused["error_code"] == 400 and "Only HTTPS links" in refused["description"]


async def _send(
    http: aiohttp.ClientSession, sb: SandboxServer, keyboard: Mapping[str, object]
) -> dict[str, Any]:
    body = {"chat_id": 1001, "text": "看板", "reply_markup": keyboard}
    async with http.post(f"{sb.url}/bot{TOKEN}/sendMessage", json=body) as response:
        return dict(await response.json())
