"""A lean fake Telegram Bot API for the benchmarks, run in its own process on 127.0.0.1.

It plays investors, each in their own private chat. When the bot sends a message to a chat
whose person is waiting for an answer, that is one step: its latency runs from the moment
`getUpdates` handed the person's message to the bot until that first `sendMessage`. The person
then answers again, at once (throughput) or after thinking 1–5 s (latency). A flooder sends
messages at a fixed rate whatever the bot says. Each token has its own queue of updates, so
several bots (the floor and the full bot) can poll one fake, and only the one in the round gets
work. A control API on the same port starts and stops a round and returns what it saw.

Run: python bench/fakeapi.py PORT   (bench/hotpath.py starts and stops it by pid)."""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 777000111
BOT_NAME = "zhaoshang_bench_bot"
POLL_LIMIT = 100


@dataclass
class Person:
    """One investor in one private chat: the answers they give in order."""

    user_id: int
    script: list[str]
    position: int = 0
    handed_at: float | None = None  # when getUpdates handed out their message; None: not waiting
    flooder: bool = False


@dataclass
class Round:
    """What one round of one token measures."""

    token: str
    mode: str  # "throughput" (answer at once) or "latency" (think 1–5 s)
    think: tuple[float, float]
    warmup: float
    started: float
    people: dict[int, Person]
    notice: str  # text that marks a "please wait" notice to a flooder
    steps: int = 0
    latencies: list[float] = field(default_factory=list)  # ms, flooders excluded
    errors: int = 0
    notices: int = 0
    flood_sent: int = 0
    flood_replies: int = 0
    running: bool = True
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


class Queue:
    """A token's pending updates and its long pollers."""

    def __init__(self) -> None:
        # [update id, update, user id, handed out before]: Telegram hands out an update again
        # until its offset is confirmed, but a step's latency starts when it was first handed.
        self.updates: deque[list[Any]] = deque()
        self.arrived = asyncio.Event()


class FakeBotApi:
    """The Bot API methods the bots call, the people, and the control API."""

    def __init__(self) -> None:
        self.queues: dict[str, Queue] = {}
        self.next_update = 1
        self.next_message = 1
        self.round: Round | None = None
        self.unknown: dict[str, int] = {}
        self.calls: dict[str, int] = {}
        self.error_marks: list[str] = []
        self.polled: set[str] = set()  # tokens whose bot has asked for updates

    def queue(self, token: str) -> Queue:
        """The token's queue, made on first use."""
        q = self.queues.get(token)
        if q is None:
            q = self.queues[token] = Queue()
        return q

    # -- the people --------------------------------------------------------------------------

    def say(self, token: str, person: Person) -> None:
        """Queue the person's next answer for the bot."""
        if person.flooder or not person.script:
            text = f"flood {person.position}"
        elif person.position < len(person.script):
            text = person.script[person.position]
        else:
            return  # no more ordinary answers to give: the person stops
        person.position += 1
        uid = person.user_id
        update_id = self.next_update
        self.next_update += 1
        self.next_message += 1
        name = f"投资人{uid}"
        user = {"id": uid, "is_bot": False, "first_name": name, "language_code": "zh-hans"}
        update = {
            "update_id": update_id,
            "message": {
                "message_id": self.next_message,
                "date": int(time.time()),
                "chat": {"id": uid, "type": "private", "first_name": user["first_name"]},
                "from": user,
                "text": text,
            },
        }
        q = self.queue(token)
        q.updates.append([update_id, update, uid, False])
        q.arrived.set()

    def replied(self, token: str, chat_id: int, text: str) -> None:
        """The bot sent a message to a chat: maybe a step ends and the person answers."""
        r = self.round
        if r is None or r.token != token:
            return
        person = r.people.get(chat_id)
        if person is None:
            return
        now = time.perf_counter()
        if person.flooder:
            r.flood_replies += 1
            if r.notice and r.notice in text:
                r.notices += 1
            return
        if person.handed_at is None:
            return  # a second message of the same step
        latency = (now - person.handed_at) * 1000
        person.handed_at = None
        if any(mark in text for mark in self.error_marks):
            r.errors += 1
        if now - r.started >= r.warmup and r.running:
            r.steps += 1
            r.latencies.append(latency)
        if not r.running:
            return
        if r.mode == "throughput":
            self.say(token, person)
        else:
            self._later(r, person, random.uniform(*r.think))

    def _later(self, r: Round, person: Person, delay: float) -> None:
        async def answer() -> None:
            await asyncio.sleep(delay)
            if r.running and self.round is r:
                self.say(r.token, person)

        task = asyncio.ensure_future(answer())
        r.tasks.add(task)
        task.add_done_callback(r.tasks.discard)

    async def _flood(self, r: Round, person: Person, rate: float) -> None:
        interval = 1.0 / rate
        next_at = time.perf_counter()
        while r.running and self.round is r:
            self.say(r.token, person)
            r.flood_sent += 1
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))

    # -- the Bot API ---------------------------------------------------------------------------

    async def api(self, request: web.Request) -> web.Response:
        """One Bot API call: /bot<token>/<method>."""
        token = request.match_info["token"]
        method = request.match_info["method"]
        self.calls[method] = self.calls.get(method, 0) + 1
        params = await self._params(request)
        lower = method.lower()
        if lower == "getupdates":
            return self._ok(await self._get_updates(token, params))
        if lower == "getme":
            return self._ok(
                {
                    "id": BOT_ID,
                    "is_bot": True,
                    "first_name": "招商服务助手",
                    "username": BOT_NAME,
                    "can_join_groups": True,
                    "can_read_all_group_messages": False,
                    "supports_inline_queries": False,
                }
            )
        if lower in ("sendmessage", "editmessagetext", "senddocument"):
            chat_id = int(params.get("chat_id", 0))
            text = str(params.get("text") or params.get("caption") or "")
            self.next_message += 1
            if lower != "editmessagetext":
                self.replied(token, chat_id, text)
            return self._ok(
                {
                    "message_id": self.next_message,
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"},
                    "from": {"id": BOT_ID, "is_bot": True, "first_name": "招商服务助手"},
                    "text": text,
                }
            )
        if lower in KNOWN_TRUE:
            return self._ok(True)
        self.unknown[method] = self.unknown.get(method, 0) + 1
        print(f"fakeapi: unknown method {method}", file=sys.stderr, flush=True)
        return self._ok(True)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            body = await request.read()
            return dict(json.loads(body)) if body else {}
        if request.can_read_body:
            form = await request.post()
            return {k: v for k, v in form.items() if isinstance(v, str)}
        return dict(request.query)

    async def _get_updates(self, token: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        q = self.queue(token)
        self.polled.add(token)
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or POLL_LIMIT)
        while q.updates and q.updates[0][0] < offset:
            q.updates.popleft()  # confirmed by the offset
        if not q.updates and timeout > 0:
            q.arrived.clear()
            try:
                await asyncio.wait_for(q.arrived.wait(), timeout)
            except TimeoutError:
                return []
        out = []
        now = time.perf_counter()
        r = self.round
        for entry in list(q.updates)[:limit]:
            _, update, uid, handed = entry
            out.append(update)
            entry[3] = True
            if not handed and r is not None and r.token == token:
                person = r.people.get(uid)
                if person is not None and person.handed_at is None and not person.flooder:
                    person.handed_at = now
        return out

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    # -- the control API -------------------------------------------------------------------------

    async def start(self, request: web.Request) -> web.Response:
        """Start a round: {token, users, script, mode, think, warmup, flooders, rate, notice}."""
        spec = await request.json()
        token = spec["token"]
        self.error_marks = list(spec.get("error_marks", []))
        flooders = set(spec.get("flooders", []))
        script = list(spec.get("script", []))[: spec.get("script_limit")]
        people = {
            uid: Person(uid, script, flooder=uid in flooders)
            for uid in spec["users"] + list(flooders)
        }
        r = Round(
            token=token,
            mode=spec.get("mode", "throughput"),
            think=tuple(spec.get("think", (1.0, 5.0))),  # type: ignore[arg-type]
            warmup=float(spec.get("warmup", 0.0)),
            started=time.perf_counter(),
            people=people,
            notice=spec.get("notice", ""),
        )
        self.round = r
        for person in people.values():
            if person.flooder:
                task = asyncio.ensure_future(self._flood(r, person, float(spec.get("rate", 50))))
                r.tasks.add(task)
                task.add_done_callback(r.tasks.discard)
            elif r.mode == "throughput":
                self.say(token, person)
            else:
                self._later(r, person, random.uniform(0.0, r.think[1]))
        return web.json_response({"ok": True})

    async def stop(self, request: web.Request) -> web.Response:
        """Stop the round, wait until the bot has answered what it was given, report."""
        spec = await request.json() if request.can_read_body else {}
        r = self.round
        if r is None:
            return web.json_response({"ok": False})
        r.running = False
        elapsed = time.perf_counter() - r.started - r.warmup
        for task in list(r.tasks):
            task.cancel()
        deadline = time.perf_counter() + float(spec.get("drain", 30))
        q = self.queue(r.token)
        while time.perf_counter() < deadline:
            waiting = any(p.handed_at is not None for p in r.people.values())
            if not waiting and not q.updates:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(float(spec.get("settle", 0.2)))  # late second messages, flood replies
        self.round = None
        undrained = sum(1 for p in r.people.values() if p.handed_at is not None)
        return web.json_response(
            {
                "steps": r.steps,
                "seconds": elapsed,
                "latencies": r.latencies,
                "errors": r.errors,
                "notices": r.notices,
                "flood_sent": r.flood_sent,
                "flood_replies": r.flood_replies,
                "undrained": undrained,
                "positions": {str(p.user_id): p.position for p in r.people.values()},
            }
        )

    async def stats(self, request: web.Request) -> web.Response:
        """Calls seen by method, and the unknown ones."""
        return web.json_response(
            {"calls": self.calls, "unknown": self.unknown, "polled": sorted(self.polled)}
        )


KNOWN_TRUE = frozenset(
    m.lower()
    for m in (
        "sendChatAction",
        "setMyCommands",
        "deleteMyCommands",
        "deleteWebhook",
        "setWebhook",
        "answerCallbackQuery",
        "setChatMenuButton",
        "close",
        "logOut",
    )
)


def app() -> web.Application:
    """The fake's aiohttp application."""
    fake = FakeBotApi()
    application = web.Application(client_max_size=32 * 1024 * 1024)
    application.router.add_post("/control/start", fake.start)
    application.router.add_post("/control/stop", fake.stop)
    application.router.add_get("/control/stats", fake.stats)
    application.router.add_route("*", "/bot{token}/{method}", fake.api)
    return application


def main() -> None:
    """Serve on 127.0.0.1:PORT until killed."""
    port = int(sys.argv[1])
    web.run_app(app(), host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
