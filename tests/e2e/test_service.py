"""Service after signing over Telegram's HTTP API: a member unit's reporter joins by invitation
and files the monthly report in chat; the elected process's scheduler gives the office the
aggregate as an Excel file."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Protocol

import pytest

from bot.bootstrap import initialise
from bot.demo import ChatUser
from bot.runtimes import Runtime, make_runtime
from bot.settings import Settings
from documents.excel import xlsx_rows
from sandbox import SandboxServer
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import OFFICE_ID
from tests.e2e.test_review_and_decision import invite, join, newest
from workflow.policy_file import DEFAULT_POLICY_PATH


@pytest.fixture
async def service_bot(
    settings: Settings, uow_factory: UnitOfWorkFactory, tmp_path: Path
) -> AsyncIterator[Runtime]:
    """The bot with a county policy whose report is due on the 1st (so last month's aggregate
    is always due), deadlines looked at every second, and reporting from last month on (a
    fresh deployment would otherwise ask only for periods that open after it started)."""
    policy = tmp_path / "county.yaml"
    policy.write_text(
        DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace(
            "monthly_report_due_day: 5", "monthly_report_due_day: 1"
        ),
        encoding="utf-8",
    )
    county = settings.model_copy(update={"policy_file": policy, "sweep_seconds": 1.0})
    initialise(county, reporting_from=_periods()[0])  # `zhaoshang init --reporting-from`
    runtime = make_runtime(county, uow_factory)
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


async def test_a_unit_files_its_monthly_report_and_the_office_gets_the_aggregate(
    sandbox: SandboxServer, service_bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sb = sandbox
    sb.add_user(OFFICE_ID, "管理员")
    admin = ChatUser(sb, OFFICE_ID, "管理员")
    office = await join(sb, 800, "王主任", await invite(sb, admin, "领导小组办公室"))
    reporter = await join(
        sb, 301, "经信局小陈", await invite(sb, admin, "成员单位报送人", "经信局")
    )
    await fill_in_monthly_report(reporter)
    thanks = await reporter.press("✅ 提交")
    assert "月报已报送" in thanks["text"]
    with uow_factory() as uow:
        unit_reports = [r for r in (uow.reports.get("econ", p) for p in _periods()) if r]
        assert unit_reports and unit_reports[0].submitted_at is not None

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            aggregate = newest(sb, office.user_id, "汇总")
            if aggregate["document"]:
                break
        except AssertionError:
            pass
        await asyncio.sleep(0.2)
    else:
        raise AssertionError("the office got no aggregate")
    sheets = xlsx_rows(sb.file_content(aggregate["document"]["file_id"]))
    assert {"汇总", "按项目", "按协调部门", "原始报表"} <= set(sheets)
    summary = "\n".join(str(c) for row in sheets["汇总"] for c in row if c is not None)
    assert "区环境保护局" in summary  # a unit that did not report is named


class Reporter(Protocol):
    """A person in a messenger's sandbox who writes and presses buttons."""

    async def say(self, text: str) -> Any:
        """Send a text and wait for the answer."""
        ...

    async def press(self, label: str) -> Any:
        """Press the newest button with this label and wait for the answer."""
        ...


async def fill_in_monthly_report(reporter: Reporter) -> None:
    """One matter to report (附件6), every question answered up to the submit button."""
    await reporter.say("/report")
    await reporter.press("有事项需报告")
    for answer in ("1", "QX-2026-0001 新能源汽车电机壳体项目", "用地报批进度滞后。"):
        await reporter.say(answer)
    await reporter.press("跳过")
    await reporter.say("国土分局、规划分局")
    await reporter.press("跳过")


def _periods() -> list[str]:
    from datetime import date

    today = date.today()
    last = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    return [f"{last:%Y-%m}", f"{today:%Y-%m}"]
