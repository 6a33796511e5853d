"""The monthly reports' pages: the office sees every member unit's months coloured filed on
time, late, missing or open, with a legend, in its language; a unit's reporter sees only their
own unit and is refused another's; the aggregate downloads as chat's Excel file; an investor
is refused as in chat, and every refusal is audited."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import col, select

from bot.web.server import INIT_DATA_HEADER, WebApp
from documents.excel import xlsx_rows
from handlers.context import Services
from handlers.reporting.aggregate import XLSX
from storage.tables import AuditEntry, MonthlyReportRow
from tests.bot.web.test_server import TOKEN, init_data
from tests.conftest import Clock
from tests.handlers.flows import official
from workflow.roles import Role

OFFICE, REPORTER, INVESTOR = 501, 510, 503
TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, tzinfo=TZ).astimezone(UTC)


@pytest.fixture
async def client(services: Services, clock: Clock) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    s = services
    official(s, str(OFFICE), "办公室", Role.OFFICE, "office")
    official(s, str(REPORTER), "经信局报送员", Role.UNIT_REPORTER, "econ")
    official(s, str(INVESTOR), "投资方", Role.INVESTOR, None)
    with s.uow() as uow:
        row = MonthlyReportRow(
            report_id=0,
            project="QX-2026-0001 新能源汽车电机壳体项目",
            problem="用地报批进度滞后。",
            departments="国土分局、规划分局",
        )
        uow.reports.submit("econ", "2026-11", None, at(2026, 12, 3), [row], False)
        uow.reports.submit("econ", "2026-12", None, at(2027, 1, 8), [], True)
        uow.reports.submit("environment", "2026-11", None, at(2026, 12, 4), [], True)
        uow.commit()
    clock.now = at(2027, 2, 26)  # February's report has opened, due on 5 March
    app = WebApp(s, TOKEN, max_age=timedelta(days=1), clock=clock).application()
    async with TestClient(TestServer(app, host="127.0.0.1")) as c:
        yield c


def headers(clock: Clock, user: int, language: str = "zh-hans") -> dict[str, str]:
    return {INIT_DATA_HEADER: init_data(clock, user, language)}


def cells(html: str, unit: str) -> list[str]:
    """The filing of each month of a unit's row, in order."""
    row = re.search(rf'<tr data-unit="{unit}">(.*?)</tr>', html, re.S)
    assert row, f"no row for {unit}"
    return re.findall(r'data-filing="(\w+)"', row.group(1))


def audited(s: Services, action: str) -> list[AuditEntry]:
    with s.uow() as uow:
        rows = uow.session.exec(select(AuditEntry).where(col(AuditEntry.action) == action)).all()
        uow.session.expunge_all()
        return list(rows)


@pytest.mark.parametrize(
    ("language", "title", "legend"),
    [("zh-hans", "成员单位月报", "逾期报送"), ("en", "Member units&#39; monthly reports", "Late")],
)
async def test_the_office_sees_every_units_months_filed_late_missing_or_open(
    client: TestClient,  # type: ignore[type-arg]
    services: Services,
    clock: Clock,
    language: str,
    title: str,
    legend: str,
) -> None:
    response = await client.get("/web/reports", headers=headers(clock, OFFICE, language))
    assert response.status == 200 and response.content_type == "text/html"
    html = await response.text()
    assert f"<title>{title}</title>" in html and legend in html
    assert 'data-page="reports"' in html and 'id="page-style"' in html
    assert cells(html, "econ") == ["before", "before", "on_time", "late", "missing", "open"]
    assert cells(html, "environment")[2:] == ["on_time", "missing", "missing", "open"]
    assert len(re.findall(r'<tr data-unit="', html)) == len(services.policy.member_units())
    name = services.file_name("monthly", period="2026-12")
    assert f'data-download="{name}" href="/web/reports/aggregate?month=2026-12"' in html
    assert 'href="/web/charts"' in html and 'href="/web/reports/unit/econ?' in html
    twelve = await client.get(
        "/web/reports?months=12&to=2026-12", headers=headers(clock, OFFICE, language)
    )
    assert len(cells(await twelve.text(), "econ")) == 12


async def test_a_units_reporter_sees_only_their_unit_and_is_refused_another(
    client: TestClient,  # type: ignore[type-arg]
    services: Services,
    clock: Clock,
) -> None:
    grid = await client.get("/web/reports", headers=headers(clock, REPORTER))
    html = await grid.text()
    assert re.findall(r'<tr data-unit="(\w+)"', html) == ["econ"]
    assert "/web/reports/aggregate" not in html and 'href="/web/charts"' not in html
    mine = await client.get("/web/reports/unit/econ", headers=headers(clock, REPORTER))
    page = await mine.text()
    assert mine.status == 200 and "用地报批进度滞后。" in page and "国土分局、规划分局" in page
    assert 'data-period="2026-12" data-filing="late"' in page and "本月无事项" in page
    other = await client.get("/web/reports/unit/environment", headers=headers(clock, REPORTER))
    assert other.status == 403
    body = await other.json()
    assert body["message"] == services.renderer.message("zh-Hans", "common#not_allowed")
    rows = audited(services, "refused:web/reports/unit")
    assert [(r.allowed, r.actor_external) for r in rows] == [(False, str(REPORTER))]
    taken = await client.get(
        "/web/reports/aggregate?month=2026-12", headers=headers(clock, REPORTER)
    )
    assert taken.status == 403


async def test_the_aggregate_downloads_as_chats_excel_file(
    client: TestClient,  # type: ignore[type-arg]
    services: Services,
    clock: Clock,
) -> None:
    response = await client.get(
        "/web/reports/aggregate?month=2026-11", headers=headers(clock, OFFICE)
    )
    assert response.status == 200 and response.content_type == XLSX
    disposition = response.headers["Content-Disposition"]
    name = services.file_name("monthly", period="2026-11")
    assert unquote(disposition.split("''", 1)[1]) == name
    sheets = xlsx_rows(await response.read())
    assert set(sheets) == {"汇总", "按项目", "按协调部门", "原始报表"}
    flat = "\n".join(str(c) for r in sheets["按协调部门"] for c in r if c is not None)
    assert flat.count("用地报批进度滞后") == 2
    bad = await client.get("/web/reports/aggregate?month=2027-04", headers=headers(clock, OFFICE))
    assert bad.status == 400
    assert "2027-02" in (await bad.json())["message"]


async def test_an_investor_is_refused_the_reports_as_in_chat(
    client: TestClient,  # type: ignore[type-arg]
    services: Services,
    clock: Clock,
) -> None:
    for path in ("/web/reports", "/web/reports/unit/econ", "/web/reports/aggregate?month=2026-11"):
        response = await client.get(path, headers=headers(clock, INVESTOR))
        assert response.status == 403, path
        body = await response.json()
        assert body["message"] == services.renderer.message("zh-Hans", "common#not_allowed")
    assert len(audited(services, "refused:web/reports")) == 2  # the grid and a unit
    assert len(audited(services, "refused:web/reports/aggregate")) == 1
    unsigned = await client.get("/web/reports")
    assert unsigned.status == 401
