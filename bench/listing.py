"""Finding things as the library grows (issue 15): /pipeline's first page, /find of a rare
word and of a word every project has, and /export of a view, each through the dispatcher as
the office types it; and the Mini App's board page (issue 16), a whole request with its
signed initData. With 100 and with 100,000 projects on SQLite and on PostgreSQL. Run by
bench/run.py (section `listing`)."""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient, TestServer
from procs import database, pg_available

from bot.bootstrap import routes
from bot.web.init_data import sign_fields
from bot.web.server import INIT_DATA_HEADER, WebApp
from conversations.inbound import Inbound
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.db import make_engine, migrate
from storage.seed import seed_policy
from storage.tables import MessengerAccount, Person, PersonRole, Project
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer
from workflow.pipeline import Stage
from workflow.policy import Policy
from workflow.policy_file import load_default_policy

STAGES = [s.value for s in Stage]
SECTORS = ("new_materials", "equipment", "electronics", "biomedicine")
CATEGORIES = ("industry_leader", "listed", "central_soe")
NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)
TOKEN = "123456:bench-listing"
BOARD = "the Mini App's board page (a request: initData checked, page rendered)"


def _library(url: str, projects: int) -> Dispatcher:
    """A database with `projects` projects over every stage, and the office's dispatcher."""
    migrate(url)
    factory = UnitOfWorkFactory(make_engine(url), lambda: NOW)
    policy = load_default_policy()
    with factory() as uow:
        seed_policy(uow, policy)
        office = uow.people.add(Person(name="办公室王", unit_id="office"))
        assert office.id is not None
        uow.session.add(MessengerAccount(person_id=office.id, external_id="1", chat_id="1"))
        uow.session.add(PersonRole(person_id=office.id, role="office", unit_id="office"))
        for start in range(0, projects, 5_000):
            uow.session.bulk_save_objects(
                [
                    Project(
                        serial=f"QX-2026-{i:06d}",
                        name=f"年产{i}万套零部件项目",
                        investor_name=f"广东华锐{i % 997}号科技有限公司",
                        stage=STAGES[i % len(STAGES)],
                        sector=SECTORS[i % len(SECTORS)],
                        plan={"investor_category": CATEGORIES[i % len(CATEGORIES)]},
                        total_investment_wan=Decimal(500 * (i % 240)),
                        findings=[],
                        created_at=NOW,  # a bulk save skips the unit of work's stamping
                        updated_at=NOW,
                    )
                    for i in range(start, min(start + 5_000, projects))
                ]
            )
        uow.commit()
    if url.startswith("postgresql"):
        with factory.engine.begin() as conn:  # as autovacuum would, before anyone searches
            conn.exec_driver_sql("ANALYZE project")
    return Dispatcher(services_on(factory, policy))


def services_on(factory: UnitOfWorkFactory, policy: Policy) -> Services:
    """The handlers' services on a benchmark's database, on its clock."""
    return Services(
        uow=factory,
        policy=policy,
        renderer=Renderer(),
        clock=factory.clock,
        timezone=ZoneInfo("Asia/Shanghai"),
        routes=routes(),
    )


def _timed(dispatcher: Dispatcher, text: str, runs: int) -> float:
    """The median ms of a typed command, answered in full (the reply rendered)."""
    ids = itertools.count()
    command, _, args = text[1:].partition(" ")
    samples = []
    for _ in range(runs):
        event = Inbound(
            user_id="1", chat_id="1", text=text, command=command, args=args,
            update_id=f"u{next(ids)}-{time.perf_counter_ns()}",
        )  # fmt: skip
        t = time.perf_counter()
        outcome = dispatcher.handle(event)
        samples.append((time.perf_counter() - t) * 1000)
        assert outcome.replies, f"{text} was not answered"
    return statistics.median(samples)


def _signed(user_id: str) -> str:
    """The initData Telegram would hand the office's Mini App."""
    fields = {
        "user": json.dumps({"id": int(user_id), "first_name": "王"}),
        "auth_date": str(int(NOW.timestamp())),
    }
    fields["hash"] = sign_fields(TOKEN, fields)
    return urlencode(fields, quote_via=quote)


async def _pages(dispatcher: Dispatcher, runs: int, projects: int) -> dict[str, float]:
    """The median ms of each Mini App page, served over HTTP on 127.0.0.1 as the office asks."""
    app = WebApp(dispatcher.services, TOKEN, max_age=timedelta(days=1)).application()
    headers = {INIT_DATA_HEADER: _signed("1")}
    medians = {}
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        for label, path in PAGES:
            samples = []
            for _ in range(runs):
                t = time.perf_counter()
                response = await client.get(path(projects), headers=headers)
                await response.read()
                samples.append((time.perf_counter() - t) * 1000)
                assert response.status == 200, (path(projects), response.status)
            medians[label] = statistics.median(samples)
    return medians


PAGES: tuple[tuple[str, Callable[[int], str]], ...] = (
    (BOARD, lambda n: "/web/board"),
    (
        "the board under every filter (sector, category, tier, words)",
        lambda n: "/web/board?sector=new_materials&category=listed&tier=approval&q=华锐",
    ),
    ("one column's last page", lambda n: f"/web/board?stage=negotiation&page={max(n // 200, 1)}"),
    ("a project's page", lambda n: f"/web/project/{n // 2}"),
    ("the monthly reports' grid", lambda n: "/web/reports"),
    ("the charts", lambda n: "/web/charts"),
)


COMMANDS: tuple[tuple[str, Callable[[int], str]], ...] = (
    ("/pipeline (first page of the projects in progress)", lambda n: "/pipeline"),
    ("/find of a rare word (one project)", lambda n: f"/find 年产{n // 2}万套"),
    ("/find of a word in every project (the first page of all)", lambda n: "/find 华锐"),
    ("/export of a stage (at most 2,000 rows)", lambda n: "/export 洽谈"),
)


def listing_section(quick: bool, backends: list[str]) -> list[str]:
    """The section's lines: a table per backend, small and large library side by side."""
    large = 10_000 if quick else 100_000
    runs = 5 if quick else 15
    lines = [
        "## Finding things as the library grows (issue 15)",
        "",
        "The office's commands through the dispatcher, in one process, the reply rendered: the "
        "update recorded, the actor resolved, the query, the page. Projects spread over every "
        "stage and four sectors; medians of "
        f"{runs} runs. On PostgreSQL /find is served by the trigram indexes of migration 0011; "
        "on SQLite it reads the table. Each Mini App page is a whole request to its server on "
        "127.0.0.1 (ARCHITECTURE.md: < 300 ms of server time with 10,000 projects).",
        "",
    ]
    for backend in backends:
        if backend == "postgres" and not pg_available():
            continue
        rows: dict[str, list[float]] = {}
        for n in (100, large):
            with database(backend, f"listing{n}") as url:
                dispatcher = _library(url, n)
                for label, text in COMMANDS:
                    rows.setdefault(label, []).append(_timed(dispatcher, text(n), runs))
                for label, ms in asyncio.run(_pages(dispatcher, runs, n)).items():
                    rows.setdefault(label, []).append(ms)
                dispatcher.services.uow.engine.dispose()
        lines += [
            f"### {'SQLite' if backend == 'sqlite' else 'PostgreSQL'}",
            "",
            f"| command | 100 projects | {large:,} projects | ratio |",
            "| --- | --- | --- | --- |",
            *(
                f"| {label} | {small:.1f} ms | {big:.1f} ms | {big / small:.1f} |"
                for label, (small, big) in rows.items()
            ),
            "",
        ]
    return lines
