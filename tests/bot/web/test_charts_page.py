"""The charts page: a leader sees projects by stage, investment by sector and by stage, review
turnaround and report punctuality drawn as bars with their numbers as text, in their language,
with no script or file from elsewhere; an investor is refused as in chat, and it is audited."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import col, select

from bot.web.server import INIT_DATA_HEADER, WebApp
from handlers.context import Services
from storage.tables import AuditEntry
from tests.bot.web.test_server import TOKEN, init_data
from tests.conftest import Clock
from tests.handlers.flows import official, project
from workflow.roles import Role

LEADER, INVESTOR = 502, 503


@pytest.fixture
async def client(services: Services, clock: Clock) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    official(services, str(LEADER), "区领导", Role.LEADER, None)
    official(services, str(INVESTOR), "投资方", Role.INVESTOR, None)
    project(services, "QX-2026-0001", 5000, stage="confirmed")
    project(services, "QX-2026-0002", 40000, stage="review", sector="electronics")
    project(services, "QX-2026-0003", 120000, stage="review")
    clock.advance(days=15)  # confirmed past its 14 days, review past its 10
    app = WebApp(services, TOKEN, max_age=timedelta(days=1), clock=clock).application()
    async with TestClient(TestServer(app, host="127.0.0.1")) as c:
        yield c


@pytest.mark.parametrize(
    ("language", "title", "review", "money"),
    [
        ("zh-hans", "统计图表", "④ 项目评审", "12.5 亿元"),
        ("en", "Charts", "④ Review", "1.25 bn yuan"),
    ],
)
async def test_a_leader_opens_the_charts_with_their_numbers_as_text(
    client: TestClient,  # type: ignore[type-arg]
    clock: Clock,
    language: str,
    title: str,
    review: str,
    money: str,
) -> None:
    response = await client.get(
        "/web/charts", headers={INIT_DATA_HEADER: init_data(clock, LEADER, language)}
    )
    assert response.status == 200 and response.content_type == "text/html"
    html = await response.text()
    assert f"<title>{title}</title>" in html and 'data-page="charts"' in html
    assert review in html and money in html
    assert '<li data-stage="review" data-total="2">' in html
    assert '<li data-stage="confirmed" data-total="1">' in html
    assert re.search(r'data-key="new_materials" data-wan="125000(\.00)?" data-count="2"', html)
    assert re.search(r'data-key="electronics" data-wan="40000(\.00)?" data-count="1"', html)
    assert 'class="fill amber"' in html and "<svg" not in html and "<script" not in html
    for section in ("stages", "by-sector", "by-stage", "turnaround", "punctuality"):
        assert f'id="{section}"' in html
    assert 'href="/web/reports"' in html and "var(--tg-theme-bg-color" in html
    assert "http" not in html  # nothing from elsewhere


async def test_an_investor_is_refused_the_charts_as_in_chat(
    client: TestClient,  # type: ignore[type-arg]
    services: Services,
    clock: Clock,
) -> None:
    response = await client.get(
        "/web/charts", headers={INIT_DATA_HEADER: init_data(clock, INVESTOR)}
    )
    assert response.status == 403
    body = await response.json()
    assert body["message"] == services.renderer.message("zh-Hans", "common#not_allowed")
    with services.uow() as uow:
        rows = uow.session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "refused:web/charts")
        ).all()
        assert [(r.allowed, r.actor_external) for r in rows] == [(False, str(INVESTOR))]
