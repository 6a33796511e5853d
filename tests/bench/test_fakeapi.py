"""The benchmarks' fake Bot API counts a step from the first time an update is handed out to
the bot's first reply in that chat, whatever is handed out again meanwhile (bench/fakeapi.py;
the benchmarks themselves are not tests)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

FAKEAPI = Path(__file__).resolve().parents[2] / "bench" / "fakeapi.py"


def load_fakeapi() -> Any:
    """bench/fakeapi.py as a module (bench/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("bench_fakeapi", FAKEAPI)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


async def test_a_step_ends_at_the_first_reply_and_a_redelivery_does_not_restart_it():
    client = TestClient(TestServer(load_fakeapi().app()))
    await client.start_server()
    try:
        start = {"token": "1:t", "users": [7], "script": ["一", "二"], "warmup": 0}
        assert (await client.post("/control/start", json=start)).status == 200

        async def call(method: str, **params: Any) -> Any:
            reply = await client.post(f"/bot1:t/{method}", json=params)
            return (await reply.json())["result"]

        first = await call("getUpdates", offset=0, timeout=0)
        assert [u["message"]["text"] for u in first] == ["一"]
        again = await call("getUpdates", offset=0, timeout=0)  # not confirmed: handed out again
        assert [u["update_id"] for u in again] == [first[0]["update_id"]]
        await call("sendMessage", chat_id=7, text="第 2 问")
        await call("sendMessage", chat_id=7, text="the same step's second message")
        second = await call("getUpdates", offset=first[0]["update_id"] + 1, timeout=0)
        assert [u["message"]["text"] for u in second] == ["二"]
        await call("sendMessage", chat_id=7, text="第 3 问")
        await call("getUpdates", offset=second[0]["update_id"] + 1, timeout=0)
        stats = await (await client.post("/control/stop", json={"settle": 0})).json()
    finally:
        await client.close()
    assert stats["steps"] == 2 and len(stats["latencies"]) == 2
    assert stats["undrained"] == 0 and stats["positions"] == {"7": 2}  # the script ran out
