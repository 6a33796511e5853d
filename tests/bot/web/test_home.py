"""The Mini App's 工作台: each person is offered the pages their roles open in chat — the
office the board, the reports and the charts; an investor the plan form and only their own
projects; a unit's reporter the reports; someone the bot does not know is sent to /start."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.server import INIT_DATA_HEADER, WebApp
from handlers.context import Services
from tests.bot.web.test_server import TOKEN, init_data
from tests.conftest import Clock
from tests.handlers.flows import official, project
from workflow.roles import Role

OFFICE, INVESTOR, OTHER_INVESTOR, REPORTER, STRANGER = 501, 503, 504, 505, 599


@pytest.fixture
async def client(services: Services) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    official(services, str(OFFICE), "办公室", Role.OFFICE, "office")
    mine = official(services, str(INVESTOR), "李明", Role.INVESTOR, None)
    theirs = official(services, str(OTHER_INVESTOR), "王五", Role.INVESTOR, None)
    official(services, str(REPORTER), "报送人", Role.UNIT_REPORTER, "environment")
    project(services, "QX-2026-0001", 5000, stage="confirmed", investor_id=mine)
    project(services, "QX-2026-0002", 8000, stage="review", investor_id=theirs)
    app = WebApp(services, TOKEN, max_age=timedelta(days=1)).application()
    async with TestClient(TestServer(app, host="127.0.0.1")) as c:
        yield c


async def home(client: TestClient, clock: Clock, user: int, language: str = "zh-hans") -> str:  # type: ignore[type-arg]
    response = await client.get(
        "/web/home", headers={INIT_DATA_HEADER: init_data(clock, user, language)}
    )
    assert response.status == 200
    return await response.text()


def opens(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('data-open="')[1:]]


async def test_the_office_is_offered_the_board_the_reports_and_the_charts(
    client: TestClient,  # type: ignore[type-arg]
    clock: Clock,
) -> None:
    html = await home(client, clock, OFFICE)
    assert opens(html) == ["board", "reports", "charts"]
    assert "<title>工作台</title>" in html and "我的项目" not in html


async def test_an_investor_is_offered_the_plan_and_sees_only_their_own_projects(
    client: TestClient,  # type: ignore[type-arg]
    clock: Clock,
) -> None:
    html = await home(client, clock, INVESTOR, "en")
    assert opens(html) == ["plan"]
    assert "QX-2026-0001" in html and "QX-2026-0002" not in html
    assert "<title>Workbench</title>" in html and "My projects" in html


async def test_a_units_reporter_is_offered_the_reports_and_a_stranger_the_chats_start(
    client: TestClient,  # type: ignore[type-arg]
    clock: Clock,
) -> None:
    assert opens(await home(client, clock, REPORTER)) == ["reports"]
    stranger = await home(client, clock, STRANGER)
    assert opens(stranger) == [] and "/start" in stranger
