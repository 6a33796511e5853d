"""The Mini App's server: every request proves its person by Telegram's initData in a header;
without it, or tampered, or expired, it gets 401 and the attempt is audited; the office gets
the board (columns and counts, as a page in its language and as JSON); an investor is refused
as chat refuses them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import col, select

from bot.web.init_data import sign_fields
from bot.web.server import INIT_DATA_HEADER, WebApp
from handlers.context import Services
from storage.errors import StorageUnavailable
from storage.tables import AuditEntry
from tests.conftest import Clock
from tests.handlers.flows import official, project
from workflow.roles import Role

TOKEN = "123456:TEST-token_abc"
OFFICE, INVESTOR = 501, 503


def init_data(clock: Clock, user_id: int, language: str = "zh-hans", age: float = 0) -> str:
    user = {"id": user_id, "first_name": "某", "language_code": language}
    fields = {
        "query_id": "AAq",
        "user": json.dumps(user, ensure_ascii=False),
        "auth_date": str(int((clock() - timedelta(seconds=age)).timestamp())),
    }
    fields["hash"] = sign_fields(TOKEN, fields)
    return urlencode(fields, quote_via=quote)


@pytest.fixture
async def client(services: Services) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    official(services, str(OFFICE), "办公室", Role.OFFICE, "office")
    official(services, str(INVESTOR), "投资方", Role.INVESTOR, None)
    project(services, "QX-2026-0001", 5000, stage="confirmed")
    project(services, "QX-2026-0002", 40000, stage="review")
    app = WebApp(services, TOKEN, max_age=timedelta(days=1)).application()
    async with TestClient(TestServer(app, host="127.0.0.1")) as c:
        yield c


def refusals(s: Services, action: str) -> list[AuditEntry]:
    with s.uow() as uow:
        rows = uow.session.exec(select(AuditEntry).where(col(AuditEntry.action) == action)).all()
        uow.session.expunge_all()
        return list(rows)


@pytest.mark.parametrize("how", ["missing", "tampered", "expired", "other bot"])
async def test_a_request_without_good_init_data_gets_401_and_is_audited(
    client: TestClient,  # type: ignore[type-arg]
    services: Services,
    clock: Clock,
    how: str,
) -> None:
    headers = {
        "missing": {},
        "tampered": {INIT_DATA_HEADER: init_data(clock, OFFICE).replace("501", "502")},
        "expired": {INIT_DATA_HEADER: init_data(clock, OFFICE, age=86401)},
        "other bot": {INIT_DATA_HEADER: init_data(clock, OFFICE) + "0"},
    }[how]
    for path in ("/web/board", "/web/api/board"):
        response = await client.get(path, headers=headers)
        assert response.status == 401, path
        body = await response.json()
        assert body["message"].startswith("无法确认您的身份"), path
    why = {"missing": "unsigned", "expired": "expired"}.get(how, "tampered")
    rows = refusals(services, "refused:web_auth")
    assert [(r.allowed, r.note, r.object_id) for r in rows] == [
        (False, why, "/web/board"),
        (False, why, "/web/api/board"),
    ]


async def test_the_office_gets_the_boards_columns_and_counts(
    client: TestClient,  # type: ignore[type-arg]
    clock: Clock,
) -> None:
    response = await client.get(
        "/web/api/board", headers={INIT_DATA_HEADER: init_data(clock, OFFICE)}
    )
    assert response.status == 200
    data = await response.json()
    counts = {c["stage"]: c["count"] for c in data["columns"]}
    assert counts["confirmed"] == 1 and counts["review"] == 1 and len(counts) == 10
    review = next(c for c in data["columns"] if c["stage"] == "review")
    assert review["cards"][0]["serial"] == "QX-2026-0002"
    filtered = await client.get(
        "/web/api/board?tier=approval&stage=review",
        headers={INIT_DATA_HEADER: init_data(clock, OFFICE)},
    )
    body = await filtered.json()
    assert body["filters"] == {"tier": "approval"} and len(body["columns"]) == 1


async def test_an_investor_is_refused_as_in_chat(
    client: TestClient,  # type: ignore[type-arg]
    services: Services,
    clock: Clock,
) -> None:
    headers = {INIT_DATA_HEADER: init_data(clock, INVESTOR)}
    response = await client.get("/web/api/board", headers=headers)
    assert response.status == 403
    body = await response.json()
    assert body["message"] == services.renderer.message("zh-Hans", "common#not_allowed")
    page = await client.get("/web/board", headers=headers)
    assert page.status == 403
    rows = refusals(services, "refused:web/board")
    assert [(r.allowed, r.actor_external) for r in rows] == [(False, str(INVESTOR))] * 2


@pytest.mark.parametrize(
    ("language", "title", "stage", "day"),
    [
        ("zh-hans", "招商项目信息库", "④ 项目评审", "2026年11月23日"),
        ("en", "Project library", "④ Review", "23 November 2026"),
    ],
)
async def test_the_board_page_renders_in_the_persons_language(
    client: TestClient,  # type: ignore[type-arg]
    clock: Clock,
    language: str,
    title: str,
    stage: str,
    day: str,
) -> None:
    response = await client.get(
        "/web/board", headers={INIT_DATA_HEADER: init_data(clock, OFFICE, language)}
    )
    assert response.status == 200 and response.content_type == "text/html"
    html = await response.text()
    assert f"<title>{title}</title>" in html and stage in html and day in html
    assert 'class="card green"' in html and "QX-2026-0002" in html
    assert "var(--tg-theme-bg-color" in html and "width=device-width" in html
    assert "http" not in html.split("<body>")[0].replace("http-equiv", "")  # no CDN


async def test_the_shell_loads_telegrams_script_and_asks_with_the_header(
    client: TestClient,  # type: ignore[type-arg]
) -> None:
    response = await client.get("/web/")
    html = await response.text()
    assert response.status == 200
    assert '<script src="https://telegram.org/js/telegram-web-app.js">' in html
    assert '"X-Telegram-Init-Data": initData' in html


async def test_with_the_database_away_a_page_and_a_press_say_so_and_change_nothing(
    client: TestClient,  # type: ignore[type-arg]
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def away(*_: object) -> None:
        raise StorageUnavailable("the database is away")

    monkeypatch.setattr("bot.web.pages.serve_page", away)
    monkeypatch.setattr("bot.web.project.press_on_page", away)
    headers = {INIT_DATA_HEADER: init_data(clock, OFFICE)}
    for response in (
        await client.get("/web/board", headers=headers),
        await client.post("/web/project/1/press", data={"data": "x"}, headers=headers),
    ):
        assert response.status == 503 and response.headers["Retry-After"] == "1"
        body = await response.json()
        assert body["message"] == "系统暂时繁忙，未作任何更改，请稍后再试。"
