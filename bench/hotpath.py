"""Throughput and latency of a plan-form step: the full bot against its floors, over real HTTP
to the fake Bot API in its own process, in interleaved rounds (floor, bot, floor, bot …).

Run alone: python bench/hotpath.py [--backend sqlite|postgres] [--rounds 5] [--seconds 4]
bench/run.py calls `throughput` and `latency` for RESULTS.md."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("PTB_TIMEDELTA", "true")

from prepare import Prepared, positions, prepare, reset
from procs import FakeApi, Proc, database, floor, full_bot

from bot.bootstrap import build_uow_factory
from bot.settings import Settings
from storage.uow import UnitOfWorkFactory

PEOPLE = 200
KINDS = {
    "ptb-floor": ("floor", "ptb"),
    "aiogram-floor": ("floor", "aiogram"),
    "ptb-bot": ("bot", "ptb"),
    "aiogram-bot": ("bot", "aiogram"),
}
LABELS = {
    "ptb-floor": "PTB floor",
    "aiogram-floor": "aiogram floor",
    "ptb-bot": "bot on PTB",
    "aiogram-bot": "bot on aiogram",
    "ptb-floor-thread": "PTB floor (commit in a thread)",
    "aiogram-floor-thread": "aiogram floor (commit in a thread)",
    "ptb-bot-pending": "bot on PTB, 10,000 pending rows",
}
FLOOR_VARIANTS: dict[str, tuple[str, str, dict[str, str]]] = {
    "ptb-floor-thread": ("floor", "ptb", {"BENCH_FLOOR_THREAD": "1"}),
    "aiogram-floor-thread": ("floor", "aiogram", {"BENCH_FLOOR_THREAD": "1"}),
}


@dataclass
class Contender:
    """One bot process in the rounds: a floor or the full bot."""

    key: str
    token: str
    proc: Proc
    prepared: Prepared | None = None  # the full bot's database, reset before each round
    factory: UnitOfWorkFactory | None = None
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_bot(self) -> bool:
        """The full bot, not a floor."""
        return self.prepared is not None

    def rates(self) -> list[float]:
        """Steps per second of each round."""
        return [r["steps"] / r["seconds"] for r in self.results]

    def latencies(self) -> list[float]:
        """Every step's latency over all rounds, ms."""
        return [x for r in self.results for x in r["latencies"]]


class Templates:
    """One prepared bot database per backend, copied for each bot that needs one (preparing
    200 people through the handlers takes a while; copying takes a moment)."""

    def __init__(self, stack: ExitStack, people: int = PEOPLE) -> None:
        self.stack = stack
        self.people = people
        self._made: dict[str, tuple[str, Prepared]] = {}

    def get(self, backend: str) -> tuple[str, Prepared]:
        """The template database's URL and what it holds."""
        if backend not in self._made:
            t = time.perf_counter()
            url = self.stack.enter_context(database(backend, "template"))
            prepared = prepare(url, self.people)
            print(
                f"  prepared {self.people} people on {backend} in {time.perf_counter() - t:.1f} s",
                flush=True,
            )
            self._made[backend] = (url, prepared)
        return self._made[backend]


@contextmanager
def contenders(
    fake: FakeApi,
    backend: str,
    keys: list[str],
    templates: Templates,
    bot_env: dict[str, str] | None = None,
    tag: str = "",
    setups: dict[str, Callable[[str, Prepared], Prepared]] | None = None,
    variants: dict[str, tuple[str, str, dict[str, str]]] | None = None,
) -> Iterator[dict[str, Contender]]:
    """Start each named contender on its own fresh database of `backend` (the full bot's a
    copy of the prepared template, changed by its entry in `setups` when it has one); stop
    them after. A key is one of KINDS or of `variants` (kind, library, environment)."""
    with ExitStack() as stack:
        out: dict[str, Contender] = {}
        for key in keys:
            kind, lib = KINDS[key] if key in KINDS else (variants or {})[key][:2]
            env = {**(bot_env or {}), **(variants or {}).get(key, ("", "", {}))[2]}
            name = f"{key}-{backend}{tag}"
            token = f"{zlib.crc32(name.encode())}:bench-{name}"
            if kind == "floor":
                url = stack.enter_context(database(backend, name.replace("-", "_")))
                proc = floor(lib, name, fake.url, token, url, env)
                out[key] = Contender(key, token, proc)
            else:
                template, prepared = templates.get(backend)
                url = stack.enter_context(database(backend, name.replace("-", "_"), template))
                if setups and key in setups:
                    prepared = setups[key](url, prepared)
                factory = build_uow_factory(Settings(database_url=url))
                stack.callback(factory.engine.dispose)
                proc = full_bot(name, lib, fake.url, token, url, env)
                out[key] = Contender(key, token, proc, prepared, factory)
            stack.callback(proc.stop)
        for c in out.values():
            fake.wait_polling(c.token, c.proc)
        yield out


def play(
    fake: FakeApi,
    c: Contender,
    seconds: float,
    mode: str = "throughput",
    warmup: float = 0.5,
    users: list[int] | None = None,
    check: bool = True,
    drain: float = 60,
    **extra: Any,
) -> dict[str, Any]:
    """One round for one contender; the full bot's drafts are reset first and checked after
    (`check`). `users` defaults to everyone prepared (the floor: the same 200 ids)."""
    script = ["年产30万套新能源汽车电机壳体项目"] * 36
    everyone = list(range(500_001, 500_001 + PEOPLE))
    if c.prepared is not None and c.factory is not None:
        reset(c.factory, c.prepared)
        everyone, script = c.prepared.users, c.prepared.script
    fake.start(
        token=c.token,
        users=everyone if users is None else users,
        script=script,
        mode=mode,
        warmup=warmup,
        **extra,
    )
    time.sleep(seconds + warmup)
    result = fake.stop(drain=drain)
    result["off_script"] = off_script(c, result) if c.prepared is not None and check else 0
    result["load"] = os.getloadavg()[0]
    c.results.append(result)
    return result


def off_script(c: Contender, result: dict[str, Any]) -> int:
    """How many people's drafts are not where their answers should have taken them (an
    answer that was refused, lost or taken twice)."""
    assert c.prepared is not None and c.factory is not None
    steps = c.prepared.steps
    where = positions(c.factory, c.prepared)
    wrong = 0
    for uid, step in where.items():
        if str(uid) not in result["positions"]:
            continue  # not in this round (the flooder's neighbours, a smaller round)
        n = int(result["positions"][str(uid)])
        expected = steps[n] if n < len(steps) else None
        if expected is not None and step != expected:
            wrong += 1
    return wrong


def interleave(fake: FakeApi, cs: list[Contender], rounds: int, seconds: float, **kw: Any) -> None:
    """Rounds in turn: each contender once per round, in the given order."""
    for i in range(rounds):
        for c in cs:
            r = play(fake, c, seconds, **kw)
            print(
                f"  round {i + 1} {c.key:14} {r['steps'] / r['seconds']:7.1f} steps/s"
                f"  p50 {pct(r['latencies'], 50):6.1f} ms  off-script {r['off_script']}"
                f"  undrained {r['undrained']}",
                flush=True,
            )


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank); nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary(c: Contender) -> tuple[float, float, float]:
    """Median, min and max steps/s over the rounds."""
    rates = c.rates()
    return statistics.median(rates), min(rates), max(rates)


def throughput(
    fake: FakeApi, backend: str, keys: list[str], rounds: int, seconds: float
) -> dict[str, Contender]:
    """Interleaved throughput rounds of the named contenders on one backend."""
    with ExitStack() as stack, contenders(fake, backend, keys, Templates(stack)) as cs:
        interleave(fake, [cs[k] for k in keys], rounds, seconds)
        return cs


def main() -> None:
    """Print a throughput comparison on one backend."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="sqlite", choices=("sqlite", "postgres"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--contenders", default="ptb-floor,ptb-bot,aiogram-floor,aiogram-bot")
    ap.add_argument("--latency", action="store_true", help="users think 1–5 s")
    ap.add_argument(
        "--variant",
        action="append",
        default=[],
        help="KEY=KIND:LIB:PYTHONPATH:ENV=V,… a contender on another tree or settings",
    )
    args = ap.parse_args()
    keys = args.contenders.split(",")
    variants: dict[str, tuple[str, str, dict[str, str]]] = {}
    for v in args.variant:
        key, rest = v.split("=", 1)
        kind, lib, path, *envs = rest.split(":")
        env = dict(e.split("=", 1) for e in ",".join(envs).split(",") if e)
        variants[key] = (kind, lib, {**env, **({"PYTHONPATH": path} if path else {})})
        LABELS[key] = key
    fake = FakeApi()
    try:
        mode = "latency" if args.latency else "throughput"
        with (
            ExitStack() as stack,
            contenders(fake, args.backend, keys, Templates(stack), variants=variants) as cs,
        ):
            interleave(fake, [cs[k] for k in keys], args.rounds, args.seconds, mode=mode)
        base = summary(cs["ptb-floor"])[0] if "ptb-floor" in cs else None
        for k in keys:
            med, lo, hi = summary(cs[k])
            lat = cs[k].latencies()
            ratio = f"  ×PTB floor {med / base:.2f}" if base else ""
            print(
                f"{LABELS[k]:15} median {med:6.1f}  min {lo:6.1f}  max {hi:6.1f} steps/s{ratio}"
                f"  p50 {pct(lat, 50):.1f}  p95 {pct(lat, 95):.1f}  p99 {pct(lat, 99):.1f} ms"
            )
        print("fake:", fake.stats())
    finally:
        fake.close()


if __name__ == "__main__":
    main()
