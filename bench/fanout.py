"""The outbox fan-out over real HTTP: N queued notifications through the real OutboxSender and
the real python-telegram-bot client to a fake Bot API in another process, which answers 429s
at random and records every delivered message with its time.

Run: .venv/bin/python bench/fanout.py [--n 10000] [--quick]   (not part of the test suite).
`fanout(...)` is the entry point for bench/run.py; `main` prints the table rows."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PTB_TIMEDELTA", "true")

from aiohttp import web

TOKEN = "123456:fanout"


# --- the fake Bot API (run in its own process with --serve) ---------------------------------


class FakeBotApi:
    """sendMessage that refuses a share of calls with a 429 and records the others."""

    def __init__(self) -> None:
        self.fault = 0.0
        self.retry_after = 1
        self.rng = random.Random(13)
        self.delivered: list[tuple[int, str, float]] = []  # chat, text, arrival (monotonic)
        self.refused = 0
        self.next_id = 1

    async def configure(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.fault, self.retry_after = float(body["fault"]), int(body["retry_after"])
        self.rng = random.Random(int(body.get("seed", 13)))
        self.delivered, self.refused = [], 0
        return web.json_response({"ok": True})

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response({"delivered": self.delivered, "refused": self.refused})

    async def call(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "getMe":
            me = {"id": 123456, "is_bot": True, "first_name": "Fanout", "username": "fanout_bot"}
            return web.json_response({"ok": True, "result": me})
        if method != "sendMessage":
            return web.json_response({"ok": True, "result": True})
        data = dict(await request.post()) if request.content_type != "application/json" else {}
        if not data:
            data = await request.json()
        if self.rng.random() < self.fault:
            self.refused += 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {self.retry_after}",
                    "parameters": {"retry_after": self.retry_after},
                },
                status=429,
            )
        chat_id, text = int(str(data["chat_id"])), str(data["text"])
        self.delivered.append((chat_id, text, time.monotonic()))
        self.next_id += 1
        message = {
            "message_id": self.next_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "text": text,
        }
        return web.json_response({"ok": True, "result": message})


def serve(port: int) -> None:
    """Run the fake Bot API on 127.0.0.1 until killed."""
    api = FakeBotApi()
    app = web.Application()
    app.router.add_post("/control/configure", api.configure)
    app.router.add_get("/control/stats", api.stats)
    app.router.add_route("*", "/bot{token}/{method}", api.call)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ApiProcess:
    """The fake Bot API in a subprocess, stopped by pid."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(self.port)],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("the fake Bot API did not start") from None
                time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        os.kill(self.proc.pid, signal.SIGTERM)
        self.proc.wait(10)


# --- one round ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    """What one round measured."""

    n: int
    per_second: int
    elapsed: float
    refused: int
    lost: int
    doubled: int
    min_chat_gap: float
    max_in_a_second: int
    out_of_order: int

    @property
    def ratio(self) -> float:
        """Elapsed time against N / per_second."""
        return self.elapsed / (self.n / self.per_second)


def _control(api: ApiProcess, path: str, body: dict[str, Any] | None = None) -> Any:
    import urllib.request

    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{api.url}/control/{path}", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _queue(url: str, n: int, chats: int) -> Any:
    from storage.db import make_engine, migrate
    from storage.tables import OutboxMessage
    from storage.uow import UnitOfWorkFactory

    migrate(url)
    factory = UnitOfWorkFactory(make_engine(url), lambda: datetime.now(UTC))
    now = datetime.now(UTC)
    with factory() as uow:
        uow.session.bulk_save_objects(
            [
                OutboxMessage(
                    chat_id=str(10_000 + i % chats),
                    payload={"text": f"notice {i}"},
                    next_attempt_at=now,
                    created_at=now,
                )
                for i in range(n)
            ]
        )
        uow.commit()
    return factory


async def _send_all(api: ApiProcess, factory: Any, n: int, per_second: int) -> float:
    from sqlmodel import func, select
    from telegram import Bot

    from bot.outbox.ratelimit import RateLimiter, SystemClock
    from bot.outbox.sender import OutboxSender
    from bot.telegram.ptb.client import PtbClient
    from storage.tables import OutboxMessage

    bot = Bot(TOKEN, base_url=f"{api.url}/bot")
    await bot.initialize()
    limiter = RateLimiter(SystemClock(factory.clock), per_second=per_second)
    sender = OutboxSender(PtbClient(bot), factory, limiter)
    stop = asyncio.Event()
    start = time.monotonic()
    running = asyncio.create_task(sender.run(stop))
    while sender.delivered < n and not running.done():
        await asyncio.sleep(0.05)
    stop.set()
    await running
    with factory() as uow:
        stmt = (
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != "sent")
        )
        unsettled = uow.session.exec(stmt).one()
    if unsettled:
        print(f"  {unsettled} rows not settled as sent", file=sys.stderr)
    await bot.shutdown()
    return start


def one_round(
    api: ApiProcess, n: int, chats: int, per_second: int, fault: float, retry_after: int
) -> Round:
    """Queue n notifications to `chats` chats, send them all, and judge the deliveries."""
    folder = Path(tempfile.mkdtemp())
    factory = _queue(f"sqlite:///{folder / 'fanout.db'}", n, chats)
    _control(api, "configure", {"fault": fault, "retry_after": retry_after})
    start = asyncio.run(_send_all(api, factory, n, per_second))
    factory.engine.dispose()
    stats = _control(api, "stats")
    delivered = [(chat, text, float(at)) for chat, text, at in stats["delivered"]]
    texts = [text for _, text, _ in delivered]
    expected = {f"notice {i}" for i in range(n)}
    counts: dict[str, int] = defaultdict(int)
    for text in texts:
        counts[text] += 1
    by_chat: dict[int, list[float]] = defaultdict(list)
    numbers: dict[int, list[int]] = defaultdict(list)
    for chat, text, at in sorted(delivered, key=lambda d: d[2]):
        by_chat[chat].append(at)
        numbers[chat].append(int(text.split()[1]))
    out_of_order = sum(a > b for seq in numbers.values() for a, b in itertools.pairwise(seq))
    gaps = [b - a for times in by_chat.values() for a, b in itertools.pairwise(times)]
    times = sorted(at for _, _, at in delivered)
    busiest = max((bisect_left(times, t + 1.0) - i for i, t in enumerate(times)), default=0)
    return Round(
        n=n,
        per_second=per_second,
        elapsed=(max(times) - start) if times else float("nan"),
        refused=int(stats["refused"]),
        lost=len(expected - counts.keys()),
        doubled=sum(c - 1 for c in counts.values() if c > 1),
        min_chat_gap=min(gaps, default=float("inf")),
        max_in_a_second=busiest,
        out_of_order=out_of_order,
    )


async def _bare(api: ApiProcess, n: int, workers: int = 8) -> float:
    """Seconds for n sendMessage calls straight through python-telegram-bot, `workers` at a
    time, with no outbox, no database and no limits: the most this client and machine do."""
    from telegram import Bot

    bot = Bot(TOKEN, base_url=f"{api.url}/bot")
    await bot.initialize()
    numbers = iter(range(n))

    async def worker() -> None:
        for i in numbers:
            await bot.send_message(chat_id=10_000 + i, text=f"bare {i}")

    start = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(workers)))
    elapsed = time.monotonic() - start
    await bot.shutdown()
    return elapsed


def bare_round(api: ApiProcess, n: int) -> float:
    """The bare client's calls a second, without faults."""
    _control(api, "configure", {"fault": 0.0, "retry_after": 1})
    return n / asyncio.run(_bare(api, n))


CASES: list[tuple[str, int, float, int]] = [
    # what, per second, share of 429s, retry_after; at 1000/s every notification has its own
    # chat, or the limit of one a second per chat would be what is measured
    ("no faults", 30, 0.0, 1),
    ("5 % 429, retry_after 1", 30, 0.05, 1),
    ("5 % 429, retry_after 0", 30, 0.05, 0),
    ("broadcast 1000/s, 5 % 429, retry_after 1", 1000, 0.05, 1),
]


def fanout(n: int = 10_000, rounds: int = 1, chats: int | None = None) -> list[str]:
    """Every case, `rounds` times interleaved; the rows of the RESULTS.md table."""
    chats = chats or max(1, n // 5)
    api = ApiProcess()
    results: dict[str, list[Round]] = defaultdict(list)
    bare: list[float] = []
    try:
        for _ in range(rounds):
            bare.append(bare_round(api, n))
            print(f"bare python-telegram-bot: {bare[-1]:.0f} calls/s", flush=True)
            for what, per_second, fault, retry_after in CASES:
                spread = n if per_second > 30 else chats
                r = one_round(api, n, spread, per_second, fault, retry_after)
                results[what].append(r)
                print(
                    f"{what}: {r.elapsed:.2f} s = {r.ratio:.3f} x N/{per_second}, "
                    f"{r.refused} refused, lost {r.lost}, doubled {r.doubled}, "
                    f"min chat gap {r.min_chat_gap:.3f} s, busiest second {r.max_in_a_second}, "
                    f"out of order {r.out_of_order}",
                    flush=True,
                )
    finally:
        api.stop()
    rows = []
    for what, per_second, _, _ in CASES:
        rs = results[what]
        ratios = [r.ratio for r in rs]
        budget = 1.1 if per_second > 30 else 1.05
        worst = max(ratios)
        rows.append(
            f"| {what} | {n:,} | {statistics.median(ratios):.3f} "
            f"({min(ratios):.3f}–{worst:.3f}) | ≤ {budget} | "
            f"{sum(r.refused for r in rs)} | {sum(r.lost for r in rs)} | "
            f"{sum(r.doubled for r in rs)} | {_gap(min(r.min_chat_gap for r in rs))} | "
            f"{max(r.max_in_a_second for r in rs)} | "
            f"{'within' if worst <= budget else 'OVER'} |"
        )
    rows.append(
        f"| bare python-telegram-bot, 8 calls at a time, no outbox or limits | {n:,} | "
        f"{statistics.median(bare):.0f} calls/s ({min(bare):.0f}–{max(bare):.0f}) | | | | | | | |"
    )
    return rows


def _gap(seconds: float) -> str:
    return "— (one each)" if seconds == float("inf") else f"{seconds:.3f} s"


HEADER = [
    "| case | N | elapsed / (N / rate): median (min–max) | budget | 429s | lost | doubled "
    "| min gap in a chat | most in any 1 s | |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=10_000, help="notifications per round")
    parser.add_argument("--chats", type=int, default=None, help="chats (default n / 5)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="600 notifications, one round")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    n = 600 if args.quick else args.n
    # Stopped with SIGTERM, still stop the fake Bot API (the `finally` in `fanout`).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print("\n".join(HEADER + fanout(n, args.rounds, args.chats)))


if __name__ == "__main__":
    main()
