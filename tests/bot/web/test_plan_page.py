"""The plan page over HTTP: the form on the chat's draft as a page in the person's language; an
answer posted for one field, refused beside that field with the chat's words or kept in the
chat's draft, answered with the form's wrapper for the page to swap in; the submission; and
the refusals (401 without initData, 403 for whoever the chat does not let fill in a plan)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import col, select

from bot import demo_plan
from bot.web.server import INIT_DATA_HEADER, WebApp
from conversations.draft import Draft
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.tables import AuditEntry, OutboxMessage, Project
from tests.bot.web.test_server import TOKEN, init_data
from tests.conftest import Clock
from tests.handlers.conftest import person
from tests.handlers.flows import official, person_id, project
from tests.handlers.test_onboarding import register
from workflow.roles import Role

INVESTOR, OFFICE = 101, 501

Client = TestClient  # type: ignore[type-arg]


@pytest.fixture
async def client(services: Services) -> AsyncIterator[Client]:
    official(services, str(OFFICE), "办公室", Role.OFFICE, "office")
    register(person(Dispatcher(services), str(INVESTOR), "李明"))
    app = WebApp(services, TOKEN, max_age=timedelta(days=1)).application()
    async with TestClient(TestServer(app, host="127.0.0.1")) as c:
        yield c


def headers(clock: Clock, user: int = INVESTOR, language: str = "zh-hans") -> dict[str, str]:
    return {INIT_DATA_HEADER: init_data(clock, user, language)}


def field_html(page: str, step_id: str) -> str:
    """The form element of one question on the page."""
    found = re.search(
        rf'<form class="q[^"]*" id="q-[^"]*" [^>]*data-field="{re.escape(step_id)}".*?</form>',
        page,
        re.S,
    )
    assert found, f"no field {step_id}"
    return found[0]


def draft_of(s: Services) -> Draft:
    with s.uow() as uow:
        row = uow.drafts.active(person_id(uow, str(INVESTOR)), str(INVESTOR))
        assert row is not None
        return Draft.model_validate(row.data)


@pytest.mark.parametrize(
    ("language", "title", "part", "save"),
    [
        ("zh-hans", "投资项目计划书", "4. 项目拟选址", "保存"),
        ("en", "Investment project plan", "4. Proposed site", "Save"),
    ],
)
async def test_the_plan_page_renders_in_the_persons_language(
    client: Client, clock: Clock, language: str, title: str, part: str, save: str
) -> None:
    response = await client.get("/web/plan", headers=headers(clock, language=language))
    assert response.status == 200 and response.content_type == "text/html"
    html = await response.text()
    assert f"<title>{title}</title>" in html and part in html and save in html
    assert '<body data-page="plan">\n<div id="plan-form">' in html  # the wrapper comes first
    land = field_html(html, "land_area")
    assert 'data-target="#plan-form"' in land and 'name="field" value="land_area"' in land
    assert '<span class="n">4.1</span>' in land


async def test_a_wrong_answer_comes_back_beside_its_field_and_changes_nothing(
    client: Client, services: Services, clock: Clock
) -> None:
    await client.get("/web/plan", headers=headers(clock))
    before = draft_of(services)
    response = await client.post(
        "/web/plan/answer",
        data={"field": "land_area", "value": "120平方米"},
        headers=headers(clock),
    )
    assert response.status == 200
    html = await response.text()
    land = field_html(html, "land_area")
    assert 'class="error" role="alert"' in land and "计划用地面积" in land
    assert 'value="120平方米"' in land  # what was typed stays in the field
    assert html.count('class="error"') == 1
    assert draft_of(services) == before


async def test_an_answer_is_kept_in_the_chats_draft_and_the_form_follows_it(
    client: Client, services: Services, clock: Clock
) -> None:
    await client.get("/web/plan", headers=headers(clock))
    html = await (
        await client.post(
            "/web/plan/answer", data={"field": "site", "value": "other"}, headers=headers(clock)
        )
    ).text()
    assert 'data-field="site_other"' in html  # the question 其他 asks for appeared
    assert draft_of(services).answers["site"] == "other"
    html = await (
        await client.post(
            "/web/plan/answer",
            data={"field": "name", "value": demo_plan.TYPED["name"]},
            headers=headers(clock),
        )
    ).text()
    assert demo_plan.TYPED["name"] in field_html(html, "name")
    assert draft_of(services).current == "content"  # the chat goes on after it


async def test_a_plan_submitted_from_the_page_is_a_project_and_the_chat_is_told(
    client: Client, services: Services, clock: Clock
) -> None:
    await client.get("/web/plan", headers=headers(clock))
    early = await client.post("/web/plan/submit", headers=headers(clock))
    assert "暂不能提交" in await early.text()
    for _ in range(80):
        step = draft_of(services).current
        if step == "summary":
            break
        value = (
            ""
            if step in ("brand", "feasibility_report")
            else (demo_plan.TYPED.get(step) or demo_plan.PRESSED[step])
        )
        answered = await client.post(
            "/web/plan/answer", data={"field": step, "value": value}, headers=headers(clock)
        )
        assert 'class="error"' not in await answered.text(), step
    done = await client.post("/web/plan/submit", headers=headers(clock))
    html = await done.text()
    assert done.status == 200 and "QX-2026-0001" in html and 'data-field="name"' not in html
    again = await client.post("/web/plan/submit", headers=headers(clock))  # a double tap
    assert again.status == 400 and "已经提交" in (await again.json())["message"]
    with services.uow() as uow:
        made = uow.session.exec(select(Project)).one()  # one project, however often
        assert made.investor_person_id == person_id(uow, str(INVESTOR))
        told = uow.session.exec(
            select(OutboxMessage).where(col(OutboxMessage.chat_id) == str(INVESTOR))
        ).all()
        assert any("QX-2026-0001" in m.payload["text"] for m in told)


async def test_the_page_lists_only_the_investors_own_projects(
    client: Client, services: Services, clock: Clock
) -> None:
    with services.uow() as uow:
        mine = person_id(uow, str(INVESTOR))
    project(services, "QX-2026-0001", 5000, investor_id=mine)
    project(services, "QX-2026-0002", 8000)
    html = await (await client.get("/web/plan", headers=headers(clock))).text()
    mine_part = html.split('<section class="mine">')[1]
    assert "QX-2026-0001" in mine_part and "QX-2026-0002" not in html
    assert 'href="/web/project/' in mine_part


async def test_the_office_is_refused_as_in_chat_and_the_attempt_audited(
    client: Client, services: Services, clock: Clock
) -> None:
    for method, path in (
        ("GET", "/web/plan"),
        ("POST", "/web/plan/answer"),
        ("POST", "/web/plan/submit"),
    ):
        response = await client.request(
            method, path, data={"field": "name", "value": "x"}, headers=headers(clock, OFFICE)
        )
        assert response.status == 403, path
        body = await response.json()
        assert body["message"] == services.renderer.message("zh-Hans", "common#not_allowed")
    with services.uow() as uow:
        rows = uow.session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "refused:form:plan")
        ).all()
        assert [(r.allowed, r.actor_external) for r in rows] == [(False, str(OFFICE))] * 3


async def test_without_init_data_the_plan_is_401(client: Client, services: Services) -> None:
    for method, path in (("GET", "/web/plan"), ("POST", "/web/plan/answer")):
        response = await client.request(method, path, data={"field": "name", "value": "x"})
        assert response.status == 401
    with services.uow() as uow:
        assert uow.session.exec(select(Project)).all() == []
        assert not uow.drafts.of_person(person_id(uow, str(INVESTOR)))
