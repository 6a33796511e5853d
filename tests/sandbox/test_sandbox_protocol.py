"""The HTTP protocol itself: parameter encodings, response shapes, polling rules, limits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from sandbox import SandboxServer
from sandbox.limits import RateLimiter
from tests.sandbox.conftest import ALICE, BOB, TOKEN


@pytest.fixture
async def api(sandbox: SandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    """Return a raw HTTP client whose base URL is the bot's API root."""
    async with httpx.AsyncClient(base_url=f"{sandbox.url}/bot{TOKEN}/") as client:
        yield client


async def test_parameters_arrive_in_every_encoding(
    sandbox: SandboxServer, api: httpx.AsyncClient
) -> None:
    keyboard = {"inline_keyboard": [[{"text": "好", "callback_data": "ok"}]]}
    as_json = await api.post(
        "sendMessage", json={"chat_id": ALICE, "text": "1", "reply_markup": keyboard}
    )
    as_form = await api.post(
        "sendmessage",
        data={"chat_id": str(ALICE), "text": "2", "reply_markup": json.dumps(keyboard)},
    )
    as_query = await api.get("SendMessage", params={"chat_id": ALICE, "text": "[3]"})
    as_multipart = await api.post(
        "sendDocument",
        data={"chat_id": str(ALICE), "caption": "4"},
        files={"document": ("a.txt", b"text", "text/plain")},
    )
    bodies = [r.json() for r in (as_json, as_form, as_query, as_multipart)]
    assert all(
        r.status_code == 200 and b["ok"]
        for r, b in zip((as_json, as_form, as_query, as_multipart), bodies, strict=True)
    )
    assert [b["result"]["message_id"] for b in bodies] == [1, 2, 3, 4]
    assert bodies[1]["result"]["reply_markup"] == keyboard
    assert bodies[2]["result"]["text"] == "[3]"
    assert bodies[3]["result"]["document"]["mime_type"] == "text/plain"
    form_call = sandbox.calls("sendMessage")[1]
    assert form_call.params["reply_markup"] == keyboard
    assert form_call.chat_id == ALICE
    assert isinstance(form_call.monotonic, float) and form_call.wall_time > 1e9


async def test_error_bodies_have_telegrams_shape(
    sandbox: SandboxServer, api: httpx.AsyncClient
) -> None:
    sandbox.inject_fault("429", retry_after=11)
    limited = await api.post("sendMessage", json={"chat_id": ALICE, "text": "x"})
    assert limited.status_code == 429
    assert limited.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 11",
        "parameters": {"retry_after": 11},
    }
    missing = await api.post("sendMessage", json={"chat_id": 5, "text": "x"})
    assert missing.status_code == 400
    assert missing.json() == {
        "ok": False, "error_code": 400, "description": "Bad Request: chat not found",
    }  # fmt: skip
    bad_markup = await api.post(
        "sendMessage", data={"chat_id": ALICE, "text": "x", "reply_markup": "{not json"}
    )
    assert bad_markup.json()["description"] == (
        "Bad Request: can't parse reply keyboard markup JSON object"
    )
    unknown = await api.post("sendSticker2", json={})
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    malformed = await api.get(f"{sandbox.url}/botnotatoken/getMe")
    assert malformed.status_code == 404


async def test_replies_and_reply_keyboards(sandbox: SandboxServer, api: httpx.AsyncClient) -> None:
    asked = sandbox.send_text(ALICE, "请问？")
    keyboard = {"keyboard": [["是", {"text": "否"}]], "resize_keyboard": True}
    reply = await api.post(
        "sendMessage",
        json={
            "chat_id": ALICE, "text": "回答", "reply_markup": keyboard,
            "reply_parameters": {"message_id": asked["message_id"]},
        },
    )  # fmt: skip
    result = reply.json()["result"]
    assert result["reply_to_message"]["text"] == "请问？"
    assert "reply_markup" not in result
    assert sandbox.transcript(ALICE)[-1].keyboard == [["是", "否"]]
    lost = await api.post(
        "sendMessage",
        json={"chat_id": ALICE, "text": "x", "reply_parameters": {"message_id": 99}},
    )
    assert lost.json()["description"] == "Bad Request: message to be replied not found"


async def test_concurrent_polls_and_allowed_updates(
    sandbox: SandboxServer, api: httpx.AsyncClient
) -> None:
    first = asyncio.create_task(api.post("getUpdates", json={"timeout": 5}))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(api.post("getUpdates", json={"timeout": 5}))
    older = await first
    assert older.status_code == 409
    assert older.json()["description"].startswith("Conflict: terminated by other getUpdates")
    sandbox.send_text(ALICE, "hi")
    assert (await second).json()["result"][0]["message"]["text"] == "hi"
    only_callbacks = await api.post(
        "getUpdates", json={"offset": 2, "timeout": 0, "allowed_updates": ["callback_query"]}
    )
    assert only_callbacks.json()["result"] == []
    sandbox.send_text(BOB, "dropped by allowed_updates")
    sent = await api.post(
        "sendMessage",
        json={
            "chat_id": BOB,
            "text": "q",
            "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]},
        },
    )
    sandbox.press(BOB, BOB, sent.json()["result"]["message_id"], callback_data="a")
    got = (await api.post("getUpdates", json={"timeout": 0})).json()["result"]
    assert [list(u)[1] for u in got] == ["callback_query"]
    assert got[0]["callback_query"]["message"]["text"] == "q"
    sandbox.send_text(BOB, "still filtered")
    last = (await api.post("getUpdates", json={"offset": -1})).json()["result"]
    assert [u["update_id"] for u in last] == [got[0]["update_id"]]


def test_rate_limiter_matches_telegrams_limits() -> None:
    limiter = RateLimiter()
    assert [limiter.check(1, True, 0.0) for _ in range(4)] == [None, None, None, 1]
    assert limiter.check(1, True, 1.0) is None
    assert limiter.check(1, True, 1.1) == 1
    group = [limiter.check(-5, False, 10.0 + i * 0.1) for i in range(21)]
    assert group[:20] == [None] * 20 and group[20] == 58
    assert limiter.check(-5, False, 70.0) is None
    busy = RateLimiter()
    results = [busy.check(100 + i, True, 5.0) for i in range(31)]
    assert results[:30] == [None] * 30 and results[30] == 1
