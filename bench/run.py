"""Benchmarks of the budgets in ARCHITECTURE.md that need no network: documents, the monthly
aggregate, and the cost of one conversation step as the project library grows. Writes
bench/RESULTS.md. Run: .venv/bin/python bench/run.py   (not part of the test suite)."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.bootstrap import routes
from conversations.inbound import Inbound
from documents.excel import MonthlyAggregate, ReportRow, UnitReport, monthly_aggregate
from documents.word import (
    AgendaItem,
    Attendee,
    AttendeeGroup,
    Minutes,
    ReviewRow,
    ReviewSheet,
    meeting_minutes,
    review_opinion_sheet,
)
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.db import make_engine, migrate
from storage.seed import seed_policy
from storage.tables import MessengerAccount, Person, PersonRole, Project
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer
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


def documents(renderer: Renderer) -> list[str]:
    """The 评审意见表, the 会议纪要 and the aggregate of 100 units' monthly reports."""
    policy = load_default_policy()
    rows = [
        ReviewRow(
            d.form_label,
            [policy.unit(u).name for u in d.units],
            "conditional",
            "须落实环保措施。" * 5,
            "建议补充环评。" * 3,
            "评审员",
            date(2026, 11, 20),
        )
        for d in policy.review_dimensions
    ]
    sheet = ReviewSheet(
        "QX-2026-0001",
        "新能源汽车电机壳体项目",
        "广东华锐精密科技股份有限公司",
        Decimal(65000),
        1,
        date(2026, 11, 23),
        date(2026, 11, 30),
        date(2026, 11, 28),
        "passed",
        None,
        rows,
    )
    items = [
        AgendaItem(f"QX-2026-{i:04d}", "项目", "投资方", Decimal(20000), "passed", "approved")
        for i in range(1, 9)
    ]
    minutes = Minutes(
        "3",
        "联席会议",
        datetime(2026, 12, 3, 6, 30, tzinfo=UTC),
        "第一会议室",
        Attendee("张仁建", "区长"),
        [AttendeeGroup("区经济和信息化局", [Attendee("张庆忠", "局长")])] * 13,
        items,
    )
    units = [
        UnitReport(
            f"单位{i}",
            date(2026, 12, 3),
            False,
            [
                ReportRow(
                    f"QX-2026-{j:04d}",
                    "用地报批滞后",
                    "加快报批",
                    ["国土分局", "规划分局"],
                    "协调中",
                )
                for j in range(5)
            ],
        )
        for i in range(100)
    ]
    aggregate = MonthlyAggregate("2026-11", date(2026, 12, 5), units)
    out = []
    for name, fn, budget in (
        ("评审意见表 (Word)", lambda: review_opinion_sheet(sheet, renderer=renderer), 200),
        ("会议纪要 (Word)", lambda: meeting_minutes(minutes, renderer=renderer), 200),
        (
            "月报汇总, 100 units × 5 rows (Excel)",
            lambda: monthly_aggregate(aggregate, renderer=renderer),
            2000,
        ),
    ):
        median, worst = timed(fn, 10)
        verdict = "within" if worst < budget else "OVER"
        out.append(f"| {name} | {median:.0f} ms | {worst:.0f} ms | < {budget} ms | {verdict} |")
    return out


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
    services = Services(
        uow=factory,
        policy=policy,
        renderer=Renderer(),
        clock=factory.clock,
        timezone=ZoneInfo("Asia/Shanghai"),
        routes=routes(),
    )
    dispatcher = Dispatcher(services)
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


def main() -> None:
    renderer = Renderer()
    lines = [
        "# Benchmark results",
        "",
        f"Run on {date.today().isoformat()}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores. `python bench/run.py` writes this.",
        "",
        "## Documents (ARCHITECTURE.md: a document under 200 ms, the monthly aggregate "
        "of 100 units under 2 s)",
        "",
        "| document | median | worst of 10 | budget | |",
        "| --- | --- | --- | --- | --- |",
        *documents(renderer),
        "",
        "## One conversation step as the library grows (the cost must stay flat)",
        "",
        "An answer to the plan form through the dispatcher: update recorded, actor resolved, "
        "answer parsed, draft stored, one SQLite transaction.",
        "",
        "| projects in the library | median per step |",
        "| --- | --- |",
    ]
    small, large = step_cost(100, 200), step_cost(100_000, 200)
    lines += [
        f"| 100 | {small:.2f} ms |",
        f"| 100,000 | {large:.2f} ms |",
        "",
        f"Ratio 100,000 / 100: {large / small:.2f} (flat when close to 1).",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
