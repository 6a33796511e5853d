"""The Mini App's project page: the office and officials see a project, an investor only their
own (anyone else's gets chat's refusal, 403, audited); its documents download with the
initData header; and a button of the person's chat card pressed on the page is the chat's
press: the same guards, confirmation and audit, and the chat card is updated through the
outbox."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from html import unescape

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import col, select

from bot.web.server import INIT_DATA_HEADER, WebApp
from handlers.buttons import PIPELINE_BUTTONS
from handlers.context import Services
from storage.tables import AuditEntry, OutboxMessage
from tests.bot.web.test_server import TOKEN, init_data
from tests.conftest import Clock
from tests.handlers.flows import official, project, project_of
from workflow.roles import Role

OFFICE, INVESTOR, OTHER = 501, 503, 504


@pytest.fixture
def world(services: Services) -> dict[str, int]:
    office = official(services, str(OFFICE), "办公室", Role.OFFICE, "office")
    investor = official(services, str(INVESTOR), "投资方", Role.INVESTOR, None)
    official(services, str(OTHER), "另一投资方", Role.INVESTOR, None)
    return {
        "office": office,
        "lead": project(services, "QX-2026-0001", 5000, stage="lead", investor_id=investor),
        "review": project(services, "QX-2026-0002", 40000, stage="review"),
    }


@pytest.fixture
async def client(services: Services, world: dict[str, int]) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    app = WebApp(services, TOKEN, max_age=timedelta(days=1)).application()
    async with TestClient(TestServer(app, host="127.0.0.1")) as c:
        yield c


def as_user(clock: Clock, user: int, language: str = "zh-hans") -> dict[str, str]:
    return {INIT_DATA_HEADER: init_data(clock, user, language)}


def audit(s: Services, action: str) -> list[AuditEntry]:
    with s.uow() as uow:
        rows = uow.session.exec(select(AuditEntry).where(col(AuditEntry.action) == action)).all()
        uow.session.expunge_all()
        return list(rows)


def outbox(s: Services, chat: str) -> list[OutboxMessage]:
    with s.uow() as uow:
        rows = uow.session.exec(
            select(OutboxMessage).where(col(OutboxMessage.chat_id) == chat)
        ).all()
        uow.session.expunge_all()
        return list(rows)


def stage_of(s: Services, pid: int) -> str:
    with s.uow() as uow:
        return project_of(uow, pid).stage


def text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


async def press(
    client: TestClient,  # type: ignore[type-arg]
    clock: Clock,
    user: int,
    pid: int,
    data: str,
) -> ClientResponse:
    """A chat card's button pressed on the project's page."""
    return await client.post(
        f"/web/project/{pid}/press", data={"data": data}, headers=as_user(clock, user)
    )


async def test_the_office_sees_the_plan_the_findings_the_timeline_and_its_card_buttons(
    client: TestClient,
    services: Services,
    clock: Clock,
    world: dict[str, int],  # type: ignore[type-arg]
) -> None:
    pid = world["lead"]
    response = await client.get(f"/web/project/{pid}", headers=as_user(clock, OFFICE))
    assert response.status == 200
    html = await response.text()
    assert 'data-page="project"' in html and "QX-2026-0001" in html
    assert "项目计划书" in html and "初步筛查" in html and "进展" in html
    assert "〔" in html  # every finding with its citation
    confirm = PIPELINE_BUTTONS.encode("confirm", pid)
    assert f'name="data" value="{confirm}"' in html
    assert f'action="/web/project/{pid}/press" data-target="#actions"' in html
    assert f'href="/web/project/{pid}/file/plan"' in html  # the plan, 附件4, to download


async def test_the_page_is_in_english_for_an_english_reader(
    client: TestClient,
    clock: Clock,
    world: dict[str, int],  # type: ignore[type-arg]
) -> None:
    response = await client.get(
        f"/web/project/{world['lead']}", headers=as_user(clock, OFFICE, "en")
    )
    html = await response.text()
    assert response.status == 200 and 'lang="en"' in html and "Project plan" in html


async def test_an_investor_sees_their_own_project_without_the_officials_findings(
    client: TestClient,
    clock: Clock,
    world: dict[str, int],  # type: ignore[type-arg]
) -> None:
    response = await client.get(f"/web/project/{world['lead']}", headers=as_user(clock, INVESTOR))
    assert response.status == 200
    html = await response.text()
    assert "QX-2026-0001" in html
    assert "/press" not in html and "/file/" not in html  # no office buttons, no documents
    assert "跟踪服务" not in text(html)  # the follow-up tier is the officials' (000 一(三)2(3))


async def test_an_investor_sees_only_their_own_projects(
    client: TestClient,
    services: Services,
    clock: Clock,
    world: dict[str, int],  # type: ignore[type-arg]
) -> None:
    for who, pid in ((OTHER, world["lead"]), (INVESTOR, world["review"]), (INVESTOR, 999999)):
        response = await client.get(f"/web/project/{pid}", headers=as_user(clock, who))
        assert response.status == 403
        body = await response.json()
        assert body["message"] == f"没有找到编号为 {pid} 的项目，或您无权查看。"
    rows = audit(services, "refused:view_project")
    assert len(rows) == 3 and not any(r.allowed for r in rows)


async def test_the_office_confirms_a_project_from_the_page_and_the_chat_card_follows(
    client: TestClient,
    services: Services,
    clock: Clock,
    world: dict[str, int],  # type: ignore[type-arg]
) -> None:
    pid = world["lead"]
    data = PIPELINE_BUTTONS.encode("confirm", pid)
    response = await press(client, clock, OFFICE, pid, data)
    assert response.status == 200
    html = await response.text()
    assert '<section id="actions"' in html.split("<body", 1)[1].split(">", 1)[1].lstrip()[:30]
    assert stage_of(services, pid) == "confirmed"
    assert "② 信息确认" in text(html)  # the card as it now reads, with its next buttons
    assert PIPELINE_BUTTONS.encode("talk", pid) in html
    moves = audit(services, "confirm")
    assert [(r.allowed, r.actor_id, r.object_id) for r in moves] == [
        (True, world["office"], str(pid))
    ]
    cards = [m for m in outbox(services, str(OFFICE)) if m.card == f"pr:{pid}"]
    assert len(cards) == 1 and cards[0].status == "pending"
    assert cards[0].payload["buttons"]  # the chat card keeps its buttons


async def test_a_forged_press_gets_chats_refusal_and_changes_nothing(
    client: TestClient,
    services: Services,
    clock: Clock,
    world: dict[str, int],  # type: ignore[type-arg]
) -> None:
    pid = world["lead"]
    for data in ("garbage", "pr:confirm:abc", PIPELINE_BUTTONS.encode("land", world["review"])):
        response = await press(client, clock, OFFICE, pid, data)
        assert response.status in (400, 403), data
        assert (await response.json())["message"]
    assert stage_of(services, pid) == "lead" and stage_of(services, world["review"]) == "review"
    assert outbox(services, str(OFFICE)) == []
    assert audit(services, "refused:bad_callback")


async def test_an_investor_pressing_an_office_action_is_refused(
    client: TestClient,
    services: Services,
    clock: Clock,
    world: dict[str, int],  # type: ignore[type-arg]
) -> None:
    pid = world["lead"]
    data = PIPELINE_BUTTONS.encode("confirm", pid)
    response = await press(client, clock, INVESTOR, pid, data)
    assert response.status == 403
    assert (await response.json())["message"] == "⛔ 您没有权限进行此操作。此次尝试已记录。"
    assert stage_of(services, pid) == "lead"
    assert [r.allowed for r in audit(services, "refused:pr:confirm")] == [False]


async def test_a_press_that_asks_first_is_confirmed_on_the_page(
    client: TestClient,
    services: Services,
    clock: Clock,
    world: dict[str, int],  # type: ignore[type-arg]
) -> None:
    pid = world["lead"]
    ask = await client.post(
        f"/web/project/{pid}/press",
        data={"data": PIPELINE_BUTTONS.encode("lost", pid)},
        headers=as_user(clock, OFFICE),
    )
    html = await ask.text()
    assert ask.status == 200 and stage_of(services, pid) == "lead"
    yes = re.search(r'value="(pr:lost:[^"]*:y[^"]*)"', html)
    assert yes is not None, html
    done = await client.post(
        f"/web/project/{pid}/press",
        data={"data": unescape(yes[1])},
        headers=as_user(clock, OFFICE),
    )
    assert done.status == 200
    assert stage_of(services, pid) == "lost"


async def test_the_office_downloads_the_plan_and_an_investor_may_not(
    client: TestClient,
    clock: Clock,
    world: dict[str, int],  # type: ignore[type-arg]
) -> None:
    pid = world["lead"]
    got = await client.get(f"/web/project/{pid}/file/plan", headers=as_user(clock, OFFICE))
    assert got.status == 200
    assert (await got.read())[:2] == b"PK"  # a .docx
    assert "attachment" in got.headers["Content-Disposition"]
    refused = await client.get(f"/web/project/{pid}/file/plan", headers=as_user(clock, INVESTOR))
    assert refused.status == 403
    unknown = await client.get(
        f"/web/project/{pid}/file/minutes-1", headers=as_user(clock, OFFICE)
    )
    assert unknown.status == 403


async def test_a_page_request_without_init_data_gets_401(
    client: TestClient,
    world: dict[str, int],  # type: ignore[type-arg]
) -> None:
    pid = world["lead"]
    assert (await client.get(f"/web/project/{pid}")).status == 401
    assert (await client.post(f"/web/project/{pid}/press", data={"data": "x"})).status == 401
    assert (await client.get(f"/web/project/{pid}/file/plan")).status == 401
