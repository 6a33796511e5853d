"""Every benchmark of the budgets in ARCHITECTURE.md and issue 13, in one command. Writes
bench/RESULTS.md. Run: .venv/bin/python bench/run.py [--only hotpath,latency] [--quick]
(not part of the test suite).

Here: documents, the monthly aggregate, and one step's cost as the project library grows
(in-process); finding things as it grows (bench/listing.py). Over real HTTP to the fake Bot
API (bench/hotpath.py, bench/sections.py): throughput against the floors, latency, a flood,
pending work and memory. The outbox fan-out (bench/fanout.py), several processes behind
HAProxy (bench/processes.py) and the recovery after a PostgreSQL restart (bench/recovery.py)
bring their own sections."""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Final

import pypdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("PTB_TIMEDELTA", "true")

from listing import listing_section, services_on

from conversations.inbound import Inbound
from documents.charts.assessment import unit_rates, unit_rates_png
from documents.charts.stages import funnel, funnel_png
from documents.charts.words import funnel_texts, unit_rates_texts
from documents.excel import annual_assessment, monthly_aggregate
from documents.pdf import PdfConverter, find_soffice
from documents.samples.excel import district_aggregate, district_assessment
from documents.word.catalog import DOCUMENTS
from documents.word.templates import WordTemplates
from handlers.dispatch import Dispatcher
from storage.db import make_engine, migrate
from storage.seed import seed_policy
from storage.tables import MessengerAccount, Person, PersonRole, Project
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer
from workflow.pipeline import Stage
from workflow.policy_file import load_default_policy

RESULTS = Path(__file__).with_name("RESULTS.md")


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and worst time of `runs` calls, in milliseconds (after one warm-up)."""
    fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), max(samples)


def documents(renderer: Renderer) -> tuple[list[str], list[tuple[str, bytes]]]:
    """Every Word template filled from its full sample, the two workbooks and the three charts:
    the table rows, and each Word document as made (for its PDF copy)."""
    word_templates = WordTemplates()
    aggregate = district_aggregate()
    assessment = district_assessment()
    rates = unit_rates(assessment.units)
    pipeline = [(s.value, ("green", "amber", "red")[i % 3]) for i, s in enumerate(Stage)] * 12
    stages = [s.value for s in Stage]
    funnel_data = funnel(stages, pipeline)
    day = date(2026, 12, 1)
    jobs: list[tuple[str, Callable[[], object], int]] = [
        (f"{d.name}.docx (Word)", partial(d.build, d.samples[0](), word_templates), 200)
        for d in DOCUMENTS
    ]
    jobs += [
        (
            "月报汇总, 100 units (Excel)",
            lambda: monthly_aggregate(aggregate, renderer=renderer),
            2000,
        ),
        ("年度考核 (Excel)", lambda: annual_assessment(assessment, renderer=renderer), 2000),
        (
            "chart: projects by stage (PNG)",
            lambda: funnel_png(funnel_data, funnel_texts(renderer, "zh-Hans", day, stages)),
            500,
        ),
        (
            "chart: on-time rate per unit (PNG)",
            lambda: unit_rates_png(rates, unit_rates_texts(renderer, "zh-Hans", 2026, day, rates)),
            500,
        ),
    ]
    out = []
    word: list[tuple[str, bytes]] = []
    for name, fn, budget in jobs:
        median, worst = timed(fn, 10)
        verdict = "within" if worst < budget else "OVER"
        out.append(f"| {name} | {median:.0f} ms | {worst:.0f} ms | < {budget} ms | {verdict} |")
        if name.endswith("(Word)"):
            made = fn()
            assert isinstance(made, bytes)
            word.append((name.removesuffix(" (Word)"), made))
    return out, word


def pdf_copies(word: Sequence[tuple[str, bytes]], runs: int = 3) -> list[str]:
    """How long LibreOffice takes to make each Word document's PDF copy, on a warm profile and
    with the cache forgotten before each run: apart from the 200 ms budget, since it runs at
    delivery, off the event loop, once per document however many people it goes to."""
    head = [
        "### PDF copies (LibreOffice headless, at delivery; not part of the 200 ms budget)",
        "",
    ]
    program = find_soffice()
    if program is None:
        return [*head, "LibreOffice is not installed on this machine: not measured.", ""]
    version = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=60)
    converter = PdfConverter(program)
    rows = []
    try:
        converter.convert(word[0][1])  # the profile is made on the first conversion
        for name, docx in word:
            samples = []
            for _ in range(runs):
                converter.forget()
                t = time.perf_counter()
                pdf = converter.convert(docx)
                samples.append((time.perf_counter() - t) * 1000)
            pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
            median, worst = statistics.median(samples), max(samples)
            rows.append(f"| {name} | {median:.0f} ms | {worst:.0f} ms | {pages} |")
    finally:
        converter.close()
    return [
        *head,
        f"{version.stdout.strip() or program}; one conversion at a time.",
        "",
        f"| document | median of {runs} | worst of {runs} | pages |",
        "| --- | --- | --- | --- |",
        *rows,
        "",
    ]


def step_cost(projects: int, steps: int) -> float:
    """Median ms of one plan-form answer (parsed, draft stored) with `projects` in the library."""
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    migrate(url)
    now = datetime(2026, 11, 23, 2, tzinfo=UTC)
    factory = UnitOfWorkFactory(make_engine(url), lambda: now)
    policy = load_default_policy()
    with factory() as uow:
        seed_policy(uow, policy)
        investor = uow.people.add(Person(name="投资人"))
        assert investor.id is not None
        uow.session.add(MessengerAccount(person_id=investor.id, external_id="1", chat_id="1"))
        uow.session.add(PersonRole(person_id=investor.id, role="investor"))
        uow.session.bulk_save_objects(
            [
                Project(
                    serial=f"QX-2026-{i:06d}",
                    name=f"项目{i}",
                    stage="lead",
                    plan={},
                    findings=[],
                    investor_person_id=investor.id if i % 1000 == 0 else None,
                    # A bulk save skips the unit of work's stamping: stamp them here.
                    created_at=now,
                    updated_at=now,
                )
                for i in range(projects)
            ]
        )
        uow.commit()
    dispatcher = Dispatcher(services_on(factory, policy))
    seq = iter(range(10**9))

    def event(**kw: object) -> Inbound:
        return Inbound(user_id="1", chat_id="1", update_id=str(next(seq)), **kw)  # type: ignore[arg-type]

    dispatcher.handle(event(command="new", text="/new"))
    samples = []
    for i in range(steps):
        # The first question again and again: "back" then a name, both real steps.
        t = time.perf_counter()
        dispatcher.handle(event(text=f"年产{i}万套零部件项目"))
        samples.append((time.perf_counter() - t) * 1000)
        dispatcher.handle(event(command="back", text="/back"))
    factory.engine.dispose()
    return statistics.median(samples)


def documents_section() -> list[str]:
    """The documents' budgets, and the time of their PDF copies."""
    table, word = documents(Renderer())
    return [
        "## Documents (ARCHITECTURE.md: a document under 200 ms, the monthly aggregate "
        "of 100 units under 2 s; a chart: our own aim of 500 ms, since charts are drawn in "
        "the weekly and monthly sweeps and for /assessment, never in a form's step)",
        "",
        "| document | median | worst of 10 | budget | |",
        "| --- | --- | --- | --- | --- |",
        *table,
        "",
        *pdf_copies(word),
    ]


def library_section(quick: bool) -> list[str]:
    """One step's cost with 100 and with 100,000 projects in the library."""
    steps = 50 if quick else 200
    small, large = step_cost(100, steps), step_cost(10_000 if quick else 100_000, steps)
    big = "10,000" if quick else "100,000"
    return [
        "## One conversation step as the library grows (the cost must stay flat)",
        "",
        "An answer to the plan form through the dispatcher: update recorded, actor resolved, "
        "answer parsed, draft stored, one SQLite transaction.",
        "",
        "| projects in the library | median per step |",
        "| --- | --- |",
        f"| 100 | {small:.2f} ms |",
        f"| {big} | {large:.2f} ms |",
        "",
        f"Ratio {big} / 100: {large / small:.2f} (flat when close to 1).",
        "",
    ]


SECTIONS: Final = (
    "targets",  # written by hand from the figures below; no run rewrites it
    "documents",
    "library",
    "listing",
    "hotpath",
    "latency",
    "flood",
    "pending",
    "memory",
    "fanout",
    "processes",
    "recovery",
)
OVER_HTTP: Final = frozenset({"hotpath", "latency", "flood", "pending"})
HTTP_INTRO: Final = [
    "## The hot path over real HTTP (issue 13)",
    "",
    "200 investors, each in their own private chat, answer the plan form's typed questions "
    "(总投资 … 联系电话). Updates come by `getUpdates` and replies go back by `sendMessage`, both "
    "over HTTP to a fake Bot API in its own process (`bench/fakeapi.py`). A step's latency runs "
    "from the moment getUpdates first hands out the person's message to the bot's first "
    "sendMessage to that chat. The contenders are:",
    "",
    "- the PTB floor, bare python-telegram-bot 22 with `concurrent_updates`, a "
    "ConversationHandler, one SQLModel commit and one `reply_text` per update "
    "(`bench/floor_ptb.py`);",
    "- the aiogram floor, bare aiogram 3 with one commit and one `answer` "
    "(`bench/floor_aiogram.py`);",
    "- the full bot, the real `zhaoshang run` on each runtime, with its people registered and "
    "inside the plan form (`bench/prepare.py`); every draft is reset before each of its rounds "
    "and checked after it.",
    "",
    "Each runs in its own process on its own fresh database. Rounds are interleaved (floor, bot, "
    "floor, bot …) and ratios are taken round by round, because this machine is shared and noisy.",
    "",
]


HEADINGS: Final = {
    "hotpath": [],  # HTTP_INTRO comes first
    "latency": [
        "## Latency with people who think (target: p99 < 25 ms, floor and bot in one run)",
        "",
    ],
    "flood": ["## A flood from one person (target: the others' p99 within 2 ×, one notice)", ""],
    "pending": ["## Pending work (target: a step at most 5 % slower)", ""],
}


def http_sections(only: set[str], backends: list[str], quick: bool) -> dict[str, list[str]]:
    """The sections that need the fake Bot API, per backend, with one set of processes."""
    from hotpath import FLOOR_VARIANTS, Templates, contenders
    from procs import FakeApi, pg_available
    from sections import flood, latency, pending, pending_in_process, pending_work, throughput

    out: dict[str, list[str]] = {name: list(HEADINGS[name]) for name in OVER_HTTP & only}
    rounds, seconds = (2, 2.0) if quick else (5, 2.5)
    fake = FakeApi()
    try:
        with ExitStack() as stack:
            templates = Templates(stack)
            for backend in backends:
                if backend == "postgres" and not pg_available():
                    for name in out:
                        out[name] += ["PostgreSQL did not answer: not measured.", ""]
                    continue
                keys = ["ptb-floor", "ptb-bot", "aiogram-floor", "aiogram-bot"]
                if "pending" in only:
                    keys.append("ptb-bot-pending")
                if backend == "postgres" and not quick and "hotpath" in only:
                    keys += list(FLOOR_VARIANTS)
                with contenders(
                    fake,
                    backend,
                    keys,
                    templates,
                    setups={"ptb-bot-pending": pending_work},
                    variants={"ptb-bot-pending": ("bot", "ptb", {}), **FLOOR_VARIANTS},
                ) as cs:
                    if "hotpath" in only:
                        out["hotpath"] += throughput(fake, cs, backend, rounds, seconds)
                    if "latency" in only:
                        out["latency"] += latency(fake, cs, backend, 1, 5.0 if quick else 10.0)
                    if "pending" in only:
                        out["pending"] += pending(fake, cs, backend, 2 if quick else 3, seconds)
                    if "flood" in only and backend == "sqlite":
                        out["flood"] += flood(
                            fake, cs["ptb-bot"], 1 if quick else 2, 5.0 if quick else 8.0
                        )
        if "pending" in only:
            out["pending"] += pending_in_process(50 if quick else 200)
        print("fake Bot API:", fake.stats(), flush=True)
    finally:
        fake.close()
    return out


def memory_section(quick: bool) -> list[str]:
    """RSS with 10,000 open drafts."""
    from hotpath import Templates
    from procs import FakeApi
    from sections import memory

    fake = FakeApi()
    try:
        with ExitStack() as stack:
            return [
                "## Memory (target: 10,000 open drafts in one process < 250 MiB RSS)",
                "",
                *memory(fake, Templates(stack), 2_000 if quick else 10_000),
            ]
    finally:
        fake.close()


def others_section(name: str, quick: bool) -> list[str]:
    """The fan-out (bench/fanout.py), several processes (bench/processes.py) and recovery
    (bench/recovery.py) sections, written by their own modules."""
    try:
        if name == "fanout":
            import fanout

            return [*fanout.fanout(n=2_000 if quick else 10_000), ""]
        if name == "recovery":
            import asyncio

            import recovery

            return [asyncio.run(recovery.main(2 if quick else 5)), ""]
        import processes

        return [processes.section(rounds=1 if quick else 3, seconds=5.0 if quick else 20.0), ""]
    except ImportError as exc:
        return [f"## {name}", "", f"Not run: {exc}.", ""]


def read_sections() -> dict[str, str]:
    """The sections of the RESULTS.md there is, by name."""
    if not RESULTS.exists():
        return {}
    found = re.split(r"<!-- section: (\w+) -->\n", RESULTS.read_text(encoding="utf-8"))
    return {found[i]: found[i + 1] for i in range(1, len(found) - 1, 2)}


def main() -> None:
    """Measure the chosen sections and write them into bench/RESULTS.md (keeping the others)."""
    ap = argparse.ArgumentParser(description="zhaoshang's benchmarks; writes bench/RESULTS.md")
    ap.add_argument("--only", default=",".join(SECTIONS), help=f"some of {','.join(SECTIONS)}")
    ap.add_argument("--skip", default="", help="sections to leave out")
    ap.add_argument("--quick", action="store_true", help="short rounds, fewer people")
    ap.add_argument("--backends", default="sqlite,postgres")
    args = ap.parse_args()
    only = set(args.only.split(",")) - set(args.skip.split(","))
    if unknown := only - set(SECTIONS):
        ap.error(f"unknown sections: {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    made: dict[str, list[str]] = {}

    def write() -> None:
        """RESULTS.md with what is measured so far (a section that fails loses only itself)."""
        sections = read_sections()
        for name, lines in made.items():
            sections[name] = "\n".join(lines).rstrip("\n") + "\n\n"
        took = time.perf_counter() - started
        head = [
            "# Benchmark results",
            "",
            f"Last run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC ({', '.join(sorted(made))}"
            f"{', quick' if args.quick else ''}; {took / 60:.1f} min), Python "
            f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, load "
            f"average {os.getloadavg()[0]:.1f} at the end. `.venv/bin/python bench/run.py` "
            "writes this (`--only hotpath,latency`, `--skip fanout`, `--quick`); sections not "
            "run keep their last figures.",
            "",
        ]
        body = "".join(f"<!-- section: {n} -->\n{sections[n]}" for n in SECTIONS if n in sections)
        RESULTS.write_text("\n".join(head) + "\n" + body, encoding="utf-8")

    if "documents" in only:
        made["documents"] = documents_section()
        write()
    if "library" in only:
        made["library"] = library_section(args.quick)
        write()
    if "listing" in only:
        made["listing"] = listing_section(args.quick, args.backends.split(","))
        write()
    if only & OVER_HTTP:
        made.update(http_sections(only, args.backends.split(","), args.quick))
        made["hotpath"] = HTTP_INTRO + made.get("hotpath", [])
        write()
    if "memory" in only:
        made["memory"] = memory_section(args.quick)
        write()
    for name in ("fanout", "processes", "recovery"):
        if name in only:
            made[name] = others_section(name, args.quick)
            write()
    print(RESULTS.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
