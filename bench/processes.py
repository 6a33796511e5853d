"""Throughput of one and of two `zhaoshang run` processes in webhook mode behind HAProxy
(deploy/haproxy.cfg), on one PostgreSQL database.

The sandbox runs standalone (`python -m sandbox`, its own process) and posts its webhook
updates to HAProxy, which spreads them over the processes. Investors, each in their own private
chat, answer the plan form as fast as the bot replies: each types the project's name (the bot
asks the second question) and presses « back (the bot asks the first again), over and over;
each answer shown its next question is one step. The driver talks to the sandbox over its
control API. Rounds alternate the order (1 then 2, 2 then 1), each on a fresh database.

Run: .venv/bin/python bench/processes.py [--rounds 3] [--seconds 20] [--investors 100]
bench/run.py calls `section()`, which returns the RESULTS.md section as Markdown."""

# Longer than 300 lines: one benchmark with its harness (sandbox, HAProxy, bots), its CPU
# accounting and its report, which read best together.

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("PTB_TIMEDELTA", "true")

from procs import PYTHON, ROOT, Proc, database, free_port, full_bot, pg_available

from bot import demo_plan
from bot.bootstrap import build_uow_factory, initialise
from bot.settings import Settings
from sandbox.client import SandboxClient
from storage.tables import MessengerAccount, Person
from workflow.roles import Role

TOKEN = "123456:BENCH-processes"
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
FIRST_CHAT = 50000
WARM_UP = 3.0  # seconds of steps before the count starts
BACK = "« 上一项"


@dataclass
class Round:
    """One measured run: how many bot processes, the steps per second they reached, and the
    cores (CPU seconds per second) the bots, the sandbox with the driver, and the whole
    machine used meanwhile."""

    processes: int
    steps_per_second: float
    steps: int
    bots_cores: float = 0.0
    harness_cores: float = 0.0
    machine_cores: float = 0.0


TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _machine_busy() -> float:
    """CPU seconds all cores spent busy so far (not idle, not waiting for I/O)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / TICK


def _snapshot(bots: list[int], harness: list[int]) -> tuple[float, float, float, float]:
    return (
        time.monotonic(),
        sum(_cpu_seconds(p) for p in bots),
        sum(_cpu_seconds(p) for p in harness),
        _machine_busy(),
    )


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


async def _until(predicate: Any, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        await asyncio.sleep(0.2)


def _register(url: str, chats: list[int], api: str) -> None:
    """A migrated database with investors who registered earlier (no onboarding steps)."""
    settings = Settings(bot_token=TOKEN, database_url=url, api_base_url=api, _env_file=None)
    initialise(settings)
    uow_factory = build_uow_factory(settings)
    with uow_factory() as uow:
        for chat in chats:
            person = uow.people.add(
                Person(name=f"投资人{chat}", company="华锐精密", phone="13800138000")
            )
            assert person.id is not None
            person.consent_at = uow.now()
            uow.session.add(
                MessengerAccount(person_id=person.id, external_id=str(chat), chat_id=str(chat))
            )
            uow.people.grant(person.id, Role.INVESTOR.value)
        uow.commit()
    uow_factory.engine.dispose()


async def _investor(
    sb: SandboxClient, chat: int, stop_at: float, count_from: float, steps: list[int]
) -> None:
    """Answer the first question, go back, answer again... until stop_at; count the steps
    completed after count_from."""
    name = demo_plan.TYPED["name"]
    sent = await sb.send_text(chat, "/new")
    question = await sb.wait_for_bot_message(
        chat, lambda m: "第 1/" in m.get("text", ""), sent["message_id"], timeout=60
    )
    while time.monotonic() < stop_at:
        sent = await sb.send_text(chat, name)
        question = await sb.wait_for_bot_message(
            chat, lambda m: "第 2/" in m.get("text", ""), sent["message_id"], timeout=60
        )
        if time.monotonic() > count_from:
            steps[0] += 1
        await sb.press(chat, chat, question["message_id"], button_text=BACK)
        question = await sb.wait_for_bot_message(
            chat, lambda m: "第 1/" in m.get("text", ""), question["message_id"], timeout=60
        )
        if time.monotonic() > count_from:
            steps[0] += 1


async def _measure(
    sandbox_url: str, sandbox_pid: int, processes: int, investors: int, seconds: float, name: str
) -> Round:
    chats = [FIRST_CHAT + i for i in range(investors)]
    with database("postgresql", name) as url:
        _register(url, chats, sandbox_url)
        async with SandboxClient(sandbox_url, timeout=90) as sb:
            await sb.reset()
            for chat in chats:
                await sb.add_user(chat, f"投资人{chat}")
            ports = [free_port() for _ in range(processes)]
            front = free_port()
            backends = (ports * 2)[:2]  # one process: both server lines name it
            haproxy = Proc(
                f"{name}-haproxy",
                [str(shutil.which("haproxy")), "-f", str(HAPROXY_CFG), "-db"],
                {
                    "ZHAOSHANG_LB_BIND": f"127.0.0.1:{front}",
                    "ZHAOSHANG_BOT_1": f"127.0.0.1:{backends[0]}",
                    "ZHAOSHANG_BOT_2": f"127.0.0.1:{backends[1]}",
                },
            )
            hook = {"ZHAOSHANG_WEBHOOK_URL": f"http://127.0.0.1:{front}/telegram"}
            bots = [
                full_bot(
                    f"{name}-bot{i}",
                    "ptb",
                    sandbox_url,
                    TOKEN,
                    url,
                    hook | {"ZHAOSHANG_WEBHOOK_PORT": str(port)},
                )
                for i, port in enumerate(ports)
            ]
            try:

                async def up() -> bool:
                    if not all(_listening(p) for p in (*ports, front)):
                        return False
                    return len(await sb.calls("setWebhook")) >= processes

                await _until(up, f"{processes} bot(s) behind HAProxy")
                await asyncio.sleep(1.5)  # HAProxy's health checks see every process up
                start = time.monotonic()
                steps = [0]
                bot_pids = [b.pid for b in bots]
                harness = [os.getpid(), sandbox_pid]

                async def after_warm_up() -> tuple[float, float, float, float]:
                    await asyncio.sleep(WARM_UP)
                    return _snapshot(bot_pids, harness)

                first = asyncio.create_task(after_warm_up())
                await asyncio.gather(
                    *(
                        _investor(sb, chat, start + WARM_UP + seconds, start + WARM_UP, steps)
                        for chat in chats
                    )
                )
                last = _snapshot(bot_pids, harness)
                t0, bots0, harness0, machine0 = await first
                elapsed = last[0] - t0
            finally:
                for bot in bots:
                    bot.stop()
                haproxy.stop()
    return Round(
        processes,
        steps[0] / elapsed,
        steps[0],
        (last[1] - bots0) / elapsed,
        (last[2] - harness0) / elapsed,
        (last[3] - machine0) / elapsed,
    )


async def measure(rounds: int = 3, seconds: float = 20.0, investors: int = 100) -> list[Round]:
    """Alternating rounds of one and of two processes (each on a fresh database)."""
    port = free_port()
    sandbox = Proc(
        "processes-sandbox", [PYTHON, "-m", "sandbox", "--port", str(port), "--token", TOKEN]
    )
    url = f"http://127.0.0.1:{port}"
    results: list[Round] = []
    try:

        async def sandbox_up() -> bool:
            return _listening(port)

        await _until(sandbox_up, "the sandbox")
        for r in range(rounds):
            order = (1, 2) if r % 2 == 0 else (2, 1)
            for n in order:
                results.append(
                    await _measure(url, sandbox.pid, n, investors, seconds, f"p{r}n{n}")
                )
    finally:
        sandbox.stop()
    return results


def table(results: list[Round], seconds: float, investors: int) -> str:
    """The RESULTS.md section for these rounds."""
    one = [r.steps_per_second for r in results if r.processes == 1]
    two = [r.steps_per_second for r in results if r.processes == 2]
    ratios = [b / a for a, b in zip(one, two, strict=False) if a > 0]
    lines = [
        "## Several processes behind HAProxy (webhook mode, one PostgreSQL)",
        "",
        f"{investors} investors answer the plan form as fast as the bot replies (type an "
        "answer, press « back, again), for "
        f"{seconds:.0f} s after a {WARM_UP:.0f} s warm-up, over the sandbox in its own process "
        "posting its webhook to HAProxy (deploy/haproxy.cfg). Rounds alternate 1 and 2 "
        "processes, each on a fresh database. Steps per second:",
        "",
        "| processes | median | min | max | bots' cores | sandbox + driver | whole machine |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for n, values in ((1, one), (2, two)):
        of_n = [r for r in results if r.processes == n]
        if values:
            cores = [
                statistics.median(getattr(r, k) for r in of_n)
                for k in ("bots_cores", "harness_cores", "machine_cores")
            ]
            lines.append(
                f"| {n} | {statistics.median(values):.1f} | {min(values):.1f} | "
                f"{max(values):.1f} | {cores[0]:.2f} | {cores[1]:.2f} | {cores[2]:.2f} of "
                f"{os.cpu_count()} |"
            )
    if ratios:
        ratio = statistics.median(ratios)
        lines += [
            "",
            f"Ratio 2 / 1 processes: median {ratio:.2f} "
            f"(min {min(ratios):.2f}, max {max(ratios):.2f}), over {len(ratios)} rounds.",
        ]
        lines += ["", _reason(results, ratio)]
    return "\n".join(lines) + "\n"


def _reason(results: list[Round], ratio: float) -> str:
    """Why two processes are (or are not) faster here, from where the cores went."""
    cpus = os.cpu_count() or 1
    single = [r for r in results if r.processes == 1]
    double = [r for r in results if r.processes == 2]
    busy = statistics.median(r.machine_cores for r in single)
    bot = statistics.median(r.bots_cores for r in single)
    bots = statistics.median(r.bots_cores for r in double)
    harness = statistics.median(r.harness_cores for r in single)
    where = (
        f"With one process the machine's {cpus} cores were {busy:.2f} busy: the bot "
        f"{bot:.2f}, the sandbox and the driver {harness:.2f}, the rest PostgreSQL, HAProxy "
        f"and the machine's other work; two processes used {bots:.2f} between them."
    )
    if ratio < 1.1:
        return (
            f"{where} Two processes are not faster on this machine: its cores are already "
            "taken, so a second process only shares them, and adds its own cost (another "
            "interpreter, its own connections, both waiting on the same database). Processes "
            "scale with cores: with the harness and the database elsewhere, or more cores, "
            "the second process brings its share."
        )
    return (
        f"{where} The second process gains by overlapping its waits (the database, the "
        "Bot API's HTTP) with the first one's work, not by more CPU: the bots got about the "
        "same cores in both, so two are far from twice as fast on 2 shared cores."
    )


def section(rounds: int = 3, seconds: float = 20.0, investors: int = 100) -> str:
    """Measure and return the RESULTS.md section (Markdown); a note when it cannot run."""
    if shutil.which("haproxy") is None:
        return "## Several processes behind HAProxy\n\nNot run: HAProxy is not installed.\n"
    if not pg_available():
        return "## Several processes behind HAProxy\n\nNot run: PostgreSQL does not answer.\n"
    results = asyncio.run(measure(rounds, seconds, investors))
    return table(results, seconds, investors)


def main() -> None:
    """Command line: measure and print the section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--investors", type=int, default=100)
    args = parser.parse_args()
    print(section(args.rounds, args.seconds, args.investors), end="")


if __name__ == "__main__":
    main()
