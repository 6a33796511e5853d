"""The RESULTS.md sections measured over real HTTP: throughput against the floors, latency with
people who think, a flood from one person, pending work, and memory with 10,000 drafts. Each
function runs its rounds (interleaved, in one run) and returns Markdown lines."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hotpath import LABELS, Contender, Templates, contenders, interleave, pct, play
from prepare import Prepared, clone_people
from procs import FakeApi
from sqlmodel import SQLModel

from bot.bootstrap import build_uow_factory
from bot.settings import Settings
from conversations.replies import Reply

THROUGHPUT_TARGET = 1.0
P99_TARGET_MS = 25.0
PENDING_TARGET = 0.95  # with pending work, at least 95 % of the throughput without
MEMORY_TARGET_MIB = 250.0
FLOOD_TARGET = 2.0  # the others' p99 within 2 × what it is without the flood
NOTICE = "请稍候"  # what the flood's notice starts with (templates/messages/zh-Hans/common.j2)


def verdict(ok: bool) -> str:
    """A table cell: met or not."""
    return "met" if ok else "**not met**"


def paired(bot: Contender, base: Contender) -> list[float]:
    """The bot's steps/s over the floor's, round by round (both ran in the same round)."""
    return [b / f for b, f in zip(bot.rates(), base.rates(), strict=True) if f > 0]


def rates_row(c: Contender) -> str:
    """Median, min and max steps/s of a contender."""
    r = c.rates()
    return f"{statistics.median(r):.1f} | {min(r):.1f} | {max(r):.1f}"


def throughput(
    fake: FakeApi, cs: dict[str, Contender], backend: str, rounds: int, seconds: float
) -> list[str]:
    """Interleaved rounds of both floors and the bot on both runtimes, 200 people answering
    as fast as they get replies (and the floors' diagnostic variants, when they run)."""
    keys = ["ptb-floor", "ptb-bot", "aiogram-floor", "aiogram-bot"]
    keys += [k for k in ("ptb-floor-thread", "aiogram-floor-thread") if k in cs]
    order = [cs[k] for k in keys]
    for c in order:
        c.results = []
    print(f"throughput on {backend}", flush=True)
    interleave(fake, order, rounds, seconds)
    lines = [
        f"### {backend_name(backend)}: steps per second, {rounds} interleaved rounds of "
        f"{seconds:g} s",
        "",
        "| contender | median | min | max |",
        "| --- | --- | --- | --- |",
        *(f"| {LABELS[c.key]} | {rates_row(c)} |" for c in order),
        "",
        "| ratio | of medians | per round: median (min–max) | target | |",
        "| --- | --- | --- | --- | --- |",
    ]
    for bot, base in (
        ("ptb-bot", "ptb-floor"),
        ("aiogram-bot", "aiogram-floor"),
        ("aiogram-bot", "ptb-floor"),
    ):
        b, f = cs[bot], cs[base]
        of_medians = statistics.median(b.rates()) / statistics.median(f.rates())
        per = paired(b, f)
        lines.append(
            f"| {LABELS[bot]} / {LABELS[base]} | {of_medians:.2f} | "
            f"{statistics.median(per):.2f} ({min(per):.2f}–{max(per):.2f}) | ≥ "
            f"{THROUGHPUT_TARGET:.1f} | {verdict(statistics.median(per) >= THROUGHPUT_TARGET)} |"
        )
    if "ptb-floor-thread" in cs:
        lines += [
            "",
            'The floors "(commit in a thread)" are a diagnostic: the same bare bots with the '
            "commit in `asyncio.to_thread`, as the bot runs its unit of work, instead of on the "
            "event loop. A commit on PostgreSQL waits for the server, so the plain floors block "
            "their event loop for it.",
        ]
    off = sum(r["off_script"] for c in order for r in c.results)
    load = [r["load"] for c in order for r in c.results]
    lines += [
        "",
        f"Every step was an ordinary answer: {off} drafts off script after the rounds (0 "
        f"expected). Load average during the rounds: {min(load):.1f}–{max(load):.1f}.",
        "",
    ]
    return lines


def latency(
    fake: FakeApi, cs: dict[str, Contender], backend: str, rounds: int, seconds: float
) -> list[str]:
    """Step latency with 200 people who think 1–5 s between answers (not saturated)."""
    keys = ("ptb-floor", "ptb-bot", "aiogram-floor", "aiogram-bot")
    order = [cs[k] for k in keys]
    for c in order:
        c.results = []
    print(f"latency on {backend}", flush=True)
    interleave(fake, order, rounds, seconds, mode="latency", warmup=1.0)
    lines = [
        f"### {backend_name(backend)}: step latency, 200 people thinking 1–5 s, {rounds} "
        f"interleaved rounds of {seconds:g} s",
        "",
        "| contender | steps | p50 | p95 | p99 | target p99 | |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in order:
        lat = c.latencies()
        target = "" if not c.is_bot else f"< {P99_TARGET_MS:g} ms"
        met = "" if not c.is_bot else verdict(pct(lat, 99) < P99_TARGET_MS)
        lines.append(
            f"| {LABELS[c.key]} | {len(lat)} | {pct(lat, 50):.1f} ms | {pct(lat, 95):.1f} ms | "
            f"{pct(lat, 99):.1f} ms | {target} | {met} |"
        )
    return [*lines, ""]


def flood(fake: FakeApi, c: Contender, rounds: int, seconds: float) -> list[str]:
    """199 people thinking 1–5 s, with and without a 200th sending 50 messages a second."""
    assert c.prepared is not None
    flooder, others = c.prepared.users[0], c.prepared.users[1:200]
    calm: list[dict[str, Any]] = []
    flooded: list[dict[str, Any]] = []
    print("flood", flush=True)
    for _ in range(rounds):
        for with_flood in (False, True):
            extra: dict[str, Any] = (
                {"flooders": [flooder], "rate": 50, "notice": NOTICE} if with_flood else {}
            )
            r = play(fake, c, seconds, mode="latency", warmup=1.0, users=others, **extra)
            (flooded if with_flood else calm).append(r)
            print(
                f"  flood={with_flood} p99 {pct(r['latencies'], 99):.1f} ms "
                f"notices {r['notices']}/{r['flood_replies']} of {r['flood_sent']}",
                flush=True,
            )
    calm_lat = [x for r in calm for x in r["latencies"]]
    flood_lat = [x for r in flooded for x in r["latencies"]]
    ratio = pct(flood_lat, 99) / pct(calm_lat, 99)
    notices = [r["notices"] for r in flooded]
    sent = [r["flood_sent"] for r in flooded]
    replies = [r["flood_replies"] for r in flooded]
    return [
        f"### A flood from one person (bot on PTB, SQLite): 199 people thinking 1–5 s, "
        f"{rounds} rounds of {seconds:g} s with and without a person sending 50 messages a "
        "second",
        "",
        "| | p50 | p95 | p99 of the others |",
        "| --- | --- | --- | --- |",
        f"| without the flood | {pct(calm_lat, 50):.1f} ms | {pct(calm_lat, 95):.1f} ms | "
        f"{pct(calm_lat, 99):.1f} ms |",
        f"| with the flood | {pct(flood_lat, 50):.1f} ms | {pct(flood_lat, 95):.1f} ms | "
        f"{pct(flood_lat, 99):.1f} ms |",
        "",
        f"- The others' p99 with the flood / without: **{ratio:.2f}** (target ≤ "
        f"{FLOOD_TARGET:g}: {verdict(ratio <= FLOOD_TARGET)}).",
        f"- The flooder sent {', '.join(map(str, sent))} messages per round and got "
        f"{', '.join(map(str, replies))} messages back, of which "
        f"{', '.join(map(str, notices))} were the 「{NOTICE}」 notice (target: one per flood, "
        f"{verdict(all(n == 1 for n in notices))}).",
        "",
    ]


def pending_work(url: str, prepared: Prepared, n: int = 10_000) -> Prepared:
    """Add `n` pending rows to the outbox: half reminders (with a dedupe key, as the sweeps
    write them) and half notifications of cards, all due tomorrow, to people outside the
    rounds: queued, not yet due, so the rounds measure their presence, not their sending."""
    table = SQLModel.metadata.tables["outboxmessage"]
    now = datetime.now(UTC)
    later = now + timedelta(days=1)
    rows = []
    for i in range(n):
        reminder = i % 2 == 0
        reply = Reply(
            f"提醒 {i}：请按时提交月报。" if reminder else f"项目 {i} 的评审进度已更新。"
        )
        payload = reply.to_dict()
        if not reminder:
            payload["card"] = f"rp:{i}"
        rows.append(
            {
                "created_at": now,
                "chat_id": str(900_000 + i),
                "messenger": "telegram",
                "payload": payload,
                "dedupe_key": f"nag:bench:{i}" if reminder else None,
                "card": None if reminder else f"rp:{i}",
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": later,
                "reported": False,
            }
        )
    factory = build_uow_factory(Settings(database_url=url))
    try:
        with factory.engine.begin() as conn:
            for i in range(0, n, 2000):
                conn.execute(table.insert(), rows[i : i + 2000])
    finally:
        factory.engine.dispose()
    return prepared


def pending(
    fake: FakeApi, cs: dict[str, Contender], backend: str, rounds: int, seconds: float
) -> list[str]:
    """The bot with and without 10,000 pending rows, interleaved."""
    plain, loaded = cs["ptb-bot"], cs["ptb-bot-pending"]
    for c in (plain, loaded):
        c.results = []
    print(f"pending work on {backend}", flush=True)
    interleave(fake, [plain, loaded], rounds, seconds)
    per = paired(loaded, plain)
    med = statistics.median(per)
    return [
        f"### {backend_name(backend)}: 10,000 pending reminders and notifications (bot on "
        f"PTB), {rounds} interleaved rounds of {seconds:g} s",
        "",
        "| database | median | min | max steps/s |",
        "| --- | --- | --- | --- |",
        f"| without pending work | {rates_row(plain)} |",
        f"| with 10,000 pending rows | {rates_row(loaded)} |",
        "",
        f"With / without, per round: median **{med:.2f}** ({min(per):.2f}–{max(per):.2f}); "
        f"target ≥ {PENDING_TARGET:.2f} (a step at most 5 % slower): "
        f"{verdict(med >= PENDING_TARGET)}. The rows are queued for tomorrow, so the rounds "
        "measure their presence (queries, sweeps), not their delivery.",
        "",
    ]


def rss_mib(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def memory(fake: FakeApi, templates: Templates, drafts: int, runtime: str = "ptb") -> list[str]:
    """RSS of one bot process idle, then after `drafts` people with an open draft each
    answered once."""

    def more_people(url: str, prepared: Prepared) -> Prepared:
        grown = Prepared(list(prepared.users), prepared.script, prepared.steps, prepared.start)
        factory = build_uow_factory(Settings(database_url=url))
        try:
            clone_people(factory, grown, drafts)
        finally:
            factory.engine.dispose()
        return grown

    key = f"{runtime}-bot"
    print(f"memory with {drafts} drafts", flush=True)
    with contenders(
        fake, "sqlite", [key], templates, tag="-memory", setups={key: more_people}
    ) as cs:
        c = cs[key]
        time.sleep(2.0)
        idle = rss_mib(c.proc.pid)
        t = time.perf_counter()
        r = play(fake, c, 0.0, warmup=0.0, check=False, drain=600, script_limit=1)
        took = time.perf_counter() - t
        after = rss_mib(c.proc.pid)
    answered = len(r["positions"]) - r["undrained"]
    return [
        f"### Memory: one bot process (bot on {runtime.upper() if runtime == 'ptb' else runtime}"
        f", SQLite) with {drafts:,} open drafts",
        "",
        "| | RSS | peak RSS | target | |",
        "| --- | --- | --- | --- | --- |",
        f"| idle, after start | {idle[0]:.1f} MiB | {idle[1]:.1f} MiB | | |",
        f"| after {answered:,} people with an open draft answered once | {after[0]:.1f} MiB | "
        f"{after[1]:.1f} MiB | < {MEMORY_TARGET_MIB:g} MiB | "
        f"{verdict(after[1] < MEMORY_TARGET_MIB)} |",
        "",
        f"The {drafts:,} answers took {took:.0f} s; {r['undrained']} were left unanswered.",
        "",
    ]


def backend_name(backend: str) -> str:
    """SQLite or PostgreSQL."""
    return "SQLite" if backend == "sqlite" else "PostgreSQL"


def pending_in_process(steps: int) -> list[str]:
    """In-process and so far less noisy than the rounds: one answer's time through the
    dispatcher, and the sender's two queries, with and without the 10,000 pending rows."""
    import tempfile

    from prepare import prepare

    from bot.bootstrap import build_services
    from conversations.inbound import Inbound
    from handlers.dispatch import Dispatcher

    def measure(with_rows: bool) -> tuple[float, float, float]:
        with tempfile.TemporaryDirectory(prefix="zb-") as folder:
            url = f"sqlite:///{folder}/pending.db"
            prepared = prepare(url, 1)
            if with_rows:
                pending_work(url, prepared)
            factory = build_uow_factory(Settings(database_url=url))
            try:
                dispatcher = Dispatcher(build_services(Settings(database_url=url), factory, "b"))
                uid = str(prepared.users[0])
                ids = iter(range(10**9))

                def event(**kw: Any) -> Inbound:
                    return Inbound(user_id=uid, chat_id=uid, update_id=f"p{next(ids)}", **kw)

                samples, due, nxt = [], [], []
                for _ in range(steps):
                    t = time.perf_counter()
                    dispatcher.handle(event(text=prepared.script[0]))
                    samples.append((time.perf_counter() - t) * 1000)
                    dispatcher.handle(event(command="back", text="/back"))
                    with factory() as uow:
                        t = time.perf_counter()
                        uow.outbox.next_attempt("telegram")
                        nxt.append((time.perf_counter() - t) * 1000)
                        t = time.perf_counter()
                        uow.outbox.due(datetime.now(UTC), 100, messenger="telegram")
                        due.append((time.perf_counter() - t) * 1000)
                return statistics.median(samples), statistics.median(nxt), statistics.median(due)
            finally:
                factory.engine.dispose()

    # Twice each, alternating, keeping the better of the two: the first run also warms
    # SQLAlchemy's statement cache and the imports.
    runs = [measure(with_rows) for with_rows in (False, True, False, True)]
    without = tuple(min(a, b) for a, b in zip(runs[0], runs[2], strict=True))
    with_ = tuple(min(a, b) for a, b in zip(runs[1], runs[3], strict=True))
    return [
        f"In-process, on SQLite, median of {steps} (less noisy than the rounds):",
        "",
        "| | without | with 10,000 pending rows | ratio |",
        "| --- | --- | --- | --- |",
        *(
            f"| {name} | {a:.2f} ms | {b:.2f} ms | {b / a:.2f} |"
            for name, a, b in zip(
                (
                    "one answer through the dispatcher",
                    "the sender's `next_attempt`",
                    "the sender's `due` (100 rows)",
                ),
                without,
                with_,
                strict=True,
            )
        ),
        "",
    ]
